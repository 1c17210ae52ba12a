/**
 * SLA scanner: how long the scanner takes to find the clocks due in the next minute among
 * 1,000,000 open ones, and what the process's memory peaks at.
 *
 *   npm run bench:sla -- [--clocks 1000000] [--db postgres|pglite] [--runs 500] [--batch 200]
 *                        [--spread-days 7] [--fire-runs 20]
 *
 * Setup, in a scratch database created and dropped by the bench (PostgreSQL when DATABASE_URL
 * is set, else PGlite in a temporary directory): one agency, clocks/10 dossiers, and `--clocks`
 * running clocks (per dossier one dossier clock and nine step clocks), inserted in bulk with
 * INSERT … SELECT generate_series in batches of 100,000, then ANALYZE. Each clock's next look
 * (next_check_at) is uniform over `--spread-days` from T0, so ~clocks / (spread in minutes) fall
 * in any one minute (≈ 99 for the defaults).
 *
 * Measured:
 *  - find: the scanner's own claim statement (src/sla/sql/claimDueClocks.ts: next_check_at ≤ now,
 *    order by next_check_at, limit `--batch`, FOR UPDATE SKIP LOCKED) with now = T0 + 60 s,
 *    timed on the client around the statement, inside BEGIN … ROLLBACK so every run finds the
 *    same rows; p50 / p99 over `--runs` runs after 20 warm-up runs. EXPLAIN must show an index
 *    scan on sla_due_scan; a sequential scan of sla_clocks fails the bench.
 *  - fire: SlaService.scanOnce() at T0 + k minutes (k = 1…`--fire-runs`): claim, audit row,
 *    outbox row and flag update per due clock, committed — the whole durable batch.
 *  - memory: this process's peak RSS (getrusage maxrss; with PGlite it includes the database).
 *
 * The last line of output is one JSON object.
 */
import { parseArgs } from 'node:util';
import { CalendarStore } from '../src/calendar/index.js';
import type { Db, Queryable } from '../src/db/index.js';
import { ManualClock } from '../src/clock.js';
import { slaDossierFacts } from '../src/dossiers/index.js';
import { CLAIM_DUE_CLOCKS_SQL, SlaService } from '../src/sla/index.js';
import { databaseOption, positiveInt } from './support/args.js';
import { openScratchDb } from './support/scratch.js';

interface Options {
  clocks: number;
  db: 'postgres' | 'pglite';
  runs: number;
  batch: number;
  spreadDays: number;
  fireRuns: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      clocks: { type: 'string' },
      db: { type: 'string' },
      runs: { type: 'string' },
      batch: { type: 'string' },
      'spread-days': { type: 'string' },
      'fire-runs': { type: 'string' },
    },
  });
  const int = positiveInt;
  const db = databaseOption(values.db);
  return {
    clocks: int(values.clocks, 1_000_000, 'clocks'),
    db,
    runs: int(values.runs, 500, 'runs'),
    batch: int(values.batch, 200, 'batch'),
    spreadDays: int(values['spread-days'], 7, 'spread-days'),
    fireRuns: int(values['fire-runs'], 20, 'fire-runs'),
  };
}

// T0: a Monday morning in Vietnam, inside the calendar's range.
const T0 = new Date('2026-03-02T08:00:00+07:00');

