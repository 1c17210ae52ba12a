/**
 * The statutory public holidays (ngày nghỉ lễ, tết) as dated law: each rule says which day it
 * gives, from which day to which day it is in force, and the provision it rests on. An
 * amendment of the Labour Code is one more rule (and an `effectiveTo` on the rule it replaces);
 * nothing else in the calendar changes.
 *
 * Three codes have governed public holidays:
 *  - Bộ luật Lao động 1994, Điều 73 (as amended by Luật 35/2002/QH10 and Luật 84/2007/QH11):
 *    1/1, Tết Âm lịch 4 days, 30/4, 1/5, 2/9, and from 2007 Giỗ Tổ Hùng Vương. Modelled for
 *    old dates only, from memory of the text, NOT checked against it here (`confirmed: false`).
 *  - Bộ luật Lao động 2012 (10/2012/QH13), Điều 115, khoản 1, in force 01/05/2013: Tết Âm lịch
 *    5 days, one day of National Day. Not checked against the text here either.
 *  - Bộ luật Lao động 2019 (45/2019/QH14), Điều 112, khoản 1, in force 01/01/2021: adds the
 *    day adjacent to 2/9 (1/9 or 3/9). Its list, and the day in lieu of art. 111 cl. 3, were
 *    checked against the consolidated text 18/VBHN-VPQH (2026) (see docs/legal-basis.md).
 *
 * And since 01/07/2026, outside the Labour Code: Ngày Văn hóa Việt Nam (24/11), a paid day off
 * by Nghị quyết 28/2026/QH16 of the National Assembly (24/04/2026), first taken on Tuesday
 * 24/11/2026 (Công văn 10065/VPCP-KGVX of 02/10/2026 gave public agencies that one day, with no
 * swap). Neither text was read in the original here: the rule rests on their numbers, dates and
 * official addresses as many independent public sources cite them alike, so it is
 * `confirmed: false` (docs/legal-basis.md). The consolidated Labour Code (18/VBHN-VPQH, 2026)
 * still lists six holidays in art. 112 cl. 1, and art. 111 cl. 3 gives a day in lieu only for
 * those: 24/11 on a weekend has none (`compensated: false`).
 */
import { jdnFromDate } from './dates.js';

/** What a holiday is for; a yearly Government decision settles the exact days of an occasion. */
export type Occasion = 'new-year' | 'tet' | 'hung-kings' | 'reunification' | 'labour-day' | 'national-day' | 'culture-day';

export type HolidayDate =
  /** A fixed Gregorian day. */
  | { kind: 'solar'; month: number; day: number }
  /** A day of the lunar year (month 1–12, not a leap month). */
  | { kind: 'lunar'; month: number; day: number }
  /** Tết Âm lịch: `before` days before mùng 1 and `from1` days from mùng 1 on (the default split). */
  | { kind: 'lunar-new-year'; before: number; from1: number }
  /** The day adjacent to 2 September: 1/9 or 3/9, chosen by the Prime Minister each year. */
  | { kind: 'national-day-adjacent' };

export interface HolidayRule {
  id: string;
  occasion: Occasion;
  date: HolidayDate;
  nameVi: string;
  nameEn: string;
  /** First day in force, 'YYYY-MM-DD'. */
  effectiveFrom: string;
  /** Last day in force; null while in force. */
  effectiveTo: string | null;
  /** The provision, e.g. 'Bộ luật Lao động 2019, Điều 112, khoản 1, điểm a'. */
  source: string;
  /** True when the text was checked; otherwise `note` says what was not. */
  confirmed: boolean;
  note?: string;
  /**
   * True when the law leaves the exact day to the Government's yearly decision (Tết, the day
   * adjacent to 2/9): the computed day is a default until a decision for the year is found.
   */
  yearlyDecision: boolean;
  /**
   * False when a holiday on the weekly rest day gives no day in lieu: the compensation rule
   * (Labour Code 2019, art. 111 cl. 3) covers the holidays of art. 112 cl. 1 only. Default true.
   */
  compensated?: boolean;
}

/** The rule on days off in lieu of a holiday on the weekly rest day, per code. */
export interface CompensationRule {
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
  confirmed: boolean;
  note?: string;
}

