/**
 * A form as data: what it says (`data`, for programs) and how it reads on paper (`body`, a short
 * list of blocks the HTML renderer lays out). The JSON answer of `GET …/forms/{no}` is this
 * object; `?format=html` is the same object rendered (html.ts), so both always agree.
 */

export type FormNo = '01' | '02' | '03' | '04' | '05' | '06' | '07';

export type Block =
  | { kind: 'paragraph'; text: string }
  /** "label: value" lines. */
  | { kind: 'fields'; items: { label: string; value: string }[] }
  /** A numbered heading inside the body ("1. Thành phần hồ sơ nộp gồm:"). */
  | { kind: 'heading'; text: string }
  | { kind: 'table'; columns: string[]; rows: string[][]; widths?: number[] }
  /** Small print (legal notes, where the data is not confirmed). */
  | { kind: 'note'; text: string };

export interface Signature {
  /** "NGƯỜI TIẾP NHẬN HỒ SƠ" */
  title: string;
  /** "(Ký và ghi rõ họ tên)" */
  hint?: string;
  name?: string;
}

export interface FormDoc<D = Record<string, unknown>> {
  form: FormNo;
  /** Vietnamese title as printed (upper case on paper). */
  title: string;
  titleEn: string;
  /** Where the form's layout comes from. */
  basis: string;
  /** The issuing agency as printed top-left: parent body, then the agency itself. */
  issuer: { parent?: string; name: string };
  /** "Số: …" / "Mã hồ sơ: …" line under the issuer, when the form has one. */
  reference?: string;
  /** "Phúc Xá, ngày 12 tháng 02 năm 2026". */
  placeDate: string;
  /** Who the form is addressed to ("Kính gửi: Ông/Bà …"), when it has one. */
  addressee?: string;
  body: Block[];
  signatures: Signature[];
  /** Landscape pages for wide registers (form 07). */
  landscape?: boolean;
  issuedAt: string;
  data: D;
}

export const FORM_TITLES: Record<FormNo, { vi: string; en: string }> = {
  '01': { vi: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', en: 'Receipt of the dossier and appointment for the result' },
  '02': { vi: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', en: 'Request to supplement and complete the dossier' },
  '03': { vi: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', en: 'Refusal to receive and process the dossier' },
  '04': {
    vi: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
    en: 'Apology and new appointment (extension of the processing time)',
  },
  '05': { vi: 'Thông báo dừng giải quyết hồ sơ', en: 'Notice of stopping the processing of the dossier' },
  '06': { vi: 'Phiếu kiểm soát quá trình giải quyết hồ sơ', en: 'Process control slip of the dossier' },
  '07': { vi: 'Sổ theo dõi hồ sơ', en: 'Dossier register' },
};

/**
 * The circulars that set the one-stop forms, oldest first, from the first day a dossier received
 * cites them, with each form's number in that circular. lienthong numbers its forms as Circular
 * 03/2025/TT-VPCP (signed 15/09/2025), Appendix I, does; Circular 01/2018/TT-VPCP (23/11/2018)
 * numbered the same papers 01–04, the control slip 05 and the register 06, and had no notice of
 * stopping. 03/2025's effective date was not found (docs/legal-basis.md), so its signing day is the
 * boundary: a dossier received before it certainly falls under 01/2018.
 */
const FORM_CIRCULARS: readonly { circular: string; from: string; numbers: Partial<Record<FormNo, string>>; appendix: string }[] = [
  {
    circular: 'Thông tư số 01/2018/TT-VPCP',
    from: '0000-01-01',
    numbers: { '01': '01', '02': '02', '03': '03', '04': '04', '06': '05', '07': '06' },
    appendix: '',
  },
  {
    circular: 'Thông tư số 03/2025/TT-VPCP',
    from: '2025-09-15',
    numbers: { '01': '01', '02': '02', '03': '03', '04': '04', '05': '05', '06': '06', '07': '07' },
    appendix: 'Phụ lục I ',
  },
];

/**
 * Where a form's layout comes from: the circular in force on `day` ('YYYY-MM-DD', Asia/Ho_Chi_Minh:
 * the day the dossier was received; for a register, the day it is made), with the form's number
 * there; a form the older circular did not have cites the newest one.
 */
export function basisOf(form: FormNo, day: string): string {
  const c = [...FORM_CIRCULARS].reverse().find((x) => x.from <= day && x.numbers[form]) ?? FORM_CIRCULARS[FORM_CIRCULARS.length - 1];
  return `Mẫu số ${c.numbers[form]}, ${c.appendix}ban hành kèm theo ${c.circular} (bố cục theo mẫu; nội dung sinh từ dữ liệu hồ sơ)`;
}
