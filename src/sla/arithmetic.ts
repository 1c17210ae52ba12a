/**
 * Pure SLA arithmetic over the working calendar: no database, no clock.
 *
 * Rules chosen (docs/sla.md):
 *  - A limit is office time: n working days = n full office days (8 h with the default
 *    07:30–11:30, 13:00–17:00), n working hours = n office hours; half days allowed. The due
 *    instant is `calendar.addWorkingTime(countingFrom, limit)`: from inside office hours, n
 *    days lands at the same time of day on the n-th working day after; from outside office
 *    hours or a day off, the count starts at the next opening. A limit of 0 adds no time (the
 *    service makes a 0-limit step due at the dossier's appointment).
 *  - Cut-off: a dossier received strictly after the cut-off time of a working day, or on a
 *    day off, counts from the opening of the next working day (so n days ends at 17:00 of
 *    the n-th working day).
 *  - Calendar days (a dossier's statutory total only, when its law says "ngày", not "ngày làm
 *    việc"): Civil Code 2015 art. 147–148. The day counting starts from (the receipt's, or the
 *    next working day's under the cut-off rule) is not counted; the limit ends with the n-th day
 *    after it, or with the next working day when that one is a day off; at the office's closing
 *    that day (the Code's end of day is midnight; nothing is handed over after closing).
 *  - Met states: stopped after the due instant → met_late; otherwise stopped on a calendar
 *    day (Asia/Ho_Chi_Minh) before the due day → met_early, on the due day → met_on_time.
 */
import { toVnDate, type WorkingCalendar, type WorkingTimeAmount } from '../calendar/index.js';
import { Invalid } from '../errors.js';
import type { CutOff, Limit, MetState } from './types.js';

export const HOUR_MS = 3_600_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Checks a limit and converts it to a calendar amount; `param` names it in the error. A limit of
 * 0 (the counter's hand-back step) is allowed unless `positive`: it adds no time.
 */
export function amountOf(limit: Limit, param = 'limit', positive = false): WorkingTimeAmount {
  if (limit === null || typeof limit !== 'object') throw new Invalid(`${param} must be { value, unit }`, { param });
  const { value, unit } = limit;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new Invalid(`${param}.value must be a number ${positive ? '>' : '≥'} 0, got ${String(value)}`, { param: `${param}.value` });
  }
  if (unit === 'calendar_days') {
    throw new Invalid(`${param}.unit 'calendar_days' counts only a dossier's statutory total, not ${param}`, { param: `${param}.unit` });
  }
  if (unit === 'working_hours') return { hours: value };
  if (unit === 'working_days') {
    if (Number.isInteger(value)) return { days: value };
    if (Number.isInteger(value * 2)) return { days: Math.floor(value), halfDays: 1 };
    throw new Invalid(`${param}.value in working_days must be a whole or half number of days, got ${value}`, { param: `${param}.value` });
  }
  throw new Invalid(`${param}.unit must be 'working_days' or 'working_hours', got ${JSON.stringify(unit)}`, { param: `${param}.unit` });
}

export function checkCutOff(cutOff: CutOff | undefined | null): CutOff | undefined {
  if (cutOff === undefined || cutOff === null) return undefined;
  if (typeof cutOff !== 'object' || typeof cutOff.after !== 'string' || !HH_MM.test(cutOff.after)) {
    throw new Invalid(`cutOff.after must be a time 'HH:MM', got ${JSON.stringify((cutOff as CutOff | null)?.after)}`, {
      param: 'cutOff.after',
    });
  }
  if (cutOff.countFrom !== 'next_working_day') {
    throw new Invalid(`cutOff.countFrom must be 'next_working_day', got ${JSON.stringify(cutOff.countFrom)}`, {
      param: 'cutOff.countFrom',
    });
  }
  return cutOff;
}

export function checkDate(value: unknown, param: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new Invalid(`${param} must be a valid date`, { param });
  return value;
}

/** Local 'HH:MM' of an instant in Asia/Ho_Chi_Minh (UTC+7, no DST). */
export function vnTime(instant: Date): string {
  return new Date(instant.getTime() + 7 * HOUR_MS).toISOString().slice(11, 16);
}

