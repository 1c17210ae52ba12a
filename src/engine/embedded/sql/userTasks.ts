/**
 * What the user task commands and deployments read and write of engine.user_tasks and engine.forms,
 * beside writeEffects; and what the read side reads of them but searches (where a task lives, its
 * form, the deployed forms). The searches are searchUserTasks.ts.
 */
import type { Queryable } from '../../../db/index.js';
import { DEFAULT_TENANT, type FormItem, type FormSummary } from '../../queries.js';
import type { UserTaskRow } from '../effects.js';

/** What the user task commands check of a user task. */
export type UserTaskState = Pick<
  UserTaskRow,
  'key' | 'state' | 'assignee' | 'candidate_groups' | 'candidate_users' | 'due_date' | 'follow_up_date' | 'priority'
>;

/**
 * A user task as its commands check it, read after its instance is locked (so it is current).
 * Primary-key lookup.
 */
export async function userTaskState(q: Queryable, userTaskKey: string): Promise<UserTaskState | undefined> {
  const { rows } = await q.query<UserTaskState>(
    `select key::text, state, assignee, candidate_groups, candidate_users, priority,
            to_char(due_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due_date,
            to_char(follow_up_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as follow_up_date
       from engine.user_tasks where key = $1`,
    [userTaskKey],
  );
  return rows[0];
}

export interface FormRow {
  key: string;
  form_id: string;
  version: number;
  resource_name: string;
  checksum: string;
}

/** The latest version of a form id; a backward scan of the unique (form_id, version) index. */
export async function latestForm(q: Queryable, formId: string): Promise<FormRow | undefined> {
  const { rows } = await q.query<FormRow>(
    `select key::text, form_id, version, resource_name, checksum from engine.forms where form_id = $1 order by version desc limit 1`,
    [formId],
  );
  return rows[0];
}

/**
 * The latest version of each of `formIds`, by form id, in one round trip (a deployment's forms): one
 * backward scan of the unique (form_id, version) index per id.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.39 ms over 1 call; Seq Scan forms.
 */
export async function latestForms(q: Queryable, formIds: string[]): Promise<Map<string, FormRow>> {
  const { rows } = await q.query<FormRow>(
    `select distinct on (form_id) key::text, form_id, version, resource_name, checksum
       from engine.forms where form_id = any($1::text[]) order by form_id, version desc`,
    [formIds],
  );
  return new Map(rows.map((r) => [r.form_id, r]));
}

/** A deployment's new form versions, in one statement (a catalogue holds a few dozen forms). */
export async function insertForms(q: Queryable, forms: (FormRow & { schema: string })[], deploymentKey: string, at: number): Promise<void> {
  if (forms.length === 0) return;
  await q.query(
    `insert into engine.forms (key, form_id, version, resource_name, checksum, deployment_key, schema, deployed_at)
     select key, form_id, version, resource_name, checksum, $7, schema, to_timestamp($8 / 1000.0)
       from unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])
         as f(key, form_id, version, resource_name, checksum, schema)`,
    [
      forms.map((f) => f.key),
      forms.map((f) => f.form_id),
      forms.map((f) => f.version),
      forms.map((f) => f.resource_name),
      forms.map((f) => f.checksum),
      forms.map((f) => f.schema),
      deploymentKey,
      at,
    ],
  );
}

// ---- the read side ---------------------------------------------------------------------------

/** Where a user task lives, and the form it links. */
export interface UserTaskScope {
  processInstanceKey: string;
  elementInstanceKey: string;
  formKey: string | null;
}

/**
 * Where a task lives (the caller checks the key is one): primary-key lookup.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.07 ms, p99 7.86 ms over 400 calls; Index Scan user_tasks_pkey.
 */
export async function userTaskScope(q: Queryable, userTaskKey: string): Promise<UserTaskScope | undefined> {
  const { rows } = await q.query<UserTaskScope>(
    `select process_instance_key::text as "processInstanceKey", element_instance_key::text as "elementInstanceKey", form_key::text as "formKey"
       from engine.user_tasks where key = $1`,
    [userTaskKey],
  );
  return rows[0];
}

const TENANT = `'${DEFAULT_TENANT}'::text`;
const FORM_ITEM = `key::text as "formKey", form_id as "formId", version, schema, ${TENANT} as "tenantId"`;

/**
 * A deployed form by its key (a task's linked form, or GET /forms/{key}): primary-key lookup.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.06 ms, p99 5.28 ms over 300 calls; Seq Scan forms.
 */
export async function formByKey(q: Queryable, formKey: string): Promise<FormItem | undefined> {
  const { rows } = await q.query<FormItem>(`select ${FORM_ITEM} from engine.forms where key = $1`, [formKey]);
  return rows[0];
}

/**
 * The latest version of a form id, with its schema: a backward scan of the unique (form_id,
 * version) index.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.07 ms, p99 3.93 ms over 100 calls; Seq Scan forms.
 */
export async function latestFormItem(q: Queryable, formId: string): Promise<FormItem | undefined> {
  const { rows } = await q.query<FormItem>(`select ${FORM_ITEM} from engine.forms where form_id = $1 order by version desc limit 1`, [formId]);
  return rows[0];
}

/**
 * The latest version of every form id, without schemas, by form id.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.18 ms, p99 7.86 ms over 200 calls; Seq Scan forms.
 */
export async function latestFormSummaries(q: Queryable): Promise<FormSummary[]> {
  const { rows } = await q.query<FormSummary>(
    `select distinct on (form_id) key::text as "formKey", form_id as "formId", version, resource_name as "resourceName",
            deployed_at as "deployedAt", ${TENANT} as "tenantId"
       from engine.forms order by form_id, version desc`,
  );
  return rows.map((r) => ({ ...r, deployedAt: new Date(r.deployedAt).toISOString() }));
}
