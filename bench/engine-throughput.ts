/**
 * Embedded engine throughput: start → 5 tasks → end, the tasks worked in-process.
 *
 *   npm run bench:engine -- [--instances 2000] [--db pglite|postgres|both] [--tasks job|user]
 *                           [--inflight 40] [--concurrency 8] [--types distinct|single]
 *                           [--warmup 200] [--pool 10] [--pglite-memory]
 *
 * `--tasks job` (the default): the 5 steps are service tasks. Each has its own job type
 * (`bench-step-1` … `bench-step-5`, like the steps of a linked procedure, each at a different
 * agency), served by one `engine.createWorker` with concurrency 8 (`--types single` puts all five
 * on one type and one worker).
 *
 * `--tasks user`: the 5 steps are Camunda user tasks (`zeebe:userTask`), step n offered to the
 * candidate group `bench-agency-n` (`--types single`: all to `bench-agency`), and one inbox per
 * group, with the same concurrency as a worker, finds its open tasks with `searchUserTasks` on
 * `onUserTaskChanged` hints and completes them with `completeUserTask` — how and why is in
 * bench/support/user-task-inbox.ts.
 *
 * Instances are fed closed-loop: `--inflight` of them are running at any moment and a new one is
 * created as soon as one completes, so task latency is the engine's, not the length of a backlog
 * (`--inflight 0` creates all instances up front instead).
 *
 * Task latency is created → completed: from the `at` of the task's CREATED event in engine.events
 * (JOB or USER_TASK; the engine clock when the command that created it began) to the moment its
 * completion resolved, i.e. the completing transaction had committed. Both are Date.now() in this
 * process. The split: created → activated (the JOB ACTIVATED event), or created → found (when the
 * inbox's search returned the user task).
 *
 * PostgreSQL runs in a scratch database created and dropped by the bench, with
 * synchronous_commit pinned on for it; PGlite in a fresh temporary data directory. With
 * `--db both` each database runs in its own child process, so peak RSS (the kernel's high-water
 * mark, getrusage maxrss) is that database's alone; for PGlite it includes the database itself.
 *
 * The last line of output is one JSON object per database (the last one last), `tasks` saying
 * which variant ran.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { EmbeddedEngineQueries } from '../src/engine/embedded/queries.js';
import type { ActivatedJob, JobActions, JobWorker } from '../src/engine/port.js';
import { countingDb, DbCounters } from './support/counting-db.js';
import { dist, pct, printStatements, printTable, round, systemCpu } from './support/report.js';
import { openScratchDb } from './support/scratch.js';
import { ServerCpu } from './support/server-cpu.js';
import { lanes, processXml, STEPS, taskTimes } from './support/throughput-tasks.js';
import { UserTaskInboxes } from './support/user-task-inbox.js';

interface Options {
  instances: number;
  db: 'pglite' | 'postgres' | 'both';
  tasks: 'job' | 'user';
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
  tasks: 'job' | 'user';
  instances: number;
  instancesPerSec: number;
  /** Task (job or user task) completions per second. */
  completionsPerSec: number;
  /** The same figure under the name earlier runs reported, for `--tasks job` only. */
  jobsPerSec?: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      db: { type: 'string' },
      tasks: { type: 'string' },
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
  const tasks = (values.tasks ?? 'job') as Options['tasks'];
  if (!['job', 'user'].includes(tasks)) throw new Error(`--tasks must be job or user, not '${tasks}'`);
  const concurrency = Math.max(1, int(values.concurrency, undefined, 8, 'concurrency'));
  return {
    instances: Math.max(1, int(values.instances, process.env.INSTANCES, 2000, 'instances')),
    db,
    tasks,
    concurrency,
    types,
    // Default: as many instances in flight as there are worker slots.
    inflight: int(values.inflight, undefined, concurrency * (types === 'distinct' ? STEPS : 1), 'inflight'),
    warmup: int(values.warmup, undefined, 200, 'warmup'),
    pool: Math.max(1, int(values.pool, undefined, 10, 'pool')),
    pgliteMemory: values['pglite-memory'] ?? false,
  };
}

