/**
 * The searched entities of the read side over the engine's own tables (process instances,
 * incidents, element instances, definitions, variable changes): one column per API field (filter,
 * sort and item all come from it, searchFilter.ts), with the statements that search them, look
 * one up by key, and the trace's reads of an instance (its sequence flows, its counts per element).
 */
import type { Queryable } from '../../../db/index.js';
import {
  DEFAULT_TENANT,
  type ElementInstanceFilter,
  type ElementInstanceItem,
  type ElementInstanceSortField,
  type ElementStatisticsItem,
  type IncidentFilter,
  type IncidentItem,
  type IncidentSortField,
  type ProcessDefinitionFilter,
  type ProcessDefinitionItem,
  type ProcessDefinitionSortField,
  type ProcessInstanceFilter,
  type ProcessInstanceItem,
  type ProcessInstanceSortField,
  type SearchQuery,
  type SearchResult,
  type VariableChangeFilter,
  type VariableChangeItem,
  type VariableChangeSortField,
} from '../../queries.js';
import { bool, compileSearch, date, int, key, runSearch, searchTable, text, type SearchTable } from './searchFilter.js';

const TENANT = `'${DEFAULT_TENANT}'::text`;

export const PROCESS_INSTANCES = searchTable<ProcessInstanceItem, ProcessInstanceFilter>({
  from: `engine.process_instances pi join engine.definitions d on d.key = pi.definition_key`,
  key: 'processInstanceKey',
  columns: {
    processInstanceKey: key('pi.key'),
    processDefinitionKey: key('pi.definition_key'),
    processDefinitionId: text('pi.bpmn_process_id'),
    processDefinitionName: text('coalesce(d.name, pi.bpmn_process_id)'),
    processDefinitionVersion: int('pi.version'),
    processDefinitionVersionTag: text('d.version_tag'),
    startDate: date('pi.started_at'),
    endDate: date('pi.ended_at'),
    state: text('pi.state'),
    hasIncident: bool('pi.has_incident'),
    tenantId: text(TENANT),
    parentProcessInstanceKey: key('pi.parent_process_instance_key'),
    parentElementInstanceKey: key('pi.parent_element_instance_key'),
  },
});

export const INCIDENTS = searchTable<IncidentItem, IncidentFilter>({
  from: 'engine.incidents i',
  key: 'incidentKey',
  columns: {
    incidentKey: key('i.key'),
    processDefinitionKey: key('i.definition_key'),
    processDefinitionId: text('i.bpmn_process_id'),
    processInstanceKey: key('i.process_instance_key'),
    errorType: text('i.error_type'),
    errorMessage: text('i.error_message'),
    elementId: text('i.element_id'),
    elementInstanceKey: key('i.element_instance_key'),
    creationTime: date('i.created_at'),
    state: text('i.state'),
    jobKey: key('i.job_key'),
    tenantId: text(TENANT),
  },
});

/*
 * The engine keeps no table of element instances: each one is the run of its events in
 * engine.events (ELEMENT_ACTIVATING … ELEMENT_COMPLETED | ELEMENT_TERMINATED), and its state is
 * its newest event's. Grouped by element instance *and* process instance (the same groups: an
 * element instance belongs to one process instance) so that a filter on the process instance
 * is pushed into the grouping and walks events_by_instance instead of every event.
 */
const EI_FROM = `(select e.element_instance_key as key, e.process_instance_key as pik, min(e.element_id) as element_id,
      min(e.element_type) as element_type, (array_agg(e.intent order by e.position desc))[1] as last_intent,
      min(e.at) as started_at, max(e.at) filter (where e.intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')) as ended_at
    from engine.events e
   where e.value_type = 'PROCESS_INSTANCE' and e.element_instance_key is not null and e.element_id is not null
     and e.element_type is distinct from 'PROCESS' and e.element_type is distinct from 'SEQUENCE_FLOW'
   group by e.element_instance_key, e.process_instance_key) ei
  join engine.process_instances pi on pi.key = ei.pik
  left join lateral (select i.key from engine.incidents i
     where i.process_instance_key = ei.pik and i.element_instance_key = ei.key and i.state = 'ACTIVE' order by i.key limit 1) inc on true`;

