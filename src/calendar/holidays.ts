/**
 * Statutory public holidays (ngày nghỉ lễ, tết) of the Labour Code 2019, art. 112 cl. 1,
 * for one Gregorian year, computed from rules alone, plus the days off in lieu when a
 * holiday falls on a weekend. The government's yearly decisions (the exact Tết days,
 * swapped working days) are not rules: they come from the approved override table
 * (see calendar.ts, overrides-seed.ts), which wins over everything here.
 *
 * Where the law leaves the choice to the Prime Minister (art. 112 cl. 3: the exact days
 * of Tết and the second National Day holiday), the day is a rule-based default, marked
 * `provisional: true`:
 *
 *  - Tết Âm lịch, 5 days: the last day of the old lunar year plus days 1–4 of the new
 *    one. This is the most common arrangement, not a legal rule; in some years the
 *    government picks e.g. two days before Tết and three after.
 *  - Quốc khánh, 2 September plus one adjacent day (1 or 3 September): a weekday is
 *    preferred, and among weekdays the one that joins the holiday to a weekend (Monday
 *    1/9 or Friday 3/9); otherwise 1 September. This reproduces the government's choices
 *    of 2021–2025 (Thu → 3/9, Fri → 1/9, Sat → 1/9, Mon → 3/9, Tue → 1/9); for a
 *    Wednesday it picks 1/9.
 *
 * Weekend rule (Labour Code 2019, art. 111 cl. 3): when a holiday coincides with the
 * weekly rest day, the worker takes the next working day off instead. Public agencies
 * rest on Saturday and Sunday, so each holiday on a Saturday or Sunday yields one day in
 * lieu on the first following Monday–Friday that is neither a holiday nor already a day
 * in lieu. The Code is silent on two holidays on the same date (10/3 lunar can fall on
 * 30 April or 1 May in years with an early leap month); the same rule is applied: the
 * second one is taken on the next working day.
 */
import { dateFromJdn, isoFromJdn, jdnFromDate, weekdayOfJdn } from './dates.js';
import { CalendarError } from './errors.js';
import { LUNAR_MAX_YEAR, LUNAR_MIN_YEAR, lunarToSolar, solarToLunar } from './lunar.js';

export const LABOUR_CODE = 'Bộ luật Lao động 2019';
export const COMPENSATION_SOURCE = `${LABOUR_CODE}, Điều 111, khoản 3`;
export const WEEKEND_SOURCE = 'Quyết định 188/1999/QĐ-TTg (chế độ tuần làm việc 40 giờ)';

export interface Holiday {
  /** 'YYYY-MM-DD'. */
  date: string;
  /** Vietnamese name, as shown to users. */
  nameVi: string;
  nameEn: string;
  /** The legal provision the day rests on. */
  source: string;
  /** 'holiday': a statutory day itself; 'compensation': a day off in lieu of one on a weekend. */
  kind: 'holiday' | 'compensation';
  /** True when the exact day is the government's yearly choice and this is the rule-based default. */
  provisional: boolean;
  /** For a compensation day: the date of the holiday it replaces. */
  compensates?: string;
}

const ART_112 = `${LABOUR_CODE}, Điều 112, khoản 1`;

/** The statutory days of `year` (no days in lieu), in date order. */
export function statutoryHolidays(year: number): Holiday[] {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new CalendarError('year', `year must be an integer in ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}, got ${String(year)}`);
  }
  const days: Holiday[] = [];
  const add = (jdn: number, nameVi: string, nameEn: string, point: string, provisional = false): void => {
    days.push({
      date: isoFromJdn(jdn),
      nameVi,
      nameEn,
      source: `${ART_112}, điểm ${point}`,
      kind: 'holiday',
      provisional,
    });
  };

  add(jdnFromDate(year, 1, 1), 'Tết Dương lịch', "New Year's Day", 'a');

  const newYear = lunarToSolar(year, 1, 1);
  const tet = jdnFromDate(newYear.year, newYear.month, newYear.day);
  const eveDate = dateFromJdn(tet - 1);
  const eve = solarToLunar(eveDate.year, eveDate.month, eveDate.day);
  add(
    tet - 1,
    `Tết Âm lịch (${eve.day} tháng Chạp${eve.leap ? ' nhuận' : ''})`,
    `Lunar New Year (New Year's Eve, day ${eve.day} of the 12th lunar month)`,
    'b',
    true,
  );
  for (let i = 0; i < 4; i++) {
    add(tet + i, `Tết Âm lịch (mùng ${i + 1} tháng Giêng)`, `Lunar New Year (day ${i + 1} of the 1st lunar month)`, 'b', true);
  }

  const hung = lunarToSolar(year, 3, 10);
  add(jdnFromDate(hung.year, hung.month, hung.day), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)", 'e');
  add(jdnFromDate(year, 4, 30), 'Ngày Chiến thắng (30/4)', 'Reunification Day (30 April)', 'c');
  add(jdnFromDate(year, 5, 1), 'Ngày Quốc tế lao động (1/5)', "International Workers' Day (1 May)", 'd');

  const nationalDay = jdnFromDate(year, 9, 2);
  add(nationalDay, 'Quốc khánh (2/9)', 'National Day (2 September)', 'đ');
  const adjacent = adjacentNationalDay(nationalDay);
  add(
    adjacent,
    `Quốc khánh (ngày liền kề ${adjacent < nationalDay ? '1/9' : '3/9'})`,
    `National Day (adjacent day, ${adjacent < nationalDay ? '1' : '3'} September)`,
    'đ',
    true,
  );

  return days.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

/** The statutory days of `year` and the days off in lieu of those on a weekend, in date order. */
export function holidaysForYear(year: number): Holiday[] {
  const statutory = statutoryHolidays(year);
  const taken = new Set<number>(); // dates already off: a holiday on a weekday, or a day in lieu
  const inLieu: Holiday[] = [];
  const needLieu: Holiday[] = [];
  for (const holiday of statutory) {
    const jdn = isoToJdn(holiday.date);
    if (isWeekend(jdn) || taken.has(jdn)) needLieu.push(holiday);
    else taken.add(jdn);
  }
  for (const holiday of needLieu) {
    let day = isoToJdn(holiday.date) + 1;
    while (isWeekend(day) || taken.has(day) || statutory.some((h) => isoToJdn(h.date) === day)) day++;
    taken.add(day);
    inLieu.push({
      date: isoFromJdn(day),
      nameVi: `Nghỉ bù ${holiday.nameVi}`,
      nameEn: `Day off in lieu of ${holiday.nameEn}`,
      source: COMPENSATION_SOURCE,
      kind: 'compensation',
      provisional: holiday.provisional,
      compensates: holiday.date,
    });
  }
  return [...statutory, ...inLieu].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

/** Saturday or Sunday. */
export function isWeekend(jdn: number): boolean {
  const weekday = weekdayOfJdn(jdn);
  return weekday === 0 || weekday === 6;
}

/**
 * 1 or 3 September, whichever is a weekday touching a weekend (Monday 1/9 or Friday 3/9);
 * else whichever is a weekday; else (both weekdays, neither touching a weekend) 1/9.
 */
function adjacentNationalDay(nationalDay: number): number {
  const before = nationalDay - 1;
  const after = nationalDay + 1;
  const score = (jdn: number, touchesWeekendOn: number): number => (isWeekend(jdn) ? 0 : weekdayOfJdn(jdn) === touchesWeekendOn ? 2 : 1);
  return score(after, 5) > score(before, 1) ? after : before;
}

function isoToJdn(iso: string): number {
  return jdnFromDate(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}
