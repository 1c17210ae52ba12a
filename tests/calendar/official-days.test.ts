/**
 * The public agencies' calendar against the Government's published decisions: every weekday off
 * and every Saturday worked of 2025, 2026 and 2027 (as far as decided), the due dates a citizen
 * is given across those weeks, and Vietnam Culture Day (24/11) from 2026.
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
      '24/11/2026 nghỉ', // Ngày Văn hóa Việt Nam (Nghị quyết 28/2026/QH16), no swap (10065/VPCP-KGVX)
    ]);
  });

  it('given a 1-working-day limit received Monday 23/11/2026, when counting across Vietnam Culture Day, then Tuesday 24/11 is off and it is due Wednesday 25/11/2026', () => {
    expect(cal.addWorkingDays('2026-11-23', 1)).toBe('2026-11-25');
    expect(cal.isWorkingDay('2026-11-28')).toBe(false); // the proposed swap (work Saturday 28/11) was not adopted
    expect(cal.dayInfo('2026-11-24')).toMatchObject({ working: false });
    expect(cal.dayInfo('2026-11-24').reason).toMatch(/Văn hóa Việt Nam/u);
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

describe('2027: Công văn 10065/VPCP-KGVX (Tết Đinh Mùi, Quốc khánh)', () => {
  it('given 2027, when listing weekdays off and Saturdays worked, then Tết is 04/02 – 10/02 and Quốc khánh 02/09 – 05/09', () => {
    expect(exceptions(2027)).toEqual([
      '01/01/2027 nghỉ',
      '04/02/2027 nghỉ', // Tết Đinh Mùi: Thursday 04/02 – Wednesday 10/02 (mùng 1 is Saturday 06/02)
      '05/02/2027 nghỉ',
      '08/02/2027 nghỉ',
      '09/02/2027 nghỉ',
      '10/02/2027 nghỉ',
      '16/04/2027 nghỉ', // Giỗ Tổ Hùng Vương (Friday)
      '30/04/2027 nghỉ',
      '03/05/2027 nghỉ', // in lieu of 1/5 (Saturday)
      '02/09/2027 nghỉ',
      '03/09/2027 nghỉ', // the adjacent day (Friday)
      '24/11/2027 nghỉ', // Ngày Văn hóa Việt Nam (Wednesday)
    ]);
    expect(cal.isWorkingDay('2027-02-11')).toBe(true); // the computed day in lieu of mùng 2 is worked
  });

  it('given 2027, when asking which days are provisional, then none are: the decision settles Tết and 3/9', () => {
    const status = cal.yearStatus(2027);
    expect(status.decisions.map((d) => d.id)).toEqual(['2027-tet-quoc-khanh']);
    expect(status.provisional).toEqual([]);
    expect(cal.dayInfo('2027-02-08').provisional).toBeUndefined();
  });

  it('given Vietnam Culture Day on a weekend, when computing, then no day in lieu is given (art. 111 cl. 3 covers the holidays of art. 112 cl. 1 only)', () => {
    // 24/11/2029 is a Saturday; Monday 26/11/2029 is worked.
    expect(cal.isWorkingDay('2028-11-24')).toBe(false); // Friday
    const later = officialCalendar(2029, 2029);
    expect(later.isWorkingDay('2029-11-26')).toBe(true);
  });

  it('given every decision listed, when read, then each names its approving document and issuer, and each day is in its year', () => {
    for (const d of GOVERNMENT_DECISIONS) {
      expect(d.approval.document).toMatch(/VPCP|Văn phòng Chính phủ/u);
      expect(d.approval.issuer).toBe('Văn phòng Chính phủ');
      for (const day of d.days) expect(day.date.startsWith(String(d.year))).toBe(true);
    }
  });
});
