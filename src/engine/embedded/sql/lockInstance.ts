/** Loads and locks process instances for a command: commands on one instance run one at a time. */
import type { Queryable } from '../../../db/index.js';
import type { InstanceRow } from '../state.js';

const COLUMNS = `key::text, definition_key::text as "definitionKey", bpmn_process_id as "bpmnProcessId",
  version, state, doc, parent_process_instance_key::text as "parentProcessInstanceKey",
  parent_element_instance_key::text as "parentElementInstanceKey", has_incident as "hasIncident",
  start_correlation_key as "startCorrelationKey",
  (extract(epoch from started_at) * 1000)::float8 as "startedAt",
  (extract(epoch from ended_at) * 1000)::float8 as "endedAt"`;

/** The engine tables whose rows name the process instance they belong to (`process_instance_key`). */
type OwnedTable = 'jobs' | 'user_tasks' | 'incidents';

/** The instance owning row `key` of `table`, locked: two primary-key lookups. */
async function lockOwnerOf(q: Queryable, table: OwnedTable, key: string): Promise<InstanceRow | undefined> {
  const { rows } = await q.query<InstanceRow>(
    `select ${COLUMNS} from engine.process_instances
      where key = (select process_instance_key from engine.${table} where key = $1) for update`,
    [key],
  );
  return rows[0];
}

/** The instances owning these rows of `table`, locked in key order. */
async function lockOwnersOf(q: Queryable, table: OwnedTable, keys: string[]): Promise<InstanceRow[]> {
  const { rows } = await q.query<InstanceRow>(
    `select ${COLUMNS} from engine.process_instances
      where key = any(array(select process_instance_key from engine.${table} where key = any($1::bigint[])))
      order by key for update`,
    [keys],
  );
  return rows;
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.18 ms, p99 0.32 ms over 690 calls; Index Scan process_instances_pkey.
 */
export async function lockInstance(q: Queryable, key: string): Promise<InstanceRow | undefined> {
  const { rows } = await q.query<InstanceRow>(`select ${COLUMNS} from engine.process_instances where key = $1 for update`, [key]);
  return rows[0];
}

/**
 * The instance that owns a job, locked; undefined when the job does not exist.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.3 ms, p99 1.53 ms over 428 calls; Index Scan jobs_pkey, Index Scan process_instances_pkey.
 */
export function lockInstanceOfJob(q: Queryable, jobKey: string): Promise<InstanceRow | undefined> {
  return lockOwnerOf(q, 'jobs', jobKey);
}

/**
 * The instance that owns a user task, locked; undefined when the task does not exist. Every user
 * task command takes this lock, so they run one at a time per instance, with its other commands.
 * Two primary-key lookups, as lockInstanceOfJob (the engine-sql bench does not drive user tasks yet).
 */
export function lockInstanceOfUserTask(q: Queryable, userTaskKey: string): Promise<InstanceRow | undefined> {
  return lockOwnerOf(q, 'user_tasks', userTaskKey);
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.18 ms, p99 4.45 ms over 69 calls; Index Scan incidents_pkey, Index Scan
 * process_instances_pkey.
 */
export function lockInstanceOfIncident(q: Queryable, incidentKey: string): Promise<InstanceRow | undefined> {
  return lockOwnerOf(q, 'incidents', incidentKey);
}

/**
 * Locks the instances that are free now; busy ones are left for the next round.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 6.01 ms, p99 6.01 ms over 1 calls; Seq Scan process_instances.
 */
export async function lockInstancesSkipLocked(q: Queryable, keys: string[]): Promise<InstanceRow[]> {
  if (!keys.length) return [];
  const { rows } = await q.query<InstanceRow>(
    `select ${COLUMNS} from engine.process_instances where key = any($1::bigint[]) order by key for update skip locked`,
    [keys],
  );
  return rows;
}

/**
 * The instances owning these jobs, locked in key order — two batches never wait on each other in
 * a cycle — with each job mapped to its instance (through the documents, read under the lock).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.36 ms, p99 1.55 ms over 84 calls; Index Scan jobs_pkey, Index Scan process_instances_pkey.
 */
export async function lockInstancesOfJobs(q: Queryable, jobKeys: string[]): Promise<{ instanceOfJob: Map<string, InstanceRow> }> {
  const rows = await lockOwnersOf(q, 'jobs', jobKeys);
  const instanceOfJob = new Map<string, InstanceRow>();
  for (const r of rows) for (const el of Object.values(r.doc.els)) if (el.job) instanceOfJob.set(el.job, r);
  return { instanceOfJob };
}

/**
 * The instances owning these user tasks, locked in key order (as lockInstancesOfJobs), with each
 * open task mapped to its instance; a task missing from the map is not open (or does not exist).
 */
export async function lockInstancesOfUserTasks(q: Queryable, userTaskKeys: string[]): Promise<Map<string, InstanceRow>> {
  const rows = await lockOwnersOf(q, 'user_tasks', userTaskKeys);
  const instanceOfTask = new Map<string, InstanceRow>();
  for (const r of rows) for (const el of Object.values(r.doc.els)) if (el.userTask) instanceOfTask.set(el.userTask, r);
  return instanceOfTask;
}

/**
 * The active instance whose document holds element instance `elementInstanceKey`, locked. Element
 * instance keys have no index of their own (they live in the documents), so this scans the
 * active instances' documents: it serves SetVariables on an element scope, a rare command.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.27 ms, p99 2.13 ms over 78 calls; Index Scan process_instances_by_process.
 */
export async function lockInstanceOfElement(q: Queryable, elementInstanceKey: string): Promise<InstanceRow | undefined> {
  const { rows } = await q.query<{ key: string }>(`select key::text from engine.process_instances where state = 'ACTIVE' and doc->'els' ? $1`, [
    elementInstanceKey,
  ]);
  return rows[0] ? lockInstance(q, rows[0].key) : undefined;
}
