/**
 * The Government's yearly decisions on the days off of public agencies (cán bộ, công chức,
 * viên chức): the exact days of Tết and of the day adjacent to 2/9 (Labour Code 2019, art. 112
 * cl. 3), and the swaps of a working day for a Saturday that join a holiday to a weekend. Each
 * decision is data: the approving letter of the Government Office (Văn phòng Chính phủ), the
 * ministry's notice carrying it out, the occasions it settles, and every day it makes differ
 * from the rules. Its days reach the database through the override seed (overrides-seed.ts).
 *
 * A year's days for an occasion that needs a yearly decision (Tết, 1 or 3 September) are
 * provisional until a decision settling that occasion is listed here. Only decisions found in a
 * published source are listed; docs/legal-basis.md says where each one was read, or — `unread`
 * — how it was found when its text could not be read here.
 */
import type { Occasion } from './holiday-rules.js';

export interface LegalDocument {
  /** Number and kind, e.g. 'Công văn 12729/VPCP-KGVX'. */
  document: string;
  /** 'YYYY-MM-DD'; absent when the day of issue was not found. */
  date?: string;
  issuer: string;
  /** Where it was read (the text itself, or the press report quoting it). */
  url?: string;
}

export interface DecisionDay {
  date: string;
  kind: 'day_off' | 'working_day';
  /** Vietnamese, as shown to users. */
  reason: string;
}

export interface GovernmentDecision {
  id: string;
  year: number;
  /** The occasions whose exact days this decision fixes for `year`. */
  settles: readonly Occasion[];
  /** The Prime Minister's approval, conveyed by the Government Office. */
  approval: LegalDocument;
  /** The ministry's notice carrying it out, when found. */
  notice?: LegalDocument;
  /** The days that differ from the rules (and the rule day it confirms, for the record). */
  days: readonly DecisionDay[];
  /** What the decision says, in Vietnamese. */
  summary: string;
  /**
   * Present when the documents were not read in a published source here: how the decision
   * was found instead (its number, date and days as independent public sources cite them).
   */
  unread?: string;
}

const VPCP = 'Văn phòng Chính phủ';
const MOLISA = 'Bộ Lao động – Thương binh và Xã hội';
const MOHA = 'Bộ Nội vụ';

/** One letter for 24/11/2026 and for 2027's Tết and Quốc khánh. */
const VPCP_10065: LegalDocument = {
  document: 'Công văn 10065/VPCP-KGVX',
  date: '2026-10-02',
  issuer: VPCP,
  url: 'https://xaydungchinhsach.chinhphu.vn/de-xuat-2-phuong-an-nghi-tet-nguyen-dan-2027-tet-dinh-mui-11926080513033257.htm',
};
const UNREAD_10065 =
  'Văn bản gốc chưa đọc được tại đây. Số hiệu, ngày 02/10/2026 và các ngày nghỉ ghi theo nhiều nguồn công khai độc lập cùng dẫn công văn này (Báo Chính phủ 11/09/2026 đưa tin thống nhất trình phương án nghỉ Tết 7 ngày liên tục; trang Xây dựng chính sách của Chính phủ). Đề xuất nghỉ thứ Hai 23/11/2026 và làm bù thứ Bảy 28/11/2026 không được chọn.';

