/**
 * The one engine harness of the tests: an embedded engine on a real database. `useEngine()`
 * registers the jest hooks — one database per test file (PGlite cloned from the run's image, or a
 * fresh PostgreSQL database), emptied before each test (every engine table), and a new engine per
 * test on a ManualClock with no background scheduler: time moves only when a test calls
 * `h.advance(ms)` (clock + one scheduler round). Views of instances, timers, subscriptions,
 * buffered messages, jobs, incidents and the event log read the engine's tables. Build the
 * processes with ./bpmn.ts. `harness()` gives the same over a db and engine the test manages
 * itself (across a restart, with `durableDatabase()`).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';
import { ManualClock } from '../../src/clock.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import type { ActivatedJob, ActivateJobsRequest, ProcessMetadata, Variables } from '../../src/engine/port.js';
import { createScratchDatabase, emptyTables, migratedImage, openTestDb, TEST_SHARED_BUFFERS, type TestDb } from './db.js';
import { announcing } from './changes.js';

export { waitFor } from './changes.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface InstanceView {
  key: string;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  bpmnProcessId: string;
  version: number;
  /** Root-scope variables. */
  variables: Variables;
  hasIncident: boolean;
  parentProcessInstanceKey: string | null;
  /** Element ids holding a token now (sorted). */
  active: string[];
}

export interface TimerView {
  key: string;
  processInstanceKey: string | null;
  elementId: string;
  targetElementId: string;
  dueAt: number;
  repetitions: number;
}

export interface SubscriptionView {
  processInstanceKey: string;
  elementId: string;
  targetElementId: string;
  messageName: string;
  correlationKey: string;
  interrupting: boolean;
}

export interface JobView {
  key: string;
  type: string;
  state: string;
  elementId: string;
  processInstanceKey: string;
}

export interface IncidentView {
  key: string;
  state: 'ACTIVE' | 'RESOLVED';
  errorType: string;
  errorMessage: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey: string | null;
}

export interface EventView {
  valueType: string;
  intent: string;
  elementId: string | null;
  elementType: string | null;
  payload: any;
}

export interface EngineHarness {
  readonly db: Db;
  readonly engine: EmbeddedEngine;
  readonly clock: ManualClock;
  /** Deploys one resource; returns its (first) process. */
  deploy(xml: string, name?: string): Promise<ProcessMetadata>;
  /** Creates an instance of the latest version; returns its key. */
  start(bpmnProcessId: string, variables?: Variables): Promise<string>;
  /** Moves the clock and runs one scheduler round; returns how many timers fired. */
  advance(ms: number): Promise<number>;
  instance(key: string): Promise<InstanceView>;
  /** Every process instance of a process id, oldest first. */
  instancesOf(bpmnProcessId: string): Promise<InstanceView[]>;
  /** Process instances a call activity of `parentKey` created. */
  children(parentKey: string): Promise<InstanceView[]>;
  /** Local variables of the element instances of `elementId` (one object per instance). */
  localVariables(processInstanceKey: string, elementId: string): Promise<Variables[]>;
  /** Ids of the elements that hold a token right now (sorted). */
  activeElements(processInstanceKey: string): Promise<string[]>;
  timers(processInstanceKey?: string | null): Promise<TimerView[]>;
  startTimers(bpmnProcessId: string): Promise<TimerView[]>;
  subscriptions(processInstanceKey?: string): Promise<SubscriptionView[]>;
  bufferedMessages(): Promise<Array<{ name: string; correlationKey: string; messageId: string | null }>>;
  jobs(processInstanceKey?: string): Promise<JobView[]>;
  activate(type: string, options?: Partial<ActivateJobsRequest>): Promise<ActivatedJob[]>;
  /** Activates jobs of a type and expects exactly one. */
  activateOne(type: string, options?: Partial<ActivateJobsRequest>): Promise<ActivatedJob>;
  /** Activates the one job of `type` and completes it. */
  completeOne(type: string, variables?: Variables): Promise<ActivatedJob>;
  incidents(processInstanceKey: string): Promise<IncidentView[]>;
  /** The instance's event log, in order. */
  events(processInstanceKey: string): Promise<EventView[]>;
  /** How many engine events of this value type and intent (for one instance, or all). */
  countEvents(valueType: string, intent: string, processInstanceKey?: string): Promise<number>;
  /** Element ids in the order they completed or terminated: `[id, intent]`. */
  elementEnds(processInstanceKey: string): Promise<Array<[string, string]>>;
}

