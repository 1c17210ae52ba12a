/**
 * The fuzz suite's service: the whole service (shipped processes, demo registry, workers) on a
 * ManualClock over a test database, seeded once with a small realistic state — a birth dossier
 * received at each of the two demo communes' counters (its first step waiting in the commune's
 * inbox), a test model deployed with one instance waiting at a job and one at an incident —
 * and signed in as every role.
 *
 * Every statement the service runs goes through a recording wrapper of the database: a committed
 * write (INSERT/UPDATE/DELETE… that touched a row) is logged with the fuzz request it was made
 * for (the `x-fuzz-request` header, carried by AsyncLocalStorage from the HTTP server's
 * 'request' event), or with none when a background worker made it. "A 4xx changes nothing" is
 * then exact: no committed write carries that request's id — whatever the workers do meanwhile.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Db, Queryable } from '../../src/db/index.js';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, deploy, serviceTaskProcess, testConfig, type Reply } from '../http/support.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { openInboxTask } from '../support/inbox.js';

export const PROCESSES = join(process.cwd(), 'processes');

export const CALLERS = ['anonymous', 'forged', 'designer', 'officerA', 'officerB', 'counterA', 'counterB', 'auditor', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

/** Signed in: the demo accounts of each caller; A is xã Hòa Bình, B is xã Tân An. ('forged' sends a bad token.) */
type Account = Exclude<Caller, 'anonymous' | 'forged'>;
const ACCOUNTS: Record<Account, [string, string]> = {
  designer: ['thietke', DEMO_PASSWORDS.designer],
  officerA: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  officerB: ['hotich.tan-an', DEMO_PASSWORDS.officer],
  counterA: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  counterB: ['motcua.tan-an', DEMO_PASSWORDS.counter],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
  admin: ['quantri', DEMO_PASSWORDS.admin],
};

/** Which commune's staff a caller is (officers and counters only). */
export const COMMUNE_OF: Partial<Record<Caller, 'A' | 'B'>> = { officerA: 'A', counterA: 'A', officerB: 'B', counterB: 'B' };

export interface Write {
  request: string | undefined;
  table: string;
  /** The statement's start, to name it in a failure. */
  sql: string;
}

export interface Seed {
  /** Per commune: its dossier's code, task id, process instance key, and strings only its dossier holds. */
  commune: Record<'A' | 'B', { code: string; taskId: string; processInstanceKey: string; markers: string[] }>;
  processDefinitionKey: string;
  processInstanceKey: string;
  jobKey: string;
  incidentKey: string;
}

