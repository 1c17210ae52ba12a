/**
 * lienthong.notify-citizen — composes the notice to the citizen for a template named by the
 * model's `template` header and hands it to the dossier room (`tellApplicant`), which writes it to
 * the outbox once per job, for the applicant's e-mail or phone (dossiers/notices.ts); the text is
 * also left in the job's variables (`notification`). An unknown template fails the job, so a model
 * error surfaces as an incident rather than a silent non-notice.
 */
import { formatVn } from '../calendar/index.js';
import type { ActivatedJob } from '../engine/port.js';
import type { JobHandlerSpec } from './types.js';
import { dossierCode, text } from './types.js';

type Template = (job: ActivatedJob, code: string) => string;

const TEMPLATES = {
  'result-ready': (job, code) => `${greeting(job)}hồ sơ ${code} đã có kết quả. Mời ông/bà đến Bộ phận Một cửa nhận kết quả${appointment(job)}.`,
  'tax-notice': (job, code) => {
    const notice = (job.variables.taxNotice ?? {}) as { number?: unknown; amount?: unknown };
    const amount = typeof notice.amount === 'number' ? ` với số tiền ${formatVnd(notice.amount)} đồng` : '';
    const number = text(notice.number) ? ` số ${text(notice.number)}` : '';
    return `${greeting(job)}cơ quan thuế đã ban hành Thông báo nộp thuế${number}${amount} cho hồ sơ ${code}. Đề nghị ông/bà nộp trong thời hạn ghi trên thông báo; quá hạn, hồ sơ sẽ bị dừng giải quyết.`;
  },
  'permit-decision': (job, code) =>
    job.variables.decision === 'granted'
      ? `${greeting(job)}hồ sơ ${code} đã được cấp giấy phép xây dựng. Mời ông/bà đến nhận giấy phép${appointment(job)}.`
      : `${greeting(job)}hồ sơ ${code} không được cấp giấy phép xây dựng. Mời ông/bà đến nhận văn bản trả lời nêu rõ lý do${appointment(job)}.`,
} satisfies Record<string, Template>;

/** The templates that tell the applicant the result is ready. */
const ANNOUNCES_RESULT: ReadonlySet<string> = new Set(['result-ready', 'permit-decision']);

/** What the designer picks from: every template above, by a Vietnamese name. */
const TEMPLATE_NAMES: Record<keyof typeof TEMPLATES, string> = {
  'result-ready': 'Đã có kết quả, mời nhận',
  'tax-notice': 'Thông báo nộp thuế',
  'permit-decision': 'Kết quả cấp giấy phép xây dựng',
};

export const notifyCitizen: JobHandlerSpec = {
  type: 'lienthong.notify-citizen',
  doc: {
    name: 'Thông báo cho người dân',
    description: 'Soạn thông báo gửi người nộp hồ sơ theo mẫu đã chọn (biến notification); mẫu không có sẵn thì việc lỗi thành sự cố.',
    headers: [
      {
        key: 'template',
        label: 'Mẫu thông báo',
        description: 'Nội dung gửi người dân.',
        choices: Object.entries(TEMPLATE_NAMES).map(([value, name]) => ({ value, name })),
      },
    ],
  },
  fetchVariable: ['dossierCode', 'applicantName', 'appointmentAt', 'taxNotice', 'decision'],
  // Not async: a modelling error (no dossier code, an unknown template) throws at once.
  handle(job, { log, now, tellApplicant }) {
    const code = dossierCode(job);
    const template = job.customHeaders.template ?? '';
    const compose = Object.hasOwn(TEMPLATES, template) ? (TEMPLATES as Record<string, Template>)[template] : undefined;
    if (!compose) throw new Error(`job ${job.key} at '${job.elementId}': unknown notice template '${template}' (header 'template')`);
    const at = new Date(now());
    const notification = { template, text: compose(job, code), at: at.toISOString() };
    // The text names the applicant: only the template and the code go to the log.
    log.info({ job: job.key, dossierCode: code, template }, 'gửi thông báo cho người dân');
    if (!tellApplicant) return { notification };
    // Written before the job completes: a crash in between runs the job again, and the notice is written once.
    return tellApplicant({ dossierCode: code, jobKey: job.key, template, text: notification.text, announcesResult: ANNOUNCES_RESULT.has(template), at }).then(
      () => ({
        notification,
      }),
    );
  },
};

function greeting(job: ActivatedJob): string {
  const name = text(job.variables.applicantName);
  return name ? `Kính gửi ông/bà ${name}: ` : 'Kính gửi ông/bà: ';
}

function appointment(job: ActivatedJob): string {
  const at = text(job.variables.appointmentAt);
  return at && !Number.isNaN(Date.parse(at)) ? ` theo lịch hẹn ngày ${formatVn(new Date(at))}` : '';
}

function formatVnd(amount: number): string {
  return new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }).format(amount);
}
