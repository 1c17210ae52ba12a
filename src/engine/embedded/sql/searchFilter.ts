/**
 * The searches of the read side, each from one table of columns: a searched entity (process
 * instances, incidents…) declares once, per API field, its SQL column expression and its type
 * (`key`, `text`, `int`, `date`, `bool`). From that table come the SELECT list and the item a
 * row becomes, the WHERE of Camunda's filters (`{ field: value }` or `{ field: { $eq, $in,
 * $like, … } }`, with an optional `$or` of alternatives), the ORDER BY of `sort`, the paging,
 * and which fields may be filtered or sorted on.
 *
 * Every value travels as a parameter; only column expressions of the tables reach the SQL text.
 * A value the database would choke on (a key beyond 64 bits, a date it cannot read) is refused
 * here as `Invalid` with `{ path, messageVi, messageEn }` problems, so a bad filter is a 400 and
 * never a 500.
 */
import { Invalid } from '../../../errors.js';
import { pointer, problem } from '../../../schemas.js';
import type { Queryable } from '../../../db/index.js';
import type { SearchQuery, SearchResult } from '../../queries.js';

export type ColumnKind = 'key' | 'string' | 'int' | 'date' | 'bool';

/** `sql` is a column expression of the search's FROM clause (for `bool`: any predicate). */
export interface Column {
  sql: string;
  kind: ColumnKind;
  /** May `sort` name it (default true). */
  sortable: boolean;
  /** Is it a property of the items (default true); false: a filter only. */
  selected: boolean;
}

export interface ColumnOptions {
  sortable?: boolean;
  selected?: boolean;
}

const column =
  (kind: ColumnKind) =>
  (sql: string, o: ColumnOptions = {}): Column => ({ sql, kind, sortable: o.sortable ?? true, selected: o.selected ?? true });

/** A 64-bit key: filtered as bigint, answered as a decimal string. */
export const key = column('key');
export const text = column('string');
export const int = column('int');
/** A timestamp: filtered and answered as ISO 8601. */
export const date = column('date');
/** A predicate: filtered with true or false. */
export const bool = column('bool');

/** Every field of a filter (but `$or`), each with its column. */
export type SearchColumns<Filter> = { [K in Exclude<keyof Filter, '$or'> & string]-?: Column };

export interface SearchTable<Item> {
  /** The FROM clause the column expressions are written against. */
  readonly from: string;
  readonly columns: Readonly<Record<string, Column>>;
  /** The SELECT list of the items' properties, aliased by field. */
  readonly select: string;
  /** The column expression of the entity's key: the last tie-break of every sort, and lookups by key. */
  readonly key: string;
  /** A row of `select` as an item: dates as ISO 8601, absent values left out (as Camunda does). */
  item(row: Record<string, unknown>): Item;
}

/** The table of a searched entity: its FROM, the field that is its key, and a column per filter field. */
export function searchTable<Item, Filter>(def: {
  from: string;
  key: Exclude<keyof Filter, '$or'> & string;
  columns: SearchColumns<Filter>;
}): SearchTable<Item> {
  const columns: Record<string, Column> = def.columns;
  const selected = Object.entries(columns).filter(([, c]) => c.selected);
  const dates = selected.filter(([, c]) => c.kind === 'date').map(([f]) => f);
  return {
    from: def.from,
    columns,
    key: columns[def.key].sql,
    select: selected.map(([f, c]) => `${selectExpression(c)} as "${f}"`).join(', '),
    item(row) {
      const out: Record<string, unknown> = { ...row };
      for (const f of dates) if (out[f] != null) out[f] = new Date(Math.round(Number(out[f]))).toISOString();
      for (const f of Object.keys(out)) if (out[f] == null) delete out[f];
      return out as Item;
    },
  };
}

function selectExpression(c: Column): string {
  if (c.kind === 'key') return `${c.sql}::text`;
  if (c.kind === 'date') return `(extract(epoch from ${c.sql}) * 1000)::float8`;
  return c.sql;
}

/** The SQL of one search: the page of items and the count of all that match, each with its parameters. */
export function compileSearch(table: SearchTable<unknown>, query: SearchQuery<object, string>): { page: Statement; count: Statement } {
  const params = new Params();
  return compileSearchWhere(table, compileFilter(query.filter, table.columns, params), params, query);
}

/** compileSearch with a WHERE of the caller's own (`where`, its values already in `params`); the sort and the page are the query's. */
export function compileSearchWhere(
  table: SearchTable<unknown>,
  where: string,
  params: Params,
  query: SearchQuery<object, string>,
): { page: Statement; count: Statement } {
  const count = { sql: `select count(*)::int as n from ${table.from} where ${where}`, values: [...params.values] };
  const order = compileSort(query.sort, table.columns, table.key);
  const page = compilePage(query.page, params);
  return {
    page: { sql: `select ${table.select} from ${table.from} where ${where} order by ${order} ${page}`, values: params.values },
    count,
  };
}

