/**
 * lienthong.stop-dossier — the notice of stopping (form 05, Circular 03/2025/TT-VPCP) when a
 * dossier cannot go on, e.g. the tax was not paid by the deadline. The reason is a header of
 * the model, so each stop path says why in its own words.
 */
import { formatVn } from '../calendar/index.js';
import type { JobHandlerSpec } from './types.js';
import { dossierCode } from './types.js';

const REASONS = {
  'tax-unpaid': 'quá thời hạn nộp thuế, lệ phí theo thông báo của cơ quan thuế mà người nộp hồ sơ chưa thực hiện nghĩa vụ tài chính',
} satisfies Record<string, string>;

/** What the designer picks from: every reason above, by a short Vietnamese name. */
const REASON_NAMES: Record<keyof typeof REASONS, string> = {
  'tax-unpaid': 'Quá hạn nộp thuế, lệ phí',
};

export const stopDossier: JobHandlerSpec = {
  type: 'lienthong.stop-dossier',
  doc: {
    name: 'Dừng giải quyết hồ sơ',
    description: 'Lập thông báo dừng giải quyết hồ sơ (mẫu 05) với lý do đã chọn (biến stopNotice, dossierOutcome = stopped).',
    headers: [
      {
        key: 'reason',
        label: 'Lý do dừng',
        description: 'Lý do ghi trên thông báo dừng giải quyết (mẫu 05).',
        choices: Object.entries(REASON_NAMES).map(([value, name]) => ({ value, name })),
      },
    ],
  },
  fetchVariable: ['dossierCode'],
  handle(job, { log, now }) {
    const code = dossierCode(job);
    const reason = job.customHeaders.reason ?? '';
    const why = Object.hasOwn(REASONS, reason) ? (REASONS as Record<string, string>)[reason] : undefined;
    if (!why) throw new Error(`job ${job.key} at '${job.elementId}': unknown stop reason '${reason}' (header 'reason')`);
    const at = new Date(now());
    const text = `Hồ sơ ${code} dừng giải quyết kể từ ngày ${formatVn(at)} do ${why}.`;
    log.info({ job: job.key, dossierCode: code, reason }, 'dừng giải quyết hồ sơ');
    return { stopNotice: { form: '05', reason, text, at: at.toISOString() }, dossierOutcome: 'stopped' };
  },
};
