/** Process definitions: versions per bpmnProcessId, looked up by key, id, or id and version. */
import type { Queryable } from '../../../db/index.js';

export interface DefinitionRow {
  key: string;
  bpmn_process_id: string;
  version: number;
  version_tag: string | null;
  name: string | null;
  resource_name: string;
  checksum: string;
  deployment_key: string;
}

const COLS = `key::text, bpmn_process_id, version, version_tag, name, resource_name, checksum, deployment_key::text`;

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.38 ms, p99 0.38 ms over 1 calls; Seq Scan definitions.
 */
export async function latestDefinition(q: Queryable, bpmnProcessId: string): Promise<DefinitionRow | undefined> {
  const { rows } = await q.query<DefinitionRow>(`select ${COLS} from engine.definitions where bpmn_process_id = $1 order by version desc limit 1`, [
    bpmnProcessId,
  ]);
  return rows[0];
}

/**
 * Sent only when the cache has no such version (bench:engine-sql creates by version from the
 * cache): one row by the unique (bpmn_process_id, version) index.
 */
export async function definitionByVersion(q: Queryable, bpmnProcessId: string, version: number): Promise<DefinitionRow | undefined> {
  const { rows } = await q.query<DefinitionRow>(`select ${COLS} from engine.definitions where bpmn_process_id = $1 and version = $2`, [bpmnProcessId, version]);
  return rows[0];
}

/**
 * A definition's row and its XML in one round trip (what the engine's definition cache loads on a miss).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.33 ms, p99 0.33 ms over 1 calls; Seq Scan definitions.
 */
export async function definitionWithXml(q: Queryable, key: string): Promise<(DefinitionRow & { xml: string }) | undefined> {
  const { rows } = await q.query<DefinitionRow & { xml: string }>(`select ${COLS}, xml from engine.definitions where key = $1`, [key]);
  return rows[0];
}

/**
 * A definition's XML alone (the read side's GET …/xml): one row by primary key.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.05 ms, p99 3.8 ms over 202 calls; Seq Scan definitions.
 */
export async function definitionXml(q: Queryable, key: string): Promise<string | undefined> {
  const { rows } = await q.query<{ xml: string }>(`select xml from engine.definitions where key = $1`, [key]);
  return rows[0]?.xml;
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.43 ms, p99 0.43 ms over 1 calls; ModifyTable deployments.
 */
export async function insertDeployment(q: Queryable, key: string, at: number): Promise<void> {
  await q.query(`insert into engine.deployments (key, created_at) values ($1, to_timestamp($2 / 1000.0))`, [key, at]);
}

/**
 * The latest version of each of `ids`, by id, in one round trip (a deployment's processes); the
 * unique (bpmn_process_id, version) index serves it once the table outgrows a whole read.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.48 ms over 1 call; Seq Scan definitions (one row per version: a few hundred at most).
 */
export async function latestDefinitions(q: Queryable, ids: string[]): Promise<Map<string, DefinitionRow>> {
  const { rows } = await q.query<DefinitionRow>(
    `select distinct on (bpmn_process_id) ${COLS} from engine.definitions where bpmn_process_id = any($1::text[]) order by bpmn_process_id, version desc`,
    [ids],
  );
  return new Map(rows.map((r) => [r.bpmn_process_id, r]));
}

export type NewDefinition = DefinitionRow & { xml: string; deployedAt: number };

/**
 * A deployment's new versions, in one statement.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.61 ms over 1 call; ModifyTable definitions, Function Scan.
 */
export async function insertDefinitions(q: Queryable, ds: NewDefinition[]): Promise<void> {
  if (ds.length === 0) return;
  const col = <K extends keyof NewDefinition>(k: K) => ds.map((d) => d[k]);
  await q.query(
    `insert into engine.definitions (key, bpmn_process_id, version, version_tag, name, resource_name, checksum, xml, deployment_key, deployed_at)
     select key, bpmn_process_id, version, version_tag, name, resource_name, checksum, xml, deployment_key, to_timestamp(deployed_at / 1000.0)
       from unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::float8[])
         as d(key, bpmn_process_id, version, version_tag, name, resource_name, checksum, xml, deployment_key, deployed_at)`,
    [
      col('key'),
      col('bpmn_process_id'),
      col('version'),
      col('version_tag'),
      col('name'),
      col('resource_name'),
      col('checksum'),
      col('xml'),
      col('deployment_key'),
      col('deployedAt'),
    ],
  );
}

/**
 * Serialises deployments of the same process ids (and form ids), so versions never collide: all of
 * a deployment's locks in one statement, in the ids' order, so two deployments sharing ids take
 * them in the same order (PostgreSQL runs a volatile output function after the ORDER BY).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.51 ms over 1 call.
 */
export async function lockProcessIds(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await q.query(`select pg_advisory_xact_lock(hashtext('engine.definitions:' || id)) from unnest($1::text[]) as id order by id`, [ids]);
}

/**
 * The PROCESS CREATED records of a deployment's new versions, in the event log, in their order.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.41 ms over 1 call; ModifyTable events.
 */
export async function recordProcessesCreated(
  q: Queryable,
  at: number,
  deploymentKey: string,
  created: { bpmnProcessId: string; definitionKey: string; version: number }[],
): Promise<void> {
  if (created.length === 0) return;
  await q.query(
    `insert into engine.events (at, value_type, intent, bpmn_process_id, payload)
     select to_timestamp($1 / 1000.0), 'PROCESS', 'CREATED', id, payload::jsonb
       from unnest($2::text[], $3::text[]) with ordinality as e(id, payload, n) order by n`,
    [at, created.map((c) => c.bpmnProcessId), created.map((c) => JSON.stringify({ processDefinitionKey: c.definitionKey, version: c.version, deploymentKey }))],
  );
}
