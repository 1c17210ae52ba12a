/**
 * EngineQueries over the embedded engine's own tables. The engine writes its state and its
 * event log in the same transaction as every command, so these reads are never behind the
 * commands (Camunda's secondary storage is eventually consistent; this is not).
 */
import type { Queryable } from '../../db/index.js';
import { NotFound } from '../../errors.js';
import {
  DEFAULT_TENANT,
  type ElementInstanceFilter,
  type ElementInstanceItem,
  type ElementInstanceSortField,
  type EngineQueries,
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
  type SequenceFlowItem,
} from '../queries.js';
import { compileFilter, compilePage, compileSort, Params, type Columns } from './sql/searchFilter.js';

const TENANT = `'${DEFAULT_TENANT}'::text`;
const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;

// ---- process instances ---------------------------------------------------------------------

const PI_FROM = `engine.process_instances pi join engine.definitions d on d.key = pi.definition_key`;
const PI_SELECT = `pi.key::text as "processInstanceKey", pi.definition_key::text as "processDefinitionKey",
  pi.bpmn_process_id as "processDefinitionId", coalesce(d.name, pi.bpmn_process_id) as "processDefinitionName",
  pi.version as "processDefinitionVersion", d.version_tag as "processDefinitionVersionTag",
  ${ms('pi.started_at')} as "startMs", ${ms('pi.ended_at')} as "endMs", pi.state, pi.has_incident as "hasIncident",
  pi.parent_process_instance_key::text as "parentProcessInstanceKey",
  pi.parent_element_instance_key::text as "parentElementInstanceKey"`;
const PI_COLUMNS: Columns = {
  processInstanceKey: { sql: 'pi.key', kind: 'key' },
  processDefinitionKey: { sql: 'pi.definition_key', kind: 'key' },
  processDefinitionId: { sql: 'pi.bpmn_process_id', kind: 'string' },
  processDefinitionName: { sql: 'coalesce(d.name, pi.bpmn_process_id)', kind: 'string' },
  processDefinitionVersion: { sql: 'pi.version', kind: 'int' },
  processDefinitionVersionTag: { sql: 'd.version_tag', kind: 'string' },
  parentProcessInstanceKey: { sql: 'pi.parent_process_instance_key', kind: 'key' },
  parentElementInstanceKey: { sql: 'pi.parent_element_instance_key', kind: 'key' },
  startDate: { sql: 'pi.started_at', kind: 'date' },
  endDate: { sql: 'pi.ended_at', kind: 'date' },
  state: { sql: 'pi.state', kind: 'string' },
  hasIncident: { sql: 'pi.has_incident', kind: 'bool' },
  tenantId: { sql: TENANT, kind: 'string' },
};
const PI_SORT: Record<ProcessInstanceSortField, string> = {
  processInstanceKey: 'pi.key',
  processDefinitionId: 'pi.bpmn_process_id',
  processDefinitionName: 'coalesce(d.name, pi.bpmn_process_id)',
  processDefinitionVersion: 'pi.version',
  processDefinitionVersionTag: 'd.version_tag',
  processDefinitionKey: 'pi.definition_key',
  parentProcessInstanceKey: 'pi.parent_process_instance_key',
  parentElementInstanceKey: 'pi.parent_element_instance_key',
  startDate: 'pi.started_at',
  endDate: 'pi.ended_at',
  state: 'pi.state',
  hasIncident: 'pi.has_incident',
  tenantId: TENANT,
};

interface PiRow extends Omit<ProcessInstanceItem, 'startDate' | 'endDate' | 'tenantId'> {
  startMs: number;
  endMs: number | null;
}

function processInstance(r: PiRow): ProcessInstanceItem {
  const { startMs, endMs, ...rest } = r;
  return compact({ ...rest, startDate: iso(startMs), endDate: endMs == null ? undefined : iso(endMs), tenantId: DEFAULT_TENANT });
}

