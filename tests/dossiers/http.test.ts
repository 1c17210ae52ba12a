/**
 * Feature: the dossier routes over HTTP on the whole service (the shipped catalog, the demo
 * registry and accounts): bodies and query strings validated by schemas/api, intake problems with
 * their path in Vietnamese and English, the public reaching a dossier only with its secret,
 * illegal moves answered 409, forms as JSON and HTML.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { call, testConfig } from '../http/support.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { birthIntake } from './fixtures.js';

/** The service's clock: Monday 05/01/2026, 09:00 in Hà Nội, and it stays there. */
const clock = new ManualClock();
let t: TestDb;
let svc: Service;
let url: string;
const tokens: Record<string, string> = {};
const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  police: ['congan.tan-an', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
} as const;
type Who = keyof typeof PEOPLE | 'anonymous';
const as = (who: Who, method: string, path: string, body?: unknown) =>
  call(url, method, path, body, { authorization: who === 'anonymous' ? '' : `Bearer ${tokens[who]}` });

beforeAll(async () => {
  t = await openTestDb();
  svc = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock,
  });
  url = svc.url;
  for (const [who, [username, password]] of Object.entries(PEOPLE)) {
    const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status} ${JSON.stringify(r.body)}`);
    tokens[who] = r.body.token;
  }
}, 120_000);
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

const receive = (who: Who = 'counter', extra: Record<string, unknown> = {}) =>
  as(who, 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake(), ...extra });

describe('Feature: receiving over HTTP', () => {
  test('Scenario: the counter officer receives → 201, the code, the secret once, form 01', async () => {
    const r = await receive();
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/dossiers/${r.body.dossier.code}`);
    expect(r.body.dossier).toMatchObject({
      code: expect.stringMatching(/^000\.02\.31\.H99-\d{6}-\d{4}$/),
      status: expect.stringMatching(/^(received|in_progress)$/),
      receivedBy: 'motcua.hoa-binh',
    });
    expect(r.body.dossier.lookupSecretHash).toBeUndefined();
    expect(r.body.form01).toMatchObject({ form: '01', data: { lookupSecret: r.body.lookupSecret } });
  });

  test('Scenario: sent again with its Idempotency-Key → 200, the same dossier and its Location; a malformed key → 400 naming the header', async () => {
    const post = (key: string) =>
      call(
        url,
        'POST',
        '/api/dossiers',
        { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() },
        {
          authorization: `Bearer ${tokens.counter}`,
          'idempotency-key': key,
        },
      );
    const key = `quay-1-${Date.now()}`;
    const first = await post(key);
    const again = await post(key);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.dossier.code).toBe(first.body.dossier.code);
    expect(again.headers.get('location')).toBe(`/api/dossiers/${encodeURIComponent(first.body.dossier.code)}`);
    const bad = await post('two words');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('Idempotency-Key');
  });

  test('Scenario: ?format=html answers form 01 as a printable page', async () => {
    const r = await as('counter', 'POST', '/api/dossiers?format=html', {
      procedureCode: 'birth-registration-group',
      channel: 'counter',
      intake: birthIntake(),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.body).toContain('GIẤY TIẾP NHẬN'.toLowerCase() === 'x' ? '' : 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
  });

  test('Scenario: a bad intake → 400 listing each problem with its path and both languages; nothing is received', async () => {
    const intake = birthIntake();
    intake.applicant.citizenId = '001290123456';
    intake.residence.district = 'huyện Cũ';
    const before = (await t.db.query(`select count(*)::int as n from domain.dossiers`)).rows[0].n;
    const r = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: 'Invalid',
      details: [{ path: '/residence/district', messageVi: expect.any(String), messageEn: expect.any(String) }],
    });
    delete intake.residence.district;
    const r2 = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake });
    expect(r2.body.details).toEqual([expect.objectContaining({ path: '/applicant/citizenId', messageVi: expect.stringContaining('mã thế kỷ') })]);
    expect((await t.db.query(`select count(*)::int as n from domain.dossiers`)).rows[0].n).toBe(before);
  });

  test('Scenario: a bad envelope → 400 from the request schema; an unknown procedure → 400', async () => {
    const r = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'fax', intake: {} });
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ instancePath: '/channel' })]));
    const u = await receive('counter', { procedureCode: 'khong-co' });
    expect(u.status).toBe(400);
  });

  test('Scenario: nobody signed in may file only online; an officer may not receive', async () => {
    expect((await receive('anonymous')).status).toBe(401);
    expect((await receive('police')).status).toBe(403);
    const online = await receive('anonymous', { channel: 'online', receivingAgency: 'mot-cua-xa.hoa-binh' });
    expect(online.status).toBe(201);
    expect(online.body.dossier).toMatchObject({ channel: 'online', receivedBy: null });
  });
});

