/**
 * The shapes the engine's reads answer in (engine/queries.ts): Camunda 8's REST API v2 filter
 * properties, and per resource its item, its filter and the fields it sorts by. Only types, and
 * Camunda's field names; queries.ts re-exports them all, so the rooms import them from there.
 */

// ---- Camunda's filter properties: a plain value means equality ------------------------------

interface Existence {
  /** true: the property has a value; false: it has none. */
  $exists?: boolean;
}
export type KeyFilter = string | (Existence & { $eq?: string; $neq?: string; $in?: string[]; $notIn?: string[] });
/** `$like`: `*` any run of characters, `?` one character, `\` escapes either. */
export type StringFilter = string | (Existence & { $eq?: string; $neq?: string; $in?: string[]; $notIn?: string[]; $like?: string });
export type IntegerFilter = number | (Existence & { $eq?: number; $neq?: number; $gt?: number; $gte?: number; $lt?: number; $lte?: number; $in?: number[] });
/** ISO 8601 date-times. */
export type DateTimeFilter = string | (Existence & { $eq?: string; $neq?: string; $gt?: string; $gte?: string; $lt?: string; $lte?: string; $in?: string[] });
export type EnumFilter<E extends string> = E | (Existence & { $eq?: E; $neq?: E; $in?: E[]; $notIn?: E[]; $like?: string });

// ---- process instances ---------------------------------------------------------------------

export type ProcessInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

export interface ProcessInstanceItem {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  /** The process's name, or its id when it has none. */
  processDefinitionName: string;
  processDefinitionVersion: number;
  processDefinitionVersionTag?: string;
  startDate: string;
  endDate?: string;
  state: ProcessInstanceState;
  hasIncident: boolean;
  tenantId: string;
  parentProcessInstanceKey?: string;
  parentElementInstanceKey?: string;
}

export interface ProcessInstanceFilterFields {
  processInstanceKey?: KeyFilter;
  processDefinitionKey?: KeyFilter;
  processDefinitionId?: StringFilter;
  processDefinitionName?: StringFilter;
  processDefinitionVersion?: IntegerFilter;
  processDefinitionVersionTag?: StringFilter;
  parentProcessInstanceKey?: KeyFilter;
  parentElementInstanceKey?: KeyFilter;
  startDate?: DateTimeFilter;
  endDate?: DateTimeFilter;
  state?: EnumFilter<ProcessInstanceState>;
  hasIncident?: boolean;
  tenantId?: StringFilter;
}
export interface ProcessInstanceFilter extends ProcessInstanceFilterFields {
  /** Any one of these must match as well (AND with the fields above). */
  $or?: ProcessInstanceFilterFields[];
}
export type ProcessInstanceSortField =
  | 'processInstanceKey'
  | 'processDefinitionId'
  | 'processDefinitionName'
  | 'processDefinitionVersion'
  | 'processDefinitionVersionTag'
  | 'processDefinitionKey'
  | 'parentProcessInstanceKey'
  | 'parentElementInstanceKey'
  | 'startDate'
  | 'endDate'
  | 'state'
  | 'hasIncident'
  | 'tenantId';

/** A sequence flow a process instance has taken at least once. */
export interface SequenceFlowItem {
  /** `<processInstanceKey>_<flow id>`, as Camunda names it. */
  sequenceFlowId: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  /** The flow's id in the BPMN. */
  elementId: string;
  tenantId: string;
}

// ---- incidents -----------------------------------------------------------------------------

export type IncidentState = 'ACTIVE' | 'RESOLVED';

export interface IncidentItem {
  incidentKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processInstanceKey: string;
  errorType: string;
  errorMessage: string;
  elementId: string;
  elementInstanceKey: string;
  creationTime: string;
  state: IncidentState;
  jobKey?: string;
  tenantId: string;
}

