/**
 * The dossier reconciler: what one pass of `reconcile()` (src/dossiers/sync.ts, through
 * `DossierService.reconcile()`, every 10 s in production) costs with many dossiers running, and
 * apart from it the engine's side of the stray search, `strayInstances` (src/dossiers/strays.ts).
 *
 *   npm run bench:reconcile -- [--dossiers 2000] [--runs 20] [--db postgres|pglite] [--concurrency 4] [--skip-inbox]
 *                              [--old-live 0]
 *
 * Setup, in a scratch database created and dropped by the bench (PostgreSQL when DATABASE_URL is
 * set, else PGlite in a temporary directory), wired as tests/dossiers/support.ts wires the dossier
 * room: the embedded engine on a ManualClock with no background scheduler, the catalog of
 * processes/ loaded and deployed, the demo registry (seedDemo), the calendar, the SLA service, the
 * task service and the DossierService. `--dossiers` birth-registration-group dossiers are received
 * through the real receive path (the demo counter officer of xã Hòa Bình, the intake of
 * tests/dossiers/fixtures.ts, `--concurrency` receipts at once, full-cost lookup secrets), the
 * clock moving from Monday 05/01/2026 08:00 (Hà Nội) over at most eight hours, so every instance
 * is inside the one-day window the stray search asks the engine about. Then, unless
 * `--skip-inbox`, the inbox worker is run (by hand, as `h.inbox()` in the test harness) until it
 * finds nothing more: each dossier gets its first task (birthRegistration) and moves to
 * in_progress. No service-task worker runs and no officer completes a task, so no process ends and
 * a pass has nothing to settle: what is measured is the scan itself. With `--old-live N`, N more
 * live root instances started ten days earlier (copies of the received ones, named by no dossier:
 * the open dossiers of the weeks before, outside the stray search's window). Then ANALYZE, and the
 * passes run 5 minutes after the last receipt.
 *
 * Measured, after 2 warm-up passes:
 *  - pass: `DossierService.reconcile()` timed on the client, p50 / p99 over `--runs` passes: the
 *    full pass (every waiting dossier's instance asked about), then the background loop's usual
 *    recent pass (processes that ended in the last 15 minutes, strays started in the last hour:
 *    dossiers/sync.ts `RECENT`). Every
 *    pass must cancel nothing (its `cancelled` 0), else the bench fails.
 *  - strays: `strayInstances(deps)` alone (the inbox's open tasks of instances their dossier does
 *    not name, and the engine's live root instances of the catalog's processes started in the
 *    last day, pages of 500, whose `dossierCode` is read when no dossier names them), `--runs` calls
 *    after 2 warm-up calls; its engine reads timed apart, by method.
 *  - statements: every statement sent to the database (engine and rooms alike, BEGIN and COMMIT
 *    counted; bench/support/counting-db.ts) per pass and per call, and where the time goes.
 *
 * The last line of output is one JSON object.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CalendarStore } from '../src/calendar/index.js';
import { ManualClock } from '../src/clock.js';
import type { Db } from '../src/db/index.js';
import { DossierService, inboxDossiers, seedDemo, slaDossierFacts, type Actor, type ReconcileResult } from '../src/dossiers/index.js';
import { strayInstances } from '../src/dossiers/strays.js';
import { FULL_STRAYS_MS } from '../src/dossiers/sync.js';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { EmbeddedEngineQueries } from '../src/engine/embedded/queries.js';
import { ElementNames } from '../src/engine/names.js';
import { loadCatalog } from '../src/procedures/index.js';
import { SlaService } from '../src/sla/index.js';
import { InboxWorker, TaskService, type TaskCompletedHook } from '../src/tasks/index.js';
import { birthIntake } from '../tests/dossiers/fixtures.js';
import { countingDb, DbCounters } from './support/counting-db.js';
import { pct, printStatements, printTable, round, systemCpu } from './support/report.js';
import { databaseOption, positiveInt } from './support/args.js';
import { openScratchDb } from './support/scratch.js';

interface Options {
  dossiers: number;
  runs: number;
  db: 'postgres' | 'pglite';
  concurrency: number;
  inbox: boolean;
  /** Live root instances started ten days before the receipts: dossiers still open from earlier. */
  oldLive: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      dossiers: { type: 'string' },
      runs: { type: 'string' },
      db: { type: 'string' },
      concurrency: { type: 'string' },
      'skip-inbox': { type: 'boolean' },
      'old-live': { type: 'string' },
    },
  });
  const int = positiveInt;
  const db = databaseOption(values.db);
  return {
    dossiers: int(values.dossiers, 2000, 'dossiers'),
    runs: int(values.runs, 20, 'runs'),
    db,
    concurrency: int(values.concurrency, 4, 'concurrency'),
    inbox: !values['skip-inbox'],
    oldLive: int(values['old-live'], 0, 'old-live'),
  };
}

