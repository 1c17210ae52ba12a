/**
 * Recounting the running clocks when the working-day calendar changes: an override set or
 * deleted by an administrator, or a seed version carrying a Government decision (a swapped day,
 * an extra day off). A day that becomes a day off gives each clock whose window holds it one
 * more working day; a day off that becomes a working day takes one back.
 *
 * Rules (docs/sla.md, "the calendar changes"):
 *  - The past is not recounted: what a clock used up to the change stays used. The office time
 *    it still had before the change — to its due instant, its reminder, its statutory due — is
 *    counted again on the new calendar from the instant of the change (`shiftInstant`).
 *  - A dossier total in calendar days (Construction Law art. 102) that was never paused or
 *    extended is planned again from where its count started: calendar days do not move for a
 *    holiday inside them; only a last day that becomes (or stops being) a day off moves it.
 *  - A hand-back step (limit 0) stays due at its dossier's appointment.
 *  - An instant already past is not moved; a reminder already sent is not re-armed.
 *  - Paused clocks keep the office time they had left and count it on the calendar in force when
 *    they resume; they are not touched here.
 */
import type { WorkingCalendar } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import { addOfficeMs, atRiskInstant, calendarDaysDue, officeMs } from './arithmetic.js';
import { CLOCK_COLUMNS, selectClocks, type ClockRow } from './rows.js';
import { nextCheck } from './scanner.js';

export interface CalendarChange {
  /** The calendar the clocks were counted on, and the one now in force. */
  before: WorkingCalendar;
  after: WorkingCalendar;
  /** The instant of the change: office time before it stays as it was counted. */
  at: Date;
  /** The dates (YYYY-MM-DD) whose kind changed; clocks due before the earliest are left alone. */
  dates: readonly string[];
}

/** A clock whose due instant the change moved. */
export interface RecountedClock {
  clockId: string;
  dossierCode: string;
  kind: 'dossier' | 'step';
  taskId: string | null;
  step: string | null;
  previousDueAt: Date;
  dueAt: Date;
}

/** `x` recounted: the office time from `at` to `x` on `before`, counted from `at` on `after`; a past instant as it was. */
export function shiftInstant(before: WorkingCalendar, after: WorkingCalendar, at: Date, x: Date): Date {
  if (x.getTime() <= at.getTime()) return x;
  const left = officeMs(before, at, x);
  return left > 0 ? addOfficeMs(after, at, left) : x;
}

/** The instants of one running clock on the new calendar (pure). `replan`: a calendar-day total never paused or extended. */
export function recountRow(
  c: CalendarChange,
  r: Pick<ClockRow, 'due_at' | 'at_risk_at' | 'at_risk_notified' | 'statutory_due_at' | 'limit_value' | 'limit_unit' | 'counting_from' | 'budget_ms'>,
  replan: boolean,
  atRiskShare: number,
): { due_at: Date; at_risk_at: Date | null; statutory_due_at: Date | null; budget_ms: number | null } {
  const shift = (x: Date) => shiftInstant(c.before, c.after, c.at, x);
  if (replan && r.counting_from && r.due_at.getTime() > c.at.getTime()) {
    const due = calendarDaysDue(c.after, r.counting_from, Number(r.limit_value));
    const budget = officeMs(c.after, r.counting_from, due);
    const risk = r.at_risk_notified ? r.at_risk_at : atRiskInstant(c.after, r.counting_from, budget, 0, atRiskShare, due);
    return { due_at: due, at_risk_at: risk, statutory_due_at: r.statutory_due_at ? due : null, budget_ms: budget };
  }
  const due = shift(r.due_at);
  const risk = r.at_risk_at && !r.at_risk_notified ? shift(r.at_risk_at) : r.at_risk_at;
  return {
    due_at: due,
    at_risk_at: risk && !r.at_risk_notified && risk.getTime() >= due.getTime() ? null : risk,
    statutory_due_at: !r.statutory_due_at ? null : r.statutory_due_at.getTime() === r.due_at.getTime() ? due : shift(r.statutory_due_at),
    budget_ms: r.budget_ms === null ? null : Number(r.budget_ms),
  };
}

