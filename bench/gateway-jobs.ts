/**
 * Jobs through the service's doors: an SDK worker on Zeebe's gRPC gateway, and the same work over
 * REST v2 for comparison. The requirement: an SDK worker completes at least 1,000 jobs/s on a
 * 2-core machine with the service on PostgreSQL.
 *
 *   npm run bench:gateway -- [--instances 5000] [--paths grpc,rest] [--mode poll|stream]
 *                            [--batch 64] [--poll-interval 300] [--concurrency 16] [--inflight 128] [--warmup 200]
 *                            [--pool 10] [--create-concurrency 8]
 *
 * The whole service (HTTP, /v2, the gateway, the rooms) runs in this process over a PostgreSQL
 * scratch database that the bench creates and drops (DATABASE_URL names the server, default the
 * local one), as `npm start` would run it outside production, so the demo API clients are seeded.
 * The process is start → one service task (job type `bench-gateway`) → end, deployed through the
 * gateway by the SDK as `demo-app`. Both paths run one after the other in the same service, each
 * on a fresh set of `--instances` instances, after `--warmup` instances through the same path
 * that are not counted.
 *
 * grpc, `--mode poll` (the default): `@camunda8/sdk`'s ZeebeGrpcClient configured as
 * docs/zeebe.md tells (OAuth client credentials against `/oauth/token` as demo-app), one
 * `createWorker` with `maxJobsToActivate = --batch` whose handler only calls `job.complete()`.
 * `--poll-interval` is the worker's pollInterval (default the SDK's, 300 ms): the SDK asks for
 * more jobs only on that timer, so one worker cannot exceed about batch / pollInterval jobs/s
 * whatever the server does (64 / 300 ms ≈ 213 jobs/s with the defaults).
 * All instances are created up front through the engine port (`--create-concurrency` at a time;
 * not measured), then the worker starts and drains the backlog.
 *
 * grpc, `--mode stream`: the SDK's `streamJobs` (StreamActivatedJobs). A stream is pushed only the
 * jobs created after it opened, so here instances are fed closed-loop instead: the stream opens
 * first, `--inflight` instances are running at any moment and a new one is created as soon as a
 * job completes. Creation then runs in this process during the measurement: its CPU counts.
 *
 * rest: the same backlog (created up front), drained by `POST /v2/jobs/activation`
 * (`maxJobsToActivate = --batch`, long poll 1 s, a new activation whenever fewer than `--batch`
 * jobs are waiting or in flight) and `POST /v2/jobs/{jobKey}/completion` with `--concurrency`
 * completions in flight, with a bearer token from `POST /oauth/token` as demo-app. Node's fetch
 * (keep-alive) is the client.
 *
 * Measured per path: jobs completed per second from the first completion to the last, and from
 * the worker's start to the last; this process's CPU (the service, the client and the bench are
 * one process) and the PostgreSQL backends' CPU per job; the share of the machine that was busy
 * and the load average. Latency per job from the JOB events in engine.events and the moment the
 * completion resolved in the client: activated → completed (transport, the client's queue, the
 * completing transaction); with a backlog created up front, created → completed is mostly time
 * spent waiting in the backlog and is shown for the stream mode only.
 *
 * The last line of output is one JSON object with the figures of every path that ran.
 */
import { parseArgs } from 'node:util';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Zeebe } from '@camunda8/sdk';
import { pino } from 'pino';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/index.js';
import { startService, type Service } from '../src/main.js';
import { countingDb, DbCounters } from './support/counting-db.js';
import { dist, pct, printStatements, printTable, round, systemCpu } from './support/report.js';
import { openScratchDb } from './support/scratch.js';
import { ServerCpu } from './support/server-cpu.js';
import { taskTimes } from './support/throughput-tasks.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const JOB_TYPE = 'bench-gateway';
const PROCESS_ID = 'bench-gateway';
const CLIENT_ID = 'demo-app';
const CLIENT_SECRET = 'demo-app-secret-2026';
/** Activated jobs stay the worker's this long; far beyond any run. */
const JOB_TIMEOUT_MS = 300_000;
/**
 * The SDK worker's default pollInterval (ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS). Its worker asks for
 * more jobs only on this timer (and only when at most 30 % of maxJobsToActivate are still being
 * worked), so one worker tops out near maxJobsToActivate / pollInterval jobs/s.
 */
const SDK_POLL_INTERVAL_MS = 300;

type PathName = 'grpc' | 'rest';

