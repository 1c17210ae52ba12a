/**
 * Feature: the appointment on form 01 is counted in working time by the law's calendar.
 * Rule: n working days = n full office days (07:30–11:30, 13:00–17:00 Asia/Ho_Chi_Minh); received
 * after the cut-off (15:00) or on a day off, the count starts at the next working day's opening.
 */
import { show, useSla, vn } from './support.js';
import type { CutOff } from '../../src/sla/index.js';

const h = useSla();
const cutOff: CutOff = { after: '15:00', countFrom: 'next_working_day' };
const days = (value: number) => ({ value, unit: 'working_days' as const });
const hours = (value: number) => ({ value, unit: 'working_hours' as const });

describe('Scenario: 3 working days received on Thursday 12/02/2026, across the 2026 Tết break (16–20/02 + weekends)', () => {
  test('Given the calendar, Tết Bính Ngọ keeps 14/02–22/02/2026 off and Friday 13/02 a working day', () => {
    expect(h.calendar.isWorkingDay('2026-02-13')).toBe(true);
    for (const d of ['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']) {
      expect(h.calendar.isWorkingDay(d)).toBe(false);
    }
  });

  test('received at 09:00 (before the cut-off): Fri 13/02, Mon 23/02, Tue 24/02 → due 24/02/2026 09:00', () => {
    expect(show(h.service().dueDate(days(3), vn('12/02/2026 09:00'), cutOff))).toBe('24/02/2026 09:00');
  });

  test('received at 15:30 (after the cut-off): counted from Friday 13/02 07:30 → due 24/02/2026 17:00', () => {
    expect(show(h.service().dueDate(days(3), vn('12/02/2026 15:30'), cutOff))).toBe('24/02/2026 17:00');
  });

  test('received at 15:30 without a cut-off rule: counted from the receipt → due 24/02/2026 15:30', () => {
    expect(show(h.service().dueDate(days(3), vn('12/02/2026 15:30')))).toBe('24/02/2026 15:30');
  });

  test('received Friday 13/02 at 16:00 (after the cut-off, the eve of the break): counted from Monday 23/02 → due 25/02/2026 17:00', () => {
    expect(show(h.service().dueDate(days(3), vn('13/02/2026 16:00'), cutOff))).toBe('25/02/2026 17:00');
  });
});

describe('Scenario: the cut-off rule', () => {
  test('at 15:00 sharp is not after 15:00: 1 working day from Wed 04/03/2026 15:00 → Thu 05/03 15:00', () => {
    expect(show(h.service().dueDate(days(1), vn('04/03/2026 15:00'), cutOff))).toBe('05/03/2026 15:00');
  });

  test('at 14:59 → the same time the next working day', () => {
    expect(show(h.service().dueDate(days(1), vn('04/03/2026 14:59'), cutOff))).toBe('05/03/2026 14:59');
  });

  test('at 15:01 → counts from Thursday 05/03 07:30 → due 05/03/2026 17:00', () => {
    expect(show(h.service().dueDate(days(1), vn('04/03/2026 15:01'), cutOff))).toBe('05/03/2026 17:00');
  });

  test('on Saturday 07/03/2026 10:00 (a day off) → counts from Monday 09/03 → 2 days due Tue 10/03/2026 17:00', () => {
    expect(show(h.service().dueDate(days(2), vn('07/03/2026 10:00'), cutOff))).toBe('10/03/2026 17:00');
  });

  test('on Sunday after the cut-off hour, the same: counts from Monday 09/03', () => {
    expect(show(h.service().dueDate(days(1), vn('08/03/2026 16:00'), cutOff))).toBe('09/03/2026 17:00');
  });

  test('on Hùng Kings day in lieu (Monday 27/04/2026) → counts from Tuesday 28/04', () => {
    expect(h.calendar.isWorkingDay('2026-04-27')).toBe(false);
    expect(show(h.service().dueDate(days(1), vn('27/04/2026 08:00'), cutOff))).toBe('28/04/2026 17:00');
  });

  test('a cut-off applies to working-hour limits too: 4 h from Wed 04/03/2026 16:00 → Thu 05/03 11:30', () => {
    expect(show(h.service().dueDate(hours(4), vn('04/03/2026 16:00'), cutOff))).toBe('05/03/2026 11:30');
  });
});

