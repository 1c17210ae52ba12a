/**
 * An embedded engine on a real database for scenario tests. `useEngine()` registers the jest
 * hooks: one database per test file, emptied before each test, and a fresh engine per test
 * whose time is a ManualClock the test moves. (event-engine.ts: the same, without the
 * scheduler, for the timer and message scenarios.)
 */
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { ActivatedJob, ActivateJobsRequest, ProcessMetadata, Variables } from '../../src/engine/port.js';
import type { Db } from '../../src/db/index.js';
import { openTestDb, type TestDb } from './db.js';

export interface InstanceView {
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  /** Root-scope variables. */
  variables: Variables;
  hasIncident: boolean;
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
  deploy(xml: string, name?: string): Promise<ProcessMetadata>;
  /** Creates an instance of the latest version; returns its key. */
  start(bpmnProcessId: string, variables?: Variables): Promise<string>;
  instance(key: string): Promise<InstanceView>;
  activate(type: string, options?: Partial<ActivateJobsRequest>): Promise<ActivatedJob[]>;
  /** Activates jobs of a type and expects exactly one. */
  activateOne(type: string, options?: Partial<ActivateJobsRequest>): Promise<ActivatedJob>;
  /** Activates the one job of `type` and completes it. */
  completeOne(type: string, variables?: Variables): Promise<ActivatedJob>;
  incidents(processInstanceKey: string): Promise<IncidentView[]>;
  events(processInstanceKey: string): Promise<EventView[]>;
  /** Ids of the elements that hold a token right now (sorted). */
  activeElements(processInstanceKey: string): Promise<string[]>;
}

export interface EngineLifecycle {
  db: () => Db;
  engine: () => EmbeddedEngine;
  clock: () => ManualClock;
}

/**
 * Registers the jest hooks of an engine harness: one database per test file, emptied before
 * each test, and a new engine per test on a ManualClock (`scheduler: false`: no background
 * scheduler, time moves only by the test's ticks).
 */
export function useEngineLifecycle(options: { scheduler?: boolean } = {}): EngineLifecycle {
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
    engine = new EmbeddedEngine(t.db, { clock, ...options });
  });
  afterEach(async () => {
    await engine.close();
  });

  return { db: () => t.db, engine: () => engine, clock: () => clock };
}

/** The current test's db, engine and clock as read-only properties: the base of a harness. */
export function engineProperties(life: EngineLifecycle): Pick<EngineHarness, 'db' | 'engine' | 'clock'> {
  return {
    get db() {
      return life.db();
    },
    get engine() {
      return life.engine();
    },
    get clock() {
      return life.clock();
    },
  };
}

export function useEngine(): EngineHarness {
  const life = useEngineLifecycle();
  const { db, engine } = life;

  const h: EngineHarness = Object.assign(engineProperties(life), {
    async deploy(xml, name = 'process.bpmn') {
      const d = await engine().deployResources([{ name, content: xml }]);
      return d.processes[0];
    },
    async start(bpmnProcessId, variables) {
      const i = await engine().createProcessInstance({ bpmnProcessId, variables });
      return i.processInstanceKey;
    },
    async instance(key) {
      const { rows } = await db().query(`select state, doc, has_incident from engine.process_instances where key = $1`, [key]);
      if (!rows[0]) throw new Error(`no process instance ${key}`);
      return { state: rows[0].state, variables: rows[0].doc.vars, hasIncident: rows[0].has_incident };
    },
    async activate(type, options = {}) {
      return engine().activateJobs({ type, worker: 'test-worker', maxJobsToActivate: 32, timeout: 60_000, ...options });
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
      const { rows } = await db().query(
        `select value_type as "valueType", intent, element_id as "elementId", element_type as "elementType", payload
           from engine.events where process_instance_key = $1 order by position`,
        [processInstanceKey],
      );
      return rows;
    },
    async activeElements(processInstanceKey) {
      const { rows } = await db().query(`select doc from engine.process_instances where key = $1`, [processInstanceKey]);
      const els = Object.values<{ id: string }>(rows[0]?.doc.els ?? {});
      return els.map((e) => e.id).sort();
    },
  } satisfies Omit<EngineHarness, 'db' | 'engine' | 'clock'>);
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
  await db.query(
    `truncate engine.events, engine.incidents, engine.jobs, engine.process_instances, engine.timers,
              engine.message_subscriptions, engine.messages, engine.message_correlations,
              engine.message_start_subscriptions, engine.signal_subscriptions, engine.signal_start_subscriptions, engine.definitions, engine.deployments`,
  );
}

/** Waits until `check` holds, polling; fails after `timeout` ms with `what` in the message. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeout = 5_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the command to be rejected, but it succeeded');
}
