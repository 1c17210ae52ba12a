/**
 * The read side of the workflow engine: what Camunda 8's REST API v2 answers from its secondary
 * storage (Operate's data). Field names are Camunda's, so the HTTP layer passes items through and
 * a Zeebe adapter can implement this interface over a cluster's own search endpoints. Keys are
 * decimal strings; dates are ISO 8601 strings in UTC.
 *
 * Lookups of one thing throw `NotFound` when it does not exist; searches return what matches.
 *
 * This file holds the paging and sorting of a search and the one interface every adapter
 * implements; Camunda's item, filter and sort shapes are in query-types.ts, re-exported here, so
 * the rooms (and the gRPC gateway) import every read's type from this file alone.
 */
import type {
  ProcessInstanceItem,
  ProcessInstanceFilter,
  ProcessInstanceSortField,
  SequenceFlowItem,
  IncidentItem,
  IncidentFilter,
  IncidentSortField,
  ElementStatisticsItem,
  ElementInstanceItem,
  ElementInstanceFilter,
  ElementInstanceSortField,
  ProcessDefinitionItem,
  ProcessDefinitionFilter,
  ProcessDefinitionSortField,
  UserTaskItem,
  UserTaskFilter,
  UserTaskSortField,
  FormItem,
  FormSummary,
  VariableItem,
  VariableFilter,
  VariableChangeItem,
  VariableChangeFilter,
  VariableChangeSortField,
} from './query-types.js';

export type * from './query-types.js';

export const DEFAULT_TENANT = '<default>';

export type SortOrder = 'ASC' | 'DESC';

export interface SearchQuery<Filter, Field extends string> {
  filter?: Filter;
  /** Offset pagination: skip `from` items, return at most `limit` (default 100). */
  page?: { from?: number; limit?: number };
  /** Applied in order; the key breaks remaining ties. */
  sort?: { field: Field; order?: SortOrder }[];
}

export interface SearchResult<T> {
  items: T[];
  /** All items matching the filter, regardless of the page. */
  totalItems: number;
}

// ---- the interface ------------------------------------------------------------------------

export interface EngineQueries {
  searchProcessInstances(query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>): Promise<SearchResult<ProcessInstanceItem>>;
  getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceItem>;
  /** The distinct flows taken, in the order first taken. */
  getSequenceFlows(processInstanceKey: string): Promise<SequenceFlowItem[]>;
  /** Per element of an instance: how many of its activations are active, completed, canceled, and with an incident (Camunda 8.8's statistics). */
  getElementInstanceStatistics(processInstanceKey: string): Promise<ElementStatisticsItem[]>;

  /** Where each element of the instances stands (Camunda's `POST /v2/element-instances/search`). */
  searchElementInstances(query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>): Promise<SearchResult<ElementInstanceItem>>;

  searchIncidents(query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>>;
  getIncident(incidentKey: string): Promise<IncidentItem>;

  searchProcessDefinitions(query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>): Promise<SearchResult<ProcessDefinitionItem>>;
  getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionItem>;
  getProcessDefinitionXml(processDefinitionKey: string): Promise<string>;

  searchUserTasks(query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>>;
  getUserTask(userTaskKey: string): Promise<UserTaskItem>;
  /** The task's linked form; undefined when it has none (or only an external reference). */
  getUserTaskForm(userTaskKey: string): Promise<FormItem | undefined>;
  /** A deployed form: by its key (`{ formKey }`), or the latest version of an id (`{ formId }`); undefined when none. */
  getForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined>;
  /** The latest version of every deployed form id, by id. */
  listLatestForms(): Promise<FormSummary[]>;
  /** The variables the task sees, innermost scope first for a name held twice. */
  searchUserTaskVariables(userTaskKey: string, query: SearchQuery<VariableFilter, 'name'>): Promise<SearchResult<VariableItem>>;

  /** Every change of the variables of the instances filtered, oldest first by default. */
  searchVariableChanges(query: SearchQuery<VariableChangeFilter, VariableChangeSortField>): Promise<SearchResult<VariableChangeItem>>;
}
