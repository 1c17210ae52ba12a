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
 * officers of the three step agencies, an officer of an agency with no step, a designer, an API
 * client with the 'worker' role, and anonymous without the secret — calls every dossier route of
 * ROUTES: the reads (GET /api/dossiers/{code}, …/trace and …/forms/01…06 of each dossier, the
 * forms it has: 03 and 05 exclude each other), and every answer of one caller must be the same:
 * all 200, all 404 (status and body word for word the answer for a dossier that does not exist),
 * all 403 (a role that sees no dossier), or all 401. The lists (the search, register 07, the
 * dossiers behind a bar of the on-time report) name a dossier only to those who get 200 — the
 * search and the register exactly to them —, and every write answers a caller who may not see
 * the dossier exactly (status and body) as for a dossier that does not exist, and changes
 * nothing. The same matrix is checked earlier, while only the first step has been handed over:
 * the police and social insurance do not see the dossier yet.
 *
 * ROUTES is checked against the service's own OpenAPI document (GET /api/openapi.json, built from
 * the express routers): every operation whose path names a dossier, a register or a {code} must be
 * in ROUTES or in NOT_A_DOSSIER_ROUTE with its reason, so a route added tomorrow fails here until
 * it is in the matrix.
 *
 * No sleeps: waiting is for a condition (the inbox worker runs on its own). No wall clock: the
 * service runs on a ManualClock (Monday 05/01/2026, 09:00 in Hà Nội) that nothing moves, and the
 * child was born on a fixed day before it.
 *
 * Set PRINT_MATRIX=1 to print the matrices.
 */
import { join } from 'node:path';
import { URLSearchParams } from 'node:url';
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
type Person = keyof typeof PEOPLE | 'worker';
type Caller = Person | 'anonymous';
/** 'worker': an API client (POST /api/clients, then /oauth/token) that holds the worker role only. */
const CALLERS: Caller[] = [...(Object.keys(PEOPLE) as Person[]), 'worker', 'anonymous'];

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
  worker: 403,
  anonymous: 401,
};

let t: TestDb;
let svc: Service;
let url: string;
const tokens: Partial<Record<Person, string>> = {};
/** Each signed-in person's agency (null: none). */
const agencies: Partial<Record<Person, string | null>> = {};

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
    agencies[who as Person] = r.body.user.agencyCode ?? null;
  }
  const client = await as('admin', 'POST', '/api/clients', { clientId: 'visibility-worker', name: 'Worker', roles: ['worker'], jobTypes: ['visibility-job'] });
  if (client.status !== 201) throw new Error(`no API client: ${client.status} ${JSON.stringify(client.body)}`);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'visibility-worker', client_secret: client.body.clientSecret }).toString();
  const token = await call(url, 'POST', '/oauth/token', form, { authorization: '', 'content-type': 'application/x-www-form-urlencoded' });
  if (token.status !== 200) throw new Error(`the worker gets no token: ${token.status} ${JSON.stringify(token.body)}`);
  tokens.worker = token.body.access_token;
  agencies.worker = null;
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
function inboxTask(who: keyof typeof PEOPLE, code: string, elementId: string): Promise<any> {
  return openInboxTask((path) => as(who, 'GET', path), PEOPLE[who][0], code, elementId);
}

