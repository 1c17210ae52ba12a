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
import { ElementNames } from '../names.js';
import { isKey } from './definitions.js';
import { definitionXml } from './sql/definitions.js';
import {
  elementInstanceStatistics,
  incidentByKey,
  processDefinitionByKey,
  processInstanceByKey,
  searchElementInstances,
  searchIncidents,
  searchProcessDefinitions,
  searchProcessInstances,
  searchVariableChanges,
  sequenceFlowsTaken,
} from './sql/searchTables.js';
import { UserTaskQueries } from './user-task-queries.js';

/** The search tables (sql/searchTables.ts), for the schema tests that read them. */
export { ELEMENT_INSTANCES, INCIDENTS, PROCESS_DEFINITIONS, PROCESS_INSTANCES, VARIABLE_CHANGES } from './sql/searchTables.js';

// ---- the implementation --------------------------------------------------------------------

export class EmbeddedEngineQueries implements EngineQueries {
  private readonly names = new ElementNames(this);
  private readonly userTasks: UserTaskQueries;

  constructor(private readonly db: Queryable) {
    this.userTasks = new UserTaskQueries(db);
  }

  searchProcessInstances(query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>): Promise<SearchResult<ProcessInstanceItem>> {
    return searchProcessInstances(this.db, query);
  }

  getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceItem> {
    return this.byKey(processInstanceByKey, processInstanceKey, 'process instance');
  }

  async getSequenceFlows(processInstanceKey: string): Promise<SequenceFlowItem[]> {
    const pi = await this.getProcessInstance(processInstanceKey);
    const flows = await sequenceFlowsTaken(this.db, processInstanceKey);
    return flows.map((flowId) => ({
      sequenceFlowId: `${pi.processInstanceKey}_${flowId}`,
      processInstanceKey: pi.processInstanceKey,
      processDefinitionKey: pi.processDefinitionKey,
      processDefinitionId: pi.processDefinitionId,
      elementId: flowId,
      tenantId: DEFAULT_TENANT,
    }));
  }

  /** Counts per element of one instance, over the same fold of engine.events as the search. */
  async getElementInstanceStatistics(processInstanceKey: string): Promise<ElementStatisticsItem[]> {
    await this.getProcessInstance(processInstanceKey);
    return elementInstanceStatistics(this.db, processInstanceKey);
  }

  /** Element instances with their BPMN names (read from the definition, which the events do not carry). */
  async searchElementInstances(query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>): Promise<SearchResult<ElementInstanceItem>> {
    const result = await searchElementInstances(this.db, query);
    for (const item of result.items) {
      const name = (await this.names.of(item.processDefinitionKey))[item.elementId];
      if (name) item.elementName = name;
    }
    return result;
  }

  searchIncidents(query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>> {
    return searchIncidents(this.db, query);
  }

  getIncident(incidentKey: string): Promise<IncidentItem> {
    return this.byKey(incidentByKey, incidentKey, 'incident');
  }

  searchProcessDefinitions(query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>): Promise<SearchResult<ProcessDefinitionItem>> {
    return searchProcessDefinitions(this.db, query);
  }

  getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionItem> {
    return this.byKey(processDefinitionByKey, processDefinitionKey, 'process definition');
  }

  async getProcessDefinitionXml(processDefinitionKey: string): Promise<string> {
    const xml = isKey(processDefinitionKey) ? await definitionXml(this.db, processDefinitionKey) : undefined;
    if (xml === undefined) throw new NotFound(`process definition ${processDefinitionKey} not found`);
    return xml;
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
    return searchVariableChanges(this.db, query);
  }

  /** One item by its key; a key that cannot exist is as absent as one that does not. */
  private async byKey<T>(read: (q: Queryable, k: string) => Promise<T | undefined>, k: string, what: string): Promise<T> {
    const item = isKey(k) ? await read(this.db, k) : undefined;
    if (!item) throw new NotFound(`${what} ${k} not found`);
    return item;
  }
}
