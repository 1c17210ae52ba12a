/**
 * The read side of Camunda user tasks (`zeebe:userTask`): engine.user_tasks, the forms they link
 * (engine.forms) and the variables a task sees (its element instance's scope chain in the
 * instance document). The statements are sql/searchUserTasks.ts (the searches, with the candidate
 * group and user filters) and sql/userTasks.ts (where a task lives, the forms).
 */
import type { Queryable } from '../../db/index.js';
import { NotFound } from '../../errors.js';
import type {
  FormItem,
  FormSummary,
  SearchQuery,
  SearchResult,
  UserTaskFilter,
  UserTaskItem,
  UserTaskSortField,
  VariableFilter,
  VariableItem,
} from '../queries.js';
import { isKey } from './definitions.js';
import { instanceDoc, searchTaskVariables, searchUserTasks, userTaskByKey, type VisibleVariable } from './sql/searchUserTasks.js';
import { formByKey, latestFormItem, latestFormSummaries, userTaskScope, type UserTaskScope } from './sql/userTasks.js';
import type { InstanceDoc } from './state.js';

export class UserTaskQueries {
  constructor(private readonly db: Queryable) {}

  search(query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>> {
    return searchUserTasks(this.db, query);
  }

  async get(userTaskKey: string): Promise<UserTaskItem> {
    const task = isKey(userTaskKey) ? await userTaskByKey(this.db, userTaskKey) : undefined;
    if (!task) throw notFound(userTaskKey);
    return task;
  }

  async form(userTaskKey: string): Promise<FormItem | undefined> {
    const task = await this.scope(userTaskKey);
    if (!task.formKey) return undefined;
    return formByKey(this.db, task.formKey);
  }

  async deployedForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined> {
    if ('formKey' in by) return isKey(by.formKey) ? formByKey(this.db, by.formKey) : undefined;
    return latestFormItem(this.db, by.formId);
  }

  latestForms(): Promise<FormSummary[]> {
    return latestFormSummaries(this.db);
  }

  async variables(userTaskKey: string, query: SearchQuery<VariableFilter, 'name'>): Promise<SearchResult<VariableItem>> {
    const task = await this.scope(userTaskKey);
    const doc = await instanceDoc(this.db, task.processInstanceKey);
    const visible = doc ? visibleFrom(doc, task.elementInstanceKey, task.processInstanceKey) : [];
    return searchTaskVariables(this.db, visible, query);
  }

  /** Where a task lives (NotFound when there is no such task). */
  private async scope(userTaskKey: string): Promise<UserTaskScope> {
    const task = isKey(userTaskKey) ? await userTaskScope(this.db, userTaskKey) : undefined;
    if (!task) throw notFound(userTaskKey);
    return task;
  }
}

const notFound = (userTaskKey: string) => new NotFound(`user task ${userTaskKey} not found`);

/**
 * The variables visible from an element instance, each from the innermost scope holding its
 * name: the element instance's own, then each enclosing one's, then the process instance's.
 * An element instance no longer in the document (the task ended) sees the process's only.
 */
export function visibleFrom(doc: InstanceDoc, elementInstanceKey: string, processInstanceKey: string): VisibleVariable[] {
  const out = new Map<string, VisibleVariable>();
  const add = (vars: Record<string, unknown> | undefined, scopeKey: string) => {
    for (const [name, value] of Object.entries(vars ?? {})) {
      if (!out.has(name)) out.set(name, { name, value: JSON.stringify(value) ?? 'null', scope_key: scopeKey, process_instance_key: processInstanceKey });
    }
  };
  const seen = new Set<string>();
  for (let k: string | undefined = elementInstanceKey; k && doc.els?.[k] && !seen.has(k); k = doc.els[k].scope) {
    seen.add(k);
    add(doc.els[k].vars, k);
  }
  add(doc.vars, processInstanceKey);
  return [...out.values()];
}
