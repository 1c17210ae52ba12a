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
  type ElementStatisticsItem,
  type EngineQueries,
  type FormItem,
  type FormSummary,
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
  type UserTaskFilter,
  type UserTaskItem,
  type UserTaskSortField,
  type VariableChangeFilter,
  type VariableChangeItem,
  type VariableChangeSortField,
  type VariableFilter,
  type VariableItem,
} from '../queries.js';
import { bool, compileSearch, date, int, key, runSearch, searchTable, text, type SearchTable } from './sql/searchFilter.js';
import { ElementNames } from '../names.js';
import { isKey } from './definitions.js';
import { UserTaskQueries } from './user-task-queries.js';

const TENANT = `'${DEFAULT_TENANT}'::text`;

// ---- the searched entities: one column per API field (filter, sort and item all come from it) -----

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

// ---- the implementation --------------------------------------------------------------------

export class EmbeddedEngineQueries implements EngineQueries {
  private readonly names = new ElementNames(this);
  private readonly userTasks: UserTaskQueries;

  constructor(private readonly db: Queryable) {
    this.userTasks = new UserTaskQueries(db);
  }

  searchProcessInstances(query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>): Promise<SearchResult<ProcessInstanceItem>> {
    return this.search(PROCESS_INSTANCES, query);
  }

  getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceItem> {
    return this.byKey(PROCESS_INSTANCES, processInstanceKey, 'process instance');
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

  /**
   * Counts per element of one instance, over the same fold of engine.events as the search.
   * Measured with the trace pages in mind: one statement, grouped by element id.
   */
  async getElementInstanceStatistics(processInstanceKey: string): Promise<ElementStatisticsItem[]> {
    await this.getProcessInstance(processInstanceKey);
    const { rows } = await this.db.query<ElementStatisticsItem>(
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

  /** Element instances with their BPMN names (read from the definition, which the events do not carry). */
  async searchElementInstances(query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>): Promise<SearchResult<ElementInstanceItem>> {
    const result = await this.search(ELEMENT_INSTANCES, query);
    for (const item of result.items) {
      const name = (await this.names.of(item.processDefinitionKey))[item.elementId];
      if (name) item.elementName = name;
    }
    return result;
  }

  searchIncidents(query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>> {
    return this.search(INCIDENTS, query);
  }

  getIncident(incidentKey: string): Promise<IncidentItem> {
    return this.byKey(INCIDENTS, incidentKey, 'incident');
  }

  searchProcessDefinitions(query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>): Promise<SearchResult<ProcessDefinitionItem>> {
    return this.search(PROCESS_DEFINITIONS, query);
  }

  getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionItem> {
    return this.byKey(PROCESS_DEFINITIONS, processDefinitionKey, 'process definition');
  }

  async getProcessDefinitionXml(processDefinitionKey: string): Promise<string> {
    const { rows } = isKey(processDefinitionKey)
      ? await this.db.query<{ xml: string }>(`select xml from engine.definitions where key = $1`, [processDefinitionKey])
      : { rows: [] };
    if (!rows[0]) throw new NotFound(`process definition ${processDefinitionKey} not found`);
    return rows[0].xml;
  }

  searchUserTasks(query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>> {
    return this.userTasks.search(query);
  }

  getUserTask(userTaskKey: string): Promise<UserTaskItem> {
    return this.userTasks.get(userTaskKey);
  }

  getUserTaskForm(userTaskKey: string): Promise<FormItem | undefined> {
    return this.userTasks.form(userTaskKey);
  }

  getForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined> {
    return this.userTasks.deployedForm(by);
  }

  listLatestForms(): Promise<FormSummary[]> {
    return this.userTasks.latestForms();
  }

  searchUserTaskVariables(userTaskKey: string, query: SearchQuery<VariableFilter, 'name'>): Promise<SearchResult<VariableItem>> {
    return this.userTasks.variables(userTaskKey, query);
  }

  searchVariableChanges(query: SearchQuery<VariableChangeFilter, VariableChangeSortField>): Promise<SearchResult<VariableChangeItem>> {
    return this.search(VARIABLE_CHANGES, { ...query, sort: query.sort?.length ? query.sort : [{ field: 'position', order: 'ASC' }] });
  }

  /** One item by its key; a key that cannot exist is as absent as one that does not. */
  private async byKey<T>(table: SearchTable<T>, k: string, what: string): Promise<T> {
    const { rows } = isKey(k)
      ? await this.db.query<Record<string, unknown>>(`select ${table.select} from ${table.from} where ${table.key} = $1`, [k])
      : { rows: [] };
    if (!rows[0]) throw new NotFound(`${what} ${k} not found`);
    return table.item(rows[0]);
  }

  /** The page, and the total (a page past the end still knows it; runSearch counts only when it must). */
  private search<T>(table: SearchTable<T>, query: SearchQuery<object, string>): Promise<SearchResult<T>> {
    return runSearch(this.db, table, compileSearch(table, query), query.page);
  }
}
