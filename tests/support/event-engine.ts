/**
 * The engine harness of the event scenarios (timers, messages, errors, sub-processes, call
 * activities, multi-instance, cancel, restart in tests/engine): `useEventEngine()` is
 * engine.ts's `useEngine()` without the scheduler, plus views of timers, subscriptions,
 * buffered messages, jobs and the event log. Build the processes with ./bpmn.ts.
 *
 * Time never passes by itself: the engine runs without its scheduler on a ManualClock, and a
 * test moves it with `h.advance(ms)` (clock + one scheduler round).
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';
import type { ManualClock } from '../../src/engine/clock.js';
import type { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import type { ActivatedJob, ProcessMetadata, Variables } from '../../src/engine/port.js';
import { createScratchDatabase } from './db.js';
import { engineProperties, incidentsOf, onlyJob, useEngineLifecycle, type EngineLifecycle, type IncidentView } from './engine.js';

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

export interface EventHarness {
  readonly db: Db;
  readonly engine: EmbeddedEngine;
  readonly clock: ManualClock;
  deploy(xml: string, name?: string): Promise<ProcessMetadata[]>;
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
  timers(processInstanceKey?: string | null): Promise<TimerView[]>;
  startTimers(bpmnProcessId: string): Promise<TimerView[]>;
  subscriptions(processInstanceKey?: string): Promise<SubscriptionView[]>;
  bufferedMessages(): Promise<Array<{ name: string; correlationKey: string; messageId: string | null }>>;
  jobs(processInstanceKey?: string): Promise<JobView[]>;
  activate(type: string, max?: number): Promise<ActivatedJob[]>;
  activateOne(type: string): Promise<ActivatedJob>;
  completeOne(type: string, variables?: Variables): Promise<ActivatedJob>;
  incidents(processInstanceKey: string): Promise<IncidentView[]>;
  /** How many engine events of this value type and intent (for one instance, or all). */
  countEvents(valueType: string, intent: string, processInstanceKey?: string): Promise<number>;
  /** Element ids in the order they completed or terminated: `[id, intent]`. */
  elementEnds(processInstanceKey: string): Promise<Array<[string, string]>>;
}

/**
 * One database per test file (PGlite in memory, or a fresh PostgreSQL database when
 * DATABASE_URL is set), emptied before each test; a new engine per test on a ManualClock,
 * with no background scheduler.
 */
export function useEventEngine(): EventHarness {
  const { db, engine, clock } = useEngineLifecycle({ scheduler: false });
  return harness(db, engine, clock);
}

/** The harness over a db, engine and clock the test manages itself (e.g. across a restart). */
export function harness(db: () => Db, engine: () => EmbeddedEngine, clock: () => ManualClock): EventHarness {
  const life: EngineLifecycle = { db, engine, clock };
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

  const h: EventHarness = Object.assign(engineProperties(life), {
    async deploy(xml, name = 'process.bpmn') {
      return (await engine().deployResources([{ name, content: xml }])).processes;
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
    async activate(type, max = 32) {
      return engine().activateJobs({ type, worker: 'test-worker', maxJobsToActivate: max, timeout: 5 * MINUTE });
    },
    async activateOne(type) {
      return onlyJob(type, await h.activate(type));
    },
    async completeOne(type, variables) {
      const job = await h.activateOne(type);
      await engine().completeJob({ jobKey: job.key, variables });
      return job;
    },
    async incidents(processInstanceKey) {
      return incidentsOf(db(), processInstanceKey);
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
  } satisfies Omit<EventHarness, 'db' | 'engine' | 'clock'>);
  return h;
}

/**
 * A database that outlives its connection, to stop and restart the service: a PGlite data
 * directory, or (DATABASE_URL set) a PostgreSQL database of its own.
 */
export async function durableDatabase(): Promise<{ open(): Promise<Db>; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase();
    return { open: () => openDb({ databaseUrl: scratch.url, poolMax: 4 }), drop: () => scratch.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-restart-'));
  return {
    open: () => openDb({ dataDir: dir }),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