export const GOVERNMENT_DECISIONS: readonly GovernmentDecision[] = [
  {
    id: '2025-tet-30-4-quoc-khanh',
    year: 2025,
    settles: ['tet', 'reunification', 'labour-day', 'national-day'],
    approval: {
      document: 'Công văn 8726/VPCP-KGVX',
      date: '2024-11-26',
      issuer: VPCP,
      url: 'https://pld.net.vn/tag/nghi-tet-nguyen-dan.html',
    },
    notice: {
      document: 'Thông báo 6150/TB-LĐTBXH',
      issuer: MOLISA,
      url: 'https://baodanang.vn/chi-tiet-lich-nghi-le-quoc-khanh-2-9-nam-nay-cho-cong-chuc-vien-chuc-va-nguoi-lao-dong-3299118.html',
    },
    summary:
      'Tết Ất Tỵ: nghỉ từ 25/01/2025 đến hết 02/02/2025 (26 tháng Chạp – mùng 5 tháng Giêng); 30/4 – 1/5: nghỉ từ 30/04/2025 đến hết 04/05/2025, hoán đổi thứ Sáu 02/05/2025 với thứ Bảy 26/04/2025; Quốc khánh: nghỉ từ 30/08/2025 đến hết 02/09/2025.',
    days: [
      { date: '2025-01-27', kind: 'day_off', reason: 'Nghỉ Tết Âm lịch Ất Tỵ (28 tháng Chạp): nghỉ từ 25/01/2025 đến hết 02/02/2025' },
      { date: '2025-02-03', kind: 'working_day', reason: 'Làm việc bình thường: kỳ nghỉ Tết Ất Tỵ kết thúc Chủ nhật 02/02/2025, không nghỉ bù' },
      { date: '2025-04-26', kind: 'working_day', reason: 'Làm bù cho thứ Sáu 02/05/2025 (hoán đổi ngày làm việc dịp 30/4 – 1/5/2025)' },
      { date: '2025-05-02', kind: 'day_off', reason: 'Nghỉ hoán đổi dịp 30/4 – 1/5/2025 (làm bù thứ Bảy 26/04/2025)' },
      { date: '2025-09-01', kind: 'day_off', reason: 'Nghỉ lễ Quốc khánh: ngày liền kề trước 02/09/2025 (nghỉ từ 30/08 đến hết 02/09/2025)' },
    ],
  },
  {
    id: '2026-tet-duong-lich',
    year: 2026,
    settles: ['new-year'],
    approval: {
      document: 'Công văn 12729/VPCP-KGVX',
      date: '2025-12-25',
      issuer: VPCP,
      url: 'https://www.24h.com.vn/tin-tuc-trong-ngay/ai-duoc-hoan-doi-de-nghi-tet-duong-lich-4-ngay-c46a1724830.html',
    },
    summary: 'Tết Dương lịch 2026: nghỉ từ thứ Năm 01/01/2026 đến hết Chủ nhật 04/01/2026, hoán đổi thứ Sáu 02/01/2026 với thứ Bảy 10/01/2026.',
    days: [
      { date: '2026-01-02', kind: 'day_off', reason: 'Nghỉ hoán đổi dịp Tết Dương lịch 2026 (làm bù thứ Bảy 10/01/2026)' },
      { date: '2026-01-10', kind: 'working_day', reason: 'Làm bù cho thứ Sáu 02/01/2026 (hoán đổi ngày làm việc dịp Tết Dương lịch 2026)' },
    ],
  },
  {
    id: '2026-tet-quoc-khanh',
    year: 2026,
    settles: ['tet', 'national-day'],
    approval: {
      document: 'Văn bản của Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng (số hiệu chưa tìm thấy)',
      issuer: VPCP,
      url: 'https://kienthuc.net.vn/chot-phuong-an-nghi-tet-am-lich-binh-ngo-va-quoc-khanh-nam-2026-post1576857.html',
    },
    notice: {
      document: 'Thông báo 9441/TB-BNV',
      date: '2025-10-16',
      issuer: MOHA,
      url: 'https://vietbao.vn/bo-noi-vu-thong-bao-lich-nghi-tet-nguyen-dan-va-quoc-khanh-nam-2026-568329.html',
    },
    summary:
      'Tết Bính Ngọ: nghỉ 5 ngày từ thứ Hai 16/02/2026 (29 tháng Chạp) đến hết thứ Sáu 20/02/2026 (mùng 4 tháng Giêng), cùng 4 ngày nghỉ hằng tuần: 14/02 – 22/02/2026; Quốc khánh: nghỉ từ thứ Bảy 29/08/2026 đến hết thứ Tư 02/09/2026 (ngày liền kề 01/09), hoán đổi thứ Hai 31/08/2026 với thứ Bảy 22/08/2026.',
    days: [
      { date: '2026-08-22', kind: 'working_day', reason: 'Làm bù cho thứ Hai 31/08/2026 (hoán đổi ngày làm việc dịp Quốc khánh 2026)' },
      { date: '2026-08-31', kind: 'day_off', reason: 'Nghỉ hoán đổi dịp Quốc khánh 2026 (làm bù thứ Bảy 22/08/2026)' },
    ],
  },
  {
    id: '2026-van-hoa',
    year: 2026,
    settles: ['culture-day'],
    approval: VPCP_10065,
    summary: 'Ngày Văn hóa Việt Nam năm 2026: nghỉ 01 ngày, thứ Ba 24/11/2026, không hoán đổi ngày làm việc.',
    days: [{ date: '2026-11-24', kind: 'day_off', reason: 'Nghỉ Ngày Văn hóa Việt Nam (24/11/2026), không hoán đổi' }],
    unread: UNREAD_10065,
  },
  {
    id: '2027-tet-quoc-khanh',
    year: 2027,
    settles: ['tet', 'national-day'],
    approval: VPCP_10065,
    summary:
      'Tết Đinh Mùi: nghỉ 7 ngày liên tục từ thứ Năm 04/02/2027 đến hết thứ Tư 10/02/2027 (5 ngày Tết, 2 ngày nghỉ bù cho mùng 1, mùng 2 trùng thứ Bảy, Chủ nhật); Quốc khánh: nghỉ từ thứ Năm 02/09/2027 đến hết Chủ nhật 05/09/2027 (ngày liền kề thứ Sáu 03/09/2027).',
    days: [
      { date: '2027-02-04', kind: 'day_off', reason: 'Nghỉ Tết Âm lịch Đinh Mùi: nghỉ từ 04/02/2027 đến hết 10/02/2027' },
      { date: '2027-02-11', kind: 'working_day', reason: 'Làm việc bình thường: kỳ nghỉ Tết Đinh Mùi kết thúc thứ Tư 10/02/2027' },
      { date: '2027-09-03', kind: 'day_off', reason: 'Nghỉ lễ Quốc khánh: ngày liền kề sau 02/09/2027 (nghỉ từ 02/09 đến hết 05/09/2027)' },
    ],
    unread: UNREAD_10065,
  },
];

/** One line naming a decision's documents, for the `source` of its days. */
export function decisionSource(d: GovernmentDecision): string {
  const cite = (x: LegalDocument) => `${x.document}${x.date ? ` ngày ${vnDate(x.date)}` : ''} (${x.issuer})`;
  return d.notice ? `${cite(d.notice)}; ${cite(d.approval)}` : cite(d.approval);
}

/** The decisions settling `occasion` in `year`. */
export function decisionsFor(decisions: readonly GovernmentDecision[], year: number, occasion: Occasion): GovernmentDecision[] {
  return decisions.filter((d) => d.year === year && d.settles.includes(occasion));
}

function vnDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}
