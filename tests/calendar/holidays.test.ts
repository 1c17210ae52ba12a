import { holidaysForYear, statutoryHolidays } from '../../src/calendar/holidays.js';
import { GOVERNMENT_DECISIONS } from '../../src/calendar/decisions.js';
import { HOLIDAY_RULES, type HolidayRule } from '../../src/calendar/holiday-rules.js';

const dates = (year: number, kind?: 'holiday' | 'compensation') =>
  holidaysForYear(year)
    .filter((h) => kind === undefined || h.kind === kind)
    .map((h) => h.date);

describe('statutory holidays (Labour Code 2019, art. 112)', () => {
  it('given 2026, when listing the statutory days, then there are the eleven days of art. 112 with Tết 16–20/02, and 24/11', () => {
    const days = statutoryHolidays(2026);
    expect(days).toHaveLength(12);
    expect(days.map((d) => d.date)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-26',
      '2026-04-30',
      '2026-05-01',
      '2026-09-01',
      '2026-09-02',
      '2026-11-24',
    ]);
  });

  it('given any holiday, when inspected, then it has a Vietnamese name with diacritics, an English name and its legal source', () => {
    const days = holidaysForYear(2026);
    const hung = days.find((d) => d.date === '2026-04-26');
    expect(hung).toMatchObject({
      nameVi: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
      nameEn: "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
      source: 'Bộ luật Lao động 2019, Điều 112, khoản 1, điểm e',
      kind: 'holiday',
      provisional: false,
    });
    expect(days.find((d) => d.date === '2026-02-17')).toMatchObject({
      nameVi: 'Tết Âm lịch (mùng 1 tháng Giêng)',
      provisional: true,
    });
    expect(days.find((d) => d.date === '2026-02-16')?.nameVi).toBe('Tết Âm lịch (29 tháng Chạp)');
    for (const day of days) {
      expect(day.nameVi).toMatch(/\P{ASCII}/u); // Vietnamese diacritics
      expect(day.nameEn.length).toBeGreaterThan(0);
      expect(day.source).toMatch(/^(Bộ luật Lao động 2019, Điều 11[12]|Nghị quyết 28\/2026\/QH16 .*Điều 2)/u);
    }
  });

  it("given Hùng Kings' day 2026 on Sunday 26/04, when computing days in lieu, then Monday 27/04 is off and 28–29/04 are not", () => {
    expect(new Date(Date.UTC(2026, 3, 26)).getUTCDay()).toBe(0);
    const inLieu = holidaysForYear(2026).filter((h) => h.kind === 'compensation');
    expect(inLieu).toEqual([
      expect.objectContaining({
        date: '2026-04-27',
        compensates: '2026-04-26',
        nameVi: 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)',
        source: 'Bộ luật Lao động 2019, Điều 111, khoản 3',
      }),
    ]);
  });

  it('given holidays on weekends, when computing days in lieu, then each is taken on the next free weekday', () => {
    // 1/1/2023 was a Sunday.
    expect(dates(2023, 'compensation')).toContain('2023-01-02');
    // 30/4/2022 Saturday and 1/5/2022 Sunday → Monday 2/5 and Tuesday 3/5.
    expect(dates(2022, 'compensation')).toEqual(expect.arrayContaining(['2022-05-02', '2022-05-03']));
    // Hùng Kings 29/4/2023 Saturday, 30/4 Sunday, 1/5 Monday → 2/5 and 3/5 (1/5 is itself a holiday).
    expect(dates(2023, 'compensation')).toEqual(expect.arrayContaining(['2023-05-02', '2023-05-03']));
    // Tết 2024: mùng 1 and 2 on Saturday 10 and Sunday 11/02 → after the Tết block, 14 and 15/02.
    expect(dates(2024, 'compensation')).toEqual(['2024-02-14', '2024-02-15']);
    // 2/9/2023 Saturday → Monday 4/9; the adjacent day is Friday 1/9.
    expect(dates(2023)).toEqual(expect.arrayContaining(['2023-09-01', '2023-09-02', '2023-09-04']));
  });

  it('given the weekday of 2 September, when choosing the adjacent National Day holiday, then the weekday joining a weekend is preferred', () => {
    const adjacent = (year: number) => statutoryHolidays(year).find((h) => h.nameEn.startsWith('National Day (adjacent'))?.date;
    expect(adjacent(2021)).toBe('2021-09-03'); // 2/9 Thursday → Friday 3/9
    expect(adjacent(2022)).toBe('2022-09-01'); // Friday → Thursday 1/9
    expect(adjacent(2023)).toBe('2023-09-01'); // Saturday → Friday 1/9
    expect(adjacent(2024)).toBe('2024-09-03'); // Monday → Tuesday 3/9
    expect(adjacent(2025)).toBe('2025-09-01'); // Tuesday → Monday 1/9
    expect(adjacent(2026)).toBe('2026-09-01'); // Wednesday → default 1/9
  });
});