// ---- one database, in this process ----------------------------------------------------------

async function runOne(kind: 'postgres' | 'pglite', o: Options): Promise<Result> {
  const scratch = await openScratchDb(kind, { poolMax: o.pool, pgliteMemory: o.pgliteMemory });
  const counters = new DbCounters();
  const db = countingDb(scratch.db, counters);
  const engine = new EmbeddedEngine(db);
  const workers: JobWorker[] = [];
  let inboxes: UserTaskInboxes | undefined;
  const what = o.tasks === 'job' ? 'job' : 'user task';
  try {
    await engine.start();
    await engine.deployResources([{ name: 'bench-throughput.bpmn', content: processXml(o.tasks, o.types) }]);

    const acked = new Map<string, number>(); // task key → completion committed (ms)
    const finished = new Set<string>(); // instances whose last step was acknowledged early
    const waiting = new Map<string, () => void>();
    let driverErrors = 0;
    const onError = (lane: string) => (e: unknown) => {
      if (driverErrors++ < 5) console.error(`${o.tasks === 'job' ? 'worker' : 'inbox'} ${lane}:`, e);
    };
    /** A task's completion committed: the instance ends with its last step. */
    const completed = (taskKey: string, elementId: string, processInstanceKey: string) => {
      acked.set(taskKey, Date.now());
      if (Number(elementId.slice(4)) === STEPS) {
        const w = waiting.get(processInstanceKey);
        if (w) w();
        else finished.add(processInstanceKey);
      }
    };
    const laneNames = lanes(o.tasks, o.types);
    if (o.tasks === 'job') {
      const handler = async (job: ActivatedJob & JobActions) => {
        const out = await job.complete({ [job.elementId]: job.worker });
        completed(job.key, job.elementId, job.processInstanceKey);
        return out;
      };
      for (const type of laneNames) {
        workers.push(engine.createWorker({ type, handler, concurrency: o.concurrency, worker: `bench-${type}`, onError: onError(type) }));
      }
    } else {
      inboxes = new UserTaskInboxes(engine, new EmbeddedEngineQueries(db), {
        groups: laneNames,
        concurrency: o.concurrency,
        handler: async (task, group) => {
          await engine.completeUserTask({ userTaskKey: task.userTaskKey, variables: { [task.elementId]: `bench-${group}` } });
          completed(task.userTaskKey, task.elementId, task.processInstanceKey);
        },
        onError: (e, group) => onError(group)(e),
      });
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
      console.error(`engine-throughput: not finished after 15 minutes on ${kind}; ${acked.size} ${what}s acknowledged`);
      process.exit(2);
    }, 15 * 60_000);

    if (o.warmup > 0) await drive(o.warmup, o.inflight || 40);
    // The statistics a running database has (autovacuum's ANALYZE; it may be off on a dev server):
    // without them a fresh table's plans are guesses, e.g. a bitmap scan over every dead entry.
    await scratch.db.query('analyze');
    acked.clear();
    counters.reset();
    inboxes?.reset();
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
    const { total, toTake, toComplete, completedEvents, valueType } = await taskTimes(scratch.db, o.tasks, keys, acked, inboxes?.stats.foundAt);
    const completedInstances = states.find((s) => s.state === 'COMPLETED')?.n ?? 0;
    const tasks = o.instances * STEPS;
    const problems: string[] = [];
    if (completedInstances !== o.instances) problems.push(`${completedInstances}/${o.instances} instances COMPLETED`);
    if (completedEvents !== tasks) problems.push(`${completedEvents} ${valueType} COMPLETED events, expected ${tasks}`);
    if (total.length !== tasks) problems.push(`latency for ${total.length}/${tasks} ${what}s`);
    if (driverErrors) problems.push(`${driverErrors} ${o.tasks === 'job' ? 'worker' : 'inbox'} errors`);

    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const perSec = round(tasks / (wallMs / 1000), 1);
    const result: Result = {
      bench: 'engine-throughput',
      db: kind,
      tasks: o.tasks,
      instances: o.instances,
      instancesPerSec: round(o.instances / (wallMs / 1000), 1),
      completionsPerSec: perSec,
      ...(o.tasks === 'job' ? { jobsPerSec: perSec } : {}),
      p50Ms: round(pct(total, 50), 2),
      p99Ms: round(pct(total, 99), 2),
      peakRssMb: round(peakRssMb, 1),
    };

    const s = scratch.settings;
    const txs = counters.transactions;
    const lanesDone =
      o.tasks === 'job'
        ? `${laneNames.length} job type(s) × worker concurrency ${o.concurrency}`
        : `${laneNames.length} candidate group(s) × inbox concurrency ${o.concurrency}`;
    const rows: [string, string][] = [
      ['database', `${kind} ${s.server_version} (${scratch.where})`],
      [
        'synchronous_commit / fsync',
        `${s.synchronous_commit} / ${s.fsync}${kind === 'postgres' ? ` (wal_sync_method ${s.wal_sync_method}, pool ${o.pool})` : ''}`,
      ],
      [
        'workload',
        `${o.instances} instances × ${STEPS} ${o.tasks === 'job' ? 'service tasks' : 'user tasks'}, ${lanesDone}, ${o.inflight || 'all'} in flight, ${o.warmup} warm-up instances not counted`,
      ],
      ['wall time', `${(wallMs / 1000).toFixed(2)} s`],
      ['instances/s', result.instancesPerSec.toFixed(1)],
      [`${what} completions/s`, result.completionsPerSec.toFixed(1)],
      [`${what} latency created→completed`, dist(total)],
      [o.tasks === 'job' ? '  created→activated' : "  created→found by the inbox's search", dist(toTake)],
      [o.tasks === 'job' ? '  activated→completed (handler + complete tx)' : '  found→completed (completeUserTask tx)', dist(toComplete)],
      [
        `statements / transactions per ${what}`,
        `${(counters.statements / tasks).toFixed(2)} / ${(txs / tasks).toFixed(2)}  (BEGIN and COMMIT count as statements)`,
      ],
    ];
    if (inboxes) {
      const st = inboxes.stats;
      rows.push([
        'inbox searches / hints per user task',
        `${(st.searches / tasks).toFixed(2)} (${((st.emptySearches / Math.max(1, st.searches)) * 100).toFixed(0)} % found nothing) / ${(st.hints / tasks).toFixed(2)} (${st.ownHints} about own completions, dropped)`,
      ]);
    }
    rows.push(
      [
        'CPU: this process / whole machine',
        `${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(0)} % of one core / ${sys ?? '?'} % of ${availableParallelism()} cores busy (load avg ${load0.toFixed(2)} before the run)`,
      ],
      [
        `CPU per ${what}: this process / PostgreSQL backends`,
        `${((cpu.user + cpu.system) / 1000 / tasks).toFixed(2)} ms / ${serverMs === undefined ? 'n/a' : `${(serverMs / tasks).toFixed(2)} ms`}`,
      ],
      ['peak RSS', `${result.peakRssMb.toFixed(1)} MB`],
      [
        'check',
        problems.length ? `FAILED: ${problems.join('; ')}` : `ok: ${completedInstances} instances COMPLETED, ${completedEvents} ${valueType} COMPLETED events`,
      ],
    );
    printTable(`engine-throughput — ${kind}, --tasks ${o.tasks}`, rows);
    printStatements(counters, tasks, o.tasks === 'job' ? 'job' : 'task', o.tasks === 'job' ? 8 : 10);
    if (problems.length) process.exitCode = 1;
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await inboxes?.close();
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
    [['db', `instances/s · ${o.tasks} completions/s · p50 · p99 · peak RSS`] as [string, string]].concat(
      results.map((r) => [r.db, `${r.instancesPerSec} · ${r.completionsPerSec} · ${r.p50Ms} ms · ${r.p99Ms} ms · ${r.peakRssMb} MB`]),
    ),
  );
  for (const r of results) console.log(JSON.stringify(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
