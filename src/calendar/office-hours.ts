/**
 * Office hours: the sessions of a working day during which working time runs, as local
 * (Asia/Ho_Chi_Minh) wall-clock times. The default is the common schedule of
 * Vietnamese agencies, 07:30–11:30 and 13:00–17:00 (8 hours); provinces differ
 * (e.g. 07:00–11:30, 13:30–17:00), hence configurable.
 */
import { CalendarError } from './errors.js';

export interface OfficeSession {
  /** 'HH:MM', local time. */
  start: string;
  /** 'HH:MM', local time, after `start`; '24:00' allowed. */
  end: string;
}

export const DEFAULT_OFFICE_HOURS: readonly OfficeSession[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
];

/** A session as milliseconds since local midnight. */
export interface SessionMs {
  start: number;
  length: number;
}

const HH_MM = /^(\d{2}):(\d{2})$/;

/** Validates office hours (sorted, non-overlapping, non-empty sessions) and converts them to milliseconds. */
export function parseOfficeHours(sessions: readonly OfficeSession[]): SessionMs[] {
  if (!Array.isArray(sessions) || sessions.length === 0) {
    throw new CalendarError('officeHours', 'officeHours must be a non-empty array of { start, end } sessions');
  }
  const result: SessionMs[] = [];
  let previousEnd = 0;
  sessions.forEach((input, i) => {
    // Office hours come from configuration: a session may be missing or malformed.
    const session = input as Partial<OfficeSession> | null | undefined;
    const start = parseTime(session?.start, `officeHours[${i}].start`);
    const end = parseTime(session?.end, `officeHours[${i}].end`);
    if (end <= start) throw new CalendarError(`officeHours[${i}].end`, `officeHours[${i}] must end after it starts`);
    if (start < previousEnd) {
      throw new CalendarError(`officeHours[${i}].start`, `officeHours[${i}] overlaps or precedes the session before it`);
    }
    result.push({ start, length: end - start });
    previousEnd = end;
  });
  return result;
}

function parseTime(value: unknown, param: string): number {
  const match = typeof value === 'string' ? HH_MM.exec(value) : null;
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new CalendarError(param, `${param} must be a time 'HH:MM' between 00:00 and 24:00, got ${JSON.stringify(value)}`);
  }
  return (hours * 60 + minutes) * 60_000;
}
