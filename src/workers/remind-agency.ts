/**
 * lienthong.remind-agency — the reminder to the agency whose step is about to miss its limit,
 * when the SLA scanner's `sla-at-risk` message reaches the process (a non-interrupting event
 * sub-process). The message carries which clock: the step, the agency and the due instant
 * (`slaEvent`, see src/sla/scanner.ts). For now it composes the reminder (variable `reminder`);
 * the agency's in-app notice is the scanner's own (domain.notifications).
 */
import { formatVn } from '../calendar/index.js';
import type { JobHandlerSpec } from './types.js';
import { dossierCode, text } from './types.js';

export const remindAgency: JobHandlerSpec = {
  type: 'lienthong.remind-agency',
  doc: {
    name: 'Nhắc cơ quan sắp quá hạn',
    description: 'Soạn lời nhắc gửi cơ quan đang giải quyết bước sắp quá hạn (biến reminder), từ thông điệp sla-at-risk của bộ quét thời hạn (biến slaEvent).',
    headers: [],
  },
  fetchVariable: ['dossierCode', 'slaEvent'],
  handle(job, { log, now }) {
    const code = dossierCode(job);
    const e = (job.variables.slaEvent ?? {}) as { step?: unknown; agencyCode?: unknown; dueAt?: unknown; kind?: unknown };
    const agencyCode = text(e.agencyCode);
    const step = text(e.step);
    const due = text(e.dueAt);
    if (!agencyCode || !due || Number.isNaN(Date.parse(due))) {
      throw new Error(`job ${job.key} at '${job.elementId}': no slaEvent with an agency and a due instant (the sla-at-risk message carries them)`);
    }
    const what = e.kind === 'dossier' ? `hồ sơ ${code}` : `bước ${step ?? '(không rõ)'} của hồ sơ ${code}`;
    const reminder = {
      agencyCode,
      step: step ?? null,
      dueAt: due,
      text: `Nhắc việc: ${what} sắp đến hạn giải quyết (hạn ngày ${formatVn(new Date(due))}). Đề nghị cơ quan hoàn thành đúng hạn hoặc lập phiếu xin lỗi, hẹn lại (mẫu 04).`,
      at: new Date(now()).toISOString(),
    };
    log.info({ job: job.key, dossierCode: code, agencyCode, step }, 'nhắc cơ quan sắp quá hạn');
    return { reminder };
  },
};