/**
 * Runs a compiled search. The count is a second query only when the page cannot tell it: a page
 * that is neither empty nor full holds the last items, so the total is `from` + its length — the
 * common case of a task list polling for what is new, which then costs one statement, not two.
 */
export async function runSearch<T>(
  db: Queryable,
  table: SearchTable<T>,
  s: { page: Statement; count: Statement },
  page: SearchQuery<object, string>['page'],
): Promise<SearchResult<T>> {
  const { rows } = await db.query<Record<string, unknown>>(s.page.sql, s.page.values);
  const from = page?.from ?? 0;
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  const known = (rows.length > 0 && rows.length < limit) || (rows.length === 0 && from === 0 && limit > 0);
  const totalItems = known ? from + rows.length : ((await db.query<{ n: number }>(s.count.sql, s.count.values)).rows[0]?.n ?? 0);
  return { items: rows.map((r) => table.item(r)), totalItems };
}

export interface Statement {
  sql: string;
  values: unknown[];
}

export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Refuses a search: `what` is where in the query (`filter.state.$in`), `at` the same as a JSON pointer's segments. */
function refuse(what: string, at: (string | number)[], vi: string, en: string): never {
  throw new Invalid(`${what} ${en}`, [problem(pointer(...at), vi, en)]);
}

const OPERATORS: Record<ColumnKind, readonly string[]> = {
  key: ['$eq', '$neq', '$exists', '$in', '$notIn'],
  string: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
  int: ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'],
  date: ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'],
  bool: [],
};
const COMPARE: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

/** A place in the filter: how a message names it, and its JSON pointer's segments. */
interface At {
  what: string;
  path: (string | number)[];
}
const under = (at: At, name: string): At => ({ what: `${at.what}.${name}`, path: [...at.path, name] });

/** The filter as one SQL boolean expression (`true` when it constrains nothing). */
export function compileFilter(
  filter: object | undefined,
  columns: Readonly<Record<string, Column>>,
  params: Params,
  at: At = { what: 'filter', path: ['filter'] },
): string {
  if (!filter) return 'true';
  const parts: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (field === '$or') {
      if (!Array.isArray(value)) refuse(`${at.what}.$or`, [...at.path, '$or'], 'phải là một danh sách bộ lọc', 'must be an array of filters');
      const alternatives = value.map((f, i) => {
        const alt = { what: `${at.what}.$or[${i}]`, path: [...at.path, '$or', i] };
        if (!isObject(f) || '$or' in f) refuse(alt.what, alt.path, 'phải là một bộ lọc không có $or lồng bên trong', 'must be a filter without a nested $or');
        return `(${compileFilter(f, columns, params, alt)})`;
      });
      if (alternatives.length) parts.push(`(${alternatives.join(' or ')})`);
      continue;
    }
    const column = Object.prototype.hasOwnProperty.call(columns, field) ? columns[field] : undefined;
    const here = under(at, field);
    if (!column) refuse(here.what, here.path, 'không phải là trường lọc được hỗ trợ', 'is not a supported filter');
    parts.push(...property(here, column, value, params));
  }
  return parts.length ? parts.join(' and ') : 'true';
}

