import { holidaysForYear, statutoryHolidays } from '../../src/calendar/holidays.js';

const dates = (year: number, kind?: 'holiday' | 'compensation') =>
  holidaysForYear(year)
    .filter((h) => kind === undefined || h.kind === kind)
    .map((h) => h.date);

describe('statutory holidays (Labour Code 2019, art. 112)', () => {
  it('given 2026, when listing the statutory days, then there are the eleven days of art. 112 with Tết 16–20/02', () => {
    const days = statutoryHolidays(2026);
    expect(days).toHaveLength(11);
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
      expect(day.source).toMatch(/^Bộ luật Lao động 2019, Điều 11[12]/u);
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
