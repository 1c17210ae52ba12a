import { CalendarError } from '../../src/calendar/errors.js';
import { dateFromJdn, jdnFromDate } from '../../src/calendar/dates.js';
import { leapMonthOf, lunarToSolar, solarToLunar } from '../../src/calendar/lunar.js';

const solar = (iso: string) => ({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) });

describe('lunar calendar (Vietnam, UTC+7)', () => {
  it('given lunar year 2025 and 2026, when converting 1/1 lunar, then Tết falls on 29/01/2025 and 17/02/2026', () => {
    expect(lunarToSolar(2025, 1, 1)).toEqual(solar('2025-01-29'));
    expect(lunarToSolar(2026, 1, 1)).toEqual(solar('2026-02-17'));
    expect(solarToLunar(2026, 2, 17)).toEqual({ year: 2026, month: 1, day: 1, leap: false });
  });

  it('given the Lunar New Year dates of 2000–2028, when computed, then each matches the published Vietnamese date', () => {
    const tet: Record<number, string> = {
      2000: '2000-02-05',
      2001: '2001-01-24',
      2002: '2002-02-12',
      2003: '2003-02-01',
      2004: '2004-01-22',
      2005: '2005-02-09',
      2006: '2006-01-29',
      2007: '2007-02-17',
      2008: '2008-02-07',
      2009: '2009-01-26',
      2010: '2010-02-14',
      2011: '2011-02-03',
      2012: '2012-01-23',
      2013: '2013-02-10',
      2014: '2014-01-31',
      2015: '2015-02-19',
      2016: '2016-02-08',
      2017: '2017-01-28',
      2018: '2018-02-16',
      2019: '2019-02-05',
      2020: '2020-01-25',
      2021: '2021-02-12',
      2022: '2022-02-01',
      2023: '2023-01-22',
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
    };
    for (const [year, date] of Object.entries(tet)) expect([year, lunarToSolar(Number(year), 1, 1)]).toEqual([year, solar(date)]);
  });

  it('given years where the UTC+7 and UTC+8 calendars part, when computing Tết, then the Vietnamese date is given, not the Chinese one', () => {
    // 1985: Vietnam 21/01/1985, China 20/02/1985 (a whole month apart: the leap month falls differently).
    expect(lunarToSolar(1985, 1, 1)).toEqual(solar('1985-01-21'));
    expect(solarToLunar(1985, 2, 20)).toEqual({ year: 1985, month: 2, day: 1, leap: false });
    // 2007: Vietnam 17/02/2007, China 18/02/2007 (new moon between 23:00 and 24:00 UTC+8).
    expect(lunarToSolar(2007, 1, 1)).toEqual(solar('2007-02-17'));
    expect(solarToLunar(2007, 2, 18)).toEqual({ year: 2007, month: 1, day: 2, leap: false });
    // 1968: Tết Mậu Thân was 29/01/1968 in the North (UTC+7), a day before China's.
    expect(lunarToSolar(1968, 1, 1)).toEqual(solar('1968-01-29'));
    // 2030: the new moon of 2 February falls after 23:00 UTC+7 → Vietnam 02/02/2030, China 03/02/2030.
    expect(lunarToSolar(2030, 1, 1)).toEqual(solar('2030-02-02'));
    expect(solarToLunar(2030, 2, 3)).toEqual({ year: 2030, month: 1, day: 2, leap: false });
  });

  it("given the Hùng Kings' day 10/3 lunar, when converted, then it matches the known solar dates", () => {
    expect(lunarToSolar(2023, 3, 10)).toEqual(solar('2023-04-29'));
    expect(lunarToSolar(2024, 3, 10)).toEqual(solar('2024-04-18'));
    expect(lunarToSolar(2025, 3, 10)).toEqual(solar('2025-04-07'));
    expect(lunarToSolar(2026, 3, 10)).toEqual(solar('2026-04-26'));
  });

  it('given known leap years, when asking for the leap month, then it is the published one', () => {
    expect(leapMonthOf(2004)).toBe(2);
    expect(leapMonthOf(2006)).toBe(7);
    expect(leapMonthOf(2009)).toBe(5);
    expect(leapMonthOf(2012)).toBe(4);
    expect(leapMonthOf(2014)).toBe(9);
    expect(leapMonthOf(2017)).toBe(6);
    expect(leapMonthOf(2020)).toBe(4);
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2025)).toBe(6);
    expect(leapMonthOf(2024)).toBeNull();
    expect(leapMonthOf(2026)).toBeNull();
    // Leap month 6 of 2025 began on 25/07/2025.
    expect(lunarToSolar(2025, 6, 1, true)).toEqual(solar('2025-07-25'));
    expect(solarToLunar(2025, 7, 25)).toEqual({ year: 2025, month: 6, day: 1, leap: true });
  });

  it('given Mid-Autumn 2024, when converting 17/09/2024, then it is 15/8 lunar', () => {
    expect(solarToLunar(2024, 9, 17)).toEqual({ year: 2024, month: 8, day: 15, leap: false });
  });

  it('given every day of 1900–2100, when converting to lunar and back, then the same day comes back and the lunar days run on without gaps', () => {
    const first = jdnFromDate(1900, 1, 1);
    const last = jdnFromDate(2100, 12, 31);
    let previous = solarToLunar(1899, 12, 31);
    let monthsInYear = 0;
    for (let jdn = first; jdn <= last; jdn++) {
      const { year, month, day } = dateFromJdn(jdn);
      const lunar = solarToLunar(year, month, day);
      const back = lunarToSolar(lunar.year, lunar.month, lunar.day, lunar.leap);
      if (back.year !== year || back.month !== month || back.day !== day) {
        throw new Error(`round trip failed for ${year}-${month}-${day}: ${JSON.stringify(lunar)} → ${JSON.stringify(back)}`);
      }
      if (lunar.day === 1) {
        // A new month follows a 29- or 30-day month, with the next number (or the same number, leap).
        if (previous.day !== 29 && previous.day !== 30) throw new Error(`month of ${previous.day} days before ${year}-${month}-${day}`);
        const expected = lunar.leap ? previous.month : (previous.month % 12) + 1;
        if (lunar.month !== expected) throw new Error(`month ${lunar.month} after ${previous.month} at ${year}-${month}-${day}`);
        if (lunar.month === 1 && !lunar.leap) {
          if (lunar.year !== previous.year + 1) throw new Error(`lunar year does not advance at ${year}-${month}-${day}`);
          if (jdn > first + 400 && monthsInYear !== 12 && monthsInYear !== 13) throw new Error(`${monthsInYear} months before ${year}`);
          monthsInYear = 0;
        } else if (lunar.year !== previous.year) throw new Error(`lunar year changes mid-year at ${year}-${month}-${day}`);
        monthsInYear++;
      } else if (lunar.day !== previous.day + 1 || lunar.month !== previous.month || lunar.leap !== previous.leap) {
        throw new Error(`gap at ${year}-${month}-${day}: ${JSON.stringify(previous)} → ${JSON.stringify(lunar)}`);
      }
      previous = lunar;
    }
    expect(previous).toMatchObject({ year: 2100 });
  });

  it('given impossible lunar dates, when converting, then a CalendarError names the parameter', () => {
    expect(() => lunarToSolar(2026, 1, 1, true)).toThrow(expect.objectContaining({ param: 'leap' }));
    expect(() => lunarToSolar(2026, 13, 1)).toThrow(expect.objectContaining({ param: 'lunarMonth' }));
    expect(() => lunarToSolar(2026, 1, 31)).toThrow(expect.objectContaining({ param: 'lunarDay' }));
    expect(() => lunarToSolar(1500, 1, 1)).toThrow(expect.objectContaining({ param: 'lunarYear' }));
    // Tháng Chạp of Ất Tỵ (ending 16/02/2026) has 29 days.
    expect(lunarToSolar(2025, 12, 29)).toEqual(solar('2026-02-16'));
    expect(() => lunarToSolar(2025, 12, 30)).toThrow(expect.objectContaining({ param: 'lunarDay' }));
    expect(() => solarToLunar(2026, 2, 30)).toThrow(expect.objectContaining({ param: 'day' }));
    expect(() => solarToLunar(2026, 0, 1)).toThrow(expect.objectContaining({ param: 'month' }));
    expect(() => solarToLunar(1500, 1, 1)).toThrow(CalendarError);
  });
});
