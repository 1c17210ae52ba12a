/**
 * Early / on time / late statistics (Decision 766/QĐ-TTg style indicators): counts and rates of
 * finished SLA clocks, grouped by agency, procedure or channel, over a period. A clock counts
 * in the period its result was known (stopped_at in [from, to)); cancelled and open clocks do
 * not count. Rates are shares of the group's total, rounded to 4 decimals.
 *
 * Which clocks: by agency, each agency's own step clocks (was the police late, or the commune?);
 * by procedure and by channel, the dossier clocks (was the citizen served on time?). `kind`
 * overrides that: by agency with kind 'dossier' groups dossiers by their receiving agency.
 */
import { agenciesByCode } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import { finishedByGroup } from '../sla/index.js';
import { Invalid } from '../errors.js';
import type { GroupBy, OnTimeRow } from './api-types.js';
import { reportingPeriod, type PeriodConvention, type PeriodKind } from './periods.js';

export type { GroupBy, OnTimeRow } from './api-types.js';

export interface OnTimeReport {
  from: Date;
  to: Date;
  groupBy: GroupBy;
  kind: 'dossier' | 'step';
  rows: OnTimeRow[];
  /** The sum over all rows. */
  total: OnTimeRow;
}

export interface OnTimeQuery {
  from: Date;
  to: Date;
  groupBy: GroupBy;
  kind?: 'dossier' | 'step';
}

export async function reportOnTime(db: Queryable, query: OnTimeQuery): Promise<OnTimeReport> {
  const { from, to, groupBy } = query;
  for (const [param, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new Invalid(`${param} must be a valid date`, { param });
  }
  if (to.getTime() < from.getTime()) throw new Invalid('to must not be before from', { param: 'to' });
  if (groupBy !== 'agency' && groupBy !== 'procedure' && groupBy !== 'channel') {
    throw new Invalid(`groupBy must be agency, procedure or channel; got ${JSON.stringify(groupBy)}`, { param: 'groupBy' });
  }
  const kind = kindOf(groupBy, query.kind);
  const groups = await finishedByGroup(db, { kind, group: groupBy, from, to });
  const names = await groupNames(db, groupBy, groups);
  const out = groups.map((g) => row(g.key ?? '', names(g.key), g.early, g.onTime, g.late));
  return { from, to, groupBy, kind, rows: out, total: onTimeTotal(out) };
}

/** The sum of `rows`, as the report's total row (key '*'). */
export function onTimeTotal(rows: readonly OnTimeRow[]): OnTimeRow {
  const sum = (f: 'early' | 'onTime' | 'late') => rows.reduce((n, r) => n + r[f], 0);
  return row('*', null, sum('early'), sum('onTime'), sum('late'));
}

/** Which clocks a report counts: `kind`, else each agency's step clocks by agency and the dossier clocks otherwise. */
export function kindOf(groupBy: GroupBy, kind: 'dossier' | 'step' | undefined): 'dossier' | 'step' {
  const k = kind ?? (groupBy === 'agency' ? 'step' : 'dossier');
  if (k !== 'dossier' && k !== 'step') throw new Invalid(`kind must be dossier or step`, { param: 'kind' });
  return k;
}

/** The display name of each group's key: an agency's name (from the registry) when grouped by agency; none otherwise. */
export async function groupNames(db: Queryable, groupBy: GroupBy, groups: readonly { key: string | null }[]): Promise<(key: string | null) => string | null> {
  if (groupBy !== 'agency') return () => null;
  const agencies = await agenciesByCode(
    db,
    groups.flatMap((g) => (g.key ? [g.key] : [])),
  );
  return (key) => (key && agencies.get(key)?.name) || null;
}

/** The same report over a reporting period (a month, a quarter, 6, 9 or 12 months). */
export async function reportOnTimeForPeriod(
  db: Queryable,
  q: { year: number; period: PeriodKind; index?: number; convention?: PeriodConvention; groupBy: GroupBy; kind?: 'dossier' | 'step' },
): Promise<OnTimeReport & { label: string }> {
  const p = reportingPeriod(q);
  return { ...(await reportOnTime(db, { from: p.from, to: p.to, groupBy: q.groupBy, kind: q.kind })), label: p.label };
}

/** One line of a report: the counts and their rates (a share rounded to four decimals; 0 of nothing). */
export function row(key: string, name: string | null, early: number, onTime: number, late: number): OnTimeRow {
  const total = early + onTime + late;
  const rate = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000);
  return {
    key,
    name,
    total,
    early,
    onTime,
    late,
    earlyRate: rate(early),
    onTimeRate: rate(onTime),
    lateRate: rate(late),
    withinLimitRate: rate(early + onTime),
  };
}