function property(at: At, c: Column, value: unknown, params: Params): string[] {
  if (c.kind === 'bool') {
    if (typeof value !== 'boolean') refuse(at.what, at.path, 'phải là true hoặc false', 'must be true or false');
    return [value ? `(${c.sql})` : `not (${c.sql})`];
  }
  if (!isObject(value)) return [`${c.sql} = ${scalar(at, c.kind, value, params)}`];
  const out: string[] = [];
  for (const [op, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const here = under(at, op);
    if (!OPERATORS[c.kind].includes(op)) refuse(here.what, here.path, 'không phải là toán tử được hỗ trợ', 'is not a supported operator');
    switch (op) {
      case '$eq':
        out.push(`${c.sql} = ${scalar(here, c.kind, v, params)}`);
        break;
      case '$neq':
        out.push(`${c.sql} is distinct from ${scalar(here, c.kind, v, params)}`);
        break;
      case '$exists':
        if (typeof v !== 'boolean') refuse(here.what, here.path, 'phải là true hoặc false', 'must be true or false');
        out.push(v ? `${c.sql} is not null` : `${c.sql} is null`);
        break;
      case '$in':
        out.push(`${c.sql} = any(${list(here, c.kind, v, params)})`);
        break;
      case '$notIn':
        out.push(`(${c.sql} is null or not (${c.sql} = any(${list(here, c.kind, v, params)})))`);
        break;
      case '$like':
        if (typeof v !== 'string') refuse(here.what, here.path, 'phải là chuỗi ký tự', 'must be a string');
        out.push(`${c.sql} like ${params.add(likePattern(v))} escape '\\'`);
        break;
      default:
        out.push(`${c.sql} ${COMPARE[op]} ${scalar(here, c.kind, v, params)}`);
    }
  }
  return out;
}

function scalar(at: At, kind: ColumnKind, v: unknown, params: Params): string {
  switch (kind) {
    case 'key':
      return `${params.add(keyValue(at, v))}::bigint`;
    case 'string':
      if (typeof v !== 'string') refuse(at.what, at.path, 'phải là chuỗi ký tự', 'must be a string');
      return `${params.add(v)}::text`;
    case 'int':
      return `${params.add(intValue(at, v))}::int`;
    case 'date':
      return `to_timestamp(${params.add(dateValue(at, v))}::float8 / 1000.0)`;
    default:
      return refuse(at.what, at.path, 'không được hỗ trợ', 'is not supported');
  }
}

function list(at: At, kind: ColumnKind, v: unknown, params: Params): string {
  if (!Array.isArray(v)) refuse(at.what, at.path, 'phải là một danh sách', 'must be an array');
  switch (kind) {
    case 'key':
      return `${params.add(v.map((x) => keyValue(at, x)))}::bigint[]`;
    case 'string':
      if (!v.every((x) => typeof x === 'string')) refuse(at.what, at.path, 'phải là một danh sách chuỗi ký tự', 'must be an array of strings');
      return `${params.add(v)}::text[]`;
    case 'int':
      return `${params.add(v.map((x) => intValue(at, x)))}::int[]`;
    case 'date':
      return `array(select to_timestamp(d / 1000.0) from unnest(${params.add(v.map((x) => dateValue(at, x)))}::float8[]) d)`;
    default:
      return refuse(at.what, at.path, 'không được hỗ trợ', 'is not supported');
  }
}

const INT64_MAX = 9223372036854775807n;

function keyValue(at: At, v: unknown): string {
  if (typeof v !== 'string' || !/^-?\d{1,19}$/.test(v) || BigInt(v) > INT64_MAX || BigInt(v) < -INT64_MAX - 1n) {
    refuse(at.what, at.path, 'phải là một khóa: số nguyên 64 bit viết ở hệ thập phân', 'must be a key: a 64-bit integer as a decimal string');
  }
  return v;
}

function intValue(at: At, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    refuse(at.what, at.path, 'phải là số nguyên 32 bit', 'must be a 32-bit integer');
  }
  return v;
}

function dateValue(at: At, v: unknown): number {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) refuse(at.what, at.path, 'phải là thời điểm theo ISO 8601', 'must be an ISO 8601 date-time');
  return ms;
}

/** Camunda's wildcards (`*`, `?`, backslash escapes) → a LIKE pattern with `\` as its escape. */
export function likePattern(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      const next = s[++i];
      out += next === '%' || next === '_' || next === '\\' ? '\\' + next : next;
    } else if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === '\\') out += '\\' + ch;
    else out += ch;
  }
  return out;
}

/** ORDER BY for Camunda's `sort: [{ field, order }]` over the sortable columns, ending with `tiebreak` for a stable order. */
export function compileSort(sort: { field: string; order?: string }[] | undefined, columns: Readonly<Record<string, Column>>, tiebreak: string): string {
  const parts: string[] = [];
  for (const [i, s] of (sort ?? []).entries()) {
    const col = Object.prototype.hasOwnProperty.call(columns, s.field) ? columns[s.field] : undefined;
    if (!col?.sortable) refuse(`sort[${i}].field '${s.field}'`, ['sort', i, 'field'], 'không phải là trường sắp xếp được', 'is not a sortable field');
    const order = (s.order ?? 'ASC').toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') refuse(`sort[${i}].order`, ['sort', i, 'order'], 'phải là ASC hoặc DESC', 'must be ASC or DESC');
    parts.push(`${col.sql} ${order}`);
  }
  parts.push(tiebreak);
  return parts.join(', ');
}

/** The fields `sort` may name, in the table's order. */
export function sortableFields(table: SearchTable<unknown>): string[] {
  return Object.entries(table.columns)
    .filter(([, c]) => c.sortable)
    .map(([f]) => f);
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

export function compilePage(page: { from?: number; limit?: number } | undefined, params: Params): string {
  const from = page?.from ?? 0;
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(from) || from < 0) refuse('page.from', ['page', 'from'], 'phải là số nguyên không âm', 'must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_LIMIT) {
    refuse('page.limit', ['page', 'limit'], `phải là số nguyên từ 0 đến ${MAX_PAGE_LIMIT}`, `must be an integer from 0 to ${MAX_PAGE_LIMIT}`);
  }
  return `limit ${params.add(limit)}::int offset ${params.add(from)}::int`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
