/**
 * Civil-date arithmetic for the calendar, on integer Julian Day Numbers (JDN: the day
 * count astronomers use; JDN 2440588 is 1970-01-01). Everything here is plain integer
 * arithmetic on the proleptic Gregorian calendar, so nothing depends on the machine's
 * time zone: instants are converted with a fixed UTC+7 offset (Asia/Ho_Chi_Minh has had
 * no DST and the same offset since 1975) and read back only through UTC getters.
 */
import { CalendarError } from './errors.js';

/** Asia/Ho_Chi_Minh is UTC+7 all year. */
export const VN_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
/** JDN of 1970-01-01, the Unix epoch. */
const UNIX_EPOCH_JDN = 2_440_588;

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** JDN of a Gregorian date (month 1–12). Counting years from March makes Feb the last month. */
export function jdnFromDate(year: number, month: number, day: number): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  return day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045;
}

/** Gregorian date of a JDN (inverse of {@link jdnFromDate}). */
export function dateFromJdn(jdn: number): CivilDate {
  const a = jdn + 32044;
  const b = Math.floor((4 * a + 3) / 146097);
  const c = a - Math.floor((146097 * b) / 4);
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    day: e - Math.floor((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * Math.floor(m / 10),
    year: 100 * b + d - 4800 + Math.floor(m / 10),
  };
}

/** Day of week of a JDN: 0 = Sunday … 6 = Saturday. */
export function weekdayOfJdn(jdn: number): number {
  return (((jdn + 1) % 7) + 7) % 7;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a strict 'YYYY-MM-DD' calendar date to its JDN. Anything else — another
 * format, a date that does not exist such as '2026-02-30' — throws a CalendarError
 * naming `param`.
 */
export function parseIsoDate(value: unknown, param: string): number {
  if (typeof value !== 'string') {
    throw new CalendarError(param, `${param} must be a date string 'YYYY-MM-DD', got ${describe(value)}`);
  }
  const match = ISO_DATE.exec(value);
  if (!match) throw new CalendarError(param, `${param} must be a date 'YYYY-MM-DD', got '${value}'`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (!isValidDate(year, month, day)) throw new CalendarError(param, `${param} is not a real calendar date: '${value}'`);
  return jdnFromDate(year, month, day);
}

export function isoFromJdn(jdn: number): string {
  const { year, month, day } = dateFromJdn(jdn);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function isoFromDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Checks that `value` is a Date holding a real instant; throws a CalendarError naming `param`. */
export function checkInstant(value: unknown, param: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new CalendarError(param, `${param} must be a valid Date, got ${describe(value)}`);
  }
  return value;
}

/** The Vietnamese calendar day (JDN) of an instant, and the milliseconds since that day's local midnight. */
export function vnDayAndTime(instant: Date): { jdn: number; msOfDay: number } {
  const local = instant.getTime() + VN_OFFSET_MS;
  const days = Math.floor(local / DAY_MS);
  return { jdn: days + UNIX_EPOCH_JDN, msOfDay: local - days * DAY_MS };
}

/** The instant that is `msOfDay` after local midnight (UTC+7) of the day `jdn`. */
export function vnInstant(jdn: number, msOfDay: number): Date {
  return new Date((jdn - UNIX_EPOCH_JDN) * DAY_MS + msOfDay - VN_OFFSET_MS);
}

/** 'YYYY-MM-DD' of the day an instant falls on in Vietnam (UTC+7), whatever the process TZ. */
export function toVnDate(instant: Date): string {
  return isoFromJdn(vnDayAndTime(checkInstant(instant, 'instant')).jdn);
}

/**
 * 'dd/mm/yyyy', the way dates are written on Vietnamese forms. Takes a 'YYYY-MM-DD'
 * string (formatted as is) or an instant (formatted as its day in UTC+7).
 */
export function formatVn(date: string | Date): string {
  const jdn = date instanceof Date ? vnDayAndTime(checkInstant(date, 'date')).jdn : parseIsoDate(date, 'date');
  const { year, month, day } = dateFromJdn(jdn);
  return `${pad(day, 2)}/${pad(month, 2)}/${pad(year, 4)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