/**
 * One database per test file, emptied before each test; a new engine per test on a ManualClock,
 * with no background scheduler.
 */
export function useEngine(): EngineHarness {
  let t: TestDb;
  let engine: EmbeddedEngine;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await resetEngine(t.db);
    clock = new ManualClock();
    engine = new EmbeddedEngine(t.db, { clock, scheduler: false });
  });
  afterEach(async () => {
    await engine.close();
  });
  return harness(
    () => t.db,
    () => engine,
    () => clock,
  );
}

/** The harness over a db, engine and clock the test manages itself (e.g. across a restart). */
export function harness(db: () => Db, engine: () => EmbeddedEngine, clock: () => ManualClock): EngineHarness {
  const q = <R = any>(sql: string, params?: unknown[]) =>
    db()
      .query<R>(sql, params)
      .then((r) => r.rows);
  const view = (r: any): InstanceView => ({
    key: r.key,
    state: r.state,
    bpmnProcessId: r.bpmn_process_id,
    version: r.version,
    variables: r.doc.vars,
    hasIncident: r.has_incident,
    parentProcessInstanceKey: r.parent,
    active: Object.values<{ id: string }>(r.doc.els)
      .map((e) => e.id)
      .sort(),
  });
  const INSTANCE = `select key::text, state, bpmn_process_id, version, doc, has_incident,
                           parent_process_instance_key::text as parent from engine.process_instances`;
  const TIMER = `select key::text, process_instance_key::text as "processInstanceKey", element_id as "elementId",
                        target_element_id as "targetElementId", (extract(epoch from due_at) * 1000)::float8 as "dueAt",
                        repetitions from engine.timers`;

  const h: EngineHarness = Object.assign(
    {
      get db() {
        return db();
      },
      get engine() {
        return engine();
      },
      get clock() {
        return clock();
      },
    },
    {
      async deploy(xml, name = 'process.bpmn') {
        return (await engine().deployResources([{ name, content: xml }])).processes[0];
      },
      async start(bpmnProcessId, variables) {
        return (await engine().createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
      },
      async advance(ms) {
        clock().advance(ms);
        return (await engine().tick()).timers;
      },
      async instance(key) {
        const rows = await q(`${INSTANCE} where key = $1`, [key]);
        if (!rows[0]) throw new Error(`no process instance ${key}`);
        return view(rows[0]);
      },
      async instancesOf(bpmnProcessId) {
        return (await q(`${INSTANCE} where bpmn_process_id = $1 order by key`, [bpmnProcessId])).map(view);
      },
      async children(parentKey) {
        return (await q(`${INSTANCE} where parent_process_instance_key = $1 order by key`, [parentKey])).map(view);
      },
      async localVariables(processInstanceKey, elementId) {
        const rows = await q(`select doc from engine.process_instances where key = $1`, [processInstanceKey]);
        const els = Object.values<{ id: string; vars?: Variables; key: string }>(rows[0]?.doc.els ?? {});
        return els
          .filter((e) => e.id === elementId)
          .sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : 1))
          .map((e) => e.vars ?? {});
      },
      async timers(processInstanceKey) {
        if (processInstanceKey === undefined) return q<TimerView>(`${TIMER} order by due_at, key`);
        if (processInstanceKey === null) return q<TimerView>(`${TIMER} where process_instance_key is null order by due_at, key`);
        return q<TimerView>(`${TIMER} where process_instance_key = $1 order by due_at, key`, [processInstanceKey]);
      },
      async startTimers(bpmnProcessId) {
        return q<TimerView>(`${TIMER} where process_instance_key is null and bpmn_process_id = $1 order by due_at, key`, [bpmnProcessId]);
      },
      async subscriptions(processInstanceKey) {
        const cols = `process_instance_key::text as "processInstanceKey", element_id as "elementId", target_element_id as "targetElementId",
                    message_name as "messageName", correlation_key as "correlationKey", interrupting from engine.message_subscriptions`;
        return processInstanceKey === undefined
          ? q(`select ${cols} order by key`)
          : q(`select ${cols} where process_instance_key = $1 order by key`, [processInstanceKey]);
      },
      async bufferedMessages() {
        return q(`select name, correlation_key as "correlationKey", message_id as "messageId" from engine.messages order by key`);
      },
      async jobs(processInstanceKey) {
        const cols = `key::text, type, state, element_id as "elementId", process_instance_key::text as "processInstanceKey" from engine.jobs`;
        return processInstanceKey === undefined
          ? q(`select ${cols} order by key`)
          : q(`select ${cols} where process_instance_key = $1 order by key`, [processInstanceKey]);
      },
      async activate(type, options = {}) {
        return engine().activateJobs({ type, worker: 'test-worker', maxJobsToActivate: 32, timeout: 5 * MINUTE, ...options });
      },
      async activateOne(type, options) {
        return onlyJob(type, await h.activate(type, options));
      },
      async completeOne(type, variables) {
        const job = await h.activateOne(type);
        await engine().completeJob({ jobKey: job.key, variables });
        return job;
      },
      async incidents(processInstanceKey) {
        return incidentsOf(db(), processInstanceKey);
      },
      async events(processInstanceKey) {
        return q<EventView>(
          `select value_type as "valueType", intent, element_id as "elementId", element_type as "elementType", payload
           from engine.events where process_instance_key = $1 order by position`,
          [processInstanceKey],
        );
      },
      async activeElements(processInstanceKey) {
        return (await h.instance(processInstanceKey)).active;
      },
      async countEvents(valueType, intent, processInstanceKey) {
        const rows =
          processInstanceKey === undefined
            ? await q(`select count(*)::int as n from engine.events where value_type = $1 and intent = $2`, [valueType, intent])
            : await q(`select count(*)::int as n from engine.events where value_type = $1 and intent = $2 and process_instance_key = $3`, [
                valueType,
                intent,
                processInstanceKey,
              ]);
        return rows[0].n;
      },
      async elementEnds(processInstanceKey) {
        const rows = await q(
          `select element_id, intent from engine.events
          where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
            and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED') order by position`,
          [processInstanceKey],
        );
        return rows.map((r: any) => [r.element_id, r.intent] as [string, string]);
      },
    } satisfies Omit<EngineHarness, 'db' | 'engine' | 'clock'>,
  );
  return h;
}