describe('Scenario: working-hour limits', () => {
  test('across lunch: 2 h from Mon 02/03/2026 10:30 → 11:30 then 13:00–14:00 → 14:00', () => {
    expect(show(h.service().dueDate(hours(2), vn('02/03/2026 10:30')))).toBe('02/03/2026 14:00');
  });

  test('received during lunch: 1 h from 12:00 → counts from 13:00 → 14:00', () => {
    expect(show(h.service().dueDate(hours(1), vn('02/03/2026 12:00')))).toBe('02/03/2026 14:00');
  });

  test('across a weekend: 4 h from Fri 06/03/2026 16:00 → 1 h Friday, 3 h Monday → Mon 09/03 10:30', () => {
    expect(show(h.service().dueDate(hours(4), vn('06/03/2026 16:00')))).toBe('09/03/2026 10:30');
  });

  test('before opening: 8 h from Mon 02/03/2026 06:00 → the whole day → 17:00', () => {
    expect(show(h.service().dueDate(hours(8), vn('02/03/2026 06:00')))).toBe('02/03/2026 17:00');
  });

  test('a limit of 0 adds no time', () => {
    expect(show(h.service().dueDate(days(0), vn('02/03/2026 09:00')))).toBe('02/03/2026 09:00');
  });

  test('half a working day = 4 office hours: 0.5 day from Mon 02/03/2026 09:00 → 14:30', () => {
    expect(show(h.service().dueDate(days(0.5), vn('02/03/2026 09:00')))).toBe('02/03/2026 14:30');
  });
});

describe('Scenario: a statutory total in calendar days ("20 ngày", Construction Law art. 102), counted as the Civil Code counts days (art. 147–148)', () => {
  const calendarDays = (value: number) => ({ value, unit: 'calendar_days' as const });

  test('the day received is not counted; the 20th day after is a working day: received Tue 01/12/2026 09:00 → due Mon 21/12/2026 at closing', () => {
    expect(show(h.service().dueDate(calendarDays(20), vn('01/12/2026 09:00'), cutOff))).toBe('21/12/2026 17:00');
  });

  test('the last day is a Sunday: received Mon 07/12/2026 10:00 + 20 days = Sun 27/12 → due Mon 28/12/2026 17:00', () => {
    expect(show(h.service().dueDate(calendarDays(20), vn('07/12/2026 10:00'), cutOff))).toBe('28/12/2026 17:00');
  });

  test("the last day is New Year's Day: received Mon 14/12/2026 09:00 + 18 days = Fri 01/01/2027 → the next working day, Mon 04/01/2027 17:00", () => {
    expect(show(h.service().dueDate(calendarDays(18), vn('14/12/2026 09:00'), cutOff))).toBe('04/01/2027 17:00');
  });

  test('weekends and holidays inside the period count: 15 days from Fri 11/12/2026 09:00 → Sat 26/12 → Mon 28/12/2026 17:00 (not 15 working days, 04/01/2027)', () => {
    expect(show(h.service().dueDate(calendarDays(15), vn('11/12/2026 09:00'), cutOff))).toBe('28/12/2026 17:00');
    expect(show(h.service().dueDate(days(15), vn('11/12/2026 09:00'), cutOff))).toBe('04/01/2027 09:00');
  });

  test('received after the cut-off, the count starts a working day later: Tue 01/12/2026 15:30 → counted from Wed 02/12 → due Tue 22/12/2026 17:00', () => {
    expect(show(h.service().dueDate(calendarDays(20), vn('01/12/2026 15:30'), cutOff))).toBe('22/12/2026 17:00');
  });

  test('received on a Saturday, the count starts on Monday: Sat 05/12/2026 → from Mon 07/12 → due Mon 28/12/2026 17:00', () => {
    expect(show(h.service().dueDate(calendarDays(20), vn('05/12/2026 10:00'), cutOff))).toBe('28/12/2026 17:00');
  });
});

describe('Scenario: bad limits are refused naming the parameter', () => {
  test.each([
    [{ value: Number.NaN, unit: 'working_days' }, 'limit.value'],
    [{ value: -1, unit: 'working_hours' }, 'limit.value'],
    [{ value: 1.3, unit: 'working_days' }, 'limit.value'],
    [{ value: 1, unit: 'months' }, 'limit.unit'],
    [{ value: 1.5, unit: 'calendar_days' }, 'limit.value'],
    [{ value: -2, unit: 'calendar_days' }, 'limit.value'],
  ])('%j → Invalid naming %s', (limit, param) => {
    let err: any;
    try {
      h.service().dueDate(limit as any, vn('02/03/2026 09:00'));
    } catch (e) {
      err = e;
    }
    expect(err?.name).toBe('Invalid');
    expect(err.details).toEqual({ param });
  });

  test('a cut-off time that is not HH:MM → Invalid naming cutOff.after', () => {
    expect(() => h.service().dueDate(days(1), vn('02/03/2026 09:00'), { after: '3pm', countFrom: 'next_working_day' })).toThrow(/cutOff.after/);
  });
});
