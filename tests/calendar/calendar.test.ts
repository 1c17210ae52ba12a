import { WorkingCalendar, type Override } from '../../src/calendar/calendar.js';
import { CalendarError } from '../../src/calendar/errors.js';
import { OVERRIDES_SEED, officialCalendar } from '../../src/calendar/overrides-seed.js';

const rules = new WorkingCalendar({ fromYear: 2020, toYear: 2030 });
const seeded = officialCalendar(2020, 2030);

function thrown(fn: () => unknown): CalendarError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CalendarError) return error;
    throw error;
  }
  throw new Error('expected a CalendarError');
}

describe('WorkingCalendar: working days', () => {
  it('given a 3-working-day limit received on Thursday 12/02/2026, when counting across the 2026 Tết break, then it is due on Tuesday 24/02/2026', () => {
    // Fri 13/02 counts; 14–15 weekend; 16–20 Tết (29 Chạp – mùng 4); 21–22 weekend; Mon 23, Tue 24.
    expect(rules.addWorkingDays('2026-02-12', 1)).toBe('2026-02-13');
    expect(rules.addWorkingDays('2026-02-12', 2)).toBe('2026-02-23');
    expect(rules.addWorkingDays('2026-02-12', 3)).toBe('2026-02-24');
    expect(rules.workingDaysBetween('2026-02-12', '2026-02-24')).toBe(3);
    for (const day of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) {
      expect(rules.isWorkingDay(day)).toBe(false);
    }
  });

  it("given Hùng Kings' day 2026 on Sunday 26/04, when counting that week, then Monday 27/04 is off in lieu, 28–29/04 are worked and 30/04–01/05 are holidays", () => {
    expect(rules.isWorkingDay('2026-04-26')).toBe(false);
    expect(rules.dayInfo('2026-04-27')).toEqual({
      date: '2026-04-27',
      working: false,
      kind: 'compensation',
      reason: 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)',
      reasonEn: "Day off in lieu of Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
      source: 'Bộ luật Lao động 2019, Điều 111, khoản 3',
      occasion: 'hung-kings',
    });
    expect(rules.isWorkingDay('2026-04-28')).toBe(true);
    expect(rules.isWorkingDay('2026-04-29')).toBe(true);
    expect(rules.isWorkingDay('2026-04-30')).toBe(false);
    expect(rules.isWorkingDay('2026-05-01')).toBe(false);
    expect(rules.addWorkingDays('2026-04-24', 3)).toBe('2026-05-04');
  });

  it('given a holiday on a weekend, when counting, then the day in lieu is not a working day', () => {
    // 1/1/2023 was a Sunday → Monday 2/1/2023 off.
    expect(rules.isWorkingDay('2023-01-02')).toBe(false);
    expect(rules.addWorkingDays('2022-12-30', 1)).toBe('2023-01-03');
  });

  it('given n = 0, when adding working days, then a working day returns itself and a day off the next working day', () => {
    expect(rules.addWorkingDays('2026-03-04', 0)).toBe('2026-03-04');
    expect(rules.addWorkingDays('2026-03-07', 0)).toBe('2026-03-09'); // Saturday → Monday
    expect(rules.addWorkingDays('2026-02-14', 0)).toBe('2026-02-23'); // Tết break → first day back
    expect(rules.addWorkingDays('2026-03-07', 1)).toBe('2026-03-09'); // from a day off, n = 1 is the same Monday
  });

  it('given two dates, when counting working days between them, then (a, b] is counted and the sign follows the order', () => {
    expect(rules.workingDaysBetween('2026-03-02', '2026-03-06')).toBe(4); // Mon → Fri
    expect(rules.workingDaysBetween('2026-03-06', '2026-03-02')).toBe(-4);
    expect(rules.workingDaysBetween('2026-03-02', '2026-03-02')).toBe(0);
    expect(rules.workingDaysBetween('2026-03-06', '2026-03-08')).toBe(0); // Fri → Sun
  });

  it('given the precomputed counts, when compared with a day-by-day count over 2024–2027, then they agree', () => {
    const days: string[] = [];
    for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2027, 11, 31); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
    const working = days.map((d) => seeded.isWorkingDay(d));
    for (let i = 0; i < days.length; i += 17) {
      for (let j = i; j < Math.min(days.length, i + 40); j += 3) {
        const naive = working.slice(i + 1, j + 1).filter(Boolean).length;
        expect(seeded.workingDaysBetween(days[i], days[j])).toBe(naive);
        if (naive > 0) {
          const due = seeded.addWorkingDays(days[i], naive);
          expect(seeded.workingDaysBetween(days[i], due)).toBe(naive);
          expect(seeded.isWorkingDay(due)).toBe(true);
        }
      }
    }
  });

  // How fast it builds is measured by benchmarks, never asserted in a test.
  it('given a calendar for 1900–2100, when built, then it counts a whole year like a narrow one', () => {
    const wide = new WorkingCalendar({ fromYear: 1900, toYear: 2100 });
    expect(wide.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(rules.workingDaysBetween('2025-12-31', '2026-12-31'));
    expect(wide.range).toEqual({ from: '1900-01-01', to: '2100-12-31' });
  });
});

