/**
 * The working-day calendar of Vietnamese public agencies, for a range of years.
 *
 * A day is a working day unless it is a Saturday or Sunday, a statutory holiday or a day
 * off in lieu (holidays.ts); an approved override for the date (the government's yearly
 * decisions: exact Tết days, bridge days, swapped Saturdays) wins over all of that.
 *
 * Everything is precomputed at construction: per day of the range a working flag, the
 * running count of working days, and the list of working days, so date queries are O(1)
 * array look-ups. Dates are 'YYYY-MM-DD' strings naming a day in Vietnam; instants are
 * `Date`s, always read in UTC+7 (Asia/Ho_Chi_Minh), never in the process's time zone.
 */
import { checkInstant, dateFromJdn, isoFromJdn, jdnFromDate, parseIsoDate, vnDayAndTime, vnInstant, weekdayOfJdn } from './dates.js';
import { decisionSource, type GovernmentDecision } from './decisions.js';
import { CalendarError } from './errors.js';
import type { Occasion } from './holiday-rules.js';
import { WEEKEND_SOURCE, isWeekend, rememberedHolidays } from './holidays.js';
import { LUNAR_MAX_YEAR, LUNAR_MIN_YEAR } from './lunar.js';
import { DEFAULT_OFFICE_HOURS, parseOfficeHours, type OfficeSession, type SessionMs } from './office-hours.js';

/** One row of the approved override table: the government's decision for one date. */
export interface Override {
  /** 'YYYY-MM-DD'. */
  date: string;
  /** 'day_off': not a working day (bridge day, Tết day chosen by the government…); 'working_day': a working day (a swapped Saturday…). */
  kind: 'day_off' | 'working_day';
  /** Why, in Vietnamese, as shown to users. */
  reason: string;
  /** The legal document deciding it, e.g. 'Thông báo 6150/TB-LĐTBXH (2024)'. */
  source: string;
  /** Who entered the row. */
  enteredBy?: string;
}

export interface WorkingCalendarOptions {
  /** First Gregorian year covered (inclusive). */
  fromYear: number;
  /** Last Gregorian year covered (inclusive). */
  toYear: number;
  /** Approved overrides; rows dated outside the range are ignored. At most one row per date. */
  overrides?: readonly Override[];
  /** Office sessions for working-time arithmetic; default 07:30–11:30 and 13:00–17:00. */
  officeHours?: readonly OfficeSession[];
  /**
   * The Government's yearly decisions found (decisions.ts): they settle which rule-based days
   * are provisional. Their days themselves come in as `overrides`. Default: none.
   */
  decisions?: readonly GovernmentDecision[];
}

