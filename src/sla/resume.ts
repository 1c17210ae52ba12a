/**
 * Resuming a paused clock (service.ts resumeDossier, and stop on a paused clock): 'pause'
 * continues the office time it had left from the resume instant (a clock already late keeps its
 * past due instant); 'restart' counts the whole limit again from it, with the procedure's cut-off,
 * and re-arms the reminders (a new generation, so the scanner's messages get new ids).
 */
import type { WorkingCalendar } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import { addOfficeMs, atRiskInstant, officeMs, plan } from './arithmetic.js';
import { limitOf, statutoryDue, type ClockRow } from './rows.js';
import { nextCheck } from './scanner.js';
import type { CutOff } from './types.js';

/** Resumes one paused clock at `at` on `cal`, in the caller's transaction; returns its new due instant. */
export async function resumeClock(
  q: Queryable,
  cal: WorkingCalendar,
  atRiskShare: number,
  c: ClockRow,
  at: Date,
  mode: 'pause' | 'restart',
  appointment?: Date,
): Promise<Date> {
  await q.query(`update domain.sla_pauses set resumed_at = $2::timestamptz where clock_id = $1 and resumed_at is null`, [c.id, at.toISOString()]);
  let row: ClockRow;
  if (mode === 'restart') {
    const cutOff: CutOff | undefined = c.cut_off_after ? { after: c.cut_off_after, countFrom: 'next_working_day' } : undefined;
    const p = plan(cal, limitOf(c), at, atRiskShare, cutOff);
    if (c.kind === 'step' && Number(c.limit_value) === 0 && appointment) p.dueAt = appointment;
    row = {
      ...c,
      state: 'running',
      due_at: p.dueAt,
      statutory_due_at: p.dueAt,
      at_risk_at: p.atRiskAt,
      budget_ms: p.budgetMs,
      counting_from: p.countingFrom,
      at_risk_notified: false,
      overdue_notified: false,
      generation: c.generation + 1,
    };
  } else {
    const paused = c.paused_at ?? at;
    const remaining = Number(c.remaining_ms ?? officeMs(cal, paused, c.due_at));
    const dueAt = remaining > 0 ? addOfficeMs(cal, at, remaining) : c.due_at;
    const statutory = statutoryDue(c);
    const statutoryLeft = officeMs(cal, paused, statutory);
    const statutoryDueAt = statutory.getTime() === c.due_at.getTime() ? dueAt : statutoryLeft > 0 ? addOfficeMs(cal, at, statutoryLeft) : statutory;
    const budget = Number(c.budget_ms ?? remaining);
    const atRiskAt = c.at_risk_notified || remaining <= 0 ? c.at_risk_at : atRiskInstant(cal, at, budget, budget - remaining, atRiskShare, dueAt);
    row = { ...c, state: 'running', due_at: dueAt, statutory_due_at: statutoryDueAt, at_risk_at: atRiskAt };
  }
  await q.query(
    `update domain.sla_clocks set state = 'running', paused_at = null, remaining_ms = null, due_at = $2::timestamptz,
       statutory_due_at = $3::timestamptz, at_risk_at = $4::timestamptz, budget_ms = $5, counting_from = $6::timestamptz,
       at_risk_notified = $7, overdue_notified = $8, generation = $9, next_check_at = $10::timestamptz
     where id = $1`,
    [
      c.id,
      row.due_at.toISOString(),
      statutoryDue(row).toISOString(),
      row.at_risk_at?.toISOString() ?? null,
      row.budget_ms,
      row.counting_from?.toISOString() ?? null,
      row.at_risk_notified,
      row.overdue_notified,
      row.generation,
      nextCheck(row)?.toISOString() ?? null,
    ],
  );
  return row.due_at;
}