export interface IncidentFilter {
  incidentKey?: KeyFilter;
  processDefinitionKey?: KeyFilter;
  processDefinitionId?: StringFilter;
  processInstanceKey?: KeyFilter;
  errorType?: StringFilter;
  errorMessage?: StringFilter;
  elementId?: StringFilter;
  elementInstanceKey?: KeyFilter;
  creationTime?: DateTimeFilter;
  state?: EnumFilter<IncidentState>;
  jobKey?: KeyFilter;
  tenantId?: StringFilter;
}
export type IncidentSortField =
  | 'incidentKey'
  | 'processDefinitionKey'
  | 'processDefinitionId'
  | 'processInstanceKey'
  | 'errorType'
  | 'errorMessage'
  | 'elementId'
  | 'elementInstanceKey'
  | 'creationTime'
  | 'state'
  | 'jobKey'
  | 'tenantId';

// ---- element instances ---------------------------------------------------------------------

/** `GET /v2/process-instances/{key}/statistics/element-instances`: one item per element id with activations. */
export interface ElementStatisticsItem {
  elementId: string;
  active: number;
  completed: number;
  canceled: number;
  incidents: number;
}

export type ElementInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

/**
 * One activation of a flow element (a task, an event, a gateway, a sub-process, a
 * multi-instance body) in a process instance — Operate's flow node instance. Neither the
 * process itself nor a sequence flow is one (flows taken: `getSequenceFlows`).
 */
export interface ElementInstanceItem {
  elementInstanceKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  /** The element's id in the BPMN. */
  elementId: string;
  /** The element's name in the BPMN; absent when it has none. */
  elementName?: string;
  /** Camunda's BPMN element type: 'USER_TASK', 'SERVICE_TASK', 'START_EVENT', 'MULTI_INSTANCE_BODY', … */
  type: string;
  state: ElementInstanceState;
  startDate: string;
  endDate?: string;
  hasIncident: boolean;
  /** The element instance's active incident, if any. */
  incidentKey?: string;
  tenantId: string;
}

export interface ElementInstanceFilter {
  elementInstanceKey?: KeyFilter;
  processInstanceKey?: KeyFilter;
  processDefinitionKey?: KeyFilter;
  processDefinitionId?: StringFilter;
  elementId?: StringFilter;
  type?: StringFilter;
  state?: EnumFilter<ElementInstanceState>;
  startDate?: DateTimeFilter;
  endDate?: DateTimeFilter;
  hasIncident?: boolean;
  incidentKey?: KeyFilter;
  tenantId?: StringFilter;
}
export type ElementInstanceSortField =
  | 'elementInstanceKey'
  | 'processInstanceKey'
  | 'processDefinitionKey'
  | 'processDefinitionId'
  | 'elementId'
  | 'type'
  | 'state'
  | 'startDate'
  | 'endDate'
  | 'incidentKey'
  | 'tenantId';

// ---- process definitions -------------------------------------------------------------------

export interface ProcessDefinitionItem {
  processDefinitionKey: string;
  processDefinitionId: string;
  name?: string;
  resourceName: string;
  version: number;
  versionTag?: string;
  tenantId: string;
  hasStartForm: boolean;
}

export interface ProcessDefinitionFilter {
  processDefinitionKey?: KeyFilter;
  processDefinitionId?: StringFilter;
  name?: StringFilter;
  resourceName?: StringFilter;
  version?: IntegerFilter;
  versionTag?: StringFilter;
  /** Only the newest version of each process id (true) or only the older ones (false). */
  isLatestVersion?: boolean;
  hasStartForm?: boolean;
  tenantId?: StringFilter;
}
export type ProcessDefinitionSortField = 'processDefinitionKey' | 'name' | 'resourceName' | 'version' | 'versionTag' | 'processDefinitionId' | 'tenantId';

// ---- user tasks (Camunda user tasks, zeebe:userTask) ----------------------------------------

/** Camunda 8.8 has transitional states (CREATING, ASSIGNING, …) for task listeners; the embedded engine has none. */
export type UserTaskState = 'CREATED' | 'COMPLETED' | 'CANCELED' | 'FAILED';

export interface UserTaskItem {
  userTaskKey: string;
  /** The element's name in the BPMN; absent when it has none. */
  name?: string;
  state: UserTaskState;
  assignee?: string;
  elementId: string;
  elementInstanceKey: string;
  candidateGroups: string[];
  candidateUsers: string[];
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionVersion: number;
  processInstanceKey: string;
  /** The process's name, when it has one. */
  processName?: string;
  creationDate: string;
  /** When it was completed or canceled. */
  completionDate?: string;
  dueDate?: string;
  followUpDate?: string;
  /** The deployed form it links (`zeebe:formDefinition formId`), resolved at creation. */
  formKey?: string;
  externalFormReference?: string;
  customHeaders: Record<string, string>;
  /** 0–100, default 50. */
  priority: number;
  tenantId: string;
}