const PROCEDURE = 'birth-registration-group';
/** The demo counter officer who receives birth registrations (src/dossiers/seed.ts). */
const COUNTER: Actor = { username: 'motcua.hoa-binh', role: 'counter', agencyCode: 'mot-cua-xa.hoa-binh' };
/** Monday 05/01/2026, 08:00 in Hà Nội. */
const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
const SPREAD_MS = 8 * 3_600_000;
const WARM_UP = 2;
const PROCESSES_DIR = fileURLToPath(new URL('../../processes', import.meta.url));

async function main(): Promise<void> {
  const o = options();
  const scratch = await openScratchDb(o.db, { poolMax: Math.max(4, o.concurrency + 2) });
  const counters = new DbCounters();
  const db = countingDb(scratch.db, counters);
  const clock = new ManualClock(T0);
  const engine = new EmbeddedEngine(db, { clock, scheduler: false });
  const queries = new EmbeddedEngineQueries(db);
  const errors: unknown[] = [];
  let worker: InboxWorker | undefined;
  try {
    // The dossier room as tests/dossiers/support.ts builds it.
    const setupStart = performance.now();
    const catalog = await loadCatalog(PROCESSES_DIR);
    // As main.ts: the calendar's hook reaches the room, made below, only when the calendar changes.
    const calendar = new CalendarStore(db, { onChange: (q, change) => room.onCalendarChanged(q, change) });
    const sla = new SlaService({ db, dossiers: slaDossierFacts, calendar: () => calendar.calendar, clock });
    const onTaskCompleted: TaskCompletedHook = (q, t, by, at) => room.onTaskCompleted(q, t, by, at);
    const tasks = new TaskService({ db, engine, sla, clock, forms: queries, onTaskCompleted });
    const room: DossierService = new DossierService({ db, engine, queries, catalog, sla, tasks, clock, applicantChannels: ['email', 'sms'] });
    await calendar.init();
    await seedDemo(db, { nodeEnv: 'development' });
    await engine.deployResources(catalog.resources());
    const names = new ElementNames(queries);
    worker = new InboxWorker(engine, {
      db,
      dossiers: inboxDossiers,
      catalog,
      sla,
      clock,
      elementName: (job) => names.name(job.processDefinitionKey, job.elementId),
      userTasks: queries,
      pollInterval: 0,
      sweepInterval: 0,
      onTaskCreated: (q, t) => room.onTaskCreated(q, t),
      onTaskCompleted,
      onError: (e) => errors.push(e),
    });
    const wiringMs = performance.now() - setupStart;

    // Receipts, the clock moving through the working day.
    const step = Math.max(1, Math.min(5_000, Math.floor(SPREAD_MS / o.dossiers)));
    const receiveStart = performance.now();
    let next = 0;
    const receiveOne = async () => {
      for (let i = next++; i < o.dossiers; i = next++) {
        clock.set(T0 + i * step);
        await room.receive(COUNTER, { procedureCode: PROCEDURE, channel: 'counter', intake: birthIntake() });
        if ((i + 1) % 100 === 0) process.stderr.write(`\r  received ${i + 1} dossiers`);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, receiveOne));
    process.stderr.write('\n');
    const receiveMs = performance.now() - receiveStart;

    const inboxStart = performance.now();
    if (o.inbox) {
      // Rounds until one finds nothing: every user-task job and Camunda user task has its inbox task.
      while ((await worker.poll()) > 0) continue;
      if (errors.length) throw new Error(`the inbox worker failed ${errors.length} times`, { cause: errors[0] });
    }
    const inboxMs = performance.now() - inboxStart;
    if (o.oldLive) await addOldLive(scratch.db, o.oldLive);
    // As autovacuum would soon after such an intake: the passes run on fresh statistics.
    await scratch.db.query('analyze');
    const setupMs = performance.now() - setupStart;
    const facts = await stateOf(scratch.db);
    if (facts.dossiers !== o.dossiers) throw new Error(`${o.dossiers} receipts made ${facts.dossiers} dossiers`);

    // The passes, five minutes after the last receipt: every instance is inside the one-day window.
    clock.set(T0 + o.dossiers * step + 5 * 60_000);
    const totals: Record<keyof ReconcileResult, number> = { recovered: 0, finished: 0, stopped: 0, returned: 0, cancelled: 0, processesTold: 0 };
    const pass = async (opts?: { recent: boolean }): Promise<number> => {
      const t = performance.now();
      const r = await room.reconcile(opts);
      const ms = performance.now() - t;
      if (r.cancelled !== 0) throw new Error(`a reconcile pass cancelled ${r.cancelled} process instances: ${JSON.stringify(r)}`);
      for (const k of Object.keys(totals) as (keyof ReconcileResult)[]) totals[k] += r[k];
      return ms;
    };
    for (let i = 0; i < WARM_UP; i++) await pass();
    const cpu = systemCpu();
    counters.reset();
    const passes: number[] = [];
    for (let i = 0; i < o.runs; i++) passes.push(await pass());
    const passStatements = counters.statements / o.runs;
    const passTransactions = counters.transactions / o.runs;
    const passTop = snapshot(counters);
    // The background loop's usual pass: only processes that ended in the last 15 minutes.
    counters.reset();
    const recentPasses: number[] = [];
    for (let i = 0; i < o.runs; i++) recentPasses.push(await pass({ recent: true }));
    const recentStatements = counters.statements / o.runs;

    // strayInstances alone, its engine reads timed by method (the room's own deps otherwise).
    const engineCalls = new Map<string, { calls: number; ms: number }>();
    const strayDeps = { ...room.deps, queries: timedCalls(queries, engineCalls) };
    const strays: number[] = [];
    let found = 0;
    for (let i = 0; i < WARM_UP + o.runs; i++) {
      if (i === WARM_UP) {
        counters.reset();
        engineCalls.clear();
      }
      const t = performance.now();
      const s = await strayInstances(strayDeps, FULL_STRAYS_MS);
      if (i >= WARM_UP) strays.push(performance.now() - t);
      found = Math.max(found, s.length);
    }
    const strayStatements = counters.statements / o.runs;
    const busy = systemCpu(cpu);
    const plan = await strayPagePlan(scratch.db, room.deps);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    const p = (xs: number[], q: number) => round(pct(xs, q), 1);
    const server = o.db === 'postgres' ? `, PostgreSQL ${scratch.settings.server_version}` : '';
    printTable(`reconcile — ${o.db} (${scratch.where}${server})`, [
      ['dossiers received', `${o.dossiers.toLocaleString('en-US')} ${PROCEDURE}, ${o.concurrency} at once`],
      ['live instances from ten days before', o.oldLive.toLocaleString('en-US')],
      ['setup', `${s(setupMs)} (wiring + seed + deploy ${s(wiringMs)}, receipts ${s(receiveMs)}, inbox ${o.inbox ? s(inboxMs) : 'skipped'})`],
      ['receipts/s', `${Math.round(o.dossiers / (receiveMs / 1000))}`],
      ['state', `${describe(facts.byStatus)}; ${facts.openTasks} open tasks; ${facts.activeRoots} live root instances`],
      [`full pass p50 / p99 (${o.runs} runs)`, `${p(passes, 50)} ms / ${p(passes, 99)} ms (min ${p(passes, 0)}, max ${p(passes, 100)})`],
      [`recent pass p50 / p99 (${o.runs} runs)`, `${p(recentPasses, 50)} ms / ${p(recentPasses, 99)} ms; ${round(recentStatements, 1)} statements per pass`],
      ['  statements per pass', `${round(passStatements, 1)} (${round(passTransactions, 1)} transactions)`],
      ['  results over all passes', describe(totals)],
      [`strayInstances p50 / p99 (${o.runs} runs)`, `${p(strays, 50)} ms / ${p(strays, 99)} ms (min ${p(strays, 0)}, max ${p(strays, 100)})`],
      ['  statements per call', `${round(strayStatements, 1)}; strays found ${found}`],
      ['  plan of its first page', plan],
      ...[...engineCalls].map(([m, c]): [string, string] => [`  of which ${m}`, `${round(c.calls / o.runs, 1)} calls, ${round(c.ms / o.runs, 1)} ms together`]),
      ['machine busy while measuring', busy === undefined ? 'n/a' : `${busy} % of all cores`],
      ['peak RSS (this process)', `${peakRssMb} MB`],
    ]);
    printStatements(passTop, o.runs, 'pass');
    console.log(
      JSON.stringify({
        bench: 'reconcile',
        db: o.db,
        dossiers: o.dossiers,
        inbox: o.inbox,
        oldLive: o.oldLive,
        runs: o.runs,
        setupMs: Math.round(setupMs),
        passP50Ms: p(passes, 50),
        passP99Ms: p(passes, 99),
        recentPassP50Ms: p(recentPasses, 50),
        recentPassP99Ms: p(recentPasses, 99),
        statementsPerRecentPass: round(recentStatements, 1),
        straysP50Ms: p(strays, 50),
        straysP99Ms: p(strays, 99),
        strayPagePlan: plan,
        statementsPerPass: round(passStatements, 1),
        statementsPerStrays: round(strayStatements, 1),
        cancelled: totals.cancelled,
        straysFound: found,
        peakRssMb,
      }),
    );
  } finally {
    await worker?.close();
    await engine.close();
    await scratch.drop();
  }
}