// ---- incidents -----------------------------------------------------------------------------

const INC_SELECT = `i.key::text as "incidentKey", i.definition_key::text as "processDefinitionKey",
  i.bpmn_process_id as "processDefinitionId", i.process_instance_key::text as "processInstanceKey",
  i.error_type as "errorType", i.error_message as "errorMessage", i.element_id as "elementId",
  i.element_instance_key::text as "elementInstanceKey", ${ms('i.created_at')} as "creationMs", i.state,
  i.job_key::text as "jobKey"`;
const INC_COLUMNS: Columns = {
  incidentKey: { sql: 'i.key', kind: 'key' },
  processDefinitionKey: { sql: 'i.definition_key', kind: 'key' },
  processDefinitionId: { sql: 'i.bpmn_process_id', kind: 'string' },
  processInstanceKey: { sql: 'i.process_instance_key', kind: 'key' },
  errorType: { sql: 'i.error_type', kind: 'string' },
  errorMessage: { sql: 'i.error_message', kind: 'string' },
  elementId: { sql: 'i.element_id', kind: 'string' },
  elementInstanceKey: { sql: 'i.element_instance_key', kind: 'key' },
  creationTime: { sql: 'i.created_at', kind: 'date' },
  state: { sql: 'i.state', kind: 'string' },
  jobKey: { sql: 'i.job_key', kind: 'key' },
  tenantId: { sql: TENANT, kind: 'string' },
};
const INC_SORT: Record<IncidentSortField, string> = {
  incidentKey: 'i.key',
  processDefinitionKey: 'i.definition_key',
  processDefinitionId: 'i.bpmn_process_id',
  processInstanceKey: 'i.process_instance_key',
  errorType: 'i.error_type',
  errorMessage: 'i.error_message',
  elementId: 'i.element_id',
  elementInstanceKey: 'i.element_instance_key',
  creationTime: 'i.created_at',
  state: 'i.state',
  jobKey: 'i.job_key',
  tenantId: TENANT,
};

interface IncRow extends Omit<IncidentItem, 'creationTime' | 'tenantId'> {
  creationMs: number;
}

function incident(r: IncRow): IncidentItem {
  const { creationMs, ...rest } = r;
  return compact({ ...rest, creationTime: iso(creationMs), tenantId: DEFAULT_TENANT });
}

// ---- element instances ---------------------------------------------------------------------

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
const EI_STATE = `(case ei.last_intent when 'ELEMENT_COMPLETED' then 'COMPLETED' when 'ELEMENT_TERMINATED' then 'TERMINATED' else 'ACTIVE' end)`;
const EI_SELECT = `ei.key::text as "elementInstanceKey", ei.pik::text as "processInstanceKey",
  pi.definition_key::text as "processDefinitionKey", pi.bpmn_process_id as "processDefinitionId", ei.element_id as "elementId",
  ei.element_type as type, ${EI_STATE} as state, ${ms('ei.started_at')} as "startMs", ${ms('ei.ended_at')} as "endMs",
  inc.key::text as "incidentKey"`;
const EI_COLUMNS: Columns = {
  elementInstanceKey: { sql: 'ei.key', kind: 'key' },
  processInstanceKey: { sql: 'ei.pik', kind: 'key' },
  processDefinitionKey: { sql: 'pi.definition_key', kind: 'key' },
  processDefinitionId: { sql: 'pi.bpmn_process_id', kind: 'string' },
  elementId: { sql: 'ei.element_id', kind: 'string' },
  type: { sql: 'ei.element_type', kind: 'string' },
  state: { sql: EI_STATE, kind: 'string' },
  startDate: { sql: 'ei.started_at', kind: 'date' },
  endDate: { sql: 'ei.ended_at', kind: 'date' },
  hasIncident: { sql: 'inc.key is not null', kind: 'bool' },
  incidentKey: { sql: 'inc.key', kind: 'key' },
  tenantId: { sql: TENANT, kind: 'string' },
};
const EI_SORT: Record<ElementInstanceSortField, string> = {
  elementInstanceKey: 'ei.key',
  processInstanceKey: 'ei.pik',
  processDefinitionKey: 'pi.definition_key',
  processDefinitionId: 'pi.bpmn_process_id',
  elementId: 'ei.element_id',
  type: 'ei.element_type',
  state: EI_STATE,
  startDate: 'ei.started_at',
  endDate: 'ei.ended_at',
  incidentKey: 'inc.key',
  tenantId: TENANT,
};

