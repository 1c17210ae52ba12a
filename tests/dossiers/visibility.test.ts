/**
 * Feature: one rule decides who sees a dossier (src/dossiers/visibility.ts), so every route that
 * shows a dossier or a part of it gives the same caller the same answer.
 *
 * On the whole service (the shipped processes, the demo registry, the inbox worker, the
 * service-task workers), through the HTTP API and the inbox as their users work, three birth-group
 * dossiers are received by xã Hòa Bình's one-stop section and handed to its civil-status officer,
 * then to the commune police and social insurance (in parallel):
 *
 *   D1  supplement asked by the police, supplied by the counter, an apology from the civil-status
 *       officer, refused by social insurance (forms 01, 02, 04, 03; the open steps cancelled);
 *   D2  supplement asked by the counter, supplied by the citizen with the lookup secret, an
 *       apology from the police, stopped by the counter (forms 01, 02, 04, 05);
 *   D3  every step completed and the result handed back by the counter (returned).
 *
 * Then each caller — admin, auditor, the receiving counter, another commune's counter, the
 * officers of the three step agencies, an officer of an agency with no step, a designer, and
 * anonymous without the secret — calls GET /api/dossiers/{code}, …/trace and …/forms/01…06 of
 * each dossier (the forms it has: 03 and 05 exclude each other), and every answer of one caller
 * must be the same: all 200, all 404 (word for word the answer for a dossier that does not
 * exist), all 403 (a role that sees no dossier), or all 401. Register 07 lists a dossier exactly
 * to those who get 200, and every write answers a caller who may not see the dossier exactly as
 * for a dossier that does not exist. The same matrix is checked earlier, while only the first
 * step has been handed over: the police and social insurance do not see the dossier yet.
 *
 * No sleeps: waiting is for a condition (the inbox worker runs on its own). No wall clock: the
 * service runs on a ManualClock (Monday 05/01/2026, 09:00 in Hà Nội) that nothing moves, and the
 * child was born on a fixed day before it.
 *
 * Set PRINT_MATRIX=1 to print the matrices.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { call, testConfig, type Reply } from '../http/support.js';
import { waitFor } from '../support/engine.js';
import { openInboxTask } from '../support/inbox.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { birthIntake } from './fixtures.js';

const PROCESSES = join(process.cwd(), 'processes');

const PEOPLE = {
  admin: ['quantri', DEMO_PASSWORDS.admin],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter], // received every dossier
  otherCounter: ['motcua.tan-an', DEMO_PASSWORDS.counter], // another commune's one-stop section
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer], // the first step's agency
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer], // a parallel step's agency
  insurance: ['bhxh', DEMO_PASSWORDS.officer], // the other parallel step's agency (province level)
  otherPolice: ['congan.tan-an', DEMO_PASSWORDS.officer], // an agency with no step
  designer: ['thietke', DEMO_PASSWORDS.designer],
} as const;
type Person = keyof typeof PEOPLE;
type Caller = Person | 'anonymous';
const CALLERS: Caller[] = [...(Object.keys(PEOPLE) as Person[]), 'anonymous'];

/** What each caller must get on every route once the steps are handed over (and after). */
const SEES: Record<Caller, number> = {
  admin: 200,
  auditor: 200,
  counter: 200,
  otherCounter: 404,
  civil: 200,
  police: 200,
  insurance: 200,
  otherPolice: 404,
  designer: 403,
  anonymous: 401,
};

let t: TestDb;
let svc: Service;
let url: string;
const tokens: Partial<Record<Person, string>> = {};

const as = (who: Caller, method: string, path: string, body?: unknown): Promise<Reply> =>
  call(url, method, path, body, { authorization: who === 'anonymous' ? '' : `Bearer ${tokens[who]}` });

