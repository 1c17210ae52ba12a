/**
 * Form 06 (the control sheet: each hand-over between agencies with its SLA verdict) and form 07
 * (the register of dossiers received), built like forms 01–05 in build.ts.
 */
import { localDate } from '../../procedures/index.js';
import type { AgencyRow } from '../types.js';
import { frame, type FormContext } from './build.js';
import { dmy, hhmmDmy, honorific, placeDate } from './format.js';
import { basisOf, FORM_TITLES, type Block, type FormDoc } from './model.js';

// ---- 06 -------------------------------------------------------------------------------------

export type StepResult = 'early' | 'on_time' | 'late' | 'in_progress' | 'cancelled';

export interface ControlStep {
  /** The agency that received the dossier at this hand-over. */
  agency: string;
  agencyName: string;
  step: string;
  stepName: string;
  handedOverAt: string;
  from: { agency: string; agencyName: string; person: string };
  to: { person: string };
  dueAt: string | null;
  finishedAt: string | null;
  result: StepResult;
  notes: string[];
}

const RESULT_VI: Record<StepResult, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
  in_progress: 'Đang giải quyết',
  cancelled: 'Không tiếp tục',
};

export function form06(ctx: FormContext, steps: ControlStep[], at: Date): FormDoc {
  const { dossier: d, procedure } = ctx;
  const rows = steps.map((s, i) => [
    `${i + 1}. ${s.agencyName}\n(${s.stepName})`,
    `Giao: ${s.from.person || s.from.agencyName} (${s.from.agencyName}), ${s.handedOverAt ? hhmmDmy(new Date(s.handedOverAt)) : ''}\nNhận: ${s.to.person || '(chưa nhận)'} (${s.agencyName})`,
    `${RESULT_VI[s.result]}${s.dueAt ? `\nHạn: ${hhmmDmy(new Date(s.dueAt))}` : ''}${s.finishedAt ? `\nXong: ${hhmmDmy(new Date(s.finishedAt))}` : ''}`,
    s.notes.join('; '),
  ]);
  const body: Block[] = [
    {
      kind: 'fields',
      items: [
        { label: 'Kèm theo hồ sơ của', value: honorific(d.applicant) },
        { label: 'Nội dung yêu cầu giải quyết', value: procedure.name.vi },
        { label: 'Ngày nhận hồ sơ', value: hhmmDmy(d.receivedAt) },
        { label: 'Ngày hẹn trả kết quả', value: hhmmDmy(d.appointmentAt) },
        { label: 'Cơ quan (bộ phận) giải quyết hồ sơ', value: [...new Set(steps.map((s) => s.agencyName))].join('; ') },
      ],
    },
    {
      kind: 'table',
      columns: ['Tên cơ quan', 'Thời gian giao, nhận hồ sơ', 'Kết quả giải quyết hồ sơ (trước hạn / đúng hạn / quá hạn)', 'Ghi chú'],
      widths: [24, 34, 24, 18],
      rows,
    },
  ];
  return frame(ctx, '06', at, body, [], {
    data: {
      code: d.code,
      procedure: procedure.code,
      receivedAt: d.receivedAt.toISOString(),
      appointmentAt: d.appointmentAt.toISOString(),
      steps,
    },
  });
}

// ---- 07 -------------------------------------------------------------------------------------

export interface RegisterRow {
  code: string;
  procedureName: string;
  sets: number;
  applicant: string;
  address: string;
  phone: string;
  leadAgency: string;
  receivedAt: string;
  appointmentAt: string;
  handedOverAt: string | null;
  resultAt: string | null;
  returnedAt: string | null;
  status: string;
  notes: string;
}

export function form07(x: { agency: AgencyRow; parent?: AgencyRow; from: string; to: string; at: Date; rows: RegisterRow[] }): FormDoc {
  const cell = (iso: string | null) => (iso ? hhmmDmy(new Date(iso)) : '');
  const body: Block[] = [
    { kind: 'paragraph', text: `Từ ngày ${dmy(x.from)} đến ngày ${dmy(x.to)}. Số hồ sơ: ${x.rows.length}.` },
    {
      kind: 'table',
      columns: [
        'STT',
        'Mã hồ sơ',
        'Tên thủ tục hành chính',
        'Số lượng hồ sơ (bộ)',
        'Tên cá nhân, tổ chức',
        'Địa chỉ, số điện thoại',
        'Cơ quan chủ trì giải quyết',
        'Nhận hồ sơ',
        'Hẹn trả kết quả',
        'Chuyển hồ sơ đến cơ quan giải quyết',
        'Có kết quả giải quyết',
        'Trả kết quả',
        'Ghi chú',
      ],
      widths: [3, 10, 14, 4, 9, 11, 9, 7, 7, 7, 7, 7, 5],
      rows: x.rows.map((r, i) => [
        String(i + 1),
        r.code,
        r.procedureName,
        String(r.sets),
        r.applicant,
        [r.address, r.phone].filter(Boolean).join('; '),
        r.leadAgency,
        cell(r.receivedAt),
        cell(r.appointmentAt),
        cell(r.handedOverAt),
        cell(r.resultAt),
        cell(r.returnedAt),
        r.notes,
      ]),
    },
  ];
  return {
    form: '07',
    title: FORM_TITLES['07'].vi,
    titleEn: FORM_TITLES['07'].en,
    basis: basisOf('07', localDate(x.at)),
    issuer: { parent: x.parent?.name, name: x.agency.name },
    placeDate: placeDate(x.agency.placeName, x.at),
    body,
    signatures: [],
    landscape: true,
    issuedAt: x.at.toISOString(),
    data: { agency: x.agency.code, from: x.from, to: x.to, rows: x.rows },
  };
}