interface EiRow extends Omit<ElementInstanceItem, 'startDate' | 'endDate' | 'hasIncident' | 'tenantId'> {
  startMs: number;
  endMs: number | null;
}

function elementInstance(r: EiRow): ElementInstanceItem {
  const { startMs, endMs, ...rest } = r;
  return compact({ ...rest, startDate: iso(startMs), endDate: endMs == null ? undefined : iso(endMs), hasIncident: r.incidentKey != null, tenantId: DEFAULT_TENANT });
}

// ---- process definitions -------------------------------------------------------------------

const DEF_SELECT = `d.key::text as "processDefinitionKey", d.bpmn_process_id as "processDefinitionId", d.name,
  d.resource_name as "resourceName", d.version, d.version_tag as "versionTag"`;
const IS_LATEST = `d.version = (select max(l.version) from engine.definitions l where l.bpmn_process_id = d.bpmn_process_id)`;
const DEF_COLUMNS: Columns = {
  processDefinitionKey: { sql: 'd.key', kind: 'key' },
  processDefinitionId: { sql: 'd.bpmn_process_id', kind: 'string' },
  name: { sql: 'd.name', kind: 'string' },
  resourceName: { sql: 'd.resource_name', kind: 'string' },
  version: { sql: 'd.version', kind: 'int' },
  versionTag: { sql: 'd.version_tag', kind: 'string' },
  isLatestVersion: { sql: IS_LATEST, kind: 'bool' },
  // Start forms are not supported: no definition has one.
  hasStartForm: { sql: 'false', kind: 'bool' },
  tenantId: { sql: TENANT, kind: 'string' },
};
const DEF_SORT: Record<ProcessDefinitionSortField, string> = {
  processDefinitionKey: 'd.key',
  name: 'd.name',
  resourceName: 'd.resource_name',
  version: 'd.version',
  versionTag: 'd.version_tag',
  processDefinitionId: 'd.bpmn_process_id',
  tenantId: TENANT,
};

function definition(r: Omit<ProcessDefinitionItem, 'tenantId' | 'hasStartForm'>): ProcessDefinitionItem {
  return compact({ ...r, tenantId: DEFAULT_TENANT, hasStartForm: false });
}

// ---- the implementation --------------------------------------------------------------------

export class EmbeddedEngineQueries implements EngineQueries {
  constructor(private readonly db: Queryable) {}

  async searchProcessInstances(
    query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>,
  ): Promise<SearchResult<ProcessInstanceItem>> {
    const r = await this.search<PiRow>(PI_SELECT, PI_FROM, PI_COLUMNS, PI_SORT, 'pi.key', query);
    return { items: r.items.map(processInstance), totalItems: r.totalItems };
  }

  async getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceItem> {
    const row = isKey(processInstanceKey) ? await this.one<PiRow>(`select ${PI_SELECT} from ${PI_FROM} where pi.key = $1`, processInstanceKey) : undefined;
    if (!row) throw new NotFound(`process instance ${processInstanceKey} not found`);
    return processInstance(row);
  }