beforeAll(async () => {
  t = await openTestDb();
  svc = await startService(testConfig({ processesDir: PROCESSES, processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock: new ManualClock(),
  });
  url = svc.url;
  for (const [who, [username, password]] of Object.entries(PEOPLE)) {
    const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status} ${JSON.stringify(r.body)}`);
    tokens[who as Person] = r.body.token;
  }
}, 120_000);
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

// ---- the story, as its users do it -------------------------------------------------------------

function expectStatus(r: Reply, status: number, what: string): void {
  expect({ what, status: r.status, body: r.status === status ? undefined : r.body }).toEqual({ what, status, body: undefined });
}

/** The open task of `code` at `elementId` in `who`'s inbox, once the inbox worker has written it. */
function inboxTask(who: Person, code: string, elementId: string): Promise<any> {
  return openInboxTask((path) => as(who, 'GET', path), PEOPLE[who][0], code, elementId);
}

async function claimAndComplete(who: Person, code: string, elementId: string): Promise<void> {
  const task = await inboxTask(who, code, elementId);
  expectStatus(await as(who, 'POST', `/api/tasks/${task.id}/claim`, {}), 200, `${who} claims ${elementId}`);
  expectStatus(
    await as(who, 'POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } }),
    200,
    `${who} completes ${elementId}`,
  );
}

async function receive(): Promise<{ code: string; secret: string; day: string }> {
  const intake = birthIntake();
  intake.child.birthDate = '2025-12-26'; // ten days before the service's clock
  const r = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake });
  expectStatus(r, 201, 'the counter receives');
  const receivedAt = Date.parse(r.body.dossier.receivedAt);
  return { code: r.body.dossier.code, secret: r.body.lookupSecret, day: new Date(receivedAt + 7 * 3_600_000).toISOString().slice(0, 10) };
}

/** Received, the birth registration decided, the residence and health-insurance steps handed over. */
async function handedToAll(): Promise<{ code: string; secret: string; day: string }> {
  const d = await receive();
  await claimAndComplete('civil', d.code, 'birthRegistration');
  await inboxTask('police', d.code, 'residenceRegistration');
  await inboxTask('insurance', d.code, 'healthInsuranceCard');
  return d;
}

const SUPPLEMENT = {
  reasons: ['Thiếu bản sao giấy chứng sinh'],
  items: [{ name: 'Giấy chứng sinh (bản sao)' }],
  legalBasis: 'Luật Hộ tịch 2014, Điều 16',
};
const APOLOGY = { reason: 'Cần xác minh thêm thông tin cư trú', extra: { value: 2, unit: 'working_days' } };
const DECISION = { reason: 'Hồ sơ không đủ điều kiện', legalBasis: 'Nghị định 123/2015/NĐ-CP' };

// ---- the matrix -----------------------------------------------------------------------------

interface Dossier {
  code: string;
  day: string;
  /** The forms issued for it (06 is built on request, so always there). */
  forms: string[];
}

const readRoutes = (d: Dossier) => [`/api/dossiers/${d.code}`, `/api/dossiers/${d.code}/trace`, ...d.forms.map((f) => `/api/dossiers/${d.code}/forms/${f}`)];

/** Every caller × every route: the status, and the body of each refusal. */
async function matrix(dossiers: Dossier[]): Promise<{ status: Record<Caller, Record<string, number>>; body: Record<Caller, Record<string, any>> }> {
  const status = {} as Record<Caller, Record<string, number>>;
  const body = {} as Record<Caller, Record<string, any>>;
  for (const c of CALLERS) {
    status[c] = {};
    body[c] = {};
    for (const d of dossiers) {
      for (const path of readRoutes(d)) {
        const r = await as(c, 'GET', path);
        status[c][path] = r.status;
        if (r.status >= 400) body[c][path] = r.body;
      }
    }
  }
  if (process.env.PRINT_MATRIX) {
    const paths = Object.keys(status.admin);
    const lines = [
      `| route | ${CALLERS.join(' | ')} |`,
      `|---|${CALLERS.map(() => '---').join('|')}|`,
      ...paths.map((p) => `| ${p} | ${CALLERS.map((c) => status[c][p]).join(' | ')} |`),
    ];
    console.log(lines.join('\n'));
  }
  return { status, body };
}

/** One status per caller when every route agrees, else the routes by status (which fails the comparison). */
function verdicts(status: Record<Caller, Record<string, number>>): Record<Caller, number | Record<string, string[]>> {
  const out = {} as Record<Caller, number | Record<string, string[]>>;
  for (const c of CALLERS) {
    const byStatus: Record<string, string[]> = {};
    for (const [path, s] of Object.entries(status[c])) (byStatus[s] ??= []).push(path);
    const distinct = Object.keys(byStatus);
    out[c] = distinct.length === 1 ? Number(distinct[0]) : byStatus;
  }
  return out;
}

/** A refusal with the dossier's code made anonymous, to compare with the answer for a code that does not exist. */
const withoutCode = (body: unknown, code: string) => JSON.parse(JSON.stringify(body).split(code).join('<code>'));

/** For a caller who may not see `d`: each route answers exactly as for a dossier that does not exist. */
async function sameAsNonexistent(who: Caller, d: Dossier, seen: Record<string, any>): Promise<void> {
  const ghost = `${d.code.replace(/-\d{4}$/, '')}-9999`;
  for (const path of readRoutes(d)) {
    const r = await as(who, 'GET', path.replace(d.code, ghost));
    expect({ who, path, answer: withoutCode(seen[path], d.code) }).toEqual({ who, path, answer: withoutCode(r.body, ghost) });
  }
}

/** Register 07 of the receiving section for the days of receipt: which of `dossiers` it lists to `who` (or its refusal status). */
async function registerLists(who: Caller, dossiers: Dossier[]): Promise<number | string[]> {
  const days = dossiers.map((d) => d.day).sort();
  const r = await as(who, 'GET', `/api/registers/07?from=${days[0]}&to=${days[days.length - 1]}&agency=mot-cua-xa.hoa-binh`);
  if (r.status !== 200) return r.status;
  const listed = new Set<string>(r.body.data.rows.map((x: any) => x.code));
  return dossiers.filter((d) => listed.has(d.code)).map((d) => d.code);
}

// ---- the scenario ---------------------------------------------------------------------------

test('Given dossiers received by one commune and handed to its civil-status officer, the police and social insurance, when every caller reads every part of them, then each caller gets one answer on every route — the one rule of visibility.ts', async () => {
  // While only the first step has been handed over, the parallel steps' agencies see nothing yet.
  const first = await receive();
  await inboxTask('civil', first.code, 'birthRegistration');
  const early = await matrix([{ code: first.code, day: first.day, forms: ['01', '06'] }]);
  expect(verdicts(early.status)).toEqual({ ...SEES, police: 404, insurance: 404 });
  for (const who of ['police', 'insurance', 'otherCounter', 'otherPolice'] as const)
    await sameAsNonexistent(who, { code: first.code, day: first.day, forms: ['01', '06'] }, early.body[who]);
  await claimAndComplete('civil', first.code, 'birthRegistration');
  await inboxTask('police', first.code, 'residenceRegistration');
  await inboxTask('insurance', first.code, 'healthInsuranceCard');

  // D1: the police asks for a supplement, the counter supplies it, the civil-status officer apologises, social insurance refuses.
  const d1 = first;
  expectStatus(await as('police', 'POST', `/api/dossiers/${d1.code}/supplement-requests`, SUPPLEMENT), 201, 'D1: the police asks for a supplement');
  expectStatus(
    await as('counter', 'POST', `/api/dossiers/${d1.code}/supplements`, { documents: [{ name: 'Giấy chứng sinh (bản sao)' }] }),
    200,
    'D1: the counter supplies it',
  );
  expectStatus(await as('civil', 'POST', `/api/dossiers/${d1.code}/apology`, APOLOGY), 201, 'D1: the civil-status officer apologises');
  expectStatus(await as('insurance', 'POST', `/api/dossiers/${d1.code}/refusal`, DECISION), 201, 'D1: social insurance refuses');

  // D2: the counter asks for a supplement, the citizen supplies it with the secret, the police apologises, the counter stops it.
  const d2 = await handedToAll();
  expectStatus(await as('counter', 'POST', `/api/dossiers/${d2.code}/supplement-requests`, SUPPLEMENT), 201, 'D2: the counter asks for a supplement');
  expectStatus(
    await as('anonymous', 'POST', `/api/dossiers/${d2.code}/supplements`, {
      secret: d2.secret,
      documents: [{ name: 'Giấy chứng sinh (bản sao)' }],
    }),
    200,
    'D2: the citizen supplies it',
  );
  expectStatus(await as('police', 'POST', `/api/dossiers/${d2.code}/apology`, APOLOGY), 201, 'D2: the police apologises');
  expectStatus(await as('counter', 'POST', `/api/dossiers/${d2.code}/stop`, DECISION), 201, 'D2: the counter stops it');

  // D3: every step done; the counter hands the result back.
  const d3 = await handedToAll();
  await Promise.all([claimAndComplete('police', d3.code, 'residenceRegistration'), claimAndComplete('insurance', d3.code, 'healthInsuranceCard')]);
  await inboxTask('counter', d3.code, 'returnResult');
  await waitFor('D3 to be done', async () => (await as('counter', 'GET', `/api/dossiers/${d3.code}`)).body.status === 'done', 20_000);
  expectStatus(await as('counter', 'POST', `/api/dossiers/${d3.code}/return`, { note: 'Công dân đã nhận kết quả' }), 200, 'D3: the counter returns the result');

  const dossiers: Dossier[] = [
    { code: d1.code, day: d1.day, forms: ['01', '02', '03', '04', '06'] },
    { code: d2.code, day: d2.day, forms: ['01', '02', '04', '05', '06'] },
    { code: d3.code, day: d3.day, forms: ['01', '06'] },
  ];

  // Every read route, every caller: one answer per caller.
  const late = await matrix(dossiers);
  expect(verdicts(late.status)).toEqual(SEES);
  // Those who may not see a dossier learn nothing: the answers of a dossier that does not exist.
  for (const who of ['otherCounter', 'otherPolice'] as const) for (const d of dossiers) await sameAsNonexistent(who, d, late.body[who]);
  expect(late.body.designer[`/api/dossiers/${d1.code}`]).toMatchObject({ error: 'Forbidden' });

  // Register 07 lists a dossier to exactly those who see it.
  for (const c of CALLERS) {
    const want = SEES[c] === 200 ? dossiers.map((d) => d.code) : SEES[c] === 404 ? [] : SEES[c];
    expect({ caller: c, register: await registerLists(c, dossiers) }).toEqual({ caller: c, register: want });
  }

  // Writes pass the same rule first: to a caller who may not see the dossier, each answers as for a dossier that does not exist.
  const writes: [string, unknown][] = [
    ['supplement-requests', SUPPLEMENT],
    ['supplements', { documents: [{ name: 'x' }] }],
    ['refusal', DECISION],
    ['stop', DECISION],
    ['apology', APOLOGY],
    ['return', { note: 'x' }],
  ];
  for (const who of ['otherCounter', 'otherPolice', 'designer', 'anonymous'] as const) {
    for (const d of dossiers) {
      for (const [action, body] of writes) {
        const real = await as(who, 'POST', `/api/dossiers/${d.code}/${action}`, body);
        const ghost = await as(who, 'POST', `/api/dossiers/${d.code.replace(/-\d{4}$/, '')}-9999/${action}`, body);
        expect({ who, action, status: real.status }).toEqual({ who, action, status: ghost.status });
        expect([401, 403, 404]).toContain(real.status);
      }
    }
  }
  // …and changed nothing.
  const statuses = await Promise.all(dossiers.map(async (d) => (await as('admin', 'GET', `/api/dossiers/${d.code}`)).body.status));
  expect(statuses).toEqual(['refused', 'stopped', 'returned']);
}, 240_000);