async function claimAndComplete(who: keyof typeof PEOPLE, code: string, elementId: string): Promise<void> {
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

/**
 * Every dossier route of the service, as the OpenAPI document names it ('METHOD /path/{param}'):
 *
 *   read   a GET of one dossier or a part of it, called for each dossier (forms: each form it has);
 *   write  a POST to one dossier, with a valid body, called by those who may not see it;
 *   list   a GET that names dossiers: which of the story's dossiers it names to a caller, or the
 *          status of its refusal.
 */
type Route = { kind: 'read' } | { kind: 'write'; body: unknown } | { kind: 'list'; lists: (who: Caller, dossiers: Dossier[]) => Promise<number | string[]> };
const ROUTES: Record<string, Route> = {
  'GET /api/dossiers/{code}': { kind: 'read' },
  'GET /api/dossiers/{code}/trace': { kind: 'read' },
  'GET /api/dossiers/{code}/forms/{no}': { kind: 'read' },
  'GET /api/dossiers': { kind: 'list', lists: (who, dossiers) => searchLists(who, dossiers) },
  'GET /api/registers/07': { kind: 'list', lists: (who, dossiers) => registerLists(who, dossiers) },
  'GET /api/reports/on-time/dossiers': { kind: 'list', lists: async (who, dossiers) => reportNames(await reportLists(who, dossiers)) },
  'POST /api/dossiers/{code}/supplement-requests': { kind: 'write', body: SUPPLEMENT },
  'POST /api/dossiers/{code}/supplements': { kind: 'write', body: { documents: [{ name: 'x' }] } },
  'POST /api/dossiers/{code}/refusal': { kind: 'write', body: DECISION },
  'POST /api/dossiers/{code}/stop': { kind: 'write', body: DECISION },
  'POST /api/dossiers/{code}/withdrawal': { kind: 'write', body: { reason: 'Người nộp xin rút hồ sơ' } },
  'POST /api/dossiers/{code}/apology': { kind: 'write', body: APOLOGY },
  'POST /api/dossiers/{code}/return': { kind: 'write', body: { note: 'x' } },
};

/** Routes that the coverage check below would take for dossier routes, and why they are not. */
const NOT_A_DOSSIER_ROUTE: Record<string, string> = {
  'POST /api/dossiers': 'receives a new dossier: there is none yet to see (tests/dossiers/receipt.test.ts, http.test.ts)',
  'GET /api/procedures/{code}/intake-schema': "{code} is a procedure's code: its intake schema, the same for everyone",
  'PATCH /api/agencies/{code}': "{code} is an agency's code (admin only: tests/http/accounts.test.ts)",
  'GET /trace/{code}': 'a page: the same HTML shell for any code; the dossier is drawn from GET /api/dossiers/{code}/trace, in ROUTES',
  'GET /counter/{code}': 'a page: the same HTML shell for any code; it reads the dossier through the API routes in ROUTES',
  'GET /tra-cuu/{code}': "the public lookup page: the applicant's code and secret (views.publicStatus), not this rule",
};

/** Does an operation of the OpenAPI document show or change a dossier (by its path)? */
const looksLikeDossierRoute = (op: string): boolean => /dossier|register|\{code\}/i.test(op.split(' ')[1]);

const routesOf = (kind: Route['kind']) => Object.entries(ROUTES).filter(([, r]) => r.kind === kind);
const pathOf = (route: string, d: Dossier, form?: string) =>
  route
    .split(' ')[1]
    .replace('{code}', d.code)
    .replace('{no}', form ?? '');

const readRoutes = (d: Dossier) =>
  routesOf('read').flatMap(([route]) => (route.includes('{no}') ? d.forms.map((f) => pathOf(route, d, f)) : [pathOf(route, d)]));

/** Every caller × every read route: the status, and the body of each refusal. */
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
const ghostOf = (code: string) => `${code.replace(/-\d{4}$/, '')}-9999`;

/** For a caller who may not see `d`: each read route answers, status and body, exactly as for a dossier that does not exist. */
async function sameAsNonexistent(who: Caller, d: Dossier, seen: { status: Record<string, number>; body: Record<string, any> }): Promise<void> {
  const ghost = ghostOf(d.code);
  for (const path of readRoutes(d)) {
    const r = await as(who, 'GET', path.replace(d.code, ghost));
    expect({ who, path, status: seen.status[path], answer: withoutCode(seen.body[path], d.code) }).toEqual({
      who,
      path,
      status: r.status,
      answer: withoutCode(r.body, ghost),
    });
  }
}

/** For a caller who may not see `d`: each write answers, status and body, exactly as for a dossier that does not exist. */
async function writesAsNonexistent(who: Caller, d: Dossier): Promise<void> {
  for (const [route, r] of routesOf('write')) {
    if (r.kind !== 'write') continue;
    const real = await as(who, 'POST', pathOf(route, d), r.body);
    const ghost = await as(who, 'POST', pathOf(route, { ...d, code: ghostOf(d.code) }), r.body);
    expect({ who, route, status: real.status, answer: withoutCode(real.body, d.code) }).toEqual({
      who,
      route,
      status: ghost.status,
      answer: withoutCode(ghost.body, ghostOf(d.code)),
    });
    expect({ who, route, status: [401, 403, 404].includes(real.status) }).toEqual({ who, route, status: true });
  }
}

/** Everything the dossier room, the inbox and the SLA room hold of `codes`, to show that a refused write changed nothing. */
async function stateOf(codes: string[]): Promise<unknown[]> {
  const of = (table: string) => `(select json_agg(to_jsonb(x) order by x::text) from ${table} x where x.dossier_code = d.code)`;
  const { rows } = await t.db.query(
    `select to_jsonb(d) as dossier, ${of('domain.dossier_events')} as events, ${of('domain.dossier_forms')} as forms,
            ${of('domain.dossier_supplement_requests')} as supplements, ${of('domain.dossier_agencies')} as agencies,
            ${of('domain.tasks')} as tasks, ${of('domain.sla_clocks')} as clocks
       from domain.dossiers d where d.code = any($1) order by d.code`,
    [codes],
  );
  return rows;
}

/** Register 07 of the receiving section for the days of receipt: which of `dossiers` it lists to `who` (or its refusal status). */
async function registerLists(who: Caller, dossiers: Dossier[]): Promise<number | string[]> {
  const days = dossiers.map((d) => d.day).sort();
  const r = await as(who, 'GET', `/api/registers/07?from=${days[0]}&to=${days[days.length - 1]}&agency=mot-cua-xa.hoa-binh`);
  if (r.status !== 200) return r.status;
  const listed = new Set<string>(r.body.data.rows.map((x: any) => x.code));
  return dossiers.filter((d) => listed.has(d.code)).map((d) => d.code);
}

/** The staff search by the days of receipt: which of `dossiers` it finds for `who` (or its refusal status). */
async function searchLists(who: Caller, dossiers: Dossier[]): Promise<number | string[]> {
  const days = dossiers.map((d) => d.day).sort();
  const r = await as(who, 'GET', `/api/dossiers?from=${days[0]}&to=${days[days.length - 1]}&pageSize=100`);
  if (r.status !== 200) return r.status;
  expect({ who, total: r.body.total }).toEqual({ who, total: r.body.items.length });
  const listed = new Set<string>(r.body.items.map((x: any) => x.code));
  return dossiers.filter((d) => listed.has(d.code)).map((d) => d.code);
}

const KINDS = ['step', 'dossier'] as const;
const RESULTS = ['early', 'on_time', 'late', 'open', 'overdue'] as const;

/**
 * The dossiers behind every bar of the on-time report over the days of receipt that `who` may
 * open — grouped by agency, each kind and result; its own agency's bars for staff of one agency
 * (the report's scope), every agency's of the story for auditors and admins —, by bar; or the
 * status of its refusal.
 */
async function reportLists(who: Caller, dossiers: Dossier[]): Promise<number | Record<string, { codes: string[]; total: number }>> {
  const id = `${who} ${dossiers.map((d) => d.code).join(',')}`;
  const known = reportsRead?.get(id);
  if (known) return known;
  const read = readReportLists(who, dossiers);
  reportsRead?.set(id, read);
  return read;
}

/** While checkLists reads (nothing changes meanwhile), each caller's report lists are asked once. */
let reportsRead: Map<string, ReturnType<typeof readReportLists>> | undefined;

async function readReportLists(who: Caller, dossiers: Dossier[]): Promise<number | Record<string, { codes: string[]; total: number }>> {
  const days = dossiers.map((d) => d.day).sort();
  const mine = agencies[who as Person];
  const keys = mine ? [mine] : [...new Set(Object.values(agencies).filter((a): a is string => Boolean(a)))].sort();
  const bars: Record<string, { codes: string[]; total: number }> = {};
  for (const key of keys) {
    for (const kind of KINDS) {
      for (const result of RESULTS) {
        const r = await as(
          who,
          'GET',
          `/api/reports/on-time/dossiers?from=${days[0]}&to=${days[days.length - 1]}&groupBy=agency&kind=${kind}&key=${key}&result=${result}`,
        );
        if (r.status !== 200) return r.status;
        const codes: string[] = r.body.items.map((x: any) => x.code);
        if (codes.length || r.body.total) bars[`${key} ${kind} ${result}`] = { codes: codes.sort(), total: r.body.total };
      }
    }
  }
  if (process.env.PRINT_MATRIX) console.log(`the report behind the bars, to ${who}: ${JSON.stringify(bars)}`);
  return bars;
}

/** Which of the story's dossiers the report names to the caller, over every bar. */
const reportNames = (bars: number | Record<string, { codes: string[] }>): number | string[] =>
  typeof bars === 'number' ? bars : [...new Set(Object.values(bars).flatMap((b) => b.codes))].sort();

/**
 * The lists: the search and register 07 name a dossier exactly to those who see it; the report's
 * dossiers behind a bar only to them, each bar of one agency's staff exactly what an admin sees
 * behind that bar of the dossiers they see.
 */
async function checkLists(dossiers: Dossier[], sees: Record<Caller, number>): Promise<void> {
  // The story's dossiers are alike for each caller: all seen or none (the matrix above says which).
  const seen = (who: Caller) => sees[who] === 200;
  reportsRead = new Map();
  try {
    await checkListsOnce(dossiers, sees, seen);
  } finally {
    reportsRead = undefined;
  }
}

async function checkListsOnce(dossiers: Dossier[], sees: Record<Caller, number>, seen: (who: Caller) => boolean): Promise<void> {
  const admin = await reportLists('admin', dossiers);
  if (typeof admin === 'number') throw new Error(`the admin's report: ${admin}`);
  for (const [route, r] of routesOf('list')) {
    if (r.kind !== 'list') continue;
    for (const c of CALLERS) {
      const listed = await r.lists(c, dossiers);
      const visible = seen(c) ? dossiers.map((d) => d.code) : [];
      if (typeof listed === 'number' || (sees[c] >= 400 && sees[c] !== 404)) {
        expect({ route, caller: c, answer: listed }).toEqual({ route, caller: c, answer: sees[c] });
      } else if (route === 'GET /api/reports/on-time/dossiers') {
        expect({ route, caller: c, outside: listed.filter((x) => !visible.includes(x)) }).toEqual({ route, caller: c, outside: [] });
      } else {
        expect({ route, caller: c, answer: [...listed].sort() }).toEqual({ route, caller: c, answer: [...visible].sort() });
      }
    }
  }
  // Each bar of one agency's staff: what an admin sees behind it, of the dossiers they see (the total counts those only).
  for (const c of CALLERS) {
    const mine = agencies[c as Person];
    if (!mine || (sees[c] >= 400 && sees[c] !== 404)) continue;
    const bars = await reportLists(c, dossiers);
    const want: Record<string, { codes: string[]; total: number }> = {};
    for (const [bar, b] of Object.entries(admin)) {
      if (!bar.startsWith(`${mine} `)) continue;
      const codes = seen(c) ? b.codes : [];
      if (codes.length) want[bar] = { codes, total: codes.length };
    }
    expect({ caller: c, bars }).toEqual({ caller: c, bars: want });
  }
}

// ---- the scenario ---------------------------------------------------------------------------

/** The story's dossiers, for the test after it. */
let story: Dossier[] | undefined;

test('Given the service, when its OpenAPI document lists its routes, then every route of a dossier is in the matrix (ROUTES) or named with its reason', async () => {
  const doc = (await as('anonymous', 'GET', '/api/openapi.json')).body;
  const served = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  const ofDossiers = served.filter(looksLikeDossierRoute);
  expect(ofDossiers.length).toBeGreaterThan(10);
  expect({
    dossierRoutesNotInTheMatrix: ofDossiers.filter((op) => !(op in ROUTES) && !(op in NOT_A_DOSSIER_ROUTE)).sort(),
    inTheMatrixButNotServed: [...Object.keys(ROUTES), ...Object.keys(NOT_A_DOSSIER_ROUTE)].filter((op) => !served.includes(op)).sort(),
  }).toEqual({ dossierRoutesNotInTheMatrix: [], inTheMatrixButNotServed: [] });
});

test('Given dossiers received by one commune and handed to its civil-status officer, the police and social insurance, when every caller reads every part of them, then each caller gets one answer on every route — the one rule of visibility.ts', async () => {
  // While only the first step has been handed over, the parallel steps' agencies see nothing yet.
  const first = await receive();
  await inboxTask('civil', first.code, 'birthRegistration');
  const firstOnly: Dossier = { code: first.code, day: first.day, forms: ['01', '06'] };
  const earlySees: Record<Caller, number> = { ...SEES, police: 404, insurance: 404 };
  const early = await matrix([firstOnly]);
  expect(verdicts(early.status)).toEqual(earlySees);
  for (const who of CALLERS.filter((c) => earlySees[c] !== 200)) await sameAsNonexistent(who, firstOnly, { status: early.status[who], body: early.body[who] });
  await checkLists([firstOnly], earlySees);
  const beforeEarly = await stateOf([first.code]);
  for (const who of CALLERS.filter((c) => earlySees[c] !== 200)) await writesAsNonexistent(who, firstOnly);
  expect(await stateOf([first.code])).toEqual(beforeEarly);
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
  // Those who may not see a dossier learn nothing: the answers (status and body) of a dossier that does not exist.
  for (const who of CALLERS.filter((c) => SEES[c] !== 200))
    for (const d of dossiers) await sameAsNonexistent(who, d, { status: late.status[who], body: late.body[who] });
  expect(late.body.designer[`/api/dossiers/${d1.code}`]).toMatchObject({ error: 'Forbidden' });
  expect(late.body.worker[`/api/dossiers/${d1.code}`]).toMatchObject({ error: 'Forbidden' });

  // The search and register 07 list a dossier to exactly those who see it; the report's dossiers behind a bar only to them.
  await checkLists(dossiers, SEES);

  // Writes pass the same rule first: to a caller who may not see the dossier, each answers (status and body) as for a dossier that does not exist…
  const before = await stateOf(dossiers.map((d) => d.code));
  for (const who of CALLERS.filter((c) => SEES[c] !== 200)) for (const d of dossiers) await writesAsNonexistent(who, d);
  // …and changed nothing.
  expect(await stateOf(dossiers.map((d) => d.code))).toEqual(before);
  const statuses = await Promise.all(dossiers.map(async (d) => (await as('admin', 'GET', `/api/dossiers/${d.code}`)).body.status));
  expect(statuses).toEqual(['refused', 'stopped', 'returned']);
  story = dossiers;
}, 240_000);

test('Given a clock of an agency the visibility rule does not let see its dossier, when that agency reads the dossiers behind its bars of the on-time report, then the report does not name the dossier', async () => {
  if (!story) throw new Error('the scenario above did not finish');
  const d3 = story[2];
  const police = agencies.police!;
  // The police's step clock of D3 stays; its sight of D3 (the dossier room's record that it held a step) is taken away.
  const held = (await t.db.query(`select since from domain.dossier_agencies where dossier_code = $1 and agency_code = $2`, [d3.code, police])).rows;
  expect(held).toHaveLength(1);
  const names = async (who: Caller) => reportNames(await reportLists(who, story!));
  expect(await names('police')).toContain(d3.code);
  await t.db.query(`delete from domain.dossier_agencies where dossier_code = $1 and agency_code = $2`, [d3.code, police]);
  try {
    const real = await as('police', 'GET', `/api/dossiers/${d3.code}`);
    const ghost = await as('police', 'GET', `/api/dossiers/${ghostOf(d3.code)}`);
    expect({ status: real.status, answer: withoutCode(real.body, d3.code) }).toEqual({
      status: ghost.status,
      answer: withoutCode(ghost.body, ghostOf(d3.code)),
    });
    const admin = await reportLists('admin', story);
    if (typeof admin === 'number') throw new Error(`the admin's report: ${admin}`);
    const behindPolice = Object.entries(admin).filter(([bar]) => bar.startsWith(`${police} `));
    expect(behindPolice.flatMap(([, b]) => b.codes)).toContain(d3.code);
    // The police's bars: the admin's without D3, and their totals count what they name.
    const want = Object.fromEntries(
      behindPolice.flatMap(([bar, b]) => {
        const codes = b.codes.filter((c) => c !== d3.code);
        return codes.length ? [[bar, { codes, total: codes.length }]] : [];
      }),
    );
    expect(await reportLists('police', story)).toEqual(want);
    expect(await names('police')).not.toContain(d3.code);
    // Social insurance, which still holds its step of D3, is not affected.
    expect(await names('insurance')).toContain(d3.code);
  } finally {
    await t.db.query(`insert into domain.dossier_agencies (dossier_code, agency_code, since) values ($1, $2, $3)`, [d3.code, police, held[0].since]);
  }
  expect(await names('police')).toContain(d3.code);
}, 120_000);
