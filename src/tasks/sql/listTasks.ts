/**
 * The inbox query: one page of the tasks a caller may see, in a stable order, and how many match.
 *
 * Shape chosen for an agency with 100,000 open tasks (bench/tasks-inbox.ts): the page walks the
 * partial index `tasks_inbox (agency_code, due_at, id) where state in ('open', 'claimed')` in
 * order and stops after `limit` rows (0.1 ms). The total is the expensive half: an index-only
 * count of 100,000 entries took 28–31 ms on PostgreSQL 15 (a `count(*) over ()` window is worse:
 * it materialises every matching row), so when only scope, state and agency narrow the list it
 * is read from the per-agency counters of domain.task_counts (009, kept by triggers); narrower
 * filters count their (smaller) index range. State
 * values are inlined as literals so the planner can prove the partial index's predicate; the
 * filters the index cannot serve are rewritten into ones it can — "assigned to me" is
 * `state = 'claimed' and assignee = me` (tasks_by_assignee), "unassigned" is `state = 'open'`
 * (009's CHECK: open ⇔ no assignee).
 *
 * Orders (the id breaks ties, so paging never shows a row twice or skips one):
 *   open / claimed : due_at ascending, undated last, then id
 *   completed      : completed_at descending, then id descending
 *   cancelled      : id descending
 */
import type { Queryable } from '../../db/index.js';
import { Params, TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import { scopeSql } from '../scope.js';
import type { Actor, ListFilter, TaskPage } from '../types.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function listWhere(actor: Actor, f: ListFilter, now: Date, p: Params): string {
  const where: string[] = [scopeSql(actor, p)];
  const state = f.state ?? 'open';
  const mine = !!f.assignedToMe;
  const unassigned = !!f.unassigned;
  if (state === 'open') {
    if (mine && unassigned) where.push('false');
    else if (mine) where.push(`t.state = 'claimed'`);
    else if (unassigned) where.push(`t.state = 'open'`);
    else where.push(`t.state in ('open', 'claimed')`);
  } else {
    where.push(`t.state = '${state === 'claimed' ? 'claimed' : state === 'completed' ? 'completed' : 'cancelled'}'`);
    if (unassigned) where.push('t.assignee is null');
  }
  if (mine) where.push(`t.assignee = ${p.add(actor.username)}`);
  if (f.agencyCode !== undefined) where.push(`t.agency_code = ${p.add(f.agencyCode)}`);
  if (f.procedure !== undefined) where.push(`t.procedure_code = ${p.add(f.procedure)}`);
  if (f.dossierCode !== undefined) where.push(`t.dossier_code = ${p.add(f.dossierCode)}`);
  if (f.overdue) where.push(`t.due_at < ${p.add(now.toISOString())}::timestamptz`);
  if (f.dueSoon !== undefined) {
    where.push(`t.due_at >= ${p.add(now.toISOString())}::timestamptz`);
    where.push(`t.due_at < ${p.add(new Date(now.getTime() + f.dueSoon * 3_600_000).toISOString())}::timestamptz`);
  }
  return where.join(' and ');
}

function orderBy(f: ListFilter): string {
  switch (f.state ?? 'open') {
    case 'completed':
      return 't.completed_at desc, t.id desc';
    case 'cancelled':
      return 't.id desc';
    default:
      return 't.due_at, t.id';
  }
}

/**
 * The states a filter counts, when nothing but scope, state and agency narrows it: then the total
 * is read from domain.task_counts (009) instead of counting rows.
 */
function countedStates(actor: Actor, f: ListFilter): string[] | undefined {
  if (actor.role === 'designer') return undefined; // scoped by dossier, which the counters do not know
  if (f.dueSoon !== undefined || f.overdue || f.procedure !== undefined || f.dossierCode !== undefined || f.assignedToMe) return undefined;
  const state = f.state ?? 'open';
  if (state === 'open') return f.unassigned ? ['open'] : ['open', 'claimed'];
  return f.unassigned ? undefined : [state];
}

/** The two statements of a list request (exported for the bench's EXPLAIN). */
export function listStatements(actor: Actor, f: ListFilter, now: Date): { page: [string, unknown[]]; count: [string, unknown[]] } {
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? DEFAULT_PAGE_SIZE;
  const p = new Params();
  const where = listWhere(actor, f, now, p);
  const countParams = [...p.values];
  const sql = `select ${TASK_COLUMNS} from domain.tasks t where ${where} order by ${orderBy(f)}
    limit ${p.add(pageSize)} offset ${p.add((page - 1) * pageSize)}`;
  const states = countedStates(actor, f);
  if (!states) return { page: [sql, p.values], count: [`select count(*)::text as n from domain.tasks t where ${where}`, countParams] };
  const c = new Params();
  const cond = [scopeSql(actor, c, 'c'), `c.state in (${states.map((x) => `'${x}'`).join(', ')})`];
  if (f.agencyCode !== undefined) cond.push(`c.agency_code = ${c.add(f.agencyCode)}`);
  return {
    page: [sql, p.values],
    count: [`select coalesce(sum(c.n), 0)::text as n from domain.task_counts c where ${cond.join(' and ')}`, c.values],
  };
}

export async function listTasks(q: Queryable, actor: Actor, f: ListFilter, now: Date): Promise<TaskPage> {
  const s = listStatements(actor, f, now);
  // Independent reads: on PostgreSQL they run side by side on two pooled connections.
  const [rows, count] = await Promise.all([q.query<DbTaskRow>(...s.page), q.query<{ n: string }>(...s.count)]);
  return {
    items: rows.rows.map(toTask),
    page: f.page ?? 1,
    pageSize: f.pageSize ?? DEFAULT_PAGE_SIZE,
    total: Number(count.rows[0]?.n ?? 0),
  };
}
