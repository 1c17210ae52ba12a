/**
 * Feature: the service configured with a mail server (SMTP_URL, MAIL_FROM) and its public address
 * (PUBLIC_URL) tells the applicant by e-mail — the whole service, its background outbox relay and
 * a real SMTP server. Form 01 and the letter print the lookup page at PUBLIC_URL.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig } from './support.js';

const FROM = '"Bộ phận Một cửa xã Hòa Bình" <mot-cua@example.gov.vn>';
let smtp: TestSmtp;
let t: TestDb;
let svc: Service;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await openTestDb();
  svc = await startService(
    testConfig({
      processesDir: join(process.cwd(), 'processes'),
      processesDirExplicit: true,
      mail: { url: smtp.url, from: FROM },
      publicUrl: 'https://motcua.example.gov.vn',
    }),
    { db: t.db, logger: pino({ level: 'silent' }) },
  );
}, 120_000);
afterAll(async () => {
  await svc?.close();
  await t?.close();
  await smtp?.close();
});

test('Scenario: the counter receives a birth dossier and refuses it → form 01 names the lookup page; the applicant gets a letter from MAIL_FROM for each, the refusal with its reason and the page', async () => {
  const login = await call(svc.url, 'POST', '/api/auth/login', { username: 'motcua.hoa-binh', password: DEMO_PASSWORDS.counter });
  const auth = { authorization: `Bearer ${login.body.token}` };
  const r = await call(svc.url, 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() }, auth);
  expect(r.status).toBe(201);
  const code: string = r.body.dossier.code;
  expect(JSON.stringify(r.body.form01)).toContain('tại https://motcua.example.gov.vn/tra-cuu');

  const refused = await call(
    svc.url,
    'POST',
    `/api/dossiers/${code}/refusal`,
    { reason: 'Giấy chứng sinh không phải bản chính', legalBasis: 'Luật Hộ tịch 2014, Điều 16' },
    auth,
  );
  expect(refused.status).toBe(201);

  // The receipt's letter first, then the refusal's.
  expect((await smtp.next()).subject).toBe(`Hồ sơ ${code}: đã được tiếp nhận`);
  const letter = await smtp.next();
  expect(letter).toMatchObject({ from: FROM, to: ['an.nguyen@example.vn'], subject: `Hồ sơ ${code}: bị từ chối giải quyết` });
  expect(letter.text).toContain('Lý do: Giấy chứng sinh không phải bản chính');
  expect(letter.text).toContain('Tra cứu tình trạng hồ sơ tại https://motcua.example.gov.vn/tra-cuu');
  expect(letter.text).not.toContain(r.body.lookupSecret);
  expect(smtp.received).toHaveLength(2);
});
