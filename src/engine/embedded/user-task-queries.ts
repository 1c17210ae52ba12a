/**
 * The read side of Camunda user tasks (`zeebe:userTask`): engine.user_tasks, the forms they link
 * (engine.forms) and the variables a task sees (its element instance's scope chain in the
 * instance document). Searches go through the same filter/sort/page machinery as the other
 * entities (sql/searchFilter.ts), except the candidate group and user filters, which test
 * membership of the jsonb arrays (`@>`, served by the GIN index for plain equality).
 */
import type { Queryable } from '../../db/index.js';
import { Invalid, NotFound } from '../../errors.js';
import { pointer, problem } from '../../schemas.js';
import {
  DEFAULT_TENANT,
  type FormItem,
  type FormSummary,
  type SearchQuery,
  type SearchResult,
  type StringFilter,
  type UserTaskFilter,
  type UserTaskItem,
  type UserTaskSortField,
  type VariableFilter,
  type VariableItem,
} from '../queries.js';
import { isKey } from './definitions.js';
import {
  compileFilter,
  compilePage,
  compileSort,
  date,
  int,
  key,
  likePattern,
  Params,
  runSearch,
  searchTable,
  text,
  type SearchTable,
} from './sql/searchFilter.js';
import type { InstanceDoc } from './state.js';

const TENANT = `'${DEFAULT_TENANT}'::text`;
const noSort = { sortable: false };

/** The properties of an item that are neither filtered nor sorted on, added to a table's SELECT list. */
function selecting<T>(table: SearchTable<T>, extra: string): SearchTable<T> {
  return { ...table, select: `${table.select}, ${extra}` };
}

/** Filter fields with a column; candidateGroup and candidateUser are compiled apart (membership). */
type ColumnFilter = Omit<UserTaskFilter, 'candidateGroup' | 'candidateUser'>;

export const USER_TASKS = selecting(
  searchTable<UserTaskItem, ColumnFilter>({
    from: 'engine.user_tasks u join engine.definitions d on d.key = u.definition_key',
    key: 'userTaskKey',
    columns: {
      userTaskKey: key('u.key'),
      state: text('u.state', noSort),
      assignee: text('u.assignee', noSort),
      processInstanceKey: key('u.process_instance_key', noSort),
      processDefinitionKey: key('u.definition_key', noSort),
      processDefinitionId: text('u.bpmn_process_id', noSort),
      elementId: text('u.element_id', noSort),
      elementInstanceKey: key('u.element_instance_key', noSort),
      name: text('u.name'),
      priority: int('u.priority'),
      creationDate: date('u.created_at'),
      completionDate: date('u.completed_at'),
      dueDate: date('u.due_date'),
      followUpDate: date('u.follow_up_date'),
      tenantId: text(TENANT, noSort),
    },
  }),
  [
    'u.candidate_groups as "candidateGroups"',
    'u.candidate_users as "candidateUsers"',
    'u.version as "processDefinitionVersion"',
    'd.name as "processName"',
    'u.form_key::text as "formKey"',
    'u.external_form_reference as "externalFormReference"',
    'u.custom_headers as "customHeaders"',
  ].join(', '),
);

/*
 * The variables a task sees, computed from the instance document and searched as a recordset
 * parameter, so that the name filter, the sort and the page are the machinery's own.
 */
const VARIABLES = selecting(
  searchTable<VariableItem, VariableFilter>({
    from: `jsonb_to_recordset($1::jsonb) as v(name text, value text, scope_key text, process_instance_key text)`,
    key: 'name',
    columns: { name: text('v.name') },
  }),
  [
    `v.scope_key || '-' || v.name as "variableKey"`,
    'v.value as "value"',
    'false as "isTruncated"',
    'v.process_instance_key as "processInstanceKey"',
    'v.scope_key as "scopeKey"',
    `${TENANT} as "tenantId"`,
  ].join(', '),
);

interface TaskScope {
  processInstanceKey: string;
  elementInstanceKey: string;
  formKey: string | null;
}

export class UserTaskQueries {
  constructor(private readonly db: Queryable) {}

