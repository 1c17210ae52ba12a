/**
 * The engine's read side on a Camunda 8 cluster: Camunda's REST API v2 searches, whose shapes the
 * port's queries already are (`engine/queries.ts` was written after them), so each method is one
 * request. Camunda answers searches from its secondary storage, a moment behind the broker:
 * callers that need what a command just did wait for it, as against Operate.
 *
 * Two reads have no Camunda endpoint and use lienthong's own where Camunda has none: a form by its
 * id (`GET /v2/forms/by-id/{id}`, `GET /v2/forms`) — on a real cluster, deploy forms with the
 * catalog so they are found by key; and the history of a variable: Camunda keeps only the latest
 * value, so `searchVariableChanges` answers each variable's current value as its one change
 * (`POST /v2/variables/search`), filtered by instance, scope, name and value.
 */
import type {
  ElementInstanceFilter,
  ElementInstanceItem,
  ElementInstanceSortField,
  ElementStatisticsItem,
  EngineQueries,
  FormItem,
  FormSummary,
  IncidentFilter,
  IncidentItem,
  IncidentSortField,
  ProcessDefinitionFilter,
  ProcessDefinitionItem,
  ProcessDefinitionSortField,
  ProcessInstanceFilter,
  ProcessInstanceItem,
  ProcessInstanceSortField,
  SearchQuery,
  SearchResult,
  SequenceFlowItem,
  UserTaskFilter,
  UserTaskItem,
  UserTaskSortField,
  VariableChangeFilter,
  VariableChangeItem,
  VariableChangeSortField,
  VariableFilter,
  VariableItem,
} from '../queries.js';
import { NotFound } from '../../errors.js';
import type { ZeebeConnection } from './connection.js';

interface Page<T> {
  items: T[];
  page: { totalItems: number };
}

const key = (k: string) => encodeURIComponent(k);

export class ZeebeEngineQueries implements EngineQueries {
  constructor(private readonly c: ZeebeConnection) {}

  private async search<T>(path: string, query: object): Promise<SearchResult<T>> {
    const r = await this.c.call<Page<T>>('POST', path, query);
    return { items: r.items, totalItems: r.page.totalItems };
  }

  searchProcessInstances(query: SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>): Promise<SearchResult<ProcessInstanceItem>> {
    return this.search('/process-instances/search', query);
  }
  getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceItem> {
    return this.c.call('GET', `/process-instances/${key(processInstanceKey)}`);
  }
  async getSequenceFlows(processInstanceKey: string): Promise<SequenceFlowItem[]> {
    return (await this.c.call<{ items: SequenceFlowItem[] }>('GET', `/process-instances/${key(processInstanceKey)}/sequence-flows`)).items;
  }
  async getElementInstanceStatistics(processInstanceKey: string): Promise<ElementStatisticsItem[]> {
    return (await this.c.call<{ items: ElementStatisticsItem[] }>('GET', `/process-instances/${key(processInstanceKey)}/statistics/element-instances`)).items;
  }
  searchElementInstances(query: SearchQuery<ElementInstanceFilter, ElementInstanceSortField>): Promise<SearchResult<ElementInstanceItem>> {
    return this.search('/element-instances/search', query);
  }
  searchIncidents(query: SearchQuery<IncidentFilter, IncidentSortField>): Promise<SearchResult<IncidentItem>> {
    return this.search('/incidents/search', query);
  }
  getIncident(incidentKey: string): Promise<IncidentItem> {
    return this.c.call('GET', `/incidents/${key(incidentKey)}`);
  }
  searchProcessDefinitions(query: SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>): Promise<SearchResult<ProcessDefinitionItem>> {
    return this.search('/process-definitions/search', query);
  }
  getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionItem> {
    return this.c.call('GET', `/process-definitions/${key(processDefinitionKey)}`);
  }
  getProcessDefinitionXml(processDefinitionKey: string): Promise<string> {
    return this.c.text('GET', `/process-definitions/${key(processDefinitionKey)}/xml`);
  }
  searchUserTasks(query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>> {
    return this.search('/user-tasks/search', query);
  }
  getUserTask(userTaskKey: string): Promise<UserTaskItem> {
    return this.c.call('GET', `/user-tasks/${key(userTaskKey)}`);
  }
  async getUserTaskForm(userTaskKey: string): Promise<FormItem | undefined> {
    return (await this.c.call<FormItem | undefined>('GET', `/user-tasks/${key(userTaskKey)}/form`)) ?? undefined;
  }
  async getForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined> {
    const path = 'formKey' in by ? `/forms/${key(by.formKey)}` : `/forms/by-id/${key(by.formId)}`;
    try {
      return await this.c.call<FormItem>('GET', path);
    } catch (e) {
      if (e instanceof NotFound) return undefined;
      throw e;
    }
  }
  async listLatestForms(): Promise<FormSummary[]> {
    return (await this.c.call<{ items: FormSummary[] }>('GET', '/forms')).items;
  }
  searchUserTaskVariables(userTaskKey: string, query: SearchQuery<VariableFilter, 'name'>): Promise<SearchResult<VariableItem>> {
    return this.search(`/user-tasks/${key(userTaskKey)}/variables/search`, query);
  }
  async searchVariableChanges(query: SearchQuery<VariableChangeFilter, VariableChangeSortField>): Promise<SearchResult<VariableChangeItem>> {
    // What Camunda's variable filter has: the rest of a change's filter (position, element, command,
    // time, process id) means nothing for a latest value and is not sent. `value` is the current
    // value's JSON text, as the embedded search's.
    const { processInstanceKey, scopeKey, name, value } = query.filter ?? {};
    const filter = Object.fromEntries(Object.entries({ processInstanceKey, scopeKey, name, value }).filter(([, v]) => v !== undefined));
    const r = await this.search<VariableItem>('/variables/search', { filter, page: query.page });
    const items = r.items.map((v, i): VariableChangeItem => ({
      position: String(i),
      name: v.name,
      value: v.value,
      intent: 'CREATED',
      at: '',
      processInstanceKey: v.processInstanceKey,
      processDefinitionId: '',
      scopeKey: v.scopeKey,
      tenantId: v.tenantId,
    }));
    return { items, totalItems: r.totalItems };
  }
}