/**
 * `n` more live root instances, copies of the received ones with new keys, started ten days
 * earlier: the dossiers of the weeks before, still open, which the stray search must not read.
 * No dossier names them, and they are outside its one-day window.
 */
async function addOldLive(db: Db, n: number): Promise<void> {
  await db.query(
    `insert into engine.process_instances (key, definition_key, bpmn_process_id, version, state, doc, has_incident, started_at)
     select p.key + g * 1000000000000, p.definition_key, p.bpmn_process_id, p.version, 'ACTIVE', p.doc, false, p.started_at - interval '10 days'
       from engine.process_instances p
            cross join generate_series(1, (select ceil($1::numeric / count(*))::int from engine.process_instances
                                            where state = 'ACTIVE' and parent_process_instance_key is null)) g
      where p.state = 'ACTIVE' and p.parent_process_instance_key is null
      order by g, p.key limit $1`,
    [n],
  );
}

/**
 * How PostgreSQL reads the first page of the engine's stray search: its scans, as EXPLAIN names
 * them (migration 028's `process_instances_live_roots` keeps it to the last day's instances).
 */
async function strayPagePlan(db: Db, deps: DossierService['deps']): Promise<string> {
  const seen: { sql: string; params?: unknown[] }[] = [];
  const capturing = new Proxy(db, {
    get: (t, name) =>
      name === 'query'
        ? (sql: string, params?: unknown[]) => {
            seen.push({ sql, params });
            return t.query(sql, params);
          }
        : Reflect.get(t, name),
  });
  await strayInstances({ ...deps, queries: new EmbeddedEngineQueries(capturing) }, FULL_STRAYS_MS);
  const page = seen.find((x) => /from engine\.process_instances pi/.test(x.sql) && !/count\(\*\)/.test(x.sql));
  if (!page) return 'not found';
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${page.sql}`, page.params);
  const scans: string[] = [];
  const walk = (n: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: unknown[] }) => {
    // A bitmap scan names its index on its child, which names no relation.
    if (n['Relation Name'] === 'process_instances' || n['Index Name']?.startsWith('process_instances')) {
      scans.push(`${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`);
    }
    for (const c of n.Plans ?? []) walk(c as typeof n);
  };
  walk((rows[0]['QUERY PLAN'] as { Plan: Parameters<typeof walk>[0] }[])[0].Plan);
  return scans.join(', ') || 'no scan of process_instances';
}

interface Facts {
  dossiers: number;
  byStatus: Record<string, number>;
  openTasks: number;
  activeRoots: number;
}

async function stateOf(db: Db): Promise<Facts> {
  const { rows } = await db.query<{ status: string; n: number }>(`select status, count(*)::int as n from domain.dossiers group by status order by status`);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const tasks = await db.query<{ n: number }>(`select count(*)::int as n from domain.tasks where state in ('open', 'claimed')`);
  const roots = await db.query<{ n: number }>(
    `select count(*)::int as n from engine.process_instances where state = 'ACTIVE' and parent_process_instance_key is null`,
  );
  return { dossiers: rows.reduce((a, r) => a + r.n, 0), byStatus, openTasks: tasks.rows[0].n, activeRoots: roots.rows[0].n };
}

/** `target` with each method's calls and time added up in `into`, by method name. */
function timedCalls<T extends object>(target: T, into: Map<string, { calls: number; ms: number }>): T {
  return new Proxy(target, {
    get(t, name, receiver) {
      const v: unknown = Reflect.get(t, name, receiver);
      if (typeof v !== 'function' || typeof name !== 'string') return v;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        } finally {
          const c = into.get(name) ?? { calls: 0, ms: 0 };
          c.calls++;
          c.ms += performance.now() - start;
          into.set(name, c);
        }
      };
    },
  });
}

/** The per-statement totals of the measured passes, kept before the counters are reset. */
function snapshot(c: DbCounters): DbCounters {
  const copy = new DbCounters();
  copy.statements = c.statements;
  copy.transactions = c.transactions;
  for (const [k, v] of c.byStatement) copy.byStatement.set(k, { ...v });
  return copy;
}

function describe(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