export const LABOUR_CODE_2019 = 'Bộ luật Lao động 2019 (45/2019/QH14)';
const LC2019 = 'Bộ luật Lao động 2019';
const LC2012 = 'Bộ luật Lao động 2012';
const LC1994 = 'Bộ luật Lao động 1994';

const NOTE_2012 = 'Điều khoản ghi theo hiểu biết, chưa đối chiếu văn bản gốc trong lienthong.';
const NOTE_1994 = 'Chỉ dùng cho ngày cũ; ghi theo hiểu biết, chưa đối chiếu văn bản gốc.';

const NOTE_2019 =
  'Đối chiếu ngày 30/11/2026 với Điều 112 khoản 1 trong văn bản hợp nhất 18/VBHN-VPQH năm 2026 của Bộ luật Lao động (bản sao công khai; trước đó với nội dung được Znews, VnEconomy ngày 26/02/2026 và Thanh Niên ngày 13/01/2026 trích dẫn); chưa đối chiếu bản Công báo.';
const C2019 = { effectiveFrom: '2021-01-01', effectiveTo: null, confirmed: true, note: NOTE_2019 } as const;
const C2012 = { effectiveFrom: '2013-05-01', effectiveTo: '2020-12-31', confirmed: false, note: NOTE_2012 } as const;
const C1994 = { effectiveFrom: '1995-01-01', effectiveTo: '2013-04-30', confirmed: false, note: NOTE_1994 } as const;

const NEW_YEAR = {
  occasion: 'new-year',
  date: { kind: 'solar', month: 1, day: 1 },
  nameVi: 'Tết Dương lịch',
  nameEn: "New Year's Day",
  yearlyDecision: false,
} as const;
const HUNG = {
  occasion: 'hung-kings',
  date: { kind: 'lunar', month: 3, day: 10 },
  nameVi: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
  nameEn: "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
  yearlyDecision: false,
} as const;
const APRIL_30 = {
  occasion: 'reunification',
  date: { kind: 'solar', month: 4, day: 30 },
  nameVi: 'Ngày Chiến thắng (30/4)',
  nameEn: 'Reunification Day (30 April)',
  yearlyDecision: false,
} as const;
const MAY_1 = {
  occasion: 'labour-day',
  date: { kind: 'solar', month: 5, day: 1 },
  nameVi: 'Ngày Quốc tế lao động (1/5)',
  nameEn: "International Workers' Day (1 May)",
  yearlyDecision: false,
} as const;
const SEPT_2 = {
  occasion: 'national-day',
  date: { kind: 'solar', month: 9, day: 2 },
  nameVi: 'Quốc khánh (2/9)',
  nameEn: 'National Day (2 September)',
  yearlyDecision: false,
} as const;
const TET = { occasion: 'tet', nameVi: 'Tết Âm lịch', nameEn: 'Lunar New Year', yearlyDecision: true } as const;

