/**
 * Reporting periods as provinces report them: a month, a quarter, the first 6 or 9 months, or
 * the whole year, each a half-open interval [from, to) of instants in Asia/Ho_Chi_Minh.
 *
 * Two conventions:
 *  - 'calendar' (default): calendar months — Quý I is 01/01 to 31/03.
 *  - 'nd09': the data cut-off of Nghị định 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành
 *    chính nhà nước), Điều 12: a period runs from the 15th of the month before its first month
 *    to the 14th of its last month (the month of March 2026 is 15/02–14/03/2026; 6 months is
 *    15/12 of the year before to 14/06). Source not re-checked against the gazette text.
 */
import { Invalid } from '../errors.js';

export type PeriodKind = 'month' | 'quarter' | '6months' | '9months' | '12months';
export type PeriodConvention = 'calendar' | 'nd09';

export interface Period {
  from: Date;
  to: Date;
  /** As printed on the report, in Vietnamese. */
  label: string;
}

const ROMAN = ['I', 'II', 'III', 'IV'];

export function reportingPeriod(p: { year: number; period: PeriodKind; index?: number; convention?: PeriodConvention }): Period {
  const { year, period, convention = 'calendar' } = p;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new Invalid(`year must be an integer in 2000–2100, got ${String(year)}`, { param: 'year' });
  if (convention !== 'calendar' && convention !== 'nd09') throw new Invalid(`convention must be 'calendar' or 'nd09'`, { param: 'convention' });
  let first: number; // first month of the period, 1-based
  let last: number;
  let label: string;
  switch (period) {
    case 'month': {
      const m = checkIndex(p.index, 12);
      [first, last, label] = [m, m, `Tháng ${String(m).padStart(2, '0')}/${year}`];
      break;
    }
    case 'quarter': {
      const q = checkIndex(p.index, 4);
      [first, last, label] = [3 * q - 2, 3 * q, `Quý ${ROMAN[q - 1]}/${year}`];
      break;
    }
    case '6months':
      [first, last, label] = [1, 6, `6 tháng đầu năm ${year}`];
      break;
    case '9months':
      [first, last, label] = [1, 9, `9 tháng đầu năm ${year}`];
      break;
    case '12months':
      [first, last, label] = [1, 12, `Năm ${year}`];
      break;
    default:
      throw new Invalid(`period must be one of month, quarter, 6months, 9months, 12months; got ${JSON.stringify(period)}`, {
        param: 'period',
      });
  }
  if (convention === 'calendar') return { from: vnDay(year, first, 1), to: vnDay(year, last + 1, 1), label };
  return { from: vnDay(year, first - 1, 15), to: vnDay(year, last, 15), label };
}

function checkIndex(index: number | undefined, max: number): number {
  if (!Number.isInteger(index) || index! < 1 || index! > max)
    throw new Invalid(`index must be an integer in 1–${max}, got ${String(index)}`, { param: 'index' });
  return index!;
}

/** Midnight starting a Vietnamese day; month may be 0 or 13 (rolls into the adjacent year). */
function vnDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - 7 * 3_600_000);
}
