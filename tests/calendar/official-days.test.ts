/**
 * The public agencies' calendar against the Government's published decisions: every weekday off
 * and every Saturday worked of 2025 and 2026, the due dates a citizen is given across those
 * weeks, and what is still provisional for 2027 (no decision found).
 */
import { GOVERNMENT_DECISIONS, officialCalendar } from '../../src/calendar/index.js';
import { formatVn } from '../../src/calendar/dates.js';

const cal = officialCalendar(2024, 2028);
const exceptions = (year: number) => cal.nonWorkingWeekdaysAndWorkingWeekends(year).map((d) => `${formatVn(d.date)} ${d.working ? 'làm việc' : 'nghỉ'}`);

describe('2025: Công văn 8726/VPCP-KGVX and Thông báo 6150/TB-LĐTBXH', () => {
  it('given 2025, when listing weekdays off and Saturdays worked, then they are exactly the official ones', () => {
    expect(exceptions(2025)).toEqual([
      '01/01/2025 nghỉ', // Tết Dương lịch (Wednesday)
      '27/01/2025 nghỉ', // Tết Ất Tỵ: 25/01 – 02/02
      '28/01/2025 nghỉ',
      '29/01/2025 nghỉ',
      '30/01/2025 nghỉ',
      '31/01/2025 nghỉ',
      '07/04/2025 nghỉ', // Giỗ Tổ Hùng Vương (Monday)
      '26/04/2025 làm việc', // worked for Friday 02/05
      '30/04/2025 nghỉ',
      '01/05/2025 nghỉ',
      '02/05/2025 nghỉ',
      '01/09/2025 nghỉ', // Quốc khánh: 30/08 – 02/09
      '02/09/2025 nghỉ',
    ]);
  });

  it('given the end of the Tết break, when asking about Monday 03/02/2025, then it is worked (no day in lieu)', () => {
    expect(cal.isWorkingDay('2025-02-03')).toBe(true);
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-02-03');
  });
});

describe('2026: Công văn 12729/VPCP-KGVX (Tết Dương lịch) and Thông báo 9441/TB-BNV (Tết, Quốc khánh)', () => {
  it('given 2026, when listing weekdays off and Saturdays worked, then they are exactly the official ones', () => {
    expect(exceptions(2026)).toEqual([
      '01/01/2026 nghỉ',
      '02/01/2026 nghỉ', // swapped for Saturday 10/01
      '10/01/2026 làm việc',
      '16/02/2026 nghỉ', // Tết Bính Ngọ: 14/02 – 22/02
      '17/02/2026 nghỉ',
      '18/02/2026 nghỉ',
      '19/02/2026 nghỉ',
      '20/02/2026 nghỉ',
      '27/04/2026 nghỉ', // in lieu of Giỗ Tổ Hùng Vương, Sunday 26/04
      '30/04/2026 nghỉ',
      '01/05/2026 nghỉ',
      '22/08/2026 làm việc', // worked for Monday 31/08
      '31/08/2026 nghỉ',
      '01/09/2026 nghỉ', // Quốc khánh: 29/08 – 02/09
      '02/09/2026 nghỉ',
    ]);
  });

  it('given a dossier received Monday 05/01/2026 with 5 working days, when counting, then it is due Saturday 10/01/2026, the swapped working day', () => {
    expect(cal.addWorkingDays('2026-01-05', 5)).toBe('2026-01-10');
    expect(formatVn(cal.addWorkingTime(new Date('2026-01-05T02:00:00Z'), { days: 5 }))).toBe('10/01/2026');
    expect(cal.dayInfo('2026-01-10')).toMatchObject({
      working: true,
      kind: 'override',
      source: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Văn phòng Chính phủ)',
    });
  });

  it('given a dossier received Wednesday 31/12/2025 with 1 working day, when counting, then Friday 02/01/2026 is skipped: due Monday 05/01/2026', () => {
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-05');
  });

  it('given a 3-working-day limit received Friday 28/08/2026, when counting across Quốc khánh, then Monday 31/08 is off and it is due Monday 07/09/2026', () => {
    expect(cal.addWorkingDays('2026-08-28', 3)).toBe('2026-09-07');
    expect(cal.addWorkingDays('2026-08-21', 1)).toBe('2026-08-22'); // Saturday 22/08 is worked
  });

  it('given the Tết days of 2026, when described, then they are decided, citing the Labour Code and Thông báo 9441/TB-BNV', () => {
    expect(cal.dayInfo('2026-02-17')).toMatchObject({ working: false, kind: 'holiday', occasion: 'tet' });
    expect(cal.dayInfo('2026-02-17').provisional).toBeUndefined();
    expect(cal.dayInfo('2026-02-17').source).toBe(
      'Bộ luật Lao động 2019, Điều 112, khoản 1, điểm b; Thông báo 9441/TB-BNV ngày 16/10/2025 (Bộ Nội vụ); Văn bản của Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng (số hiệu chưa tìm thấy) (Văn phòng Chính phủ)',
    );
    expect(cal.yearStatus(2026).provisional).toEqual([]);
    expect(cal.yearStatus(2025).provisional).toEqual([]);
  });
});

describe('2027: no decision found yet', () => {
  it('given 2027, when asking which days are provisional, then Tết Đinh Mùi and 3/9 are, computed from the rules', () => {
    const status = cal.yearStatus(2027);
    expect(status.decisions).toEqual([]);
    expect(status.provisional.map((d) => `${formatVn(d.date)} ${d.occasion}`)).toEqual([
      '05/02/2027 tet',
      '06/02/2027 tet', // mùng 1 is Saturday 06/02/2027
      '07/02/2027 tet',
      '08/02/2027 tet',
      '09/02/2027 tet',
      '10/02/2027 tet', // in lieu of mùng 1 (Saturday)
      '11/02/2027 tet', // in lieu of mùng 2 (Sunday)
      '03/09/2027 national-day', // 2/9 is a Thursday
    ]);
    expect(cal.dayInfo('2027-02-08')).toMatchObject({ working: false, provisional: true });
  });

  it('given every decision listed, when read, then each names its approving document and issuer, and each day is in its year', () => {
    for (const d of GOVERNMENT_DECISIONS) {
      expect(d.approval.document).toMatch(/VPCP|Văn phòng Chính phủ/u);
      expect(d.approval.issuer).toBe('Văn phòng Chính phủ');
      for (const day of d.days) expect(day.date.startsWith(String(d.year))).toBe(true);
    }
  });
});