describe('Feature: the public sees its dossier only with the secret', () => {
  test('Scenario: with the secret → status and appointment; a wrong secret → 404; none → 401; staff → the whole dossier', async () => {
    const r = await receive();
    const code = r.body.dossier.code;
    const pub = await as('anonymous', 'GET', `/api/dossiers/${code}?secret=${r.body.lookupSecret}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({
      code,
      status: expect.stringMatching(/^(received|in_progress)$/),
      appointmentAt: r.body.dossier.appointmentAt,
      supplement: null,
    });
    expect(JSON.stringify(pub.body)).not.toMatch(/001090123456|079301654321|Nguyễn Minh Khang/);
    const header = await call(url, 'GET', `/api/dossiers/${code}`, undefined, { 'x-lookup-secret': r.body.lookupSecret });
    expect(header.status).toBe(200);
    expect((await as('anonymous', 'GET', `/api/dossiers/${code}?secret=AAAA-BBBB-CCCC`)).status).toBe(404);
    expect((await as('anonymous', 'GET', `/api/dossiers/${code}`)).status).toBe(401);
    const staff = await as('counter', 'GET', `/api/dossiers/${code}`);
    expect(staff.body).toMatchObject({
      code,
      applicant: { citizenId: '001090123456' },
      events: expect.arrayContaining([expect.objectContaining({ toStatus: 'received' })]),
    });
    expect((await as('police', 'GET', `/api/dossiers/${code}`)).status).toBe(404); // another commune's officer
  });
});

describe('Feature: the lifecycle over HTTP', () => {
  test('Scenario: supplement request (201, form 02) → the citizen supplements with the secret → a second supplement is 409', async () => {
    const r = await receive();
    const code = r.body.dossier.code;
    const req = await as('counter', 'POST', `/api/dossiers/${code}/supplement-requests`, {
      reasons: ['Thiếu giấy chứng sinh'],
      items: [{ name: 'Giấy chứng sinh' }],
      legalBasis: 'Luật Hộ tịch 2014, Điều 16',
    });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ form: '02' });
    const pub = await as('anonymous', 'GET', `/api/dossiers/${code}?secret=${r.body.lookupSecret}`);
    expect(pub.body.supplement).toMatchObject({ items: [{ name: 'Giấy chứng sinh' }] });
    const sup = await as('anonymous', 'POST', `/api/dossiers/${code}/supplements`, {
      secret: r.body.lookupSecret,
      documents: [{ name: 'Giấy chứng sinh' }],
    });
    expect(sup.status).toBe(200);
    expect(sup.body.status).toBe('supplemented');
    const again = await as('anonymous', 'POST', `/api/dossiers/${code}/supplements`, { secret: r.body.lookupSecret });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'Conflict', details: { status: 'supplemented', transition: 'supplement' } });
    expect((await as('anonymous', 'POST', `/api/dossiers/${code}/supplements`, {})).status).toBe(401);
  });

  test('Scenario: the citizen withdraws with the secret (201, form 05); without it 401, with a wrong one 404, an unknown field 400', async () => {
    const r = await receive();
    const code = r.body.dossier.code;
    expect((await as('anonymous', 'POST', `/api/dossiers/${code}/withdrawal`, {})).status).toBe(401);
    expect((await as('anonymous', 'POST', `/api/dossiers/${code}/withdrawal`, { secret: 'SAI-MA-TRA-CUU' })).status).toBe(404);
    const bad = await as('anonymous', 'POST', `/api/dossiers/${code}/withdrawal`, { secret: r.body.lookupSecret, why: 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('why');
    const w = await as('anonymous', 'POST', `/api/dossiers/${code}/withdrawal`, { secret: r.body.lookupSecret, reason: 'Đã làm thủ tục ở nơi khác' });
    expect(w.status).toBe(201);
    expect(w.body.form).toBe('05');
    const again = await as('anonymous', 'POST', `/api/dossiers/${code}/withdrawal`, { secret: r.body.lookupSecret });
    expect(again.status).toBe(409);
  });

  test('Scenario: refusal (201, form 03) → return (200) → a second return is 409; the auditor may not refuse (403)', async () => {
    const code = (await receive()).body.dossier.code;
    expect((await as('auditor', 'POST', `/api/dossiers/${code}/refusal`, { reason: 'x', legalBasis: 'y' })).status).toBe(403);
    const refusal = await as('counter', 'POST', `/api/dossiers/${code}/refusal`, {
      reason: 'Không thuộc thẩm quyền',
      legalBasis: 'Nghị định 123/2015/NĐ-CP',
    });
    expect(refusal.status).toBe(201);
    expect(refusal.body.form).toBe('03');
    expect((await as('counter', 'POST', `/api/dossiers/${code}/return`, {})).body.status).toBe('returned');
    expect((await as('counter', 'POST', `/api/dossiers/${code}/return`, {})).status).toBe(409);
    expect((await as('counter', 'POST', `/api/dossiers/${code}/stop`, { reason: 'x' })).status).toBe(400);
  });

  test('Scenario: forms as JSON and HTML; an unknown form is 400; the register of the section (form 07)', async () => {
    const received = (await receive()).body;
    const code = received.dossier.code;
    const json = await as('counter', 'GET', `/api/dossiers/${code}/forms/01`);
    expect(json.status).toBe(200);
    expect(json.body.data.lookupSecret).toBeUndefined();
    // The receipt's copy: with the secret the counter was just shown, it is printed on form 01; a wrong one is refused.
    const withSecret = (secret: string) =>
      call(url, 'GET', `/api/dossiers/${code}/forms/01?format=html`, undefined, { authorization: `Bearer ${tokens.counter}`, 'x-lookup-secret': secret });
    const printed = await withSecret(received.lookupSecret.toLowerCase());
    expect({ status: printed.status, hasSecret: String(printed.body).includes(received.lookupSecret) }).toEqual({ status: 200, hasSecret: true });
    expect((await withSecret('AAAA-AAAA-AAAA')).status).toBe(404);
    const html = await as('auditor', 'GET', `/api/dossiers/${code}/forms/06?format=html`);
    expect(html.status).toBe(200);
    expect(html.body).toContain('Phiếu kiểm soát quá trình giải quyết hồ sơ');
    expect((await as('counter', 'GET', `/api/dossiers/${code}/forms/09`)).status).toBe(400);
    expect((await as('counter', 'GET', `/api/dossiers/${code}/forms/01?format=pdf`)).status).toBe(400);
    const today = '2026-01-05'; // the day of receipt, on the service's clock
    const reg = await as('counter', 'GET', `/api/registers/07?from=${today}&to=${today}`);
    expect(reg.status).toBe(200);
    expect(reg.body.data.rows.map((x: any) => x.code)).toContain(code);
    expect((await as('counter', 'GET', `/api/registers/07?from=${today}`)).status).toBe(400);
    const regHtml = await as('auditor', 'GET', `/api/registers/07?from=${today}&to=${today}&agency=mot-cua-xa.hoa-binh&format=html`);
    expect({ status: regHtml.status, body: String(regHtml.body).slice(0, 300) }).toMatchObject({
      status: 200,
      body: expect.stringContaining('<!DOCTYPE html>'),
    });
    expect(regHtml.body).toContain('size: A4 landscape');
  });
});
