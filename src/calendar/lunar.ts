/**
 * Vietnam's lunisolar calendar (âm lịch), computed astronomically for UTC+7.
 *
 * The rules are those Hồ Ngọc Đức described for the Vietnamese calendar, which is the
 * Chinese rule set applied at Vietnam's meridian (UTC+7 instead of UTC+8), so the two
 * calendars part whenever a new moon or a solar term falls between 23:00 and 24:00 UTC+8
 * (Tết 1985, 2007 and others):
 *
 *  1. A month begins on the local (UTC+7) day of a new moon.
 *  2. Month 11 is the month containing the winter solstice (sun at 270°).
 *  3. If 13 months begin between one month 11 and the next (exclusive), one of them is a
 *     leap month: the first month after month 11 that contains no major solar term
 *     (trung khí: the sun crossing a multiple of 30°). It takes the number of the month
 *     before it and is flagged `leap`.
 *  4. The lunar year is the Gregorian year in which its month 1 begins.
 *
 * A month "contains no major term" when the sun's 30° sector at the local midnight that
 * starts it equals the sector at the midnight that starts the next month.
 *
 * Astronomy: mean new moon plus the periodic terms of J. Meeus (Astronomical Formulae for
 * Calculators, 1900.0 epoch) with an approximate ΔT, and the sun's true longitude from its
 * mean longitude and equation of centre. That is the precision the published Vietnamese
 * calendar is computed with; no nutation or aberration on purpose, so edge days agree.
 *
 * Accepted range: solar years 1800–2199; tested day by day for 1900–2100.
 */
import { CalendarError } from './errors.js';
import { dateFromJdn, isValidDate, jdnFromDate, type CivilDate } from './dates.js';

export const LUNAR_MIN_YEAR = 1800;
export const LUNAR_MAX_YEAR = 2199;

export interface LunarDate {
  /** Lunar year: the Gregorian year in which its month 1 (tháng Giêng) begins. */
  year: number;
  /** 1–12. */
  month: number;
  /** 1–30. */
  day: number;
  /** True in a leap month (tháng nhuận), which repeats the number of the month before it. */
  leap: boolean;
}

const TIME_ZONE_HOURS = 7;
const RAD = Math.PI / 180;
const SYNODIC_MONTH = 29.530588853;
/** Day number near the series' first new moon (k = 0, 1900-01-01 about 13:51 UT), to estimate k from a date. */
const LUNATION_ORIGIN = 2415021.076998695;

/** Julian date (UT) of the k-th new moon, k = 0 being the new moon of 1900-01-01. */
function newMoonJulianDate(k: number): number {
  const t = k / 1236.85; // Julian centuries since 1900.0
  const t2 = t * t;
  const t3 = t2 * t;
  const mean = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3 + 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * RAD);
  const sunAnomaly = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * RAD;
  const moonAnomaly = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * RAD;
  const latitudeArg = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * RAD;
  const periodic =
    (0.1734 - 0.000393 * t) * Math.sin(sunAnomaly) +
    0.0021 * Math.sin(2 * sunAnomaly) -
    0.4068 * Math.sin(moonAnomaly) +
    0.0161 * Math.sin(2 * moonAnomaly) -
    0.0004 * Math.sin(3 * moonAnomaly) +
    0.0104 * Math.sin(2 * latitudeArg) -
    0.0051 * Math.sin(sunAnomaly + moonAnomaly) -
    0.0074 * Math.sin(sunAnomaly - moonAnomaly) +
    0.0004 * Math.sin(2 * latitudeArg + sunAnomaly) -
    0.0004 * Math.sin(2 * latitudeArg - sunAnomaly) -
    0.0006 * Math.sin(2 * latitudeArg + moonAnomaly) +
    0.001 * Math.sin(2 * latitudeArg - moonAnomaly) +
    0.0005 * Math.sin(sunAnomaly + 2 * moonAnomaly);
  // ΔT = TT − UT in days, a polynomial fit good enough for calendar days.
  const deltaT = t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3 : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return mean + periodic - deltaT;
}