async function main(): Promise<void> {
  const o = options();
  const scratch = await openScratchDb(o.db, { poolMax: 4 });
  const { db } = scratch;
  try {
    const insertMs = await populate(db, o);
    const sizes = await relationSizes(db);
    const plan = await explain(db, o.batch);
    if (!/sla_due_scan/.test(plan) || /Seq Scan on sla_clocks/.test(plan)) {
      console.error(plan);
      throw new Error('the claim query does not use the sla_due_scan index');
    }

    const now = new Date(T0.getTime() + 60_000);
    let found = 0;
    const find = () =>
      rolledBack(db, async (q) => {
        const t = performance.now();
        const { rows } = await q.query(CLAIM_DUE_CLOCKS_SQL, [now.toISOString(), o.batch]);
        const ms = performance.now() - t;
        found = rows.length;
        return ms;
      });
    for (let i = 0; i < 20; i++) await find();
    const times: number[] = [];
    for (let i = 0; i < o.runs; i++) times.push(await find());

    const clock = new ManualClock(T0.getTime());
    const calendar = await new CalendarStore(db).init();
    const sla = new SlaService({ db, dossiers: slaDossierFacts, calendar: () => calendar, clock, scanBatch: o.batch });
    const fire: number[] = [];
    let fired = 0;
    for (let k = 1; k <= o.fireRuns; k++) {
      clock.set(T0.getTime() + k * 60_000);
      const t = performance.now();
      const r = await sla.scanOnce();
      fire.push(performance.now() - t);
      fired += r.atRisk + r.overdue;
    }

    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const p50Ms = round(percentile(times, 50));
    const p99Ms = round(percentile(times, 99));
    console.log(`sla-scan — ${o.db} (${scratch.where}${o.db === 'postgres' ? `, PostgreSQL ${scratch.settings.server_version}` : ''})`);
    table([
      ['open clocks', o.clocks.toLocaleString('en-US')],
      ['bulk insert', `${(insertMs / 1000).toFixed(1)} s (${Math.round(o.clocks / (insertMs / 1000)).toLocaleString('en-US')} clocks/s)`],
      ['table / sla_due_scan index', `${sizes.table} / ${sizes.index}`],
      [
        'plan',
        plan
          .split('\n')
          .find((l) => /sla_due_scan/.test(l))
          ?.replace(/^[\s>-]+/, '')
          .replace(/ {2}\(cost.*/, '') ?? '?',
      ],
      [`find due in next minute (limit ${o.batch})`, `${found} clocks found per run`],
      [`  p50 / p99 over ${o.runs} runs`, `${p50Ms} ms / ${p99Ms} ms (min ${round(Math.min(...times))}, max ${round(Math.max(...times))})`],
      [`fire: scanOnce, ${o.fireRuns} minutes`, `${fired} events, p50 ${round(percentile(fire, 50))} ms / max ${round(Math.max(...fire))} ms per batch`],
      ['peak RSS (this process)', `${peakRssMb} MB`],
    ]);
    console.log('EXPLAIN (ANALYZE, BUFFERS) of the claim query:');
    for (const line of plan.split('\n')) console.log(`  ${line}`);
    console.log(JSON.stringify({ bench: 'sla-scan', db: o.db, clocks: o.clocks, p50Ms, p99Ms, peakRssMb }));
  } finally {
    await scratch.drop();
  }
}

const ROLLBACK = new Error('rollback');

async function populate(db: Db, o: Options): Promise<number> {
  const t = performance.now();
  const dossiers = Math.ceil(o.clocks / 10);
  await db.query(
    `insert into domain.agencies (code, kind, name, level, province_code, commune_code)
     values ('bench-agency', 'ubnd-xa', 'Bench agency', 'commune', '01', 'bench')`,
  );
  const BATCH = 100_000;
  for (let from = 0; from < dossiers; from += BATCH) {
    await db.query(
      `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
         lookup_secret_hash, received_at, appointment_at)
       select 'B-' || i, 'bench', '1', 'in_progress', 'counter', 'bench-agency', '{}', '{}', 'x', $3::timestamptz, $3::timestamptz
         from generate_series($1::int, $2::int) i`,
      [from, Math.min(from + BATCH, dossiers) - 1, T0.toISOString()],
    );
  }
  const spreadSec = o.spreadDays * 86_400;
  for (let from = 0; from < o.clocks; from += BATCH) {
    // Clock i belongs to dossier i / 10; its first of ten is the dossier clock. next_check_at is
    // spread uniformly by a multiplicative hash of i, so the order is not the insertion order.
    await db.query(
      `insert into domain.sla_clocks (dossier_code, kind, agency_code, step, limit_value, limit_unit, started_at, due_at,
         at_risk_at, state, next_check_at, budget_ms, counting_from, statutory_due_at, procedure_code, channel, receiving_agency)
       select 'B-' || (i / 10), case when i % 10 = 0 then 'dossier' else 'step' end,
              case when i % 10 = 0 then null else 'bench-agency' end, case when i % 10 = 0 then null else 'step' || (i % 10) end,
              5, 'working_days', $3::timestamptz, n + interval '1 day', n, 'running', n, 144000000, $3::timestamptz, n + interval '1 day',
              'bench', 'counter', 'bench-agency'
         from (select i, $3::timestamptz + make_interval(secs => ((i::bigint * 2654435761) % $4) + 1) as n
                 from generate_series($1::int, $2::int) i) s`,
      [from, Math.min(from + BATCH, o.clocks) - 1, T0.toISOString(), spreadSec],
    );
    process.stderr.write(`\r  inserted ${Math.min(from + BATCH, o.clocks).toLocaleString('en-US')} clocks`);
  }
  process.stderr.write('\n');
  await db.query('analyze domain.sla_clocks');
  await db.query('analyze domain.dossiers');
  return performance.now() - t;
}

async function explain(db: Db, batch: number): Promise<string> {
  const now = new Date(T0.getTime() + 60_000).toISOString();
  const sql = CLAIM_DUE_CLOCKS_SQL.replace('$1::timestamptz', `'${now}'::timestamptz`).replace('$2', String(batch));
  return rolledBack(db, async (q) => {
    const { rows } = await q.query<Record<string, string>>(`explain (analyze, buffers) ${sql}`);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  });
}

/** Runs `fn` in a transaction that is always rolled back (the claim locks rows; the bench keeps none). */
async function rolledBack<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let out: T | undefined;
  await db
    .tx(async (q) => {
      out = await fn(q);
      throw ROLLBACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
  return out as T;
}

async function relationSizes(db: Db): Promise<{ table: string; index: string }> {
  const { rows } = await db.query<{ t: string; i: string }>(
    `select pg_size_pretty(pg_relation_size('domain.sla_clocks')) as t, pg_size_pretty(pg_relation_size('domain.sla_due_scan')) as i`,
  );
  return { table: rows[0].t, index: rows[0].i };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function table(rows: [string, string][]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
