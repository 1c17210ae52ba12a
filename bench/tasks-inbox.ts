/**
 * Inbox latency: one agency with 100,000 open tasks; how fast does its officer get a page?
 *
 *   npm run bench:inbox -- [--db postgres|pglite] [--open 100000] [--others 100000] [--done 50000]
 *                          [--requests 500] [--warmup 50] [--pool 10]
 *
 * A scratch database (PostgreSQL when DATABASE_URL is set, created and dropped by the bench —
 * nothing existing is touched; else PGlite in a temporary directory) is migrated and filled with
 * `--open` open tasks of the agency `ca.bench` (10 % claimed by one of 20 officers, due dates
 * spread from 200 hours ago to 1,800 hours ahead, three procedures), `--done` completed tasks of
 * the same agency and `--others` open tasks of 50 other agencies, all in bulk
 * (generate_series), then VACUUM ANALYZE — what autovacuum leaves behind in production
 * (bench/support/inbox-fixture.ts, shared with bench/inbox-render.ts).
 *
 * Then, for each scenario, `--requests` sequential requests after `--warmup` unmeasured ones:
 * `GET /api/tasks` over real HTTP (createApp: token check, query schema, TaskService, JSON) on
 * keep-alive connections, and the same page through TaskService.list alone. Latency is wall
 * time per request in this process. The EXPLAIN of the first page shows the index used.
 *
 * The last line is JSON for the headline: the first page of the inbox over HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { EmbeddedEngineQueries } from '../src/engine/embedded/queries.js';
import { createApp } from '../src/http/app.js';
import { createTokenService } from '../src/http/auth.js';
import { tasksRouter } from '../src/http/tasks.js';
import { TaskService, type Actor, type ListFilter } from '../src/tasks/index.js';
import { listStatements } from '../src/tasks/sql/listTasks.js';
import { fillInbox } from './support/inbox-fixture.js';
import { openScratchDb } from './support/scratch.js';

interface Options {
  db: 'postgres' | 'pglite';
  open: number;
  others: number;
  done: number;
  requests: number;
  warmup: number;
  pool: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      open: { type: 'string' },
      others: { type: 'string' },
      done: { type: 'string' },
      requests: { type: 'string' },
      warmup: { type: 'string' },
      pool: { type: 'string' },
    },
  });
  const int = (v: string | undefined, dflt: number, name: string) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not '${v}'`);
    return n;
  };
  const db = (values.db ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')) as Options['db'];
  if (db !== 'postgres' && db !== 'pglite') throw new Error(`--db must be postgres or pglite, not '${values.db}'`);
  return {
    db,
    open: int(values.open, 100_000, 'open'),
    others: int(values.others, 100_000, 'others'),
    done: int(values.done, 50_000, 'done'),
    requests: Math.max(1, int(values.requests, 500, 'requests')),
    warmup: int(values.warmup, 50, 'warmup'),
    pool: Math.max(2, int(values.pool, 10, 'pool')),
  };
}

const AGENCY = 'ca.bench';
const OFFICER: Actor = { username: 'officer10', role: 'officer', agencyCode: AGENCY };

const SCENARIOS: Array<{ name: string; filter: ListFilter; query: string }> = [
  { name: 'inbox, first page (50)', filter: {}, query: '' },
  { name: 'overdue, first page', filter: { overdue: true }, query: '?overdue=true' },
  { name: 'due within 24 h', filter: { dueSoon: 24 }, query: '?dueSoon=24' },
  { name: 'assigned to me', filter: { assignedToMe: true }, query: '?assignedToMe=true' },
  { name: 'unassigned, first page', filter: { unassigned: true }, query: '?unassigned=true' },
  { name: 'procedure filter', filter: { procedure: 'construction-permit' }, query: '?procedure=construction-permit' },
  { name: 'page 100 (offset 4,950)', filter: { page: 100 }, query: '?page=100' },
  { name: 'completed, latest first', filter: { state: 'completed' }, query: '?state=completed' },
];

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function measure(n: number, warmup: number, f: () => Promise<void>): Promise<{ p50: number; p99: number; mean: number; max: number }> {
  for (let i = 0; i < warmup; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), mean: ms.reduce((a, b) => a + b, 0) / ms.length, max: ms[ms.length - 1] };
}

const fmt = (x: number) => x.toFixed(2).padStart(8);

async function main(): Promise<void> {
  const o = options();
  const scratch = await openScratchDb(o.db, { poolMax: o.pool });
  const { db } = scratch;
  try {
    console.log(
      `tasks-inbox: ${o.db} at ${scratch.where} (${Object.entries(scratch.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
    );
    const t0 = Date.now();
    await fillInbox(db, { agency: AGENCY, kind: 'cong-an-xa', open: o.open, done: o.done, others: o.others });
    const { rows: counts } = await db.query<{ state: string; n: number }>(
      `select state, count(*)::int as n from domain.tasks where agency_code = $1 group by state order by state`,
      [AGENCY],
    );
    console.log(
      `filled in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${AGENCY} ${counts.map((c) => `${c.state} ${c.n}`).join(', ')}; ${o.others} open tasks of 50 other agencies`,
    );

    const tasks = new TaskService({
      db,
      engine: {
        completeJob: () => Promise.resolve(),
        completeUserTask: () => Promise.resolve(),
        assignUserTask: () => Promise.resolve(),
        unassignUserTask: () => Promise.resolve(),
      },
      forms: new EmbeddedEngineQueries(db),
    });
    const secret = 'bench-secret-bench-secret-bench-secret!';
    const engine = new EmbeddedEngine(db, { scheduler: false });
    const app = createApp({ engine, queries: new EmbeddedEngineQueries(db), db, auth: { secret }, api: [tasksRouter({ tasks })] });
    const server = createServer(app);
    // The service-only rounds leave the HTTP connections idle for seconds on PGlite; a socket the
    // server closes just as the client reuses it would fail a request for a reason not measured.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { token } = await createTokenService({ secret, ttlSeconds: 3600 }).issue({
      username: OFFICER.username,
      role: 'officer',
      agencyCode: AGENCY,
    });
    const headers = { authorization: `Bearer ${token}` };

    // The plan of the headline query (first page and count).
    const st = listStatements(OFFICER, {}, new Date());
    const plan = async ([sql, params]: [string, unknown[]]) =>
      (await db.query<Record<string, string>>(`explain (analyze, buffers, costs off) ${sql}`, params)).rows.map((r) => Object.values(r)[0]);
    const pagePlan = await plan(st.page);
    const countPlan = await plan(st.count);
    console.log('\nEXPLAIN (first page):\n  ' + pagePlan.join('\n  '));
    console.log('EXPLAIN (count):\n  ' + countPlan.join('\n  '));
    const usesInbox = [...pagePlan, ...countPlan].some((l) => /tasks_inbox/.test(l));

    const results: Array<{ name: string; via: string; total: number; r: Awaited<ReturnType<typeof measure>> }> = [];
    for (const s of SCENARIOS) {
      let total = -1;
      const http = await measure(o.requests, o.warmup, async () => {
        const res = await fetch(`${base}/api/tasks${s.query}`, { headers });
        if (res.status !== 200) throw new Error(`GET /api/tasks${s.query}: ${res.status} ${await res.text()}`);
        total = ((await res.json()) as { total: number }).total;
      });
      results.push({ name: s.name, via: 'HTTP', total, r: http });
      const svc = await measure(o.requests, o.warmup, async () => {
        await tasks.list(OFFICER, s.filter);
      });
      results.push({ name: s.name, via: 'service', total, r: svc });
    }
    await new Promise((r) => server.close(r));
    server.closeAllConnections();

    console.log(`\n${o.requests} sequential requests per row (after ${o.warmup} warm-up), officer of ${AGENCY}, ${o.db}, latency in ms`);
    console.log('scenario                       via       matches    p50      p99     mean      max');
    for (const x of results) {
      console.log(`${x.name.padEnd(30)} ${x.via.padEnd(8)} ${String(x.total).padStart(8)} ${fmt(x.r.p50)} ${fmt(x.r.p99)} ${fmt(x.r.mean)} ${fmt(x.r.max)}`);
    }
    const head = results[0].r;
    const target = o.db === 'postgres' ? `; p99 target < 50 ms on PostgreSQL: ${head.p99 < 50 ? 'met' : 'NOT met'}` : ' (the 50 ms target is for PostgreSQL)';
    console.log(`\nthe first page uses tasks_inbox: ${usesInbox ? 'yes' : 'NO'}${target}`);
    console.log(
      JSON.stringify({
        bench: 'tasks-inbox',
        db: o.db,
        openTasks: o.open,
        requests: o.requests,
        p50Ms: Number(head.p50.toFixed(2)),
        p99Ms: Number(head.p99.toFixed(2)),
        usesTasksInbox: usesInbox,
      }),
    );
  } finally {
    await scratch.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e, (e as { cause?: unknown }).cause ?? '');
  process.exit(1);
});
