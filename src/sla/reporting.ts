/**
 * The SLA clocks as the on-time reports count them (reports/ composes the report): finished
 * clocks by result, clocks still open and overdue at a period's end, and the clocks behind one
 * bar. A clock is grouped by what it carries from its dossier (procedure, channel, receiving
 * section: migration 022) or by its own agency (a step clock).
 *
 * Over [from, to): finished = stopped in the period with a result (cancelled ones never count);
 * open = started before the period ended, not cancelled, not stopped by then; overdue = open and
 * its statutory due instant passed before the period's end (or before now, for a period still
 * running), and not paused now.
 */
import type { Queryable } from '../db/index.js';
import type { ClockItem } from './api-types.js';

export type { ClockItem } from './api-types.js';

export type ClockGroup = 'agency' | 'procedure' | 'channel';
export type ClockKind = 'dossier' | 'step';
export type ClockOutcome = 'early' | 'on_time' | 'late' | 'open' | 'overdue';

export interface ClockWindow {
  kind: ClockKind;
  group: ClockGroup;
  from: Date;
  to: Date;
}

/** The group a clock `c` falls in. */
function keySql(group: ClockGroup, kind: ClockKind): string {
  return group === 'procedure' ? 'c.procedure_code' : group === 'channel' ? 'c.channel' : kind === 'step' ? 'c.agency_code' : 'c.receiving_agency';
}

const STATE: Record<'early' | 'on_time' | 'late', string> = { early: 'met_early', on_time: 'met_on_time', late: 'met_late' };
const DUE = 'coalesce(c.statutory_due_at, c.due_at)';
/** $2 = from, $3 = to, $4 = now. */
const OPEN_SQL = `c.started_at < $3::timestamptz and c.state <> 'cancelled' and (c.stopped_at is null or c.stopped_at >= $3::timestamptz)`;
const OVERDUE_SQL = `${DUE} < least($3::timestamptz, $4::timestamptz) and not (c.state = 'paused' and c.stopped_at is null)`;
const FINISHED_SQL = `c.stopped_at is not null and c.stopped_at >= $2::timestamptz and c.stopped_at < $3::timestamptz`;

/** Finished clocks of the window by group: how many early, on time and late. */
export async function finishedByGroup(q: Queryable, w: ClockWindow): Promise<{ key: string | null; early: number; onTime: number; late: number }[]> {
  const { rows } = await q.query<{ key: string | null; early: number; onTime: number; late: number }>(
    `select ${keySql(w.group, w.kind)} as key,
            count(*) filter (where c.state = 'met_early')::int as early,
            count(*) filter (where c.state = 'met_on_time')::int as "onTime",
            count(*) filter (where c.state = 'met_late')::int as late
       from domain.sla_clocks c
      where c.kind = $1 and c.stopped_at is not null and c.stopped_at >= $2::timestamptz and c.stopped_at < $3::timestamptz
        and c.state in ('met_early', 'met_on_time', 'met_late')
      group by 1 order by 1`,
    [w.kind, w.from.toISOString(), w.to.toISOString()],
  );
  return rows;
}

/** Clocks still open at the window's end by group, and how many of them are overdue. */
export async function openByGroup(q: Queryable, w: ClockWindow & { now: Date }): Promise<{ key: string | null; open: number; overdue: number }[]> {
  const { rows } = await q.query<{ key: string | null; open: number; overdue: number }>(
    `select ${keySql(w.group, w.kind)} as key, count(*)::int as open, count(*) filter (where ${OVERDUE_SQL})::int as overdue
       from domain.sla_clocks c
      where c.kind = $1 and ${OPEN_SQL} and $2::timestamptz is not null
      group by 1 order by 1`,
    [w.kind, w.from.toISOString(), w.to.toISOString(), w.now.toISOString()],
  );
  return rows;
}

/**
 * Which clocks' dossiers a reader may be shown: a predicate on the clock's dossier code
 * (`codeSql`), its values added with `param`. The caller's, not this room's: the dossier room's
 * visibility rule, which http/ hands over (dossiers/visibility.ts `visibleCodeSql`), so this room
 * names no table but its own.
 */
export type DossierFilter = (codeSql: string, param: (value: unknown) => string) => string;

/**
 * The clocks of one group (`key`) with one outcome, oldest first (at most `limit`, ≤ 500), and how
 * many there are; only those whose dossier passes `dossiers`, when given (the limit and the total
 * count those).
 */
export async function clocksOf(
  q: Queryable,
  w: ClockWindow & { now: Date; key: string; outcome: ClockOutcome; limit?: number; dossiers?: DossierFilter },
): Promise<{ items: ClockItem[]; total: number }> {
  const which =
    w.outcome === 'open' ? OPEN_SQL : w.outcome === 'overdue' ? `${OPEN_SQL} and ${OVERDUE_SQL}` : `${FINISHED_SQL} and c.state = '${STATE[w.outcome]}'`;
  const params: unknown[] = [w.kind, w.from.toISOString(), w.to.toISOString(), w.now.toISOString(), w.key];
  const seen = w.dossiers ? ` and ${w.dossiers('c.dossier_code', (v) => `$${params.push(v)}`)}` : '';
  // $2 and $4 named whatever the outcome uses: a parameter no clause names has no type (PostgreSQL refuses the query).
  const where = `c.kind = $1 and ${which} and $2::timestamptz is not null and $4::timestamptz is not null and ${keySql(w.group, w.kind)} = $5${seen}`;
  const [{ rows }, count] = await Promise.all([
    q.query<ClockItem>(
      `select c.dossier_code as code, c.procedure_code as "procedureCode", c.channel, c.receiving_agency as "receivingAgency",
              c.agency_code as "agencyCode", c.step, c.state, ${iso('c.started_at')} as "startedAt", ${iso(DUE)} as "statutoryDueAt",
              ${iso('c.stopped_at')} as "stoppedAt"
         from domain.sla_clocks c
        where ${where}
        order by coalesce(c.stopped_at, c.started_at), c.dossier_code limit ${Math.min(w.limit ?? 500, 500)}`,
      params,
    ),
    q.query<{ n: number }>(`select count(*)::int as n from domain.sla_clocks c where ${where}`, params),
  ]);
  return { items: rows, total: count.rows[0].n };
}

function iso(col: string): string {
  return `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