export const ELEMENT_INSTANCES = searchTable<ElementInstanceItem, ElementInstanceFilter>({
  from: EI_FROM,
  key: 'elementInstanceKey',
  columns: {
    elementInstanceKey: key('ei.key'),
    processInstanceKey: key('ei.pik'),
    processDefinitionKey: key('pi.definition_key'),
    processDefinitionId: text('pi.bpmn_process_id'),
    elementId: text('ei.element_id'),
    type: text('ei.element_type'),
    state: text(`(case ei.last_intent when 'ELEMENT_COMPLETED' then 'COMPLETED' when 'ELEMENT_TERMINATED' then 'TERMINATED' else 'ACTIVE' end)`),
    startDate: date('ei.started_at'),
    endDate: date('ei.ended_at'),
    hasIncident: bool('inc.key is not null', { sortable: false }),
    incidentKey: key('inc.key'),
    tenantId: text(TENANT),
  },
});

export const PROCESS_DEFINITIONS = searchTable<ProcessDefinitionItem, ProcessDefinitionFilter>({
  from: 'engine.definitions d',
  key: 'processDefinitionKey',
  columns: {
    processDefinitionKey: key('d.key'),
    processDefinitionId: text('d.bpmn_process_id'),
    name: text('d.name'),
    resourceName: text('d.resource_name'),
    version: int('d.version'),
    versionTag: text('d.version_tag'),
    tenantId: text(TENANT),
    // Start forms are not supported: no definition has one.
    hasStartForm: bool('false', { sortable: false }),
    isLatestVersion: bool(`d.version = (select max(l.version) from engine.definitions l where l.bpmn_process_id = d.bpmn_process_id)`, {
      sortable: false,
      selected: false,
    }),
  },
});

/** The VARIABLE records of engine.events (runtime/records.ts `variableEvent`), found through events_by_instance. */
export const VARIABLE_CHANGES = searchTable<VariableChangeItem, VariableChangeFilter>({
  from: `(select * from engine.events where value_type = 'VARIABLE') v`,
  key: 'position',
  columns: {
    position: key('v.position'),
    name: text(`(v.payload->>'name')`),
    value: text(`(v.payload->'value')::text`, { sortable: false }),
    intent: text('v.intent'),
    at: date('v.at'),
    processInstanceKey: key('v.process_instance_key'),
    processDefinitionId: text('v.bpmn_process_id'),
    scopeKey: key(`(v.payload->>'scopeKey')::bigint`),
    elementId: text('v.element_id'),
    elementInstanceKey: key('v.element_instance_key'),
    command: text(`(v.payload->>'command')`),
    jobKey: key(`(v.payload->>'jobKey')::bigint`),
    userTaskKey: key(`(v.payload->>'userTaskKey')::bigint`),
    messageName: text(`(v.payload->>'messageName')`),
    tenantId: text(TENANT),
  },
});

// ---- the statements: each search is its page (and, when the page cannot tell, its count) -------

/** The page, and the total (a page past the end still knows it; runSearch counts only when it must). */
async function search<T>(q: Queryable, table: SearchTable<T>, query: SearchQuery<object, string>): Promise<SearchResult<T>> {
  const result = await runSearch(q, table, compileSearch(table, query), query.page);
  return result;
}

/** One row of `table` by its key (the caller checks the key is one); undefined when there is none. */
async function byKey<T>(q: Queryable, table: SearchTable<T>, k: string): Promise<T | undefined> {
  const { rows } = await q.query<Record<string, unknown>>(`select ${table.select} from ${table.from} where ${table.key} = $1`, [k]);
  return rows[0] ? table.item(rows[0]) : undefined;
}

/**
 * The bench's search (a process id and a state, newest first, pages of 50 up to offset 200)
 * reads the whole of process_instances and sorts it: the one search to watch as history grows (a
 * filter on processInstanceKey is a primary-key lookup instead).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * page p50 14.75 ms, p99 43.11 ms over 200 calls; Seq Scan process_instances, Seq Scan definitions;
 * its count (when the page cannot tell the total) p50 1.85 ms, p99 8.85 ms over 180 calls; Seq Scan
 * process_instances, Seq Scan definitions.
 */
