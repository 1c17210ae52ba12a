/**
 * The working-day calendar changed (an administrator's override, a seed version with a Government
 * decision): what was counted on the old calendar is recounted, in the transaction of the change.
 *
 * The SLA room recounts the running clocks (sla/recount.ts: the office time left is kept and
 * counted on the new calendar). For each open dossier whose dossier clock moved, the appointment
 * follows it (form 01 stays as printed; the dossier's events say why the date changed and the
 * applicant is told), and so do the step due dates planned for the process. The open tasks of
 * every dossier reached take their recounted due dates. The process is owed its new `dueDates` and
 * `appointmentAt` from the same commit and given them after it (owed.ts: a crash in
 * between leaves them owed, and the reconciler gives them).
 */
import { appendAudit } from '../audit/index.js';
import { formatVn, type WorkingCalendar } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import { shiftInstant } from '../sla/index.js';
import type { DossierDeps } from './context.js';
import { isoVn } from './due-dates.js';
import { OPEN } from './lifecycle.js';
import { moveAppointment, tellProcesses } from './owed.js';
import { notifyApplicant } from './notices.js';
import { findDossier } from './store.js';
import type { Actor } from './types.js';

export interface CalendarChanged {
  dates: string[];
  before: WorkingCalendar;
  after: WorkingCalendar;
  /** Who changed the calendar (an administrator, or the seed and its version). */
  actor: string;
}

/**
 * Recounts in `q`; returns what to tell the processes after the commit (nothing when no
 * appointment moved).
 */
export async function recountForCalendar(deps: DossierDeps, q: Queryable, change: CalendarChanged): Promise<(() => Promise<void>) | undefined> {
  const at = new Date(deps.clock.now());
  const moved = await deps.sla.recount(q, { before: change.before, after: change.after, at, dates: change.dates });
  const shift = (x: Date) => shiftInstant(change.before, change.after, at, x);
  const actor: Actor = { username: change.actor, role: 'system' };
  // The moved dossiers whose processes are told after the commit.
  const told: string[] = [];
  for (const code of new Set(moved.map((m) => m.dossierCode))) {
    await deps.tasks?.recountDueDates(q, code, shift);
    const clock = moved.find((m) => m.dossierCode === code && m.kind === 'dossier');
    const d = await findDossier(q, code, true);
    if (!clock || !d || !OPEN.includes(d.status)) continue;
    const dueDates = d.data.dueDates === undefined ? undefined : shiftAll(d.data.dueDates, shift);
    const dates = change.dates.map(formatVn).join(', ');
    const reason = `Lịch làm việc thay đổi (ngày ${dates}): hẹn trả kết quả ${formatVn(d.appointmentAt)} → ${formatVn(clock.dueAt)}`;
    const payload = { calendar: { dates: change.dates }, previousAppointmentAt: d.appointmentAt.toISOString(), appointmentAt: clock.dueAt.toISOString() };
    await moveAppointment(q, d, { appointmentAt: clock.dueAt, dueDates, at, event: { actor, reason, payload } });
    await appendAudit(q, {
      actor: change.actor,
      role: 'system',
      agency: d.receivingAgency,
      dossierCode: code,
      action: 'dossier.appointment_moved',
      at,
      payload,
    });
    await notifyApplicant(deps, q, d, 'dossier.appointment_moved', at, payload);
    if (d.processInstanceKey) told.push(code);
  }
  return told.length ? () => tellProcesses(deps, told).then(() => undefined) : undefined;
}

/** Every instant (an ISO string) in a `dueDates` value, recounted; the rest as it is. */
function shiftAll(v: unknown, shift: (x: Date) => Date): unknown {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) {
    const was = new Date(v);
    const now = shift(was);
    return now.getTime() === was.getTime() ? v : isoVn(now);
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shiftAll(x, shift)]));
  return v;
}
