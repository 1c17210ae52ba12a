/**
 * The searches of Camunda user tasks (engine.user_tasks) and of the variables a task sees. They go
 * through the same filter/sort/page machinery as the other entities (searchFilter.ts), except the
 * candidate group and user filters, which test membership of the jsonb arrays (`@>`, served by the
 * GIN index for plain equality).
 */
import type { Queryable } from '../../../db/index.js';
import { Invalid } from '../../../errors.js';
import { pointer, problem } from '../../../schemas.js';
import {
  DEFAULT_TENANT,
  type SearchQuery,
  type SearchResult,
  type StringFilter,
  type UserTaskFilter,
  type UserTaskItem,
  type UserTaskSortField,
  type VariableFilter,
  type VariableItem,
} from '../../queries.js';
import type { InstanceDoc } from '../state.js';
import { compileFilter, compileSearchWhere, date, int, key, likePattern, Params, runSearch, searchTable, text, type SearchTable } from './searchFilter.js';

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

/** A variable a task sees: a row of the VARIABLES recordset. */
export interface VisibleVariable {
  name: string;
  value: string;
  scope_key: string;
  process_instance_key: string;
}

/**
 * The page of user tasks a query selects, and the count when the page cannot tell it.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * page p50 1.03 ms, p99 11.61 ms over 200 calls; Bitmap Heap Scan user_tasks, Bitmap Index Scan
 * user_tasks_open, Function Scan jsonb_array_elements_text, Index Scan definitions_pkey; its count
 * (when the page cannot tell the total) p50 0.43 ms, p99 8.15 ms over 200 calls; Bitmap Heap Scan
 * user_tasks, Bitmap Index Scan user_tasks_open, Function Scan jsonb_array_elements_text, Index
 * Only Scan definitions_pkey.
 */
export async function searchUserTasks(q: Queryable, query: SearchQuery<UserTaskFilter, UserTaskSortField>): Promise<SearchResult<UserTaskItem>> {
  const { candidateGroup, candidateUser, ...rest } = query.filter ?? {};
  const params = new Params();
  const where = [
    compileFilter(rest, USER_TASKS.columns, params),
    ...membership('candidateGroup', 'u.candidate_groups', candidateGroup, params),
    ...membership('candidateUser', 'u.candidate_users', candidateUser, params),
  ].join(' and ');
  const result = await runSearch(q, USER_TASKS, compileSearchWhere(USER_TASKS, where, params, query), query.page);
  return result;
}

/**
 * One user task by its key (the caller checks the key is one): primary-key lookup.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.16 ms, p99 8.23 ms over 200 calls; Index Scan user_tasks_pkey, Seq Scan definitions.
 */
export async function userTaskByKey(q: Queryable, userTaskKey: string): Promise<UserTaskItem | undefined> {
  const { rows } = await q.query<Record<string, unknown>>(`select ${USER_TASKS.select} from ${USER_TASKS.from} where ${USER_TASKS.key} = $1`, [userTaskKey]);
  return rows[0] ? USER_TASKS.item(rows[0]) : undefined;
}

/**
 * The document of a task's instance, whose scopes hold the variables it sees (unlocked: a read).
 * Primary-key lookup.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.07 ms, p99 4.02 ms over 200 calls; Index Scan process_instances_pkey.
 */
export async function instanceDoc(q: Queryable, processInstanceKey: string): Promise<InstanceDoc | undefined> {
  const { rows } = await q.query<{ doc: InstanceDoc }>(`select doc from engine.process_instances where key = $1`, [processInstanceKey]);
  return rows[0]?.doc;
}

/**
 * The variables `visible` (sent as one jsonb recordset parameter, $1) filtered, sorted and paged.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.1 ms, p99 4.88 ms over 200 calls; Function Scan jsonb_to_recordset.
 */
export async function searchTaskVariables(
  q: Queryable,
  visible: VisibleVariable[],
  query: SearchQuery<VariableFilter, 'name'>,
): Promise<SearchResult<VariableItem>> {
  // $1 is the recordset: the filter's and the page's parameters come after it.
  const params = new Params();
  params.add(JSON.stringify(visible));
  const where = compileFilter(query.filter, VARIABLES.columns, params);
  const result = await runSearch(q, VARIABLES, compileSearchWhere(VARIABLES, where, params, query), query.page);
  return result;
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
