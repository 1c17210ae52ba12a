/**
 * Embedded engine throughput: start → 5 service tasks → end, driven by in-process workers.
 *
 *   npm run bench:engine -- [--instances 2000] [--db pglite|postgres|both] [--inflight 40]
 *                           [--concurrency 8] [--types distinct|single] [--warmup 200]
 *                           [--pool 10] [--pglite-memory]
 *
 * Each of the 5 tasks has its own job type (`bench-step-1` … `bench-step-5`, like the steps of a
 * linked procedure, each at a different agency), served by one `engine.createWorker` with
 * concurrency 8 (`--types single` puts all five on one type and one worker). Instances are fed
 * closed-loop: `--inflight` of them are running at any moment and a new one is created as soon
 * as one completes, so job latency is the engine's, not the length of a backlog
 * (`--inflight 0` creates all instances up front instead).
 *
 * Job latency is created → completed: from the `at` of the job's JOB CREATED event in
 * engine.events (the engine clock when the command that created the job began) to the moment the
 * handler's `complete()` resolved, i.e. the completing transaction had committed. Both are
 * Date.now() in this process. The split created → activated comes from the JOB ACTIVATED event.
 *
 * PostgreSQL runs in a scratch database created and dropped by the bench, with
 * synchronous_commit pinned on for it; PGlite in a fresh temporary data directory. With
 * `--db both` each database runs in its own child process, so peak RSS (the kernel's high-water
 * mark, getrusage maxrss) is that database's alone; for PGlite it includes the database itself.
 *
 * The last line of output is one JSON object per database (the last one last).
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import type { ActivatedJob, JobActions, JobWorker } from '../src/engine/port.js';
import { countingDb, DbCounters } from './support/counting-db.js';
import { openScratchDb } from './support/scratch.js';
import { ServerCpu } from './support/server-cpu.js';

const STEPS = 5;

interface Options {
  instances: number;
  db: 'pglite' | 'postgres' | 'both';
  inflight: number;
  concurrency: number;
  types: 'distinct' | 'single';
  warmup: number;
  pool: number;
  pgliteMemory: boolean;
}

interface Result {
  bench: 'engine-throughput';
  db: 'postgres' | 'pglite';
  instances: number;
  instancesPerSec: number;
  jobsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      db: { type: 'string' },
      inflight: { type: 'string' },
      concurrency: { type: 'string' },
      types: { type: 'string' },
      warmup: { type: 'string' },
      pool: { type: 'string' },
      'pglite-memory': { type: 'boolean' },
    },
  });
  const int = (v: string | undefined, env: string | undefined, dflt: number, name: string) => {
    const s = v ?? env;
    if (s === undefined || s === '') return dflt;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not '${s}'`);
    return n;
  };
  const db = (values.db ?? process.env.BENCH_DB ?? (process.env.DATABASE_URL ? 'both' : 'pglite')) as Options['db'];
  if (!['pglite', 'postgres', 'both'].includes(db)) throw new Error(`--db must be pglite, postgres or both, not '${db}'`);
  if (db !== 'pglite' && !process.env.DATABASE_URL) throw new Error(`--db ${db} needs DATABASE_URL`);
  const types = (values.types ?? 'distinct') as Options['types'];
  if (!['distinct', 'single'].includes(types)) throw new Error(`--types must be distinct or single`);
  const concurrency = Math.max(1, int(values.concurrency, undefined, 8, 'concurrency'));
  return {
    instances: Math.max(1, int(values.instances, process.env.INSTANCES, 2000, 'instances')),
    db,
    concurrency,
    types,
    // Default: as many instances in flight as there are worker slots.
    inflight: int(values.inflight, undefined, concurrency * (types === 'distinct' ? STEPS : 1), 'inflight'),
    warmup: int(values.warmup, undefined, 200, 'warmup'),
    pool: Math.max(1, int(values.pool, undefined, 10, 'pool')),
    pgliteMemory: values['pglite-memory'] ?? false,
  };
}

function processXml(types: Options['types']): string {
  const tasks = Array.from({ length: STEPS }, (_, i) => {
    const type = types === 'distinct' ? `bench-step-${i + 1}` : 'bench-step';
    return `<bpmn:serviceTask id="step${i + 1}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}"/></bpmn:extensionElements></bpmn:serviceTask>`;
  });
  const ids = ['start', ...tasks.map((_, i) => `step${i + 1}`), 'end'];
  const flows = ids.slice(1).map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench" targetNamespace="http://lienthong.vn/bench">
  <bpmn:process id="bench-throughput" isExecutable="true">
    <bpmn:startEvent id="start"/>
    ${tasks.join('\n    ')}
    <bpmn:endEvent id="end"/>
    ${flows.join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}

// ---- one database, in this process ----------------------------------------------------------

async function runOne(kind: 'postgres' | 'pglite', o: Options): Promise<Result> {
  const scratch = await openScratchDb(kind, { poolMax: o.pool, pgliteMemory: o.pgliteMemory });
  const counters = new DbCounters();
  const engine = new EmbeddedEngine(countingDb(scratch.db, counters));
  const workers: JobWorker[] = [];
  try {
    await engine.start();
    await engine.deployResources([{ name: 'bench-throughput.bpmn', content: processXml(o.types) }]);

    const acked = new Map<string, number>(); // job key → completion committed (ms)
    const finished = new Set<string>(); // instances whose last step was acknowledged early
    const waiting = new Map<string, () => void>();
    let workerErrors = 0;
    const handler = async (job: ActivatedJob & JobActions) => {
      const step = Number(job.elementId.slice(4));
      const out = await job.complete({ [`step${step}`]: job.worker });
      acked.set(job.key, Date.now());
      if (step === STEPS) {
        const w = waiting.get(job.processInstanceKey);
        if (w) w();
        else finished.add(job.processInstanceKey);
      }
      return out;
    };
    const typeNames = o.types === 'distinct' ? Array.from({ length: STEPS }, (_, i) => `bench-step-${i + 1}`) : ['bench-step'];
    for (const type of typeNames) {
      workers.push(
        engine.createWorker({
          type,
          handler,
          concurrency: o.concurrency,
          worker: `bench-${type}`,
          onError: (e) => {
            if (workerErrors++ < 5) console.error(`worker ${type}:`, e);
          },
        }),
      );
    }

    let seq = 0;
    const oneInstance = async (): Promise<string> => {
      const n = seq++;
      const { processInstanceKey } = await engine.createProcessInstance({
        bpmnProcessId: 'bench-throughput',
        variables: { dossierCode: `H01.${String(n).padStart(6, '0')}`, receivedBy: 'bench', n },
      });
      await new Promise<void>((resolve) => {
        if (finished.delete(processInstanceKey)) {
          resolve();
          return;
        }
        waiting.set(processInstanceKey, () => {
          waiting.delete(processInstanceKey);
          resolve();
        });
      });
      return processInstanceKey;
    };
    const drive = async (count: number, inflight: number): Promise<string[]> => {
      const keys: string[] = [];
      if (inflight === 0) {
        // Burst: every instance is created first; the workers drain the backlog.
        const created = [];
        for (let i = 0; i < count; i++) created.push(oneInstance());
        keys.push(...(await Promise.all(created)));
        return keys;
      }
      let left = count;
      const lane = async () => {
        while (left > 0) {
          left--;
          keys.push(await oneInstance());
        }
      };
      await Promise.all(Array.from({ length: Math.min(inflight, count) }, lane));
      return keys;
    };
    const guard = setTimeout(() => {
      console.error(`engine-throughput: not finished after 15 minutes on ${kind}; ${acked.size} jobs acknowledged`);
      process.exit(2);
    }, 15 * 60_000);

    if (o.warmup > 0) await drive(o.warmup, o.inflight || 40);
    acked.clear();
    counters.reset();
    const serverCpu = await ServerCpu.begin(scratch.db);
    const load0 = loadavg()[0];
    const sys0 = systemCpu();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const keys = await drive(o.instances, o.inflight);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const sys = systemCpu(sys0);
    const serverMs = await serverCpu?.end();
    clearTimeout(guard);

    // ---- what the database says happened ----
    const { rows: states } = await scratch.db.query<{ state: string; n: number }>(
      `select state, count(*)::int as n from engine.process_instances where key = any($1::bigint[]) group by state`,
      [keys],
    );
    const { rows: evs } = await scratch.db.query<{ job: string; intent: string; at: number }>(
      `select payload->>'jobKey' as job, intent, (extract(epoch from at) * 1000)::float8 as at
         from engine.events
        where value_type = 'JOB' and intent in ('CREATED', 'ACTIVATED', 'COMPLETED')
          and process_instance_key = any($1::bigint[])`,
      [keys],
    );
    const created = new Map<string, number>();
    const activated = new Map<string, number>();
    let completedEvents = 0;
    for (const e of evs) {
      if (e.intent === 'CREATED') created.set(e.job, e.at);
      else if (e.intent === 'ACTIVATED') activated.set(e.job, Math.max(activated.get(e.job) ?? 0, e.at));
      else completedEvents++;
    }
    const total: number[] = [];
    const toActivate: number[] = [];
    const toComplete: number[] = [];
    for (const [job, c] of created) {
      const a = activated.get(job);
      const done = acked.get(job);
      if (done === undefined) continue;
      total.push(done - c);
      if (a !== undefined) {
        toActivate.push(a - c);
        toComplete.push(done - a);
      }
    }
    const completedInstances = states.find((s) => s.state === 'COMPLETED')?.n ?? 0;
    const jobs = o.instances * STEPS;
    const problems: string[] = [];
    if (completedInstances !== o.instances) problems.push(`${completedInstances}/${o.instances} instances COMPLETED`);
    if (completedEvents !== jobs) problems.push(`${completedEvents} JOB COMPLETED events, expected ${jobs}`);
    if (total.length !== jobs) problems.push(`latency for ${total.length}/${jobs} jobs`);
    if (workerErrors) problems.push(`${workerErrors} worker errors`);

    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const result: Result = {
      bench: 'engine-throughput',
      db: kind,
      instances: o.instances,
      instancesPerSec: round(o.instances / (wallMs / 1000), 1),
      jobsPerSec: round(jobs / (wallMs / 1000), 1),
      p50Ms: round(pct(total, 50), 2),
      p99Ms: round(pct(total, 99), 2),
      peakRssMb: round(peakRssMb, 1),
    };

    const s = scratch.settings;
    const txs = counters.transactions;
    const rows: [string, string][] = [
      ['database', `${kind} ${s.server_version} (${scratch.where})`],
      [
        'synchronous_commit / fsync',
        `${s.synchronous_commit} / ${s.fsync}${kind === 'postgres' ? ` (wal_sync_method ${s.wal_sync_method}, pool ${o.pool})` : ''}`,
      ],
      [
        'workload',
        `${o.instances} instances × ${STEPS} service tasks, ${typeNames.length} job type(s) × concurrency ${o.concurrency}, ${o.inflight || 'all'} in flight, ${o.warmup} warm-up instances not counted`,
      ],
      ['wall time', `${(wallMs / 1000).toFixed(2)} s`],
      ['instances/s', result.instancesPerSec.toFixed(1)],
      ['job completions/s', result.jobsPerSec.toFixed(1)],
      ['job latency created→completed', dist(total)],
      ['  created→activated', dist(toActivate)],
      ['  activated→completed (handler + complete tx)', dist(toComplete)],
      ['statements / transactions per job', `${(counters.statements / jobs).toFixed(2)} / ${(txs / jobs).toFixed(2)}  (BEGIN and COMMIT count as statements)`],
      [
        'CPU: this process / whole machine',
        `${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(0)} % of one core / ${sys ?? '?'} % of ${availableParallelism()} cores busy (load avg ${load0.toFixed(2)} before the run)`,
      ],
      [
        'CPU per job: this process / PostgreSQL backends',
        `${((cpu.user + cpu.system) / 1000 / jobs).toFixed(2)} ms / ${serverMs === undefined ? 'n/a' : `${(serverMs / jobs).toFixed(2)} ms`}`,
      ],
      ['peak RSS', `${result.peakRssMb.toFixed(1)} MB`],
      ['check', problems.length ? `FAILED: ${problems.join('; ')}` : `ok: ${completedInstances} instances COMPLETED, ${completedEvents} JOB COMPLETED events`],
    ];
    printTable(`engine-throughput — ${kind}`, rows);
    printStatements(counters, jobs);
    if (problems.length) process.exitCode = 1;
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await engine.close();
    await scratch.drop();
  }
}

// ---- both databases: one child process each ---------------------------------------------------

async function runChild(kind: 'postgres' | 'pglite', args: string[]): Promise<Result> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self, ...args, '--db', kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  let result: Result | undefined;
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('{"bench":')) result = JSON.parse(line);
      else process.stdout.write(line + '\n');
    }
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0 && !result) throw new Error(`engine-throughput on ${kind} exited with ${code}`);
  if (code !== 0) process.exitCode = code ?? 1;
  return result!;
}

async function main(): Promise<void> {
  const o = options();
  if (o.db !== 'both') {
    const r = await runOne(o.db, o);
    console.log(JSON.stringify(r));
    return;
  }
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--db' && all[i - 1] !== '--db' && !a.startsWith('--db='));
  const results: Result[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    results.push(await runChild(kind, args));
    console.log();
  }
  printTable(
    'engine-throughput — summary',
    [['db', 'instances/s · jobs/s · p50 · p99 · peak RSS'] as [string, string]].concat(
      results.map((r) => [r.db, `${r.instancesPerSec} · ${r.jobsPerSec} · ${r.p50Ms} ms · ${r.p99Ms} ms · ${r.peakRssMb} MB`]),
    ),
  );
  for (const r of results) console.log(JSON.stringify(r));
}

// ---- helpers --------------------------------------------------------------------------------

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function dist(xs: number[]): string {
  if (!xs.length) return 'n/a';
  const f = (p: number) => pct(xs, p).toFixed(1);
  return `p50 ${f(50)} · p90 ${f(90)} · p99 ${f(99)} · max ${f(100)} ms`;
}

function round(x: number, digits: number): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}

/**
 * Busy share of all cores since `since` (Linux /proc/stat), so a run that shared the machine
 * with other work says so; with no argument, the counters to start from.
 */
function systemCpu(): number[] | undefined;
function systemCpu(since: number[] | undefined): string | undefined;
function systemCpu(since?: number[]): number[] | string | undefined {
  let now: number[];
  try {
    now = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
  if (!since) return now;
  const d = now.map((v, i) => v - (since[i] ?? 0));
  const total = d.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = d[3] + d[4];
  return total > 0 ? ((1 - idle / total) * 100).toFixed(0) : undefined;
}

function printTable(title: string, rows: [string, string][]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(title);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

function printStatements(c: DbCounters, jobs: number): void {
  const list = [...c.byStatement.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  console.log('  where the database time goes (client-side wait, summed over concurrent callers):');
  for (const [sql, s] of list) {
    console.log(`    ${(s.calls / jobs).toFixed(2).padStart(6)}/job  ${(s.ms / s.calls).toFixed(2).padStart(7)} ms avg  ${sql}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
