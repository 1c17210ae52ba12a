import { WorkingCalendar } from '../../src/calendar/calendar.js';
import { CalendarError } from '../../src/calendar/errors.js';

const calendar = new WorkingCalendar({ fromYear: 2025, toYear: 2027 });

/** The instant at wall-clock `time` on `date` in Vietnam (UTC+7). */
function vn(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+07:00`);
}

function param(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CalendarError) return error.param;
    throw error;
  }
  throw new Error('expected a CalendarError');
}

describe('WorkingCalendar: working time (office hours 07:30–11:30, 13:00–17:00, UTC+7)', () => {
  it('given 11:00 on Monday, when adding one hour, then the lunch break is skipped and it is 13:30', () => {
    expect(calendar.addWorkingTime(vn('2026-03-02', '11:00'), { hours: 1 })).toEqual(vn('2026-03-02', '13:30'));
    expect(calendar.workingHoursBetween(vn('2026-03-02', '11:00'), vn('2026-03-02', '13:30'))).toBe(1);
  });

  it('given 09:00 on Monday, when adding half a day, then four office hours later is 14:30', () => {
    expect(calendar.addWorkingTime(vn('2026-03-02', '09:00'), { halfDays: 1 })).toEqual(vn('2026-03-02', '14:30'));
  });

  it('given 16:00 on Friday, when adding two hours, then the weekend is skipped and it is 08:30 on Monday', () => {
    expect(calendar.addWorkingTime(vn('2026-03-06', '16:00'), { hours: 2 })).toEqual(vn('2026-03-09', '08:30'));
    expect(calendar.workingHoursBetween(vn('2026-03-06', '16:00'), vn('2026-03-09', '08:30'))).toBe(2);
  });

  it('given a start on Saturday, when adding one hour, then the count starts at Monday 07:30', () => {
    expect(calendar.addWorkingTime(vn('2026-03-07', '10:00'), { hours: 1 })).toEqual(vn('2026-03-09', '08:30'));
  });

  it('given 10:00 on Thursday 12/02/2026, when adding whole days, then the same time of day on the n-th working day after, across Tết', () => {
    expect(calendar.addWorkingTime(vn('2026-02-12', '10:00'), { days: 1 })).toEqual(vn('2026-02-13', '10:00'));
    expect(calendar.addWorkingTime(vn('2026-02-12', '10:00'), { days: 2 })).toEqual(vn('2026-02-23', '10:00'));
    expect(calendar.addWorkingTime(vn('2026-02-12', '10:00'), { days: 3, hours: 2 })).toEqual(vn('2026-02-24', '13:30'));
  });

  it('given a result on a session boundary, when adding, then the end of the earlier session is returned', () => {
    expect(calendar.addWorkingTime(vn('2026-03-02', '07:30'), { days: 1 })).toEqual(vn('2026-03-02', '17:00'));
    expect(calendar.addWorkingTime(vn('2026-03-02', '07:30'), { hours: 4 })).toEqual(vn('2026-03-02', '11:30'));
    expect(calendar.addWorkingTime(vn('2026-03-02', '18:00'), { days: 1 })).toEqual(vn('2026-03-03', '17:00'));
  });

  it('given a zero amount, when adding, then the start comes back unchanged', () => {
    const start = vn('2026-03-07', '22:15');
    expect(calendar.addWorkingTime(start, {})).toEqual(start);
  });

  it('given two instants, when counting working hours, then only office hours on working days count, negative when reversed', () => {
    // Thu 12/02/2026 08:00 → Mon 23/02/2026 08:00: 7.5 h Thursday + 8 h Friday + 0.5 h Monday.
    expect(calendar.workingHoursBetween(vn('2026-02-12', '08:00'), vn('2026-02-23', '08:00'))).toBe(16);
    expect(calendar.workingHoursBetween(vn('2026-02-23', '08:00'), vn('2026-02-12', '08:00'))).toBe(-16);
    expect(calendar.workingHoursBetween(vn('2026-03-02', '12:00'), vn('2026-03-02', '12:45'))).toBe(0);
  });

  it('given many starts and amounts, when adding then measuring, then the measured hours equal the amount added', () => {
    let t = vn('2026-01-01', '00:00').getTime();
    for (let i = 0; i < 300; i++) {
      t += 7 * 3_600_000 + 13 * 60_000; // walks across all times of day and days of the week
      const start = new Date(t);
      const amount = { days: i % 4, halfDays: i % 3, hours: (i % 7) * 0.75 };
      const end = calendar.addWorkingTime(start, amount);
      expect(calendar.workingHoursBetween(start, end)).toBeCloseTo((i % 4) * 8 + (i % 3) * 4 + (i % 7) * 0.75, 9);
      expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
    }
  });

  it('given custom office hours, when adding half a day, then the configured sessions are used', () => {
    const custom = new WorkingCalendar({
      fromYear: 2026,
      toYear: 2026,
      officeHours: [
        { start: '07:00', end: '11:30' },
        { start: '13:30', end: '17:00' },
      ],
    });
    expect(custom.addWorkingTime(vn('2026-03-02', '07:00'), { halfDays: 1 })).toEqual(vn('2026-03-02', '11:00'));
    expect(custom.addWorkingTime(vn('2026-03-02', '11:00'), { hours: 1 })).toEqual(vn('2026-03-02', '14:00'));
  });

  it('given bad amounts, instants or office hours, when called, then a CalendarError names the parameter', () => {
    const start = vn('2026-03-02', '09:00');
    expect(param(() => calendar.addWorkingTime(start, { days: -1 }))).toBe('amount.days');
    expect(param(() => calendar.addWorkingTime(start, { halfDays: 0.5 }))).toBe('amount.halfDays');
    expect(param(() => calendar.addWorkingTime(start, { hours: Number.NaN }))).toBe('amount.hours');
    expect(param(() => calendar.addWorkingTime(new Date('nope'), { hours: 1 }))).toBe('start');
    expect(param(() => calendar.addWorkingTime(vn('2030-01-02', '09:00'), { hours: 1 }))).toBe('start');
    expect(param(() => calendar.addWorkingTime(vn('2027-12-31', '09:00'), { days: 5 }))).toBe('amount');
    expect(param(() => calendar.workingHoursBetween(start, new Date(Number.NaN)))).toBe('b');
    expect(
      param(
        () =>
          new WorkingCalendar({
            fromYear: 2026,
            toYear: 2026,
            officeHours: [
              { start: '07:30', end: '12:00' },
              { start: '11:00', end: '17:00' },
            ],
          }),
      ),
    ).toBe('officeHours[1].start');
    expect(param(() => new WorkingCalendar({ fromYear: 2026, toYear: 2026, officeHours: [{ start: '7:30', end: '11:30' }] }))).toBe('officeHours[0].start');
  });
});