/** Midnight (UTC+7) starting the Vietnamese day 'YYYY-MM-DD'. */
function vnMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+07:00`);
}

/** The instant the count starts from under the cut-off rule (the start itself without one). */
export function countingFrom(calendar: WorkingCalendar, start: Date, cutOff?: CutOff): Date {
  if (!cutOff) return start;
  const day = toVnDate(start);
  if (!calendar.isWorkingDay(day)) return vnMidnight(calendar.addWorkingDays(day, 0));
  if (vnTime(start) > cutOff.after || (vnTime(start) === cutOff.after && start.getTime() % 60_000 !== 0)) {
    return vnMidnight(calendar.addWorkingDays(day, 1));
  }
  return start;
}

/** Office time between two instants, in whole ms (negative when b is before a). */
export function officeMs(calendar: WorkingCalendar, a: Date, b: Date): number {
  return Math.round(calendar.workingHoursBetween(a, b) * HOUR_MS);
}

/** Adds office time in ms (> 0) to an instant. */
export function addOfficeMs(calendar: WorkingCalendar, from: Date, ms: number): Date {
  return calendar.addWorkingTime(from, { hours: ms / HOUR_MS });
}

export interface Plan {
  countingFrom: Date;
  dueAt: Date;
  budgetMs: number;
  /** Null when the reminder would not come before the due instant. */
  atRiskAt: Date | null;
}

/** Due instant, budget and at-risk instant of a clock started at `start`; a 0 limit is due at `start`. */
export function plan(calendar: WorkingCalendar, limit: Limit, start: Date, atRiskShare: number, cutOff?: CutOff): Plan {
  const calendarDays = limit?.unit === 'calendar_days' ? calendarDaysOf(limit) : undefined;
  const amount = calendarDays === undefined ? amountOf(limit) : undefined;
  if (limit.value === 0) return { countingFrom: start, dueAt: start, budgetMs: 0, atRiskAt: null };
  const from = countingFrom(calendar, start, cutOff);
  const dueAt = amount ? calendar.addWorkingTime(from, amount) : calendarDaysDue(calendar, from, calendarDays!);
  const budgetMs = officeMs(calendar, from, dueAt);
  return { countingFrom: from, dueAt, budgetMs, atRiskAt: atRiskInstant(calendar, from, budgetMs, 0, atRiskShare, dueAt) };
}

/** A calendar-day limit's whole number of days (> 0), checked. */
function calendarDaysOf(limit: Limit): number {
  if (!Number.isInteger(limit.value) || limit.value < 1) {
    throw new Invalid(`limit.value in calendar_days must be a whole number of days ≥ 1, got ${String(limit.value)}`, { param: 'limit.value' });
  }
  return limit.value;
}

/**
 * The end of `days` calendar days counted from `from` (Civil Code 2015 art. 147–148): the day of
 * `from` is not counted; a last day that is a day off gives way to the next working day; the limit
 * ends at that day's office closing.
 */
export function calendarDaysDue(calendar: WorkingCalendar, from: Date, days: number): Date {
  const [y, m, d] = toVnDate(from).split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  const day = calendar.addWorkingDays(last, 0);
  return calendar.addWorkingTime(vnMidnight(day), { days: 1 });
}

/**
 * When `atRiskShare` of the budget will have been used, counting from `from` with `usedMs`
 * already used; `from` itself when the share is already used; null when that is not before due.
 */
export function atRiskInstant(calendar: WorkingCalendar, from: Date, budgetMs: number, usedMs: number, share: number, dueAt: Date): Date | null {
  const left = Math.round(budgetMs * share) - usedMs;
  const at = left > 0 ? addOfficeMs(calendar, from, left) : from;
  return at.getTime() < dueAt.getTime() ? at : null;
}

/** Early, on time or late, for a clock stopped at `stoppedAt` against `dueAt`. */
export function judge(stoppedAt: Date, dueAt: Date): MetState {
  if (stoppedAt.getTime() > dueAt.getTime()) return 'met_late';
  return toVnDate(stoppedAt) < toVnDate(dueAt) ? 'met_early' : 'met_on_time';
}