describe('WorkingCalendar: overrides', () => {
  it('given the 2025 seed, when asking about the Tết and 30/4 swaps, then the overrides win over the rules', () => {
    // Rules alone: 27/01 worked, 03/02 off in lieu of Saturday 01/02, 26/04 Saturday off, 02/05 worked.
    expect(rules.isWorkingDay('2025-01-27')).toBe(true);
    expect(rules.isWorkingDay('2025-02-03')).toBe(false);
    expect(rules.isWorkingDay('2025-04-26')).toBe(false);
    expect(rules.isWorkingDay('2025-05-02')).toBe(true);
    // With the approved decisions.
    expect(seeded.isWorkingDay('2025-01-27')).toBe(false);
    expect(seeded.isWorkingDay('2025-02-03')).toBe(true);
    expect(seeded.isWorkingDay('2025-04-26')).toBe(true);
    expect(seeded.isWorkingDay('2025-05-02')).toBe(false);
    expect(seeded.dayInfo('2025-04-26')).toMatchObject({
      working: true,
      kind: 'override',
      source: 'Thông báo 6150/TB-LĐTBXH (Bộ Lao động – Thương binh và Xã hội); Công văn 8726/VPCP-KGVX ngày 26/11/2024 (Văn phòng Chính phủ)',
      enteredBy: 'seed',
    });
    // Friday 24/01/2025 + 1 working day: 25/01–02/02 is the Tết break.
    expect(seeded.addWorkingDays('2025-01-24', 1)).toBe('2025-02-03');
  });

  it('given an override that makes a holiday a working day, when asked, then the override wins', () => {
    const calendar = new WorkingCalendar({
      fromYear: 2026,
      toYear: 2026,
      overrides: [{ date: '2026-09-01', kind: 'working_day', reason: 'Thử nghiệm', source: 'Văn bản thử nghiệm' }],
    });
    expect(calendar.isWorkingDay('2026-09-01')).toBe(true);
    expect(calendar.isWorkingDay('2026-09-02')).toBe(false);
  });

  it('given overrides outside the range, when building, then they are ignored', () => {
    // The seed holds decisions for 2025 to 2027 only.
    const calendar = new WorkingCalendar({ fromYear: 2028, toYear: 2028, overrides: OVERRIDES_SEED });
    expect(calendar.nonWorkingWeekdaysAndWorkingWeekends(2028)).toEqual(rules.nonWorkingWeekdaysAndWorkingWeekends(2028));
  });

  it('given malformed overrides, when building, then a CalendarError names the row and field', () => {
    const row: Override = { date: '2026-01-02', kind: 'day_off', reason: 'Nghỉ', source: 'Văn bản' };
    expect(thrown(() => new WorkingCalendar({ fromYear: 2026, toYear: 2026, overrides: [{ ...row, kind: 'holiday' as never }] })).param).toBe(
      'overrides[0].kind',
    );
    expect(thrown(() => new WorkingCalendar({ fromYear: 2026, toYear: 2026, overrides: [row, { ...row }] })).param).toBe('overrides[1].date');
    expect(thrown(() => new WorkingCalendar({ fromYear: 2026, toYear: 2026, overrides: [{ ...row, date: '2026-02-30' }] })).param).toBe('overrides[0].date');
    expect(thrown(() => new WorkingCalendar({ fromYear: 2026, toYear: 2026, overrides: [{ ...row, source: ' ' }] })).param).toBe('overrides[0].source');
  });
});