interface Options {
  instances: number;
  paths: PathName[];
  mode: 'poll' | 'stream';
  batch: number;
  /** The SDK worker's pollInterval, ms (its default: 300). */
  pollInterval: number;
  concurrency: number;
  inflight: number;
  warmup: number;
  pool: number;
  createConcurrency: number;
}

interface PathResult {
  jobs: number;
  /** First completion → last completion. */
  jobsPerSec: number;
  /** Worker start (first activation request) → last completion. */
  jobsPerSecFromStart: number;
  /** This process (service + client + bench), user + system CPU. */
  cpuMsPerJob: number;
  /** PostgreSQL backends of the scratch database; absent when they cannot be seen. */
  pgCpuMsPerJob?: number;
  activatedToCompletedP50Ms: number;
  activatedToCompletedP99Ms: number;
  createdToCompletedP50Ms?: number;
  createdToCompletedP99Ms?: number;
  statementsPerJob: number;
  machineBusyPct?: number;
  loadAvg1: number;
  ok: boolean;
}

interface Result {
  bench: 'gateway-jobs';
  db: 'postgres';
  instances: number;
  mode: Options['mode'];
  batch: number;
  pollInterval: number;
  concurrency: number;
  cores: number;
  grpc?: PathResult;
  rest?: PathResult;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      paths: { type: 'string' },
      mode: { type: 'string' },
      batch: { type: 'string' },
      'poll-interval': { type: 'string' },
      concurrency: { type: 'string' },
      inflight: { type: 'string' },
      warmup: { type: 'string' },
      pool: { type: 'string' },
      'create-concurrency': { type: 'string' },
    },
  });
  const int = (v: string | undefined, dflt: number, name: string, min = 0) => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not '${v}'`);
    return n;
  };
  const paths = (values.paths ?? 'grpc,rest').split(',').map((p) => p.trim()) as PathName[];
  if (!paths.length || paths.some((p) => p !== 'grpc' && p !== 'rest')) throw new Error(`--paths takes grpc, rest or both (grpc,rest)`);
  const mode = (values.mode ?? 'poll') as Options['mode'];
  if (mode !== 'poll' && mode !== 'stream') throw new Error(`--mode must be poll or stream, not '${String(mode)}'`);
  const batch = int(values.batch, 64, 'batch', 1);
  return {
    instances: int(values.instances, Number(process.env.INSTANCES) || 5000, 'instances', 1),
    paths: [...new Set(paths)],
    mode,
    batch,
    pollInterval: int(values['poll-interval'], SDK_POLL_INTERVAL_MS, 'poll-interval', 1),
    concurrency: int(values.concurrency, 16, 'concurrency', 1),
    inflight: int(values.inflight, 2 * batch, 'inflight', 1),
    warmup: int(values.warmup, 200, 'warmup'),
    pool: int(values.pool, 10, 'pool', 1),
    createConcurrency: int(values['create-concurrency'], 8, 'create-concurrency', 1),
  };
}

const processXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench-gateway-defs" targetNamespace="http://lienthong.vn/bench">
  <bpmn:process id="${PROCESS_ID}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="${JOB_TYPE}"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;

type GrpcClient = InstanceType<typeof Zeebe.ZeebeGrpcClient>;

/** The SDK as docs/zeebe.md configures it: OAuth client credentials against the service. */
function sdkClient(service: Service): GrpcClient {
  return new Zeebe.ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${service.gatewayPort}`,
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_URL: `${service.url}/oauth/token`,
      ZEEBE_CLIENT_ID: CLIENT_ID,
      ZEEBE_CLIENT_SECRET: CLIENT_SECRET,
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_GRPC_CLIENT_RETRY: false, ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    },
  });
}

/** Creates `count` instances through the engine port, `concurrency` at a time. */
async function createInstances(service: Service, count: number, concurrency: number): Promise<string[]> {
  const keys: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = next++;
      const { processInstanceKey } = await service.engine.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { n } });
      keys.push(processInstanceKey);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return keys;
}

/** What one drain reports: when each job's completion resolved, and when the worker started. */
interface Drain {
  acked: Map<string, number>;
  startedAt: number;
  instanceKeys: string[];
  errors: number;
}

/** Resolves when `count` distinct jobs were acknowledged. */
function countdown(count: number) {
  const acked = new Map<string, number>();
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    acked,
    done,
    ack(jobKey: string) {
      acked.set(jobKey, Date.now());
      if (acked.size >= count) resolve();
    },
  };
}

// ---- gRPC: the SDK's worker -------------------------------------------------------------------

