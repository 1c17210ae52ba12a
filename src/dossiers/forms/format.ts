/** How forms write dates, times, people and places: dd/mm/yyyy and hh:mm in Asia/Ho_Chi_Minh. */
import { formatVn } from '../../calendar/index.js';
import type { Applicant } from '../types.js';

const VN = 7 * 3_600_000;

/** 'hh:mm' in Vietnam. */
export function hhmm(d: Date): string {
  return new Date(d.getTime() + VN).toISOString().slice(11, 16);
}

/** 'dd/mm/yyyy'. */
export function dmy(d: Date | string): string {
  return formatVn(d);
}

/** 'hh:mm dd/mm/yyyy' (form 06). */
export function hhmmDmy(d: Date): string {
  return `${hhmm(d)} ${dmy(d)}`;
}

/** '09 giờ 30 phút, ngày 12/02/2026' (form 01). */
export function timeAndDay(d: Date): string {
  const [h, m] = hhmm(d).split(':');
  return `${h} giờ ${m} phút, ngày ${dmy(d)}`;
}

/** 'Phúc Xá, ngày 12 tháng 02 năm 2026'. */
export function placeDate(place: string | null | undefined, d: Date): string {
  const [dd, mm, yyyy] = dmy(d).split('/');
  return `${place ? `${place}, ` : ''}ngày ${dd} tháng ${mm} năm ${yyyy}`;
}

export function address(a: Applicant['address'] | undefined): string {
  if (!a) return '';
  return [a.detail, a.communeName, a.provinceName].filter(Boolean).join(', ');
}

/** 'Ông Nguyễn Văn An' / 'Bà …'. */
export function honorific(p: { fullName: string; gender?: string }): string {
  return `${p.gender === 'female' ? 'Bà' : 'Ông'} ${p.fullName}`;
}

/** '05 ngày làm việc', '04 giờ làm việc', '20 ngày' (calendar days, as the law writes them). */
export function limitText(l: { value: number; unit: string }): string {
  return `${String(l.value).padStart(2, '0')} ${UNIT_VI[l.unit] ?? 'ngày làm việc'}`;
}

const UNIT_VI: Record<string, string> = { working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày' };

const FORM_VI: Record<string, string> = {
  original: 'Bản chính',
  copy: 'Bản sao',
  certified_copy: 'Bản sao chứng thực',
  electronic: 'Bản điện tử',
};

export function documentForm(form: string | undefined): string {
  return FORM_VI[form ?? 'original'] ?? form ?? '';
}

/** A citizen ID as shown to someone who is not its holder: the last 4 digits. */
export function maskId(id: string | undefined): string {
  return id ? `${'*'.repeat(Math.max(0, id.length - 4))}${id.slice(-4)}` : '';
}