/** The incidents of a process instance, oldest first. */
export async function incidentsOf(db: Db, processInstanceKey: string): Promise<IncidentView[]> {
  const { rows } = await db.query<IncidentView>(
    `select key::text, state, error_type as "errorType", error_message as "errorMessage", element_id as "elementId",
            element_instance_key::text as "elementInstanceKey", job_key::text as "jobKey"
       from engine.incidents where process_instance_key = $1 order by key`,
    [processInstanceKey],
  );
  return rows;
}

/** The one job activated (fails when there are none or several). */
export function onlyJob(type: string, jobs: ActivatedJob[]): ActivatedJob {
  if (jobs.length !== 1) throw new Error(`expected one job of type '${type}', got ${jobs.length}`);
  return jobs[0];
}

/** Empties every engine table (definitions included), so each scenario starts from nothing. */
export async function resetEngine(db: Db): Promise<void> {
  await emptyTables(db, ENGINE_TABLES);
}

const ENGINE_TABLES = [
  'engine.events',
  'engine.incidents',
  'engine.jobs',
  'engine.process_instances',
  'engine.timers',
  'engine.message_subscriptions',
  'engine.messages',
  'engine.message_correlations',
  'engine.message_start_subscriptions',
  'engine.signal_subscriptions',
  'engine.signal_start_subscriptions',
  'engine.user_tasks',
  'engine.forms',
  'engine.definitions',
  'engine.deployments',
];

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the command to be rejected, but it succeeded');
}

/**
 * A database that outlives its connection, to stop and restart the service: a PGlite data
 * directory, or (DATABASE_URL set) a PostgreSQL database of its own.
 */
export async function durableDatabase(): Promise<{ open(): Promise<Db>; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase();
    return { open: async () => announcing(await openDb({ databaseUrl: scratch.url, poolMax: 4 })), drop: () => scratch.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-restart-'));
  return {
    // The first open unpacks the run's migrated database into the folder (tests/support/db.ts),
    // instead of creating and migrating one there; later opens find the folder filled (PGlite
    // refuses an image over an existing database).
    open: async () =>
      announcing(
        await openDb({
          dataDir: dir,
          pgliteImage: existsSync(join(dir, 'PG_VERSION')) ? undefined : migratedImage(),
          pgliteSharedBuffers: TEST_SHARED_BUFFERS,
        }),
      ),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