async function drainGrpc(service: Service, zbc: GrpcClient, o: Options, count: number, ready: () => Promise<void>): Promise<Drain> {
  const c = countdown(count);
  let errors = 0;
  if (o.mode === 'poll') {
    const instanceKeys = await createInstances(service, count, o.createConcurrency);
    await ready();
    const startedAt = Date.now();
    const worker = zbc.createWorker({
      taskType: JOB_TYPE,
      id: 'bench-grpc',
      maxJobsToActivate: o.batch,
      pollInterval: o.pollInterval,
      timeout: JOB_TIMEOUT_MS,
      loglevel: 'NONE',
      taskHandler: async (job) => {
        try {
          const ack = await job.complete();
          c.ack(job.key);
          return ack;
        } catch (e) {
          if (errors++ < 5) console.error('grpc complete:', e);
          throw e;
        }
      },
    });
    await c.done;
    await worker.close(2_000).catch(() => undefined);
    return { acked: c.acked, startedAt, instanceKeys, errors };
  }
  // stream: open first, then feed closed-loop.
  const stream = await zbc.streamJobs({
    type: JOB_TYPE,
    worker: 'bench-grpc-stream',
    tenantIds: [],
    timeout: JOB_TIMEOUT_MS,
    taskHandler: async (job) => {
      try {
        const ack = await job.complete();
        c.ack(job.key);
        feed();
        return ack;
      } catch (e) {
        if (errors++ < 5) console.error('grpc stream complete:', e);
        throw e;
      }
    },
  });
  const instanceKeys: string[] = [];
  let created = 0;
  const createOne = () => {
    created++;
    service.engine
      .createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { n: created } })
      .then((r) => instanceKeys.push(r.processInstanceKey))
      .catch((e: unknown) => {
        if (errors++ < 5) console.error('create:', e);
      });
  };
  const feed = () => {
    if (created < count) createOne();
  };
  await ready();
  const startedAt = Date.now();
  for (let i = 0; i < Math.min(o.inflight, count); i++) createOne();
  await c.done;
  stream.close();
  return { acked: c.acked, startedAt, instanceKeys, errors };
}

// ---- REST: /v2/jobs ----------------------------------------------------------------------------

async function restToken(service: Service): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  const res = await fetch(`${service.url}/oauth/token`, { method: 'POST', body: form });
  if (!res.ok) throw new Error(`POST /oauth/token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function drainRest(service: Service, token: string, o: Options, count: number, ready: () => Promise<void>): Promise<Drain> {
  const instanceKeys = await createInstances(service, count, o.createConcurrency);
  await ready();
  const c = countdown(count);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const queue: string[] = [];
  let inFlight = 0;
  let errors = 0;
  let finished = false;
  // Wakes whoever waits for a change (a batch arrived, a completion ended).
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((r) => (wake = r));
  const signal = () => {
    const w = wake;
    changed = new Promise<void>((r) => (wake = r));
    w();
  };
  void c.done.then(() => {
    finished = true;
    signal();
  });

  const activator = async () => {
    while (!finished) {
      if (queue.length + inFlight >= o.batch) {
        await changed;
        continue;
      }
      const res = await fetch(`${service.url}/v2/jobs/activation`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: JOB_TYPE, worker: 'bench-rest', timeout: JOB_TIMEOUT_MS, maxJobsToActivate: o.batch, requestTimeout: 1_000 }),
      });
      if (!res.ok) {
        if (errors++ < 5) console.error(`activation: ${res.status} ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const { jobs } = (await res.json()) as { jobs: { jobKey: string }[] };
      for (const j of jobs) queue.push(j.jobKey);
      if (jobs.length) signal();
    }
  };
  const completer = async () => {
    while (!finished) {
      const jobKey = queue.shift();
      if (jobKey === undefined) {
        await changed;
        continue;
      }
      inFlight++;
      try {
        const res = await fetch(`${service.url}/v2/jobs/${jobKey}/completion`, { method: 'POST', headers, body: '{}' });
        if (res.status === 204) c.ack(jobKey);
        else if (errors++ < 5) console.error(`completion of ${jobKey}: ${res.status} ${await res.text()}`);
      } finally {
        inFlight--;
        signal();
      }
    }
  };
  const startedAt = Date.now();
  await Promise.all([activator(), ...Array.from({ length: o.concurrency }, completer)]);
  return { acked: c.acked, startedAt, instanceKeys, errors };
}

// ---- one path: warm-up, measurement, report ------------------------------------------------------

