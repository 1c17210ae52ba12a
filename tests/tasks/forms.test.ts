/**
 * Feature: a task's decision is checked on the server against the task's Camunda form.
 *
 * The catalog's forms (processes/<code>/forms/*.form, linked by zeebe:formDefinition formId) are
 * the one source: the inbox renders them with form-js, and the server refuses what they refuse —
 * required, min/max, length, pattern, the allowed values of selects, radios and checklists, fields
 * the form does not have — with a 400 naming each field, changing nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { checkAgainstForm, type FormSchema } from '../../src/tasks/index.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig } from '../http/support.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { openInboxTask } from '../support/inbox.js';

const form = (code: string, element: string): FormSchema =>
  JSON.parse(readFileSync(join(process.cwd(), 'processes', code, 'forms', `${element}.form`), 'utf8')) as FormSchema;
const paths = (r: { problems: Array<{ path: string }> }) => r.problems.map((p) => p.path).sort();

describe('Feature: the form-js rules, checked on the server', () => {
  test('Scenario: a hidden field is neither required nor kept (the permit decision: a refusal needs its reason)', () => {
    const permit = form('construction-permit', 'permitDecision');
    expect(checkAgainstForm(permit, { decision: 'granted', permitNumber: '12/GPXD', reason: 'ignored' })).toEqual({
      problems: [],
      value: { decision: 'granted', permitNumber: '12/GPXD' },
    });
    const refused = checkAgainstForm(permit, { decision: 'refused' });
    expect(refused.problems).toEqual([
      expect.objectContaining({ path: '/decision/reason', messageVi: "'Lý do từ chối': thiếu thông tin bắt buộc", messageEn: "'Lý do từ chối': is required" }),
    ]);
    expect(paths(checkAgainstForm(permit, { decision: 'maybe' }))).toEqual(['/decision/decision']);
  });

  test('Scenario: nested keys, an integer amount with a minimum, a date-time (the tax notice)', () => {
    const tax = form('land-use-right-transfer', 'issueTaxNotice');
    expect(checkAgainstForm(tax, { taxNotice: { number: 'TB-01', amount: 1500000, issuedAt: '2026-01-05T09:00+07:00' } }).problems).toEqual([]);
    expect(paths(checkAgainstForm(tax, { taxNotice: { number: '', amount: -1.5, issuedAt: 'hôm qua', other: 1 } }))).toEqual([
      '/decision/taxNotice/amount',
      '/decision/taxNotice/issuedAt',
      '/decision/taxNotice/number',
      '/decision/taxNotice/other',
    ]);
    expect(checkAgainstForm(tax, { taxNotice: { number: 'TB-01', amount: 10.5 } }).problems[0]).toMatchObject({
      messageVi: expect.stringContaining('số nguyên'),
    });
    expect(checkAgainstForm(tax, { taxNotice: { number: 'TB-01', amount: -1 } }).problems[0]).toMatchObject({
      messageVi: expect.stringContaining('nhỏ hơn 0'),
    });
  });

  test('Scenario: a multi-instance opinion: the conditions are required only when agreeing with conditions', () => {
    const opinion = form('construction-permit', 'consultation');
    expect(checkAgainstForm(opinion, { opinion: { verdict: 'agree' } }).problems).toEqual([]);
    expect(paths(checkAgainstForm(opinion, { opinion: { verdict: 'agree_with_conditions' } }))).toEqual(['/decision/opinion/conditions']);
  });

  test('Scenario: pattern, lengths, checklist values, e-mail — as form-js checks them', () => {
    const f: FormSchema = {
      id: 'probe',
      components: [
        { type: 'textfield', key: 'permit', label: 'Số giấy phép', validate: { pattern: '^\\d+/GPXD$', minLength: 3, maxLength: 12 } },
        { type: 'checklist', key: 'docs', label: 'Giấy tờ', values: [{ value: 'a' }, { value: 'b' }], validate: { required: true } },
        { type: 'textfield', key: 'mail', label: 'Thư', validate: { validationType: 'email' } },
        { type: 'group', path: 'g', components: [{ type: 'number', key: 'n', label: 'Số', validate: { min: 1, max: 3 } }] },
      ],
    };
    expect(checkAgainstForm(f, { permit: '12/GPXD', docs: ['a'], mail: 'a@b.vn', g: { n: 2 } }).problems).toEqual([]);
    expect(paths(checkAgainstForm(f, { permit: '12/XD', docs: ['a', 'c'], mail: 'không', g: { n: 4 } }))).toEqual([
      '/decision/docs',
      '/decision/g/n',
      '/decision/mail',
      '/decision/permit',
    ]);
    expect(paths(checkAgainstForm(f, { permit: '12345678/GPXD', docs: [] }))).toEqual(['/decision/docs', '/decision/permit']);
    expect(paths(checkAgainstForm(f, 'approved'))).toEqual(['/decision']);
  });
});

describe('Feature: POST /api/tasks/{id}/complete answers 400 naming each field, and changes nothing', () => {
  const clock = new ManualClock();
  let t: TestDb;
  let service: Service;
  let token = '';
  const as = (method: string, path: string, body?: unknown) => call(service.url, method, path, body, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await openTestDb();
    service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
      db: t.db,
      logger: pino({ level: 'silent' }),
      clock,
    });
    const login = await call(service.url, 'POST', '/api/auth/login', { username: 'motcua.hoa-binh', password: DEMO_PASSWORDS.counter }, { authorization: '' });
    const counter = login.body.token as string;
    const received = await call(
      service.url,
      'POST',
      '/api/dossiers',
      { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() },
      { authorization: `Bearer ${counter}` },
    );
    expect(received.status).toBe(201);
    token = (await call(service.url, 'POST', '/api/auth/login', { username: 'hotich.hoa-binh', password: DEMO_PASSWORDS.officer }, { authorization: '' })).body
      .token;
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await t?.close();
  });

  test('Scenario: a wrong value, a note too long and a field the form lacks → 400 with the three paths; the task is as it was', async () => {
    const code = (await t.db.query<{ code: string }>(`select code from domain.dossiers`)).rows[0].code;
    const task = await openInboxTask((path) => as('GET', path), 'hotich.hoa-binh', code, 'birthRegistration');
    expect((await as('GET', `/api/tasks/${task.id}/form`)).body).toMatchObject({ formId: 'birth-registration-group.birthRegistration', version: 1 });
    expect((await as('POST', `/api/tasks/${task.id}/claim`, {})).status).toBe(200);

    const bad = await as('POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'maybe', note: 'x'.repeat(2001), hacked: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/decision/hacked', '/decision/note', '/decision/outcome']);
    for (const d of bad.body.details) expect(d).toEqual(expect.objectContaining({ messageVi: expect.any(String), messageEn: expect.any(String) }));
    const missing = await as('POST', `/api/tasks/${task.id}/complete`, { decision: { note: 'thiếu kết quả' } });
    expect(missing).toMatchObject({ status: 400, body: { details: [{ path: '/decision/outcome', messageVi: "'Kết quả xử lý': thiếu thông tin bắt buộc" }] } });

    expect((await as('GET', `/api/tasks/${task.id}`)).body).toMatchObject({ state: 'claimed', decision: null, completedAt: null });
    const audited = await t.db.query(`select 1 from domain.audit_log where action = 'task.completed'`);
    expect(audited.rows).toEqual([]);

    const ok = await as('POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Hợp lệ' } });
    expect(ok).toMatchObject({ status: 200, body: { state: 'completed', decision: { outcome: 'approved', note: 'Hợp lệ' } } });
  });
});