/** How settled a year is: the decisions found for it, and the days still provisional. */
export interface YearStatus {
  year: number;
  decisions: { id: string; settles: readonly Occasion[]; source: string; summary: string }[];
  /** Days computed from the rules that a yearly decision should fix and none was found for. */
  provisional: { date: string; reason: string; occasion: Occasion }[];
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'compensation' | 'override';

export interface DayInfo {
  /** 'YYYY-MM-DD'. */
  date: string;
  working: boolean;
  /** What makes the day what it is; absent on an ordinary Monday–Friday. */
  kind: DayKind;
  /** Vietnamese reason (holiday name, override reason…). */
  reason?: string;
  /** English reason, for holidays and weekends. */
  reasonEn?: string;
  /** Legal source of the reason. */
  source?: string;
  /** For an override, who entered it. */
  enteredBy?: string;
  /** True when the day is a rule-based default for a day the government fixes each year (exact Tết days, 1 or 3 September). */
  provisional?: boolean;
  /** For a holiday or a day in lieu: what it is for. */
  occasion?: Occasion;
}

/** A day that breaks the Monday–Friday pattern, as listed by `GET /api/calendar/{year}`. */
export interface ExceptionDay extends DayInfo {
  reason: string;
  source: string;
}

/** How much working time to add; the parts are summed. */
export interface WorkingTimeAmount {
  /** Whole working days of office time (8 hours with the default office hours). Integer ≥ 0. */
  days?: number;
  /** Half working days (4 hours with the default office hours). Integer ≥ 0. */
  halfDays?: number;
  /** Office hours; fractions allowed. ≥ 0. */
  hours?: number;
}

type Note = Omit<DayInfo, 'date' | 'working'>;

const HOUR_MS = 3_600_000;
const WEEKDAY_VI = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export class WorkingCalendar {
  readonly fromYear: number;
  readonly toYear: number;
  /** JDN of 1 January of `fromYear`; day index i is JDN `firstJdn + i`. */
  private readonly firstJdn: number;
  private readonly dayCount: number;
  /** 1 where day index i is a working day. */
  private readonly working: Uint8Array;
  /** Number of working days with index ≤ i. */
  private readonly workingThrough: Int32Array;
  /** Day indexes of the working days, ascending: the n-th working day of the range is `workingDays[n]`. */
  private readonly workingDays: Int32Array;
  /** Holidays, days in lieu and overrides, by JDN. */
  private readonly notes = new Map<number, Note>();
  private readonly sessions: SessionMs[];
  /** Office time in one working day, in ms. */
  private readonly officeDayMs: number;
  private readonly decisions: readonly GovernmentDecision[];

  constructor(options: WorkingCalendarOptions) {
    const { fromYear, toYear } = options ?? ({} as WorkingCalendarOptions);
    checkYear(fromYear, 'fromYear');
    checkYear(toYear, 'toYear');
    if (toYear < fromYear) throw new CalendarError('toYear', `toYear (${toYear}) must not be before fromYear (${fromYear})`);
    this.fromYear = fromYear;
    this.toYear = toYear;
    this.firstJdn = jdnFromDate(fromYear, 1, 1);
    this.dayCount = jdnFromDate(toYear, 12, 31) - this.firstJdn + 1;
    this.sessions = parseOfficeHours(options.officeHours ?? DEFAULT_OFFICE_HOURS);
    this.officeDayMs = this.sessions.reduce((sum, s) => sum + s.length, 0);
    this.decisions = options.decisions ?? [];

    for (let year = fromYear; year <= toYear; year++) {
      for (const holiday of rememberedHolidays(year, this.decisions)) {
        const jdn = parseIsoDate(holiday.date, 'holiday');
        const earlier = this.notes.get(jdn);
        this.notes.set(jdn, {
          kind: holiday.kind,
          reason: earlier ? `${earlier.reason}; ${holiday.nameVi}` : holiday.nameVi,
          reasonEn: earlier ? `${earlier.reasonEn}; ${holiday.nameEn}` : holiday.nameEn,
          source: earlier && earlier.source !== holiday.source ? `${earlier.source}; ${holiday.source}` : holiday.source,
          provisional: holiday.provisional || earlier?.provisional || undefined,
          occasion: earlier?.occasion ?? holiday.occasion,
        });
      }
    }
    const overrideKinds = new Map<number, Override['kind']>();
    this.applyOverrides(options.overrides ?? [], overrideKinds);

    this.working = new Uint8Array(this.dayCount);
    this.workingThrough = new Int32Array(this.dayCount);
    const workingDays: number[] = [];
    let count = 0;
    for (let i = 0; i < this.dayCount; i++) {
      const jdn = this.firstJdn + i;
      const override = overrideKinds.get(jdn);
      const isWorking = override ? override === 'working_day' : !isWeekend(jdn) && !this.notes.has(jdn);
      if (isWorking) {
        this.working[i] = 1;
        workingDays.push(i);
        count++;
      }
      this.workingThrough[i] = count;
    }
    this.workingDays = Int32Array.from(workingDays);
  }

  /** True when `date` ('YYYY-MM-DD') is a working day. */
  isWorkingDay(date: string): boolean {
    return this.working[this.indexOf(date, 'date')] === 1;
  }

  /** Whether `date` is a working day, and why not (or why despite being a weekend). */
  dayInfo(date: string): DayInfo {
    const index = this.indexOf(date, 'date');
    return this.describe(this.firstJdn + index, this.working[index] === 1);
  }

  /**
   * The n-th working day after `from`; `from` itself is not counted, whatever it is.
   * n = 0 returns `from` when it is a working day, else the next working day (so
   * `addWorkingDays(d, 0)` is "the first working day on or after d").
   * Throws a CalendarError when n is not an integer ≥ 0 or the result leaves the range.
   */
  addWorkingDays(from: string, n: number): string {
    const index = this.indexOf(from, 'from');
    if (!Number.isInteger(n) || n < 0) throw new CalendarError('n', `n must be an integer ≥ 0, got ${String(n)}`);
    const through = this.workingThrough[index];
    const position = n === 0 ? (this.working[index] === 1 ? through - 1 : through) : through + n - 1;
    if (position >= this.workingDays.length) {
      throw new CalendarError('n', `${n} working days after ${from} is past the end of the calendar (31/12/${this.toYear})`);
    }
    return isoFromJdn(this.firstJdn + this.workingDays[position]);
  }

  /**
   * Working days in the half-open interval (a, b]: a is not counted, b is. So
   * `workingDaysBetween(d, addWorkingDays(d, n)) === n` for n ≥ 1, and the result is 0
   * for a = b. When b is before a the result is −(working days in (b, a]).
   */
  workingDaysBetween(a: string, b: string): number {
    return this.workingThrough[this.indexOf(b, 'b')] - this.workingThrough[this.indexOf(a, 'a')];
  }

  /**
   * Adds working time to an instant, counting only office hours on working days.
   *
   * Rule: the amount is converted to office time — a day is one working day of office
   * hours (8 h by default), a half day half of that (4 h), an hour 60 minutes — and the
   * result is the earliest instant at which that much office time has elapsed since
   * `start`. Consequences:
   *  - from inside office hours, n days lands at the same time of day on the n-th
   *    working day after (10:00 Thursday + 1 day = 10:00 the next working day);
   *  - a result on a session boundary is the end of the earlier session: 07:30 + 1 day
   *    = 17:00 the same day, 07:30 + 4 h = 11:30 (not 13:00);
   *  - from outside office hours or on a day off, the count starts when the office next
   *    opens: Saturday + 1 h = 08:30 on the next working day;
   *  - a zero amount returns `start` unchanged.
   * `workingHoursBetween(start, addWorkingTime(start, x))` equals x in hours.
   */
  addWorkingTime(start: Date, amount: WorkingTimeAmount): Date {
    checkInstant(start, 'start');
    const total = this.amountMs(amount);
    if (total === 0) return new Date(start.getTime());
    const target = this.officePosition(start, 'start') + total;
    const ordinal = Math.ceil(target / this.officeDayMs) - 1;
    if (ordinal >= this.workingDays.length) {
      throw new CalendarError('amount', `the result is past the end of the calendar (31/12/${this.toYear})`);
    }
    let remaining = target - ordinal * this.officeDayMs; // in (0, officeDayMs]
    let msOfDay = 0;
    for (const session of this.sessions) {
      if (remaining <= session.length) {
        msOfDay = session.start + remaining;
        break;
      }
      remaining -= session.length;
    }
    return vnInstant(this.firstJdn + this.workingDays[ordinal], msOfDay);
  }

  /**
   * Office hours elapsed between two instants, counting only office hours on working
   * days (fractional hours; negative when b is before a).
   */
  workingHoursBetween(a: Date, b: Date): number {
    checkInstant(a, 'a');
    checkInstant(b, 'b');
    return (this.officePosition(b, 'b') - this.officePosition(a, 'a')) / HOUR_MS;
  }

  /**
   * Every weekday of `year` that is not a working day and every Saturday or Sunday that
   * is one, in date order, each with its reason and legal source.
   */
  nonWorkingWeekdaysAndWorkingWeekends(year: number): ExceptionDay[] {
    this.checkYearInRange(year);
    const result: ExceptionDay[] = [];
    const first = jdnFromDate(year, 1, 1) - this.firstJdn;
    const last = jdnFromDate(year, 12, 31) - this.firstJdn;
    for (let i = first; i <= last; i++) {
      const jdn = this.firstJdn + i;
      const working = this.working[i] === 1;
      if (working === isWeekend(jdn)) result.push(this.describe(jdn, working) as ExceptionDay);
    }
    return result;
  }

  /** The decisions found for `year` and the days still provisional (no decision found for their occasion). */
  yearStatus(year: number): YearStatus {
    this.checkYearInRange(year);
    const provisional: YearStatus['provisional'] = [];
    for (let jdn = jdnFromDate(year, 1, 1); jdn <= jdnFromDate(year, 12, 31); jdn++) {
      const note = this.notes.get(jdn);
      if (note?.provisional && note.occasion) provisional.push({ date: isoFromJdn(jdn), reason: note.reason ?? '', occasion: note.occasion });
    }
    const decisions = this.decisions
      .filter((d) => d.year === year)
      .map((d) => ({ id: d.id, settles: d.settles, source: decisionSource(d), summary: d.summary }));
    return { year, decisions, provisional };
  }

  /** The calendar's first and last day, 'YYYY-MM-DD'. */
  get range(): { from: string; to: string } {
    return { from: isoFromJdn(this.firstJdn), to: isoFromJdn(this.firstJdn + this.dayCount - 1) };
  }

  private describe(jdn: number, working: boolean): DayInfo {
    const date = isoFromJdn(jdn);
    const note = this.notes.get(jdn);
    if (note) return { date, working, ...definedOnly(note) };
    if (isWeekend(jdn)) {
      const weekday = weekdayOfJdn(jdn);
      return {
        date,
        working,
        kind: 'weekend',
        reason: `Nghỉ hằng tuần (${WEEKDAY_VI[weekday]})`,
        reasonEn: `Weekly rest day (${WEEKDAY_EN[weekday]})`,
        source: WEEKEND_SOURCE,
      };
    }
    return { date, working, kind: 'workday' };
  }

  private applyOverrides(overrides: readonly Override[], kinds: Map<number, Override['kind']>): void {
    if (!Array.isArray(overrides)) throw new CalendarError('overrides', 'overrides must be an array');
    const lastJdn = this.firstJdn + this.dayCount - 1;
    overrides.forEach((input: unknown, i) => {
      const param = `overrides[${i}]`;
      // Overrides come from the database and from callers: checked field by field.
      if (input === null || typeof input !== 'object') throw new CalendarError(param, `${param} must be an object`);
      const row = input as Record<string, unknown>;
      const jdn = parseIsoDate(row.date, `${param}.date`);
      if (row.kind !== 'day_off' && row.kind !== 'working_day') {
        throw new CalendarError(`${param}.kind`, `${param}.kind must be 'day_off' or 'working_day', got ${JSON.stringify(row.kind)}`);
      }
      const text = (field: 'reason' | 'source'): string => {
        const v = row[field];
        if (typeof v !== 'string' || v.trim() === '') throw new CalendarError(`${param}.${field}`, `${param}.${field} must be a non-empty string`);
        return v;
      };
      const reason = text('reason');
      const source = text('source');
      if (jdn < this.firstJdn || jdn > lastJdn) return;
      if (kinds.has(jdn)) throw new CalendarError(`${param}.date`, `${param}.date ${row.date as string} has more than one override`);
      kinds.set(jdn, row.kind);
      this.notes.set(jdn, {
        kind: 'override',
        reason,
        source,
        ...(row.enteredBy !== undefined ? { enteredBy: row.enteredBy as string } : {}),
      });
    });
  }

  private checkYearInRange(year: number): void {
    if (!Number.isInteger(year) || year < this.fromYear || year > this.toYear) {
      throw new CalendarError('year', `year must be an integer in ${this.fromYear}–${this.toYear}, got ${String(year)}`);
    }
  }

  private indexOf(date: string, param: string): number {
    const jdn = parseIsoDate(date, param);
    const index = jdn - this.firstJdn;
    if (index < 0 || index >= this.dayCount) {
      throw new CalendarError(param, `${param} ${date} is outside the calendar's range ${this.fromYear}–${this.toYear}`);
    }
    return index;
  }

  /**
   * Where an instant sits on the office-time line: office ms elapsed from the start of
   * the range's first working day. Flat outside office hours and on days off.
   */
  private officePosition(instant: Date, param: string): number {
    const { jdn, msOfDay } = vnDayAndTime(instant);
    const index = jdn - this.firstJdn;
    if (index < 0 || index >= this.dayCount) {
      const { year, month, day } = dateFromJdn(jdn);
      throw new CalendarError(param, `${param} (${day}/${month}/${year} in Vietnam) is outside the calendar's range ${this.fromYear}–${this.toYear}`);
    }
    const isWorking = this.working[index] === 1;
    const daysBefore = this.workingThrough[index] - (isWorking ? 1 : 0);
    let within = 0;
    if (isWorking) {
      for (const session of this.sessions) within += Math.min(Math.max(msOfDay - session.start, 0), session.length);
    }
    return daysBefore * this.officeDayMs + within;
  }

  private amountMs(amount: WorkingTimeAmount): number {
    if (amount === null || typeof amount !== 'object') {
      throw new CalendarError('amount', 'amount must be an object { days?, halfDays?, hours? }');
    }
    const { days = 0, halfDays = 0, hours = 0 } = amount;
    if (!Number.isInteger(days) || days < 0) throw new CalendarError('amount.days', `amount.days must be an integer ≥ 0, got ${String(days)}`);
    if (!Number.isInteger(halfDays) || halfDays < 0) {
      throw new CalendarError('amount.halfDays', `amount.halfDays must be an integer ≥ 0, got ${String(halfDays)}`);
    }
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) {
      throw new CalendarError('amount.hours', `amount.hours must be a finite number ≥ 0, got ${String(hours)}`);
    }
    return days * this.officeDayMs + (halfDays * this.officeDayMs) / 2 + Math.round(hours * HOUR_MS);
  }
}

function checkYear(year: unknown, param: string): asserts year is number {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new CalendarError(param, `${param} must be an integer in ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}, got ${String(year)}`);
  }
}

function definedOnly(note: Note): Note {
  const out: Note = { kind: note.kind };
  for (const [key, value] of Object.entries(note)) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}