describe('holidays as dated law', () => {
  it('given the Labour Code 2019 in force from 01/01/2021, when computing 2020 and 2021, then the day adjacent to 2/9 exists only from 2021', () => {
    const national = (year: number) => statutoryHolidays(year).filter((h) => h.occasion === 'national-day');
    expect(national(2020).map((h) => [h.date, h.source])).toEqual([['2020-09-02', 'Bộ luật Lao động 2012, Điều 115, khoản 1, điểm đ']]);
    expect(national(2021).map((h) => h.date)).toEqual(['2021-09-02', '2021-09-03']);
    expect(statutoryHolidays(2021).every((h) => h.source.startsWith('Bộ luật Lao động 2019, Điều 112, khoản 1'))).toBe(true);
  });

  it('given a holiday added by a later amendment, when it is one more rule, then it counts only from its first day in force', () => {
    // A hypothetical rule, in the shape Vietnam Culture Day took.
    const rule: HolidayRule = {
      id: 'test-later-day',
      occasion: 'new-year',
      date: { kind: 'solar', month: 10, day: 20 },
      nameVi: 'Ngày thử nghiệm (20/10)',
      nameEn: 'Test day (20 October)',
      effectiveFrom: '2027-01-01',
      effectiveTo: null,
      source: 'Văn bản thử nghiệm',
      confirmed: false,
      note: 'thử nghiệm',
      yearlyDecision: false,
    };
    const rules = [...HOLIDAY_RULES, rule];
    expect(statutoryHolidays(2026, { rules }).map((h) => h.date)).not.toContain('2026-10-20');
    expect(statutoryHolidays(2027, { rules }).map((h) => h.date)).toContain('2027-10-20');
    // 20/10/2029 is a Saturday: the day in lieu follows the compensation rule (Monday 22/10).
    expect(holidaysForYear(2029, { rules }).find((h) => h.compensates === '2029-10-20')?.date).toBe('2029-10-22');
  });

  it('given Resolution 28/2026/QH16 in force from 01/07/2026, when computing, then 24/11 is a holiday from 2026 on, not before, and never gives a day in lieu', () => {
    expect(holidaysForYear(2025).map((h) => h.date)).not.toContain('2025-11-24');
    expect(holidaysForYear(2026).find((h) => h.date === '2026-11-24')).toMatchObject({ kind: 'holiday', occasion: 'culture-day', provisional: false });
    // 24/11/2029 is a Saturday: art. 111 cl. 3 gives days in lieu for art. 112 cl. 1 only.
    expect(holidaysForYear(2029).find((h) => h.compensates === '2029-11-24')).toBeUndefined();
  });

  it('given the decisions found, when computing a year, then only the days of undecided occasions stay provisional', () => {
    const provisional = (year: number) =>
      holidaysForYear(year, { decisions: GOVERNMENT_DECISIONS })
        .filter((h) => h.provisional)
        .map((h) => h.date);
    expect(provisional(2025)).toEqual([]);
    expect(provisional(2026)).toEqual([]);
    expect(provisional(2027)).toEqual([]);
    expect(provisional(2028).length).toBeGreaterThan(0); // no decision for 2028 yet
    // Without decisions (rules alone) the 2026 Tết days are defaults.
    expect(
      holidaysForYear(2026)
        .filter((h) => h.provisional)
        .map((h) => h.date),
    ).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-09-01']);
  });

  it('given every rule, when read, then each has a source, effective dates in order and, unless confirmed, a note', () => {
    for (const rule of HOLIDAY_RULES) {
      expect(rule.source.length).toBeGreaterThan(0);
      if (rule.effectiveTo !== null) expect(rule.effectiveTo >= rule.effectiveFrom).toBe(true);
      if (!rule.confirmed) expect(rule.note?.length).toBeGreaterThan(0);
    }
  });
});