export interface UserTaskFilter {
  userTaskKey?: KeyFilter;
  state?: EnumFilter<UserTaskState>;
  assignee?: StringFilter;
  /** Tasks whose candidate groups include it. */
  candidateGroup?: StringFilter;
  /** Tasks whose candidate users include it. */
  candidateUser?: StringFilter;
  processInstanceKey?: KeyFilter;
  processDefinitionKey?: KeyFilter;
  processDefinitionId?: StringFilter;
  elementId?: StringFilter;
  elementInstanceKey?: KeyFilter;
  name?: StringFilter;
  priority?: IntegerFilter;
  creationDate?: DateTimeFilter;
  completionDate?: DateTimeFilter;
  dueDate?: DateTimeFilter;
  followUpDate?: DateTimeFilter;
  tenantId?: StringFilter;
}
export type UserTaskSortField = 'userTaskKey' | 'creationDate' | 'completionDate' | 'dueDate' | 'followUpDate' | 'priority' | 'name';

/** A deployed Camunda form (`GET /v2/user-tasks/{key}/form`). */
export interface FormItem {
  formKey: string;
  formId: string;
  version: number;
  /** The form-js JSON, as deployed (a string, as Camunda returns it). */
  schema: string;
  tenantId: string;
}

/** The latest version of one deployed form id, without its schema (the designer's list of forms). */
export interface FormSummary {
  formKey: string;
  formId: string;
  version: number;
  resourceName: string;
  deployedAt: string;
  tenantId: string;
}

/** A variable visible to a user task (its element instance's scope and those around it). */
export interface VariableItem {
  /** `<scopeKey>-<name>`: the embedded engine keeps variables per scope, not as keyed records. */
  variableKey: string;
  name: string;
  /** The value as JSON text. */
  value: string;
  isTruncated: boolean;
  processInstanceKey: string;
  /** The element instance (or process instance) that holds it. */
  scopeKey: string;
  tenantId: string;
}
export interface VariableFilter {
  name?: StringFilter;
}

/**
 * One change of a variable (the engine's VARIABLE record): Camunda keeps only a variable's latest
 * value; this is each value it had, with what changed it. Not a Camunda 8 shape (it has none).
 */
export interface VariableChangeItem {
  /** The record's position in the engine's log: the order of the changes. */
  position: string;
  name: string;
  /** The new value as JSON text. */
  value: string;
  intent: 'CREATED' | 'UPDATED';
  at: string;
  processInstanceKey: string;
  processDefinitionId: string;
  /** Where the variable lives: the process instance key, or an element instance's. */
  scopeKey: string;
  /** The element whose input or output mapping, or result, wrote it; absent when a command wrote it directly. */
  elementId?: string;
  elementInstanceKey?: string;
  /** The command behind it: CREATE_PROCESS_INSTANCE, COMPLETE_JOB, COMPLETE_USER_TASK, SET_VARIABLES, CORRELATE_MESSAGE… */
  command?: string;
  jobKey?: string;
  userTaskKey?: string;
  messageName?: string;
  tenantId: string;
}
export interface VariableChangeFilter {
  position?: KeyFilter;
  processInstanceKey?: KeyFilter;
  scopeKey?: KeyFilter;
  name?: StringFilter;
  elementId?: StringFilter;
  command?: StringFilter;
  jobKey?: KeyFilter;
  userTaskKey?: KeyFilter;
  at?: DateTimeFilter;
  value?: StringFilter;
  intent?: EnumFilter<'CREATED' | 'UPDATED'>;
  processDefinitionId?: StringFilter;
  elementInstanceKey?: KeyFilter;
  messageName?: StringFilter;
  tenantId?: StringFilter;
}
export type VariableChangeSortField = 'position' | 'name' | 'at' | 'processInstanceKey';