export interface FuzzService {
  url: string;
  svc: Service;
  t: TestDb;
  seed: Seed;
  /** Every committed write since the start. */
  writes: Write[];
  /** Whether `caller`'s session had ended (signed out by a fuzzed request); if so, signs them in again. */
  signedOut(caller: Caller): Promise<boolean>;
  /** `authorization`: the header a 'forged' caller sends. */
  send(
    caller: Caller,
    req: { method: string; path: string; body?: string | FormData; contentType?: string; authorization?: string },
    id: string,
  ): Promise<Reply>;
  /** The observable state: dossiers, tasks, audit rows (but failed sign-ins), engine instances and deployments. */
  snapshot(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const WRITE =
  /\b(?:insert\s+into|delete\s+from|truncate(?:\s+table)?|merge\s+into)\s+(?:only\s+)?([\w."]+)|\bupdate\s+(?:only\s+)?([\w."]+)\s+(?:as\s+)?(?:\w+\s+)?set\b/i;

/** The tables a statement writes (several for data-modifying CTEs). */
export function writtenTables(sql: string): string[] {
  return [...sql.matchAll(new RegExp(WRITE.source, 'gi'))].map((m) => (m[1] ?? m[2]).replace(/"/g, ''));
}

function recording(db: Db, als: AsyncLocalStorage<string>, writes: Write[]): Db {
  const run = async (q: Queryable, sql: string, params: unknown[] | undefined, sink: Write[]) => {
    const r = await q.query(sql, params);
    const tables = writtenTables(sql);
    // A data-modifying CTE ending in a SELECT: PostgreSQL counts the rows it returns, PGlite
    // none; either way a row returned is taken as a write (the engine includes only CTEs with rows).
    const touched = r.rowCount > 0 || (/^\s*with\b/i.test(sql) && r.rows.length > 0);
    if (touched) for (const table of tables) sink.push({ request: als.getStore(), table, sql: sql.replace(/\s+/g, ' ').trim().slice(0, 160) });
    return r;
  };
  return {
    kind: db.kind,
    get knex() {
      return db.knex;
    },
    query: (sql, params) => run(db, sql, params, writes),
    async tx(fn) {
      const pending: Write[] = [];
      const result = await db.tx((q) => fn({ query: (sql, params) => run(q, sql, params, pending) }));
      writes.push(...pending); // committed
      return result;
    },
    listen: (channel, cb) => db.listen(channel, cb),
    close: () => db.close(),
  };
}

export async function startFuzzService(): Promise<FuzzService> {
  const t = await openTestDb();
  const als = new AsyncLocalStorage<string>();
  const writes: Write[] = [];
  let svc: Service;
  try {
    svc = await startService(testConfig({ processesDir: PROCESSES, processesDirExplicit: true }), {
      db: recording(t.db, als, writes),
      logger: pino({ level: process.env.FUZZ_LOG ? 'error' : 'silent' }),
      clock: new ManualClock(),
    });
  } catch (e) {
    await t.close();
    throw e;
  }
  svc.server.prependListener('request', (req: { headers: Record<string, unknown> }) => {
    const id = req.headers['x-fuzz-request'];
    als.enterWith(typeof id === 'string' ? id : '');
  });
  const url = svc.url;
  const tokens = {} as Record<Caller, string>;
  const signIn = async (caller: Account) => {
    const [username, password] = ACCOUNTS[caller];
    const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status} ${JSON.stringify(r.body)}`);
    tokens[caller] = r.body.token;
  };
  for (const caller of Object.keys(ACCOUNTS) as Account[]) await signIn(caller);
  const as = (c: Account, method: string, path: string, body?: unknown) => call(url, method, path, body, { authorization: `Bearer ${tokens[c]}` });
  if (process.env.FUZZ_LOG) process.stderr.write('signed in; seeding\n');
  let seed: Seed;
  try {
    seed = await seedState(url, as);
  } catch (e) {
    await svc.close();
    await t.close();
    throw e;
  }
  if (process.env.FUZZ_LOG) process.stderr.write(`seeded: ${JSON.stringify(seed)}\n`);

  return {
    url,
    svc,
    t,
    seed,
    writes,
    async signedOut(caller) {
      if (caller === 'anonymous' || caller === 'forged') return false;
      const me = await call(url, 'GET', '/api/auth/me', undefined, { authorization: `Bearer ${tokens[caller]}` });
      if (me.status !== 401) return false;
      await signIn(caller);
      return true;
    },
    async send(caller, req, id) {
      const headers: Record<string, string> = { 'x-fuzz-request': id };
      if (caller === 'forged') headers.authorization = req.authorization ?? 'Bearer x';
      else if (caller !== 'anonymous') headers.authorization = `Bearer ${tokens[caller]}`;
      if (req.contentType) headers['content-type'] = req.contentType;
      // A guard, not a measurement: a request that never answers fails naming itself, well inside the
      // tests' own 300 s. Not 30 s: a 1 MB deployment that takes 2.5 s on a quiet machine took over
      // 30 s in a CI run beside the page tests, the type-check and the lint on a slow day.
      const res = await fetch(url + req.path, { method: req.method, headers, body: req.body, signal: AbortSignal.timeout(120_000) });
      // A stream (server-sent events) never ends: its status and headers are the answer.
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await res.body?.cancel();
        return { status: res.status, body: '', headers: res.headers };
      }
      const text = await res.text();
      let body: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      return { status: res.status, body, headers: res.headers };
    },
    async snapshot() {
      return (await t.db.query(SNAPSHOT)).rows[0];
    },
    async close() {
      await svc.close();
      await t.close();
      // An enabled AsyncLocalStorage hooks every promise the worker makes from then on: every
      // later test file in this Jest worker would pay for it (~5 % of a run's CPU).
      als.disable();
    },
  };
}

const agg = (cols: string, order: string) => `md5(coalesce(string_agg(${cols}, ',' order by ${order}), ''))`;
/** One statement: counts and digests of the observable tables. */
const SNAPSHOT = `select
  (select count(*)::int || ' ' || ${agg(`code || ':' || status || ':' || coalesce(appointment_at::text, '')`, 'code')} from domain.dossiers) as dossiers,
  (select count(*)::int || ' ' || ${agg(`id || ':' || state || ':' || coalesce(assignee, '')`, 'id')} from domain.tasks) as tasks,
  (select count(*)::int from domain.audit_log where action <> 'auth.login_failed') as audit,
  (select count(*)::int || ' ' || ${agg(`key::text || ':' || state`, 'key')} from engine.process_instances) as instances,
  (select count(*)::int from engine.deployments) as deployments,
  (select count(*)::int from engine.definitions) as definitions,
  (select count(*)::int || ' ' || ${agg(`key::text || ':' || state || ':' || retries`, 'key')} from engine.jobs) as jobs`;

type As = (c: Account, method: string, path: string, body?: unknown) => Promise<Reply>;

async function seedState(url: string, as: As): Promise<Seed> {
  const commune = {} as Seed['commune'];
  const people = {
    A: { counter: 'counterA', officer: 'officerA', name: 'Phan Thị Hòa Bình Riêng', id: '001090111111', communeCode: '99001', slug: 'hoa-binh' },
    B: { counter: 'counterB', officer: 'officerB', name: 'Võ Văn Tân An Riêng', id: '001090222222', communeCode: '99002', slug: 'tan-an' },
  } as const;
  for (const side of ['A', 'B'] as const) {
    const p = people[side];
    const intake = birthIntake();
    intake.applicant.fullName = p.name;
    intake.applicant.citizenId = p.id;
    intake.father.fullName = p.name;
    intake.father.citizenId = p.id;
    intake.child.birthDate = '2025-12-26';
    for (const a of [intake.applicant.address, intake.residence]) {
      a.communeCode = p.communeCode;
      a.communeName = p.slug;
    }
    const r = await as(p.counter, 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake });
    if (r.status !== 201) throw new Error(`seed: receipt at ${p.counter} failed: ${r.status} ${JSON.stringify(r.body)}`);
    const code: string = r.body.dossier.code;
    const task = await openInboxTask((path) => as(p.officer, 'GET', path), p.officer, code, 'birthRegistration');
    const full = await as(p.officer, 'GET', `/api/dossiers/${code}`);
    const processInstanceKey = String(full.body.processInstanceKey ?? full.body.dossier?.processInstanceKey ?? '');
    commune[side] = { code, taskId: String(task.id), processInstanceKey, markers: [code, p.name, p.id, ...(processInstanceKey ? [processInstanceKey] : [])] };
  }
  const d = await deploy(url, [{ name: 'fuzz-model.bpmn', xml: serviceTaskProcess('fuzz-model', 'fuzz-job') }]);
  if (d.status !== 200) throw new Error(`seed: deploy failed: ${JSON.stringify(d.body)}`);
  const processDefinitionKey: string = d.body.deployments[0].processDefinition.processDefinitionKey;
  const failing = await as('admin', 'POST', '/v2/process-instances', { processDefinitionId: 'fuzz-model' });
  const activated = await as('admin', 'POST', '/v2/jobs/activation', { type: 'fuzz-job', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 });
  const failed = activated.body.jobs[0];
  await as('admin', 'POST', `/v2/jobs/${failed.jobKey}/failure`, { retries: 0, errorMessage: 'seeded incident' });
  const incidents = await as('admin', 'POST', '/v2/incidents/search', { filter: { processInstanceKey: failing.body.processInstanceKey } });
  const waiting = await as('admin', 'POST', '/v2/process-instances', { processDefinitionId: 'fuzz-model' });
  const jobs = await as('admin', 'POST', '/v2/jobs/activation', { type: 'fuzz-job', timeout: 3_600_000, maxJobsToActivate: 1, requestTimeout: -1 });
  return {
    commune,
    processDefinitionKey,
    processInstanceKey: waiting.body.processInstanceKey,
    jobKey: jobs.body.jobs[0]?.jobKey ?? '1',
    incidentKey: incidents.body.items?.[0]?.incidentKey ?? '1',
  };
}