/** Every holiday rule, oldest code first. */
export const HOLIDAY_RULES: readonly HolidayRule[] = [
  { id: 'lc1994-new-year', ...NEW_YEAR, ...C1994, source: `${LC1994}, Điều 73` },
  { id: 'lc1994-tet', ...TET, date: { kind: 'lunar-new-year', before: 1, from1: 3 }, ...C1994, source: `${LC1994}, Điều 73` },
  { id: 'lc1994-reunification', ...APRIL_30, ...C1994, source: `${LC1994}, Điều 73` },
  { id: 'lc1994-labour-day', ...MAY_1, ...C1994, source: `${LC1994}, Điều 73` },
  { id: 'lc1994-national-day', ...SEPT_2, ...C1994, source: `${LC1994}, Điều 73` },
  {
    id: 'lc1994-hung-kings',
    ...HUNG,
    ...C1994,
    effectiveFrom: '2007-04-02',
    source: `${LC1994}, Điều 73 (sửa đổi bởi Luật 84/2007/QH11)`,
    note: `${NOTE_1994} Ngày bắt đầu áp dụng (02/04/2007) chưa đối chiếu.`,
  },

  { id: 'lc2012-new-year', ...NEW_YEAR, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm a` },
  { id: 'lc2012-tet', ...TET, date: { kind: 'lunar-new-year', before: 1, from1: 4 }, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm b` },
  { id: 'lc2012-reunification', ...APRIL_30, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm c` },
  { id: 'lc2012-labour-day', ...MAY_1, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm d` },
  { id: 'lc2012-national-day', ...SEPT_2, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm đ` },
  { id: 'lc2012-hung-kings', ...HUNG, ...C2012, source: `${LC2012}, Điều 115, khoản 1, điểm e` },

  { id: 'lc2019-new-year', ...NEW_YEAR, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm a` },
  { id: 'lc2019-tet', ...TET, date: { kind: 'lunar-new-year', before: 1, from1: 4 }, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm b` },
  { id: 'lc2019-reunification', ...APRIL_30, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm c` },
  { id: 'lc2019-labour-day', ...MAY_1, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm d` },
  { id: 'lc2019-national-day', ...SEPT_2, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm đ` },
  {
    id: 'lc2019-national-day-adjacent',
    occasion: 'national-day',
    date: { kind: 'national-day-adjacent' },
    nameVi: 'Quốc khánh (ngày liền kề)',
    nameEn: 'National Day (adjacent day)',
    yearlyDecision: true,
    ...C2019,
    source: `${LC2019}, Điều 112, khoản 1, điểm đ`,
  },
  { id: 'lc2019-hung-kings', ...HUNG, ...C2019, source: `${LC2019}, Điều 112, khoản 1, điểm e` },

  {
    id: 'nq28-2026-culture-day',
    occasion: 'culture-day',
    date: { kind: 'solar', month: 11, day: 24 },
    nameVi: 'Ngày Văn hóa Việt Nam (24/11)',
    nameEn: 'Vietnam Culture Day (24 November)',
    yearlyDecision: false,
    compensated: false,
    effectiveFrom: '2026-07-01',
    effectiveTo: null,
    source: 'Nghị quyết 28/2026/QH16 ngày 24/04/2026 của Quốc hội về phát triển văn hóa Việt Nam, Điều 2',
    confirmed: false,
    note: 'Chưa đọc văn bản gốc. Số hiệu, ngày ban hành, hiệu lực 01/07/2026 và Điều 2 ("người lao động được nghỉ làm việc và hưởng nguyên lương" ngày 24/11 hằng năm) ghi theo nhiều nguồn công khai độc lập cùng dẫn https://vanban.chinhphu.vn/?docid=218008 và xaydungchinhsach.chinhphu.vn. Chủ trương: Nghị quyết 80-NQ/TW (07/01/2026), Nghị quyết 30/NQ-CP (02/2026). Không nằm trong Điều 112 khoản 1 Bộ luật Lao động (văn bản hợp nhất 18/VBHN-VPQH năm 2026), nên không nghỉ bù khi trùng ngày nghỉ hằng tuần.',
  },
];

/** Days off in lieu of a holiday falling on the weekly rest day. */
export const COMPENSATION_RULES: readonly CompensationRule[] = [
  { effectiveFrom: '1995-01-01', effectiveTo: '2013-04-30', source: `${LC1994}, Điều 73`, confirmed: false, note: NOTE_1994 },
  { effectiveFrom: '2013-05-01', effectiveTo: '2020-12-31', source: `${LC2012}, Điều 115, khoản 3`, confirmed: false, note: NOTE_2012 },
  {
    effectiveFrom: '2021-01-01',
    effectiveTo: null,
    source: `${LC2019}, Điều 111, khoản 3`,
    confirmed: true,
    note: 'Điều 111 khoản 3: "Nếu ngày nghỉ hằng tuần trùng với ngày nghỉ lễ, tết quy định tại khoản 1 Điều 112 của Bộ luật này thì người lao động được nghỉ bù ngày nghỉ hằng tuần vào ngày làm việc kế tiếp." Đối chiếu ngày 30/11/2026 trên văn bản hợp nhất 18/VBHN-VPQH năm 2026 của Bộ luật Lao động (bản sao công khai, không phải Công báo).',
  },
];

/** True when a rule is in force on the day `jdn`. */
export function inForce(rule: { effectiveFrom: string; effectiveTo: string | null }, jdn: number): boolean {
  return jdnOf(rule.effectiveFrom) <= jdn && (rule.effectiveTo === null || jdn <= jdnOf(rule.effectiveTo));
}

export function jdnOf(iso: string): number {
  return jdnFromDate(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}