describe('WorkingCalendar: the year listing', () => {
  it('given 2025 with the seed, when listing non-working weekdays and working weekends, then every exception is listed with reason and source', () => {
    const list = seeded.nonWorkingWeekdaysAndWorkingWeekends(2025);
    expect(list.map((d) => [d.date, d.working])).toEqual([
      ['2025-01-01', false],
      ['2025-01-27', false],
      ['2025-01-28', false],
      ['2025-01-29', false],
      ['2025-01-30', false],
      ['2025-01-31', false],
      ['2025-04-07', false],
      ['2025-04-26', true],
      ['2025-04-30', false],
      ['2025-05-01', false],
      ['2025-05-02', false],
      ['2025-09-01', false],
      ['2025-09-02', false],
    ]);
    for (const day of list) {
      expect(day.reason.length).toBeGreaterThan(0);
      expect(day.source.length).toBeGreaterThan(0);
    }
    expect(list[0]).toMatchObject({ reason: 'Tết Dương lịch', reasonEn: "New Year's Day", kind: 'holiday' });
  });

  it('given a weekend and an ordinary weekday, when asking for day info, then the weekend names its source and the weekday has none', () => {
    expect(rules.dayInfo('2026-03-07')).toEqual({
      date: '2026-03-07',
      working: false,
      kind: 'weekend',
      reason: 'Nghỉ hằng tuần (thứ Bảy)',
      reasonEn: 'Weekly rest day (Saturday)',
      source: 'Quyết định 188/1999/QĐ-TTg (chế độ tuần làm việc 40 giờ)',
    });
    expect(rules.dayInfo('2026-03-04')).toEqual({ date: '2026-03-04', working: true, kind: 'workday' });
    expect(rules.dayInfo('2026-02-17')).toMatchObject({ working: false, kind: 'holiday', provisional: true });
  });
});

describe('WorkingCalendar: bad input', () => {
  it('given invalid dates, when querying, then a CalendarError names the parameter in English', () => {
    const error = thrown(() => rules.isWorkingDay('2026-02-30'));
    expect(error).toBeInstanceOf(CalendarError);
    expect(error.param).toBe('date');
    expect(error.message).toMatch(/not a real calendar date/);
    expect(thrown(() => rules.dayInfo('26/02/2026')).param).toBe('date');
    expect(thrown(() => rules.workingDaysBetween('2026-01-01', '2026-13-01')).param).toBe('b');
    expect(thrown(() => rules.addWorkingDays('2026-2-1', 1)).param).toBe('from');
  });

  it('given dates outside the range, when querying, then a CalendarError names the parameter', () => {
    expect(thrown(() => rules.isWorkingDay('2031-01-01')).message).toMatch(/outside the calendar's range 2020–2030/);
    expect(thrown(() => rules.addWorkingDays('2019-12-31', 1)).param).toBe('from');
    expect(thrown(() => rules.addWorkingDays('2030-12-30', 5)).param).toBe('n');
    expect(thrown(() => rules.workingDaysBetween('2019-06-01', '2026-01-01')).param).toBe('a');
    expect(thrown(() => rules.nonWorkingWeekdaysAndWorkingWeekends(2031)).param).toBe('year');
  });

  it('given negative or fractional counts, when adding working days, then a CalendarError names n', () => {
    expect(thrown(() => rules.addWorkingDays('2026-03-02', -1)).param).toBe('n');
    expect(thrown(() => rules.addWorkingDays('2026-03-02', 1.5)).param).toBe('n');
    expect(thrown(() => rules.addWorkingDays('2026-03-02', Number.NaN)).param).toBe('n');
  });

  it('given a bad year range, when building, then a CalendarError names the year', () => {
    expect(thrown(() => new WorkingCalendar({ fromYear: 2027, toYear: 2026 })).param).toBe('toYear');
    expect(thrown(() => new WorkingCalendar({ fromYear: 1500, toYear: 2026 })).param).toBe('fromYear');
    expect(thrown(() => new WorkingCalendar({ fromYear: 2026.5, toYear: 2027 })).param).toBe('fromYear');
  });
});