export async function searchProcessInstances(
  q: Queryable,
  query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>,
): Promise<SearchResult<ProcessInstanceItem>> {
  return await search(q, PROCESS_INSTANCES, query);
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.12 ms, p99 8.94 ms over 600 calls; Index Scan process_instances_pkey, Seq Scan definitions
 * (a few rows: one per version).
 */
export async function processInstanceByKey(q: Queryable, processInstanceKey: string): Promise<ProcessInstanceItem | undefined> {
  return await byKey(q, PROCESS_INSTANCES, processInstanceKey);
}

/**
 * The bench's search (by process id, newest first, pages of 50) reads all the incidents (one per
 * ten instances there) and sorts them.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * page p50 0.83 ms, p99 9.98 ms over 200 calls; Seq Scan incidents; its count (when the page cannot
 * tell the total) p50 0.14 ms, p99 7.62 ms over 200 calls; Seq Scan incidents.
 */
export async function searchIncidents(q: Queryable, query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>> {
  return await search(q, INCIDENTS, query);
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.1 ms, p99 4.66 ms over 200 calls; Index Scan incidents_pkey.
 */
export async function incidentByKey(q: Queryable, incidentKey: string): Promise<IncidentItem | undefined> {
  return await byKey(q, INCIDENTS, incidentKey);
}

/**
 * Filtered on the process instance, as the trace and the dossier pages search (the filter is pushed
 * into the fold, which then walks events_by_instance).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.17 ms, p99 5.93 ms over 200 calls; Index Scan events_by_instance, Index Scan
 * process_instances_pkey, Index Scan incidents_active.
 */
export async function searchElementInstances(
  q: Queryable,
  query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>,
): Promise<SearchResult<ElementInstanceItem>> {
  return await search(q, ELEMENT_INSTANCES, query);
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.1 ms, p99 7.91 ms over 200 calls; Seq Scan definitions.
 */
export async function searchProcessDefinitions(
  q: Queryable,
  query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>,
): Promise<SearchResult<ProcessDefinitionItem>> {
  return await search(q, PROCESS_DEFINITIONS, query);
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.06 ms, p99 6 ms over 200 calls; Seq Scan definitions.
 */
export async function processDefinitionByKey(q: Queryable, processDefinitionKey: string): Promise<ProcessDefinitionItem | undefined> {
  return await byKey(q, PROCESS_DEFINITIONS, processDefinitionKey);
}

/**
 * Sorted by position unless the query sorts.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.13 ms, p99 5.12 ms over 200 calls; Index Scan events_by_instance.
 */
export async function searchVariableChanges(
  q: Queryable,
  query: SearchQuery<VariableChangeFilter, VariableChangeSortField>,
): Promise<SearchResult<VariableChangeItem>> {
  return await search(q, VARIABLE_CHANGES, { ...query, sort: query.sort?.length ? query.sort : [{ field: 'position', order: 'ASC' }] });
}

/**
 * The sequence flows an instance took, each once, in the order first taken.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.1 ms, p99 5.45 ms over 200 calls; Index Scan events_by_instance.
 */
export async function sequenceFlowsTaken(q: Queryable, processInstanceKey: string): Promise<string[]> {
  const { rows } = await q.query<{ flowId: string }>(
    `select element_id as "flowId" from engine.events
      where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' and intent = 'SEQUENCE_FLOW_TAKEN'
      group by element_id order by min(position)`,
    [processInstanceKey],
  );
  return rows.map((r) => r.flowId);
}

/**
 * Counts per element of one instance, over the same fold of engine.events as the search.
 * Measured with the trace pages in mind: one statement, grouped by element id.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.15 ms, p99 4.96 ms over 200 calls; Index Only Scan process_instances_pkey, Index Scan
 * events_by_instance, Index Scan incidents_active.
 */
export async function elementInstanceStatistics(q: Queryable, processInstanceKey: string): Promise<ElementStatisticsItem[]> {
  const { rows } = await q.query<ElementStatisticsItem>(
    `select ei.element_id as "elementId",
            (count(*) filter (where ei.last_intent not in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')))::int as active,
            (count(*) filter (where ei.last_intent = 'ELEMENT_COMPLETED'))::int as completed,
            (count(*) filter (where ei.last_intent = 'ELEMENT_TERMINATED'))::int as canceled,
            count(inc.key)::int as incidents
       from ${EI_FROM}
      where ei.pik = $1
      group by ei.element_id
      order by ei.element_id`,
    [processInstanceKey],
  );
  return rows;
}