  async getSequenceFlows(processInstanceKey: string): Promise<SequenceFlowItem[]> {
    const pi = await this.getProcessInstance(processInstanceKey);
    const { rows } = await this.db.query<{ flowId: string }>(
      `select element_id as "flowId" from engine.events
        where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' and intent = 'SEQUENCE_FLOW_TAKEN'
        group by element_id order by min(position)`,
      [processInstanceKey],
    );
    return rows.map((r) => ({
      sequenceFlowId: `${pi.processInstanceKey}_${r.flowId}`,
      processInstanceKey: pi.processInstanceKey,
      processDefinitionKey: pi.processDefinitionKey,
      processDefinitionId: pi.processDefinitionId,
      elementId: r.flowId,
      tenantId: DEFAULT_TENANT,
    }));
  }

  async searchElementInstances(
    query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>,
  ): Promise<SearchResult<ElementInstanceItem>> {
    const r = await this.search<EiRow>(EI_SELECT, EI_FROM, EI_COLUMNS, EI_SORT, 'ei.key', query);
    return { items: r.items.map(elementInstance), totalItems: r.totalItems };
  }

  async searchIncidents(query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>> {
    const r = await this.search<IncRow>(INC_SELECT, 'engine.incidents i', INC_COLUMNS, INC_SORT, 'i.key', query);
    return { items: r.items.map(incident), totalItems: r.totalItems };
  }

  async getIncident(incidentKey: string): Promise<IncidentItem> {
    const row = isKey(incidentKey) ? await this.one<IncRow>(`select ${INC_SELECT} from engine.incidents i where i.key = $1`, incidentKey) : undefined;
    if (!row) throw new NotFound(`incident ${incidentKey} not found`);
    return incident(row);
  }

  async searchProcessDefinitions(
    query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>,
  ): Promise<SearchResult<ProcessDefinitionItem>> {
    const r = await this.search<ProcessDefinitionItem>(DEF_SELECT, 'engine.definitions d', DEF_COLUMNS, DEF_SORT, 'd.key', query);
    return { items: r.items.map(definition), totalItems: r.totalItems };
  }

  async getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionItem> {
    const row = isKey(processDefinitionKey)
      ? await this.one<ProcessDefinitionItem>(`select ${DEF_SELECT} from engine.definitions d where d.key = $1`, processDefinitionKey)
      : undefined;
    if (!row) throw new NotFound(`process definition ${processDefinitionKey} not found`);
    return definition(row);
  }

  async getProcessDefinitionXml(processDefinitionKey: string): Promise<string> {
    const row = isKey(processDefinitionKey)
      ? await this.one<{ xml: string }>(`select xml from engine.definitions where key = $1`, processDefinitionKey)
      : undefined;
    if (!row) throw new NotFound(`process definition ${processDefinitionKey} not found`);
    return row.xml;
  }

  private async one<R>(sql: string, key: string): Promise<R | undefined> {
    const { rows } = await this.db.query<R>(sql, [key]);
    return rows[0];
  }

  /** One query for the page and one for the total (a page past the end still knows the total). */
  private async search<R>(
    select: string,
    from: string,
    columns: Columns,
    sort: Record<string, string>,
    tiebreak: string,
    query: SearchQuery<object, string>,
  ): Promise<{ items: R[]; totalItems: number }> {
    const params = new Params();
    const where = compileFilter(query.filter, columns, params);
    const countParams = [...params.values];
    const order = compileSort(query.sort, sort, tiebreak);
    const page = compilePage(query.page, params);
    const [items, count] = await Promise.all([
      this.db.query<R>(`select ${select} from ${from} where ${where} order by ${order} ${page}`, params.values),
      this.db.query<{ n: number }>(`select count(*)::int as n from ${from} where ${where}`, countParams),
    ]);
    return { items: items.rows, totalItems: count.rows[0]?.n ?? 0 };
  }
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Drops null and undefined properties: Camunda leaves absent what has no value. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] == null) delete o[k];
  return o;
}

function isKey(k: string): boolean {
  return /^[1-9]\d{0,18}$/.test(k) && BigInt(k) <= 9223372036854775807n;
}