async function runPath(
  path: PathName,
  service: Service,
  /** The scratch database without the counting wrapper: the bench's own queries. */
  raw: Db,
  counters: DbCounters,
  o: Options,
  clients: { zbc?: GrpcClient; token?: string },
): Promise<PathResult> {
  const drain = (count: number, ready: () => Promise<void> = () => Promise.resolve()) =>
    path === 'grpc' ? drainGrpc(service, clients.zbc!, o, count, ready) : drainRest(service, clients.token!, o, count, ready);
  const guard = setTimeout(() => {
    console.error(`gateway-jobs: ${path} not finished after 10 minutes`);
    process.exit(2);
  }, 10 * 60_000);
  if (o.warmup > 0) await drain(o.warmup);

  // The counters start when the backlog exists (poll, rest) or just before feeding (stream).
  const load0 = loadavg()[0];
  const marks: { cpu0?: NodeJS.CpuUsage; sys0?: number[]; server?: ServerCpu } = {};
  const d = await drain(o.instances, async () => {
    // The statistics a running database has (autovacuum may lag behind a fresh backlog).
    await raw.query('analyze');
    marks.server = await ServerCpu.begin(raw);
    marks.sys0 = systemCpu();
    counters.reset();
    marks.cpu0 = process.cpuUsage();
  });
  const cpu = process.cpuUsage(marks.cpu0);
  const sys = systemCpu(marks.sys0);
  const serverMs = await marks.server?.end();
  const statements = counters.statements;
  clearTimeout(guard);

  const times = [...d.acked.values()].sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  const jobs = d.acked.size;
  const { total, toComplete, completedEvents } = await taskTimes(raw, 'job', d.instanceKeys, d.acked);
  const { rows: states } = await raw.query<{ state: string; n: number }>(
    `select state, count(*)::int as n from engine.process_instances where key = any($1::bigint[]) group by state`,
    [d.instanceKeys],
  );
  const completedInstances = states.find((s) => s.state === 'COMPLETED')?.n ?? 0;
  const problems: string[] = [];
  if (jobs !== o.instances) problems.push(`${jobs}/${o.instances} jobs acknowledged`);
  if (completedInstances !== o.instances) problems.push(`${completedInstances}/${o.instances} instances COMPLETED`);
  if (completedEvents !== o.instances) problems.push(`${completedEvents} JOB COMPLETED events`);
  if (d.errors) problems.push(`${d.errors} client errors`);

  const cpuMs = (cpu.user + cpu.system) / 1000;
  const spanMs = Math.max(1, last - first);
  const fromStartMs = Math.max(1, last - d.startedAt);
  const closedLoop = path === 'grpc' && o.mode === 'stream';
  const r: PathResult = {
    jobs,
    jobsPerSec: round(((jobs - 1) / spanMs) * 1000, 1),
    jobsPerSecFromStart: round((jobs / fromStartMs) * 1000, 1),
    cpuMsPerJob: round(cpuMs / jobs, 3),
    ...(serverMs === undefined ? {} : { pgCpuMsPerJob: round(serverMs / jobs, 3) }),
    activatedToCompletedP50Ms: round(pct(toComplete, 50), 2),
    activatedToCompletedP99Ms: round(pct(toComplete, 99), 2),
    ...(closedLoop ? { createdToCompletedP50Ms: round(pct(total, 50), 2), createdToCompletedP99Ms: round(pct(total, 99), 2) } : {}),
    statementsPerJob: round(statements / jobs, 2),
    ...(sys === undefined ? {} : { machineBusyPct: Number(sys) }),
    loadAvg1: round(load0, 2),
    ok: problems.length === 0,
  };
  const how =
    path === 'rest'
      ? `POST /v2/jobs/activation (max ${o.batch}, long poll 1 s) + POST /v2/jobs/{key}/completion × ${o.concurrency} in flight`
      : o.mode === 'poll'
        ? `@camunda8/sdk createWorker (ActivateJobs, maxJobsToActivate ${o.batch}, pollInterval ${o.pollInterval} ms: at most ≈ ${Math.round((o.batch / o.pollInterval) * 1000)} jobs/s), handler job.complete()`
        : `@camunda8/sdk streamJobs (StreamActivatedJobs), handler job.complete(); closed loop, ${o.inflight} instances in flight`;
  const rows: [string, string][] = [
    ['client', how],
    [
      'workload',
      `${o.instances} jobs (one per instance), ${closedLoop ? 'instances created during the run' : 'backlog created up front, not measured'}; ${o.warmup} warm-up jobs not counted`,
    ],
    ['jobs/s first → last completion', `${r.jobsPerSec.toFixed(1)}  (${(spanMs / 1000).toFixed(2)} s)`],
    ['jobs/s worker start → last', `${r.jobsPerSecFromStart.toFixed(1)}  (${(fromStartMs / 1000).toFixed(2)} s)`],
    ['activated → completed', dist(toComplete)],
  ];
  if (closedLoop) rows.push(['created → completed', dist(total)]);
  rows.push(
    ['statements per job', `${r.statementsPerJob.toFixed(2)}  (BEGIN and COMMIT count)`],
    [
      'CPU per job: this process / PostgreSQL backends',
      `${r.cpuMsPerJob.toFixed(3)} ms / ${r.pgCpuMsPerJob === undefined ? 'n/a' : `${r.pgCpuMsPerJob.toFixed(3)} ms`}  (this process = service + client + bench)`,
    ],
    [
      'CPU: this process / whole machine',
      `${((cpuMs / fromStartMs) * 100).toFixed(0)} % of one core / ${sys ?? '?'} % of ${availableParallelism()} cores busy (load avg ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after)`,
    ],
    ['check', problems.length ? `FAILED: ${problems.join('; ')}` : `ok: ${completedInstances} instances COMPLETED, ${completedEvents} JOB COMPLETED events`],
  );
  printTable(`gateway-jobs — ${path}${path === 'grpc' ? ` (--mode ${o.mode})` : ''}`, rows);
  printStatements(counters, jobs, 'job', 8);
  console.log();
  if (problems.length) process.exitCode = 1;
  return r;
}

