/**
 * What the on-time report leaves out, and what stands behind its numbers:
 *
 * - `reportOpen`: clocks still open at the end of the period — started before it ended, not
 *   cancelled, not stopped by then — and among them those overdue: their statutory due instant
 *   passed before the period's end (or before now, for a period still running), not paused now.
 * - `clocksBehind`: the dossiers behind one bar of the report — one group (`key`) and one result
 *   (early, on time, late: exactly the clocks `reportOnTime` counts; open, overdue: those of
 *   `reportOpen`).
 */
import type { Queryable } from '../db/index.js';
import { Invalid } from '../errors.js';
import type { BehindItem, ClockResult, GroupBy, OpenRow } from './api-types.js';
import { groupKeySql, kindOf } from './on-time.js';

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

const STATE: Record<'early' | 'on_time' | 'late', string> = { early: 'met_early', on_time: 'met_on_time', late: 'met_late' };
const DUE = 'coalesce(c.statutory_due_at, c.due_at)';
/** $2 = from, $3 = to, $4 = now. */
const OPEN_SQL = `c.started_at < $3::timestamptz and c.state <> 'cancelled' and (c.stopped_at is null or c.stopped_at >= $3::timestamptz)`;
const OVERDUE_SQL = `${DUE} < least($3::timestamptz, $4::timestamptz) and not (c.state = 'paused' and c.stopped_at is null)`;
const FINISHED_SQL = `c.stopped_at is not null and c.stopped_at >= $2::timestamptz and c.stopped_at < $3::timestamptz`;

export async function reportOpen(db: Queryable, q: OpenQuery): Promise<{ rows: OpenRow[]; total: OpenRow }> {
  const kind = kindOf(q.groupBy, q.kind);
  const { rows } = await db.query<{ key: string | null; name: string | null; open: number; overdue: number }>(
    `select g.key, a.name, g.open, g.overdue from (
       select ${groupKeySql(q.groupBy, kind)} as key, count(*)::int as open, count(*) filter (where ${OVERDUE_SQL})::int as overdue
         from domain.sla_clocks c join domain.dossiers d on d.code = c.dossier_code
        where c.kind = $1 and ${OPEN_SQL} and $2::timestamptz is not null
        group by 1) g
     left join domain.agencies a on $5 and a.code = g.key
     order by g.key`,
    [kind, q.from.toISOString(), q.to.toISOString(), q.now.toISOString(), q.groupBy === 'agency'],
  );
  const out = rows.map((r) => ({ key: r.key ?? '', name: r.name, open: r.open, overdue: r.overdue }));
  const sum = (f: 'open' | 'overdue') => out.reduce((n, r) => n + r[f], 0);
  return { rows: out, total: { key: '*', name: null, open: sum('open'), overdue: sum('overdue') } };
}

export async function clocksBehind(
  db: Queryable,
  q: OpenQuery & { key: string; result: ClockResult; limit?: number },
): Promise<{ items: BehindItem[]; total: number }> {
  if (!CLOCK_RESULTS.includes(q.result)) throw new Invalid(`result must be one of ${CLOCK_RESULTS.join(', ')}`, { param: 'result' });
  const kind = kindOf(q.groupBy, q.kind);
  const which =
    q.result === 'open' ? OPEN_SQL : q.result === 'overdue' ? `${OPEN_SQL} and ${OVERDUE_SQL}` : `${FINISHED_SQL} and c.state = '${STATE[q.result]}'`;
  const where = `c.kind = $1 and ${which} and $4::timestamptz is not null and ${groupKeySql(q.groupBy, kind)} = $5`;
  const params = [kind, q.from.toISOString(), q.to.toISOString(), q.now.toISOString(), q.key];
  const [{ rows }, count] = await Promise.all([
    db.query<BehindItem>(
      `select d.code, d.procedure_code as "procedureCode", d.channel, d.receiving_agency as "receivingAgency", c.agency_code as "agencyCode",
              c.step, c.state, ${iso('c.started_at')} as "startedAt", ${iso(DUE)} as "statutoryDueAt", ${iso('c.stopped_at')} as "stoppedAt"
         from domain.sla_clocks c join domain.dossiers d on d.code = c.dossier_code
        where ${where}
        order by coalesce(c.stopped_at, c.started_at), d.code limit ${Math.min(q.limit ?? 500, 500)}`,
      params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from domain.sla_clocks c join domain.dossiers d on d.code = c.dossier_code where ${where}`, params),
  ]);
  return { items: rows, total: count.rows[0].n };
}

function iso(col: string): string {
  return `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