  async search(query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>> {
    const { candidateGroup, candidateUser, ...rest } = query.filter ?? {};
    const params = new Params();
    const where = [
      compileFilter(rest, USER_TASKS.columns, params),
      ...membership('candidateGroup', 'u.candidate_groups', candidateGroup, params),
      ...membership('candidateUser', 'u.candidate_users', candidateUser, params),
    ].join(' and ');
    return this.run(USER_TASKS, where, params, query);
  }

  async get(userTaskKey: string): Promise<UserTaskItem> {
    const { rows } = isKey(userTaskKey)
      ? await this.db.query<Record<string, unknown>>(`select ${USER_TASKS.select} from ${USER_TASKS.from} where ${USER_TASKS.key} = $1`, [userTaskKey])
      : { rows: [] };
    if (!rows[0]) throw notFound(userTaskKey);
    return USER_TASKS.item(rows[0]);
  }

  async form(userTaskKey: string): Promise<FormItem | undefined> {
    const task = await this.scope(userTaskKey);
    if (!task.formKey) return undefined;
    const { rows } = await this.db.query<FormItem>(
      `select key::text as "formKey", form_id as "formId", version, schema, ${TENANT} as "tenantId" from engine.forms where key = $1`,
      [task.formKey],
    );
    return rows[0];
  }

  async deployedForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined> {
    const cols = `key::text as "formKey", form_id as "formId", version, schema, ${TENANT} as "tenantId"`;
    if ('formKey' in by) {
      if (!isKey(by.formKey)) return undefined;
      const { rows } = await this.db.query<FormItem>(`select ${cols} from engine.forms where key = $1`, [by.formKey]);
      return rows[0];
    }
    const { rows } = await this.db.query<FormItem>(`select ${cols} from engine.forms where form_id = $1 order by version desc limit 1`, [by.formId]);
    return rows[0];
  }

  async latestForms(): Promise<FormSummary[]> {
    const { rows } = await this.db.query<FormSummary>(
      `select distinct on (form_id) key::text as "formKey", form_id as "formId", version, resource_name as "resourceName",
              deployed_at as "deployedAt", ${TENANT} as "tenantId"
         from engine.forms order by form_id, version desc`,
    );
    return rows.map((r) => ({ ...r, deployedAt: new Date(r.deployedAt).toISOString() }));
  }

  async variables(userTaskKey: string, query: SearchQuery<VariableFilter, 'name'>): Promise<SearchResult<VariableItem>> {
    const task = await this.scope(userTaskKey);
    const { rows } = await this.db.query<{ doc: InstanceDoc }>(`select doc from engine.process_instances where key = $1`, [task.processInstanceKey]);
    const visible = rows[0] ? visibleFrom(rows[0].doc, task.elementInstanceKey, task.processInstanceKey) : [];
    // $1 is the recordset: the filter's and the page's parameters come after it.
    const params = new Params();
    params.add(JSON.stringify(visible));
    return this.run(VARIABLES, compileFilter(query.filter, VARIABLES.columns, params), params, query);
  }

  /** The page of items and the count of all that match `where` (compileSearch's, with a WHERE of our own). */
  private async run<T>(table: SearchTable<T>, where: string, params: Params, query: SearchQuery<object, string>): Promise<SearchResult<T>> {
    const count = { sql: `select count(*)::int as n from ${table.from} where ${where}`, values: [...params.values] };
    const order = compileSort(query.sort, table.columns, table.key);
    const page = compilePage(query.page, params);
    return runSearch(
      this.db,
      table,
      { page: { sql: `select ${table.select} from ${table.from} where ${where} order by ${order} ${page}`, values: params.values }, count },
      query.page,
    );
  }

  /** Where a task lives (NotFound when there is no such task). */
  private async scope(userTaskKey: string): Promise<TaskScope> {
    const { rows } = isKey(userTaskKey)
      ? await this.db.query<TaskScope>(
          `select process_instance_key::text as "processInstanceKey", element_instance_key::text as "elementInstanceKey", form_key::text as "formKey"
             from engine.user_tasks where key = $1`,
          [userTaskKey],
        )
      : { rows: [] };
    if (!rows[0]) throw notFound(userTaskKey);
    return rows[0];
  }
}

const notFound = (userTaskKey: string) => new NotFound(`user task ${userTaskKey} not found`);

interface VisibleVariable {
  name: string;
  value: string;
  scope_key: string;
  process_instance_key: string;
}

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

// ---- candidate groups and users: membership of a jsonb array of strings ----------------------

/** `filter.candidateGroup` (or User) as SQL conditions on the jsonb array `column`. */
function membership(field: string, column: string, value: StringFilter | undefined, params: Params): string[] {
  if (value === undefined) return [];
  const at = ['filter', field];
  const contains = (v: unknown, where: (string | number)[]) => `${column} @> ${params.add(JSON.stringify([str(v, where)]))}::jsonb`;
  const anyElement = (predicate: (m: string) => string) => `exists (select from jsonb_array_elements_text(${column}) m where ${predicate('m')})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [contains(value, at)];
  const out: string[] = [];
  for (const [op, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const here = [...at, op];
    switch (op) {
      case '$eq':
        out.push(contains(v, here));
        break;
      case '$neq':
        out.push(`not (${contains(v, here)})`);
        break;
      case '$exists':
        if (typeof v !== 'boolean') refuse(here, 'phải là true hoặc false', 'must be true or false');
        out.push(`jsonb_array_length(${column}) ${v ? '>' : '='} 0`);
        break;
      case '$in':
      case '$notIn': {
        const p = params.add(strings(v, here));
        const any = anyElement((m) => `${m} = any(${p}::text[])`);
        out.push(op === '$in' ? any : `not ${any}`);
        break;
      }
      case '$like': {
        const p = params.add(likePattern(str(v, here)));
        out.push(anyElement((m) => `${m} like ${p} escape '\\'`));
        break;
      }
      default:
        refuse(here, 'không phải là toán tử được hỗ trợ', 'is not a supported operator');
    }
  }
  return out;
}

function str(v: unknown, at: (string | number)[]): string {
  if (typeof v !== 'string') refuse(at, 'phải là chuỗi ký tự', 'must be a string');
  return v;
}

function strings(v: unknown, at: (string | number)[]): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) refuse(at, 'phải là một danh sách chuỗi ký tự', 'must be an array of strings');
  return v;
}

function refuse(at: (string | number)[], vi: string, en: string): never {
  throw new Invalid(`${at.join('.')} ${en}`, [problem(pointer(...at), vi, en)]);
}
