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
import type { Queryable } from '../db/index.js';
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
  const key = groupKeySql(groupBy, kind);
  const { rows } = await db.query<{ key: string | null; name: string | null; total: string; early: string; on_time: string; late: string }>(
    `select g.key, a.name, g.total, g.early, g.on_time, g.late from (
       select ${key} as key, count(*)::text as total,
              count(*) filter (where c.state = 'met_early')::text as early,
              count(*) filter (where c.state = 'met_on_time')::text as on_time,
              count(*) filter (where c.state = 'met_late')::text as late
         from domain.sla_clocks c join domain.dossiers d on d.code = c.dossier_code
        where c.kind = $1 and c.stopped_at is not null and c.stopped_at >= $2::timestamptz and c.stopped_at < $3::timestamptz
          and c.state in ('met_early', 'met_on_time', 'met_late')
        group by 1) g
     left join domain.agencies a on $4 and a.code = g.key
     order by g.key`,
    [kind, from.toISOString(), to.toISOString(), groupBy === 'agency'],
  );
  const out = rows.map((r) => row(r.key ?? '', r.name, Number(r.early), Number(r.on_time), Number(r.late)));
  const sum = (f: 'early' | 'onTime' | 'late') => out.reduce((n, r) => n + r[f], 0);
  return { from, to, groupBy, kind, rows: out, total: row('*', null, sum('early'), sum('onTime'), sum('late')) };
}

/** Which clocks a report counts: `kind`, else each agency's step clocks by agency and the dossier clocks otherwise. */
export function kindOf(groupBy: GroupBy, kind: 'dossier' | 'step' | undefined): 'dossier' | 'step' {
  const k = kind ?? (groupBy === 'agency' ? 'step' : 'dossier');
  if (k !== 'dossier' && k !== 'step') throw new Invalid(`kind must be dossier or step`, { param: 'kind' });
  return k;
}

/** The SQL of a clock's group (clock `c`, dossier `d`). */
export function groupKeySql(groupBy: GroupBy, kind: 'dossier' | 'step'): string {
  return groupBy === 'procedure' ? 'd.procedure_code' : groupBy === 'channel' ? 'd.channel' : kind === 'step' ? 'c.agency_code' : 'd.receiving_agency';
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
