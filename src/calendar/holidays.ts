/**
 * Statutory public holidays (ngày nghỉ lễ, tết) of one Gregorian year, computed from the dated
 * rules of holiday-rules.ts (the rules in force on each day apply), plus the days off in lieu
 * when a holiday falls on a weekend. The Government's yearly decisions (decisions.ts) are not
 * applied here as days — they reach the calendar as approved overrides (calendar.ts, store.ts),
 * which win over everything here — but they settle which computed days are provisional.
 *
 * Where the law leaves the choice to the Prime Minister (Labour Code 2019, art. 112 cl. 3: the
 * exact days of Tết and the second National Day holiday), the day is a rule-based default,
 * marked `provisional: true` until a decision for that year and occasion is given:
 *
 *  - Tết Âm lịch: the last day of the old lunar year plus days 1–4 of the new one (5 days;
 *    1 + 3 under the Labour Code 1994). The most common arrangement, not a legal rule.
 *  - Quốc khánh, 2 September plus one adjacent day (1 or 3 September): a weekday is
 *    preferred, and among weekdays the one that joins the holiday to a weekend (Monday
 *    1/9 or Friday 3/9); otherwise 1 September. This reproduces the government's choices
 *    of 2021–2026 (Thu → 3/9, Fri → 1/9, Sat → 1/9, Mon → 3/9, Tue → 1/9, Wed → 1/9).
 *
 * Weekend rule (Labour Code 2019, art. 111 cl. 3): when a holiday coincides with the weekly
 * rest day, the worker takes the next working day off instead (not for a rule marked
 * `compensated: false`: 24/11, which art. 112 cl. 1 does not list). Public agencies rest on
 * Saturday and Sunday, so each holiday on a Saturday or Sunday yields one day in lieu on the
 * first following Monday–Friday that is neither a holiday nor already a day in lieu. Two
 * holidays on the same date (10/3 lunar can fall on 30 April or 1 May) are treated alike: the
 * second one is taken on the next working day.
 */
import { dateFromJdn, isoFromJdn, jdnFromDate, weekdayOfJdn } from './dates.js';
import { decisionSource, decisionsFor, type GovernmentDecision } from './decisions.js';
import { CalendarError } from './errors.js';
import { COMPENSATION_RULES, HOLIDAY_RULES, inForce, type HolidayRule, type Occasion } from './holiday-rules.js';
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
  /** The legal provision the day rests on (and the decision fixing it, when there is one). */
  source: string;
  /** 'holiday': a statutory day itself; 'compensation': a day off in lieu of one on a weekend. */
  kind: 'holiday' | 'compensation';
  /** True when the exact day is the government's yearly choice and no decision for the year was found. */
  provisional: boolean;
  /** For a compensation day: the date of the holiday it replaces. */
  compensates?: string;
  occasion: Occasion;
  /** The rule the day comes from (for a day in lieu: the rule of the holiday it replaces). */
  ruleId: string;
}

export interface HolidayOptions {
  /** The holiday rules; default: every rule of the Labour Codes (HOLIDAY_RULES). */
  rules?: readonly HolidayRule[];
  /** Decisions that settle provisional days; default none (rules alone). */
  decisions?: readonly GovernmentDecision[];
}

/** The statutory days of `year` (no days in lieu), in date order. */
export function statutoryHolidays(year: number, options: HolidayOptions = {}): Holiday[] {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new CalendarError('year', `year must be an integer in ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}, got ${String(year)}`);
  }
  const rules = options.rules ?? HOLIDAY_RULES;
  const decisions = options.decisions ?? [];
  const days: Holiday[] = [];
  for (const rule of rules) {
    const settledBy = rule.yearlyDecision ? decisionsFor(decisions, year, rule.occasion) : [];
    for (const day of daysOfRule(rule, year)) {
      if (!inForce(rule, day.jdn)) continue;
      days.push({
        date: isoFromJdn(day.jdn),
        nameVi: day.nameVi,
        nameEn: day.nameEn,
        source: [rule.source, ...settledBy.map(decisionSource)].join('; '),
        kind: 'holiday',
        provisional: rule.yearlyDecision && settledBy.length === 0,
        occasion: rule.occasion,
        ruleId: rule.id,
      });
    }
  }
  return days.sort(byDate);
}

