/**
 * Timer expressions as Zeebe reads them: `timeDate` (ISO 8601 date-time), `timeDuration`
 * (ISO 8601 duration) and `timeCycle` (ISO 8601 repetition `R[n]/[start/]duration`, or a cron
 * expression). Date-times without an offset, and cron expressions, are read in
 * Asia/Ho_Chi_Minh — the one time zone lienthong counts in (Zeebe would read cron in UTC).
 */
import { CronExpressionParser } from 'cron-parser';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const VN_OFFSET = '+07:00';

export class TimerError extends Error {}

export interface TimerSchedule {
  dueAt: number;
  /** Repetitions left after this one: 0 none, -1 forever. */
  repetitions: number;
  /** What computes the next due time of a cycle (the interval or the cron expression). */
  cycle?: string;
}

const DURATION = /^-?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Adds an ISO 8601 duration to an instant (years and months on the calendar, in UTC). */
export function addDuration(at: number, duration: string): number {
  const m = DURATION.exec(duration.trim());
  if (!m) throw new TimerError(`'${duration}' is not an ISO 8601 duration (e.g. PT15M, P3D)`);
  const [, y, mo, w, d, h, mi, s] = m;
  // A negative duration (a deadline already past) counts backwards; the timer is then due at once.
  const sign = duration.trim().startsWith('-') ? -1 : 1;
  const t = new Date(at);
  if (y || mo) t.setUTCMonth(t.getUTCMonth() + sign * (Number(y ?? 0) * 12 + Number(mo ?? 0)));
  let ms = t.getTime();
  ms += sign * (Number(w ?? 0) * 7 + Number(d ?? 0)) * 86_400_000;
  ms += sign * (Number(h ?? 0) * 3_600_000 + Number(mi ?? 0) * 60_000 + Math.round(Number((s ?? '0').replace(',', '.')) * 1000));
  return ms;
}

export function parseDateTime(text: string): number {
  let s = text.trim().replace(/\[[^\]]+\]$/, '');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += VN_OFFSET;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    throw new TimerError(`'${text}' is not an ISO 8601 date-time (e.g. 2026-03-01T08:00:00+07:00)`);
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new TimerError(`'${text}' is not a valid date-time`);
  return t;
}

function cronNext(expr: string, after: number): number {
  try {
    return CronExpressionParser.parse(expr, { currentDate: new Date(after), tz: TIME_ZONE })
      .next()
      .getTime();
  } catch (e) {
    throw new TimerError(`'${expr}' is neither an ISO 8601 repetition (R5/PT10S) nor a cron expression: ${(e as Error).message}`);
  }
}

/** When a timer first fires, evaluated when its element is entered (`now`). */
export function scheduleTimer(kind: 'date' | 'duration' | 'cycle', text: string, now: number): TimerSchedule {
  if (typeof text !== 'string' || !text.trim()) throw new TimerError('the timer expression is empty');
  if (kind === 'date') return { dueAt: parseDateTime(text), repetitions: 0 };
  if (kind === 'duration') return { dueAt: addDuration(now, text), repetitions: 0 };
  const s = text.trim();
  const rep = /^R(\d*)\/(?:([^/]+)\/)?([^/]+)$/.exec(s);
  if (rep) {
    const count = rep[1] === '' ? -1 : Number(rep[1]);
    if (count === 0) throw new TimerError(`'${s}' repeats zero times`);
    const interval = rep[3];
    if (interval.startsWith('-') || addDuration(0, interval) <= 0) throw new TimerError(`the interval of '${s}' must be positive`);
    const dueAt = rep[2] ? parseDateTime(rep[2]) : addDuration(now, interval);
    return { dueAt, repetitions: count < 0 ? -1 : count - 1, cycle: interval };
  }
  return { dueAt: cronNext(s, now), repetitions: -1, cycle: s };
}

/** The next due time of a cycle after the one that just fired. */
export function nextCycle(cycle: string, lastDue: number): number {
  return cycle.startsWith('P') ? addDuration(lastDue, cycle) : cronNext(cycle, lastDue);
}

/** Deploy-time check of a static timer expression; returns the problem or undefined. */
export function checkTimer(kind: 'date' | 'duration' | 'cycle', text: string): string | undefined {
  try {
    scheduleTimer(kind, text, Date.UTC(2026, 0, 1));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