/**
 * Recounts every running clock a change of the calendar reaches, in the caller's transaction (the
 * one that changed the calendar); returns the clocks whose due instant moved, dossier clocks first.
 */
export async function recountClocks(q: Queryable, c: CalendarChange, atRiskShare: number): Promise<RecountedClock[]> {
  // Only a date that became a working day or a day off moves anything (a new reason does not).
  const dates = c.dates.filter((d) => c.before.isWorkingDay(d) !== c.after.isWorkingDay(d)).sort();
  if (!dates.length) return [];
  const earliest = dates[0];
  const rows = await selectClocks(
    q,
    `select ${CLOCK_COLUMNS} from domain.sla_clocks
      where state = 'running' and greatest(due_at, coalesce(statutory_due_at, due_at)) >= $1::timestamptz
        and greatest(due_at, coalesce(statutory_due_at, due_at)) > $2::timestamptz
      order by (kind = 'dossier') desc, id for update`,
    [`${earliest}T00:00:00+07:00`, c.at.toISOString()],
  );
  if (!rows.length) return [];
  // A calendar-day total is planned again only if nothing moved it since its start.
  const { rows: touched } = await q.query<{ clock_id: string }>(
    `select clock_id::text from domain.sla_pauses where clock_id = any($1::bigint[])
     union select clock_id::text from domain.sla_extensions where clock_id = any($1::bigint[])`,
    [rows.map((r) => r.id)],
  );
  const pausedOrExtended = new Set(touched.map((p) => p.clock_id));
  const appointments = new Map<string, Date>();
  const moved: RecountedClock[] = [];
  for (const r of rows) {
    let next: ReturnType<typeof recountRow>;
    if (r.kind === 'step' && Number(r.limit_value) === 0) {
      const appointment = appointments.get(r.dossier_code);
      if (!appointment) continue;
      const statutory =
        r.statutory_due_at && r.statutory_due_at.getTime() !== r.due_at.getTime() ? shiftInstant(c.before, c.after, c.at, r.statutory_due_at) : appointment;
      next = { due_at: appointment, at_risk_at: r.at_risk_at, statutory_due_at: r.statutory_due_at ? statutory : null, budget_ms: 0 };
    } else {
      const replan = r.limit_unit === 'calendar_days' && !pausedOrExtended.has(r.id);
      next = recountRow(c, r, replan, atRiskShare);
    }
    if (r.kind === 'dossier') appointments.set(r.dossier_code, next.due_at);
    const same =
      next.due_at.getTime() === r.due_at.getTime() &&
      (next.at_risk_at?.getTime() ?? null) === (r.at_risk_at?.getTime() ?? null) &&
      (next.statutory_due_at?.getTime() ?? null) === (r.statutory_due_at?.getTime() ?? null);
    if (same) continue;
    const row = { ...r, ...next };
    await q.query(
      `update domain.sla_clocks set due_at = $2::timestamptz, at_risk_at = $3::timestamptz, statutory_due_at = $4::timestamptz,
         budget_ms = $5, next_check_at = $6::timestamptz where id = $1`,
      [
        r.id,
        row.due_at.toISOString(),
        row.at_risk_at?.toISOString() ?? null,
        row.statutory_due_at?.toISOString() ?? null,
        row.budget_ms,
        nextCheck(row)?.toISOString() ?? null,
      ],
    );
    if (next.due_at.getTime() !== r.due_at.getTime()) {
      moved.push({ clockId: r.id, dossierCode: r.dossier_code, kind: r.kind, taskId: r.task_id, step: r.step, previousDueAt: r.due_at, dueAt: next.due_at });
    }
  }
  return moved;
}