async function main(): Promise<void> {
  const o = options();
  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  const scratch = await openScratchDb('postgres', { poolMax: o.pool });
  const counters = new DbCounters();
  const config: Config = {
    port: 0,
    dataDir: join(tmpdir(), 'lienthong-bench-unused'),
    processesDir: join(tmpdir(), `lienthong-bench-no-processes-${randomBytes(4).toString('hex')}`),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'development',
    jwtSecret: `bench-only-${randomBytes(24).toString('hex')}`,
    jwtTtlSeconds: 3600,
    zeebeGateway: { port: 0, host: '127.0.0.1' },
  };
  let service: Service | undefined;
  let zbc: GrpcClient | undefined;
  try {
    service = await startService(config, { db: countingDb(scratch.db, counters), logger: pino({ level: 'silent' }) });
    zbc = sdkClient(service);
    await zbc.deployResource({ process: Buffer.from(processXml), name: `${PROCESS_ID}.bpmn` });
    const token = o.paths.includes('rest') ? await restToken(service) : undefined;

    const s = scratch.settings;
    printTable('gateway-jobs — setup', [
      ['database', `postgres ${s.server_version} (${scratch.where}), pool ${o.pool}`],
      ['synchronous_commit / fsync', `${s.synchronous_commit} / ${s.fsync} (wal_sync_method ${s.wal_sync_method})`],
      [
        'machine',
        `${availableParallelism()} cores, load avg ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      ],
      ['paths', `${o.paths.join(', ')}: one after the other in one service, each on ${o.instances} fresh instances`],
    ]);
    console.log();

    const result: Result = {
      bench: 'gateway-jobs',
      db: 'postgres',
      instances: o.instances,
      mode: o.mode,
      batch: o.batch,
      pollInterval: o.pollInterval,
      concurrency: o.concurrency,
      cores: availableParallelism(),
    };
    for (const path of o.paths) result[path] = await runPath(path, service, scratch.db, counters, o, { zbc, token });

    const summary: [string, string][] = [['path', 'jobs/s (first→last) · jobs/s (from start) · CPU ms/job (process / PG) · load avg']];
    for (const path of o.paths) {
      const r = result[path]!;
      summary.push([
        path === 'grpc' ? `grpc ${o.mode}` : 'rest',
        `${r.jobsPerSec} · ${r.jobsPerSecFromStart} · ${r.cpuMsPerJob} / ${r.pgCpuMsPerJob ?? 'n/a'} · ${r.loadAvg1}${r.ok ? '' : '  (FAILED check)'}`,
      ]);
    }
    printTable('gateway-jobs — summary', summary);
    console.log(JSON.stringify(result));
  } finally {
    await zbc?.close(2_000).catch(() => undefined);
    await service?.close().catch(() => undefined);
    await scratch.drop();
  }
}

main().then(
  // gRPC channels and timers of the SDK may outlive close(); the figures are out.
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
