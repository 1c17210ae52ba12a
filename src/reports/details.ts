/**
 * What the on-time report leaves out, and what stands behind its numbers:
 *
 * - `reportOpen`: clocks still open at the end of the period — started before it ended, not
 *   cancelled, not stopped by then — and among them those overdue: their statutory due instant
 *   passed before the period's end (or before now, for a period still running), not paused now.
 * - `clocksBehind`: the dossiers behind one bar of the report — one group (`key`) and one result
 *   (early, on time, late: exactly the clocks `reportOnTime` counts; open, overdue: those of
 *   `reportOpen`), of the dossiers the reader may see: `dossiers` is the dossier room's
 *   visibility rule, handed over by http/ (this room reads no dossier room table or module).
 */
import type { Queryable } from '../db/index.js';
import { clocksOf, openByGroup } from '../sla/index.js';
import type { DossierFilter } from '../sla/reporting.js';
import { Invalid } from '../errors.js';
import type { BehindItem, ClockResult, GroupBy, OpenRow } from './api-types.js';
import { groupNames, kindOf } from './on-time.js';

export type { BehindItem, ClockResult, OpenRow } from './api-types.js';

export interface OpenQuery {
  from: Date;
  to: Date;
  groupBy: GroupBy;
  kind?: 'dossier' | 'step';
  /** The service's now: a period not over yet counts overdue up to now. */
  now: Date;
}

export const CLOCK_RESULTS: readonly ClockResult[] = ['early', 'on_time', 'late', 'open', 'overdue'];

export async function reportOpen(db: Queryable, q: OpenQuery): Promise<{ rows: OpenRow[]; total: OpenRow }> {
  const kind = kindOf(q.groupBy, q.kind);
  const groups = await openByGroup(db, { kind, group: q.groupBy, from: q.from, to: q.to, now: q.now });
  const names = await groupNames(db, q.groupBy, groups);
  const out = groups.map((g) => ({ key: g.key ?? '', name: names(g.key), open: g.open, overdue: g.overdue }));
  return { rows: out, total: openTotal(out) };
}

/** The sum of `rows`, as the open report's total row (key '*'). */
export function openTotal(rows: readonly OpenRow[]): OpenRow {
  const sum = (f: 'open' | 'overdue') => rows.reduce((n, r) => n + r[f], 0);
  return { key: '*', name: null, open: sum('open'), overdue: sum('overdue') };
}

export async function clocksBehind(
  db: Queryable,
  q: OpenQuery & { key: string; result: ClockResult; limit?: number; dossiers?: DossierFilter },
): Promise<{ items: BehindItem[]; total: number }> {
  if (!CLOCK_RESULTS.includes(q.result)) throw new Invalid(`result must be one of ${CLOCK_RESULTS.join(', ')}`, { param: 'result' });
  const kind = kindOf(q.groupBy, q.kind);
  return clocksOf(db, { kind, group: q.groupBy, from: q.from, to: q.to, now: q.now, key: q.key, outcome: q.result, limit: q.limit, dossiers: q.dossiers });
}
