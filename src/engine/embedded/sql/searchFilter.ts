/**
 * Camunda's search filters (`{ field: value }` or `{ field: { $eq, $in, $like, … } }`, with an
 * optional `$or` of alternatives) → one parameterised SQL predicate, plus ORDER BY and paging.
 * Every value travels as a parameter; only column expressions from the caller's table of
 * columns reach the SQL text. A value the database would choke on (a key beyond 64 bits, a
 * date it cannot read) is refused here as `Invalid`, so a bad filter is a 400 and never a 500.
 */
import { Invalid } from '../../../errors.js';

export type ColumnKind = 'key' | 'string' | 'int' | 'date' | 'bool';
/** `sql` is a column expression of the search's FROM clause (for `bool`: any predicate). */
export interface Column {
  sql: string;
  kind: ColumnKind;
}
export type Columns = Record<string, Column>;

export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const OPERATORS: Record<ColumnKind, readonly string[]> = {
  key: ['$eq', '$neq', '$exists', '$in', '$notIn'],
  string: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
  int: ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'],
  date: ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'],
  bool: [],
};
const COMPARE: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

/** The filter as one SQL boolean expression (`true` when it constrains nothing). */
export function compileFilter(filter: object | undefined, columns: Columns, params: Params): string {
  if (!filter) return 'true';
  const parts: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (field === '$or') {
      if (!Array.isArray(value)) throw new Invalid(`filter.$or must be an array of filters`);
      const alternatives = value.map((f, i) => {
        if (!isObject(f) || '$or' in f) throw new Invalid(`filter.$or[${i}] must be a filter without a nested $or`);
        return `(${compileFilter(f, columns, params)})`;
      });
      if (alternatives.length) parts.push(`(${alternatives.join(' or ')})`);
      continue;
    }
    const column = Object.prototype.hasOwnProperty.call(columns, field) ? columns[field] : undefined;
    if (!column) throw new Invalid(`filter.${field} is not a supported filter`);
    parts.push(...property(field, column, value, params));
  }
  return parts.length ? parts.join(' and ') : 'true';
}

function property(field: string, c: Column, value: unknown, params: Params): string[] {
  if (c.kind === 'bool') {
    if (typeof value !== 'boolean') throw new Invalid(`filter.${field} must be true or false`);
    return [value ? `(${c.sql})` : `not (${c.sql})`];
  }
  if (!isObject(value)) return [`${c.sql} = ${scalar(field, c.kind, value, params)}`];
  const out: string[] = [];
  for (const [op, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (!OPERATORS[c.kind].includes(op)) throw new Invalid(`filter.${field}.${op} is not a supported operator`);
    const at = `${field}.${op}`;
    switch (op) {
      case '$eq':
        out.push(`${c.sql} = ${scalar(at, c.kind, v, params)}`);
        break;
      case '$neq':
        out.push(`${c.sql} is distinct from ${scalar(at, c.kind, v, params)}`);
        break;
      case '$exists':
        if (typeof v !== 'boolean') throw new Invalid(`filter.${at} must be true or false`);
        out.push(v ? `${c.sql} is not null` : `${c.sql} is null`);
        break;
      case '$in':
        out.push(`${c.sql} = any(${list(at, c.kind, v, params)})`);
        break;
      case '$notIn':
        out.push(`(${c.sql} is null or not (${c.sql} = any(${list(at, c.kind, v, params)})))`);
        break;
      case '$like':
        if (typeof v !== 'string') throw new Invalid(`filter.${at} must be a string`);
        out.push(`${c.sql} like ${params.add(likePattern(v))} escape '\\'`);
        break;
      default:
        out.push(`${c.sql} ${COMPARE[op]} ${scalar(at, c.kind, v, params)}`);
    }
  }
  return out;
}

function scalar(at: string, kind: ColumnKind, v: unknown, params: Params): string {
  switch (kind) {
    case 'key':
      return `${params.add(key(at, v))}::bigint`;
    case 'string':
      if (typeof v !== 'string') throw new Invalid(`filter.${at} must be a string`);
      return `${params.add(v)}::text`;
    case 'int':
      return `${params.add(int(at, v))}::int`;
    case 'date':
      return `to_timestamp(${params.add(date(at, v))}::float8 / 1000.0)`;
    default:
      throw new Invalid(`filter.${at} is not supported`);
  }
}

function list(at: string, kind: ColumnKind, v: unknown, params: Params): string {
  if (!Array.isArray(v)) throw new Invalid(`filter.${at} must be an array`);
  switch (kind) {
    case 'key':
      return `${params.add(v.map((x) => key(at, x)))}::bigint[]`;
    case 'string':
      if (!v.every((x) => typeof x === 'string')) throw new Invalid(`filter.${at} must be an array of strings`);
      return `${params.add(v)}::text[]`;
    case 'int':
      return `${params.add(v.map((x) => int(at, x)))}::int[]`;
    case 'date':
      return `array(select to_timestamp(d / 1000.0) from unnest(${params.add(v.map((x) => date(at, x)))}::float8[]) d)`;
    default:
      throw new Invalid(`filter.${at} is not supported`);
  }
}

const INT64_MAX = 9223372036854775807n;

function key(at: string, v: unknown): string {
  if (typeof v !== 'string' || !/^-?\d{1,19}$/.test(v) || BigInt(v) > INT64_MAX || BigInt(v) < -INT64_MAX - 1n) {
    throw new Invalid(`filter.${at} must be a key: a 64-bit integer as a decimal string`);
  }
  return v;
}

function int(at: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new Invalid(`filter.${at} must be a 32-bit integer`);
  }
  return v;
}

function date(at: string, v: unknown): number {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new Invalid(`filter.${at} must be an ISO 8601 date-time`);
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

/** ORDER BY for Camunda's `sort: [{ field, order }]`, ending with `tiebreak` for a stable order. */
export function compileSort(
  sort: { field: string; order?: string }[] | undefined,
  columns: Record<string, string>,
  tiebreak: string,
): string {
  const parts: string[] = [];
  for (const [i, s] of (sort ?? []).entries()) {
    const col = Object.prototype.hasOwnProperty.call(columns, s.field) ? columns[s.field] : undefined;
    if (!col) throw new Invalid(`sort[${i}].field '${s.field}' is not a sortable field`);
    const order = (s.order ?? 'ASC').toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw new Invalid(`sort[${i}].order must be ASC or DESC`);
    parts.push(`${col} ${order}`);
  }
  parts.push(tiebreak);
  return parts.join(', ');
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

export function compilePage(page: { from?: number; limit?: number } | undefined, params: Params): string {
  const from = page?.from ?? 0;
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(from) || from < 0) throw new Invalid('page.from must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_LIMIT) {
    throw new Invalid(`page.limit must be an integer from 0 to ${MAX_PAGE_LIMIT}`);
  }
  return `limit ${params.add(limit)}::int offset ${params.add(from)}::int`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