/** The statutory days of `year` and the days off in lieu of those on a weekend, in date order. */
export function holidaysForYear(year: number, options: HolidayOptions = {}): Holiday[] {
  const statutory = statutoryHolidays(year, options);
  const statutoryDays = new Set(statutory.map((h) => isoToJdn(h.date)));
  const taken = new Set<number>(); // dates already off: a holiday on a weekday, or a day in lieu
  const needLieu: Holiday[] = [];
  const rules = options.rules ?? HOLIDAY_RULES;
  const noLieu = new Set(rules.filter((r) => r.compensated === false).map((r) => r.id));
  for (const holiday of statutory) {
    const jdn = isoToJdn(holiday.date);
    if (isWeekend(jdn) || taken.has(jdn)) {
      if (!noLieu.has(holiday.ruleId)) needLieu.push(holiday);
    } else taken.add(jdn);
  }
  const inLieu: Holiday[] = [];
  for (const holiday of needLieu) {
    const rule = COMPENSATION_RULES.find((r) => inForce(r, isoToJdn(holiday.date)));
    if (!rule) continue;
    let day = isoToJdn(holiday.date) + 1;
    while (isWeekend(day) || taken.has(day) || statutoryDays.has(day)) day++;
    taken.add(day);
    inLieu.push({
      date: isoFromJdn(day),
      nameVi: `Nghỉ bù ${holiday.nameVi}`,
      nameEn: `Day off in lieu of ${holiday.nameEn}`,
      source: rule.source,
      kind: 'compensation',
      provisional: holiday.provisional,
      compensates: holiday.date,
      occasion: holiday.occasion,
      ruleId: holiday.ruleId,
    });
  }
  return [...statutory, ...inLieu].sort(byDate);
}

const remembered = new WeakMap<readonly GovernmentDecision[], Map<number, readonly Holiday[]>>();

/**
 * `holidaysForYear` under every rule, remembered per list of decisions: the days of a year never
 * change under the same decisions, and a calendar of 2000–2100 is built at every start and again
 * after every change of an override (~55 ms of lunar arithmetic each time).
 */
export function rememberedHolidays(year: number, decisions: readonly GovernmentDecision[]): readonly Holiday[] {
  let byYear = remembered.get(decisions);
  if (!byYear) remembered.set(decisions, (byYear = new Map<number, readonly Holiday[]>()));
  let days = byYear.get(year);
  if (!days) byYear.set(year, (days = Object.freeze(holidaysForYear(year, { decisions }).map((h) => Object.freeze(h)))));
  return days;
}

/** Saturday or Sunday. */
export function isWeekend(jdn: number): boolean {
  const weekday = weekdayOfJdn(jdn);
  return weekday === 0 || weekday === 6;
}

interface RuleDay {
  jdn: number;
  nameVi: string;
  nameEn: string;
}

/** The days a rule gives in `year`, before checking that the rule is in force on them. */
function daysOfRule(rule: HolidayRule, year: number): RuleDay[] {
  const named = (jdn: number): RuleDay => ({ jdn, nameVi: rule.nameVi, nameEn: rule.nameEn });
  const date = rule.date;
  switch (date.kind) {
    case 'solar':
      return [named(jdnFromDate(year, date.month, date.day))];
    case 'lunar': {
      const d = lunarToSolar(year, date.month, date.day);
      return [named(jdnFromDate(d.year, d.month, d.day))];
    }
    case 'lunar-new-year': {
      const d = lunarToSolar(year, 1, 1);
      const tet = jdnFromDate(d.year, d.month, d.day);
      const out: RuleDay[] = [];
      for (let jdn = tet - date.before; jdn < tet + date.from1; jdn++) {
        const c = dateFromJdn(jdn);
        const l = solarToLunar(c.year, c.month, c.day);
        out.push(
          jdn < tet
            ? {
                jdn,
                nameVi: `Tết Âm lịch (${l.day} tháng Chạp${l.leap ? ' nhuận' : ''})`,
                nameEn: `Lunar New Year (New Year's Eve, day ${l.day} of the 12th lunar month)`,
              }
            : { jdn, nameVi: `Tết Âm lịch (mùng ${l.day} tháng Giêng)`, nameEn: `Lunar New Year (day ${l.day} of the 1st lunar month)` },
        );
      }
      return out;
    }
    case 'national-day-adjacent': {
      const nationalDay = jdnFromDate(year, 9, 2);
      const jdn = adjacentNationalDay(nationalDay);
      const day = jdn < nationalDay ? '1' : '3';
      return [{ jdn, nameVi: `Quốc khánh (ngày liền kề ${day}/9)`, nameEn: `National Day (adjacent day, ${day} September)` }];
    }
  }
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

function byDate(x: Holiday, y: Holiday): number {
  return x.date < y.date ? -1 : x.date > y.date ? 1 : 0;
}

function isoToJdn(iso: string): number {
  return jdnFromDate(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}