/** The local (UTC+7) JDN of the day on which the k-th new moon falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoonJulianDate(k) + 0.5 + TIME_ZONE_HOURS / 24);
}

/** The sun's true ecliptic longitude in degrees [0, 360) at a Julian date. */
function sunLongitude(julianDate: number): number {
  const t = (julianDate - 2451545.0) / 36525; // Julian centuries since J2000.0
  const t2 = t * t;
  const meanAnomaly = (357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * RAD;
  const meanLongitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  const centre =
    (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(meanAnomaly) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * meanAnomaly) +
    0.00029 * Math.sin(3 * meanAnomaly);
  const longitude = (meanLongitude + centre) % 360;
  return longitude < 0 ? longitude + 360 : longitude;
}

/** Which 30° sector (0–11, 0 = from the March equinox) the sun is in at the local midnight starting day `jdn`. */
function sunSectorAtStartOf(jdn: number): number {
  return Math.floor(sunLongitude(jdn - 0.5 - TIME_ZONE_HOURS / 24) / 30);
}

/** Index k of the last new moon whose local day is ≤ `jdn`. */
function lastNewMoonOnOrBefore(jdn: number): number {
  let k = Math.floor((jdn - LUNATION_ORIGIN) / SYNODIC_MONTH);
  while (newMoonDay(k) > jdn) k--;
  while (newMoonDay(k + 1) <= jdn) k++;
  return k;
}

const month11Cache = new Map<number, number>();

/**
 * Index k of the new moon starting month 11 of the Gregorian year `year`: the month
 * holding the December solstice. The solstice falls on 21–22 December, so it is either
 * in the month running at 31 December or, if that month began after the solstice
 * (sun already in sector 9, ≥ 270°), in the month before.
 */
function month11Index(year: number): number {
  let k = month11Cache.get(year);
  if (k === undefined) {
    k = lastNewMoonOnOrBefore(jdnFromDate(year, 12, 31));
    if (sunSectorAtStartOf(newMoonDay(k)) >= 9) k--;
    month11Cache.set(year, k);
  }
  return k;
}

interface MonthSpan {
  /** Local JDN of day 1. */
  start: number;
  length: number;
  year: number;
  month: number;
  leap: boolean;
}

const spanCache = new Map<number, MonthSpan[]>();

/**
 * The months from month 11 of Gregorian year `year - 1` up to (not including) month 11 of
 * `year`: months 11 and 12 of lunar year `year - 1` then months 1–10 of lunar year
 * `year`, with a leap month among them when there are 13.
 */
function monthsBetweenSolstices(year: number): MonthSpan[] {
  const cached = spanCache.get(year);
  if (cached) return cached;
  const first = month11Index(year - 1);
  const count = month11Index(year) - first;
  const starts: number[] = [];
  for (let i = 0; i <= count; i++) starts.push(newMoonDay(first + i));

  let leapAt = -1;
  if (count === 13) {
    for (let i = 1; i < count; i++) {
      if (sunSectorAtStartOf(starts[i]) === sunSectorAtStartOf(starts[i + 1])) {
        leapAt = i;
        break;
      }
    }
  }

  const spans: MonthSpan[] = [];
  let lunarYear = year - 1;
  for (let i = 0; i < count; i++) {
    const leap = i === leapAt;
    const ordinal = leapAt >= 0 && i >= leapAt ? i - 1 : i; // months elapsed since month 11, leap not counted
    const month = ((10 + ordinal) % 12) + 1;
    if (month === 1 && !leap) lunarYear = year;
    spans.push({ start: starts[i], length: starts[i + 1] - starts[i], year: lunarYear, month, leap });
  }
  spanCache.set(year, spans);
  return spans;
}

/** Converts a Gregorian date (as observed in Vietnam) to its Vietnamese lunar date. */
export function solarToLunar(year: number, month: number, day: number): LunarDate {
  checkSolarYear(year, 'year');
  if (!isValidDate(year, month, day)) {
    throw new CalendarError(Number.isInteger(month) && month >= 1 && month <= 12 ? 'day' : 'month', `not a real calendar date: ${year}-${month}-${day}`);
  }
  const jdn = jdnFromDate(year, month, day);
  const segment = jdn >= newMoonDay(month11Index(year)) ? year + 1 : year;
  const spans = monthsBetweenSolstices(segment);
  let i = spans.length - 1;
  while (spans[i].start > jdn) i--;
  const span = spans[i];
  return { year: span.year, month: span.month, day: jdn - span.start + 1, leap: span.leap };
}

/**
 * Converts a Vietnamese lunar date to the Gregorian date. `leap` selects the leap month
 * of that number; asking for a leap month the year does not have, or a day 30 in a
 * 29-day month, throws a CalendarError naming the parameter.
 */
export function lunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number, leap = false): CivilDate {
  if (!Number.isInteger(lunarYear) || lunarYear < LUNAR_MIN_YEAR - 1 || lunarYear > LUNAR_MAX_YEAR) {
    throw new CalendarError('lunarYear', `lunarYear must be an integer in ${LUNAR_MIN_YEAR - 1}–${LUNAR_MAX_YEAR}, got ${String(lunarYear)}`);
  }
  if (!Number.isInteger(lunarMonth) || lunarMonth < 1 || lunarMonth > 12) {
    throw new CalendarError('lunarMonth', `lunarMonth must be an integer in 1–12, got ${String(lunarMonth)}`);
  }
  if (!Number.isInteger(lunarDay) || lunarDay < 1 || lunarDay > 30) {
    throw new CalendarError('lunarDay', `lunarDay must be an integer in 1–30, got ${String(lunarDay)}`);
  }
  const segment = lunarMonth >= 11 ? lunarYear + 1 : lunarYear;
  const span = monthsBetweenSolstices(segment).find((s) => s.year === lunarYear && s.month === lunarMonth && s.leap === leap);
  if (!span) {
    throw new CalendarError('leap', `lunar year ${lunarYear} has no leap month ${lunarMonth}`);
  }
  if (lunarDay > span.length) {
    throw new CalendarError('lunarDay', `${leap ? 'leap ' : ''}month ${lunarMonth} of lunar year ${lunarYear} has ${span.length} days, got day ${lunarDay}`);
  }
  const result = dateFromJdn(span.start + lunarDay - 1);
  checkSolarYear(result.year, 'lunarYear');
  return result;
}

/** The leap month (tháng nhuận) of a lunar year, or null when it has none. */
export function leapMonthOf(lunarYear: number): number | null {
  lunarToSolar(lunarYear, 1, 1); // validates the year
  const spans = [...monthsBetweenSolstices(lunarYear), ...monthsBetweenSolstices(lunarYear + 1)];
  const leap = spans.find((s) => s.year === lunarYear && s.leap);
  return leap ? leap.month : null;
}

function checkSolarYear(year: number, param: string): void {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new CalendarError(param, `${param} must be an integer in ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR} (the lunar calendar's range), got ${String(year)}`);
  }
}
