/**
 * The applicant's notices. Each change the applicant must hear of (the dossier received, a
 * supplement asked, the result ready, a refusal, a stop, a withdrawal, a new appointment, a
 * process step's own notice) is written to the outbox in the transaction that made it
 * (`notifyApplicant`), for the first channel the service has and the applicant gave a contact for
 * — e-mail, then a text message (`applicantChannels`); none is written when there is none, so
 * configuring a channel later sends no backlog.
 *
 * The outbox relay delivers them (sla/outbox-relay.ts) through the two channels made here: a
 * letter by e-mail (`applicantEmailChannel`) and a short text (`applicantSmsChannel`), both in
 * Vietnamese, dates dd/mm/yyyy and times in Vietnam, naming the form the decision was made on and
 * where to look the dossier up. No secret and no third person's data (the child, the deceased,
 * the parcel) is written into either; the lookup secret stays on form 01. Both are external: at
 * least once, and the message's id is the outbox row's, so a repeat reads as one. The senders
 * are ports; the composition root gives the SMTP and the SMS-webhook ones (src/outbound).
 */
import { agenciesByCode } from '../accounts/index.js';
import { formatVn } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import { enqueueNotice, noticesOf, type OutboxChannel, type OutboxRow } from '../sla/index.js';
import type { DossierDeps } from './context.js';
import { versionOf } from './context.js';
import { hhmmDmy, honorific, timeAndDay } from './forms/format.js';
import { requested } from './forms/build.js';
import { FORM_TITLES } from './forms/model.js';
import { findDossier } from './store.js';
import type { DossierRow } from './types.js';

/** In the caller's transaction: a notice to the applicant, by the first channel the service has and the applicant gave a contact for. */
export async function notifyApplicant(
  deps: Pick<DossierDeps, 'applicantChannels'>,
  q: Queryable,
  d: Pick<DossierRow, 'code' | 'applicant'>,
  kind: string,
  at: Date,
  payload: Record<string, unknown>,
  once?: string,
): Promise<void> {
  for (const channel of deps.applicantChannels ?? []) {
    const recipient = channel === 'email' ? d.applicant.email : d.applicant.phone;
    if (!recipient) continue;
    await enqueueNotice(q, { at, channel, kind, recipient, dossierCode: d.code, payload, ...(once === undefined ? {} : { once }) });
    return;
  }
}

/** What a process's `lienthong.notify-citizen` step tells the applicant (workers/notify-citizen.ts). */
export interface ProcessNotice {
  dossierCode: string;
  /** Its job: a job run again after a crash writes no second notice. */
  jobKey: string;
  template: string;
  text: string;
  /** The notice says the result is ready: the dossier room's own 'dossier.done' notice is then not sent too. */
  announcesResult: boolean;
  at: Date;
}

export const PROCESS_NOTICE = 'dossier.process_notice';

/** Writes a process step's notice to the applicant, once per job; none for a dossier that does not exist. */
export async function tellApplicant(deps: DossierDeps, n: ProcessNotice): Promise<void> {
  await deps.db.tx(async (q) => {
    const d = await findDossier(q, n.dossierCode, true);
    if (!d) return;
    await notifyApplicant(deps, q, d, PROCESS_NOTICE, n.at, { template: n.template, text: n.text, announcesResult: n.announcesResult }, `job:${n.jobKey}`);
  });
}

/** Whether a process step already told the applicant that the result is ready (then 'dossier.done' is not sent). */
export async function resultAnnounced(q: Queryable, code: string): Promise<boolean> {
  return (await noticesOf(q, code)).some((x) => x.kind === PROCESS_NOTICE && x.payload.announcesResult === true);
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** `<…>`, unique per notice: the same notice sent twice carries the same one. */
  messageId: string;
}

/** Sends one e-mail or throws (the relay retries with back-off). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Sends one text message or throws (the relay retries with back-off). */
export interface Texter {
  send(message: { id: string; to: string; text: string }): Promise<void>;
}

export function applicantEmailChannel(deps: Pick<DossierDeps, 'catalog' | 'lookupUrl'>, mailer: Mailer): OutboxChannel {
  return {
    name: 'email',
    external: true,
    async deliver(q: Queryable, row: OutboxRow) {
      const letter = applicantLetter(row, await contextOf(deps, q, row));
      await mailer.send({ to: row.recipient, ...letter, messageId: `<outbox.${row.id}@lienthong>` });
    },
  };
}

export function applicantSmsChannel(deps: Pick<DossierDeps, 'catalog' | 'lookupUrl'>, texter: Texter): OutboxChannel {
  return {
    name: 'sms',
    external: true,
    async deliver(q: Queryable, row: OutboxRow) {
      await texter.send({ id: `outbox.${row.id}`, to: row.recipient, text: applicantText(row, await contextOf(deps, q, row)) });
    },
  };
}

async function contextOf(deps: Pick<DossierDeps, 'catalog' | 'lookupUrl'>, q: Queryable, row: OutboxRow): Promise<LetterContext> {
  const d = row.dossier_code ? await findDossier(q, row.dossier_code) : undefined;
  if (!d) throw new Error(`outbox row ${row.id}: no dossier '${String(row.dossier_code)}' to write about`);
  const agency = (await agenciesByCode(q, [d.receivingAgency])).get(d.receivingAgency);
  return {
    dossier: d,
    procedure: requested(versionOf(deps.catalog, d)),
    agency: agency?.name ?? d.receivingAgency,
    lookupUrl: deps.lookupUrl,
  };
}

export interface LetterContext {
  dossier: Pick<DossierRow, 'code' | 'applicant' | 'receivedAt' | 'appointmentAt' | 'result'>;
  /** The procedure as the applicant asked for it (with its case). */
  procedure: string;
  /** The one-stop section that received the dossier and hands the result back. */
  agency: string;
  lookupUrl?: string;
}

/** The subject and text of the letter for one notice. */
export function applicantLetter(row: Pick<OutboxRow, 'kind' | 'payload'>, ctx: LetterContext): { subject: string; text: string } {
  const d = ctx.dossier;
  const { subject, body } = what(row.kind, row.payload, ctx);
  const text = [
    `Kính gửi ${honorific(d.applicant)},`,
    '',
    `Hồ sơ số ${d.code} — ${ctx.procedure}, tiếp nhận ngày ${formatVn(d.receivedAt)} tại ${ctx.agency}:`,
    '',
    ...body,
    '',
    `Tra cứu tình trạng hồ sơ${ctx.lookupUrl ? ` tại ${ctx.lookupUrl}` : ''} bằng mã hồ sơ và mã tra cứu in trên ${FORM_TITLES['01'].vi}.`,
    'Thư này được gửi tự động, xin không trả lời thư này.',
  ].join('\n');
  return { subject: `Hồ sơ ${d.code}: ${subject}`, text };
}

/** The text message for one notice: what happened and what to do, in a sentence or two. */
export function applicantText(row: Pick<OutboxRow, 'kind' | 'payload'>, ctx: LetterContext): string {
  const lookup = ctx.lookupUrl ? ` Tra cứu: ${ctx.lookupUrl}` : '';
  // A process step's notice is already a whole message, naming the dossier.
  if (row.kind === PROCESS_NOTICE && typeof row.payload.text === 'string') return `${row.payload.text}${lookup}`;
  const { subject, brief } = what(row.kind, row.payload, ctx);
  return `Hồ sơ ${ctx.dossier.code}: ${subject}${brief ? `, ${brief}` : ''}.${lookup}`;
}

/** The subject of a process step's notice, by its template (workers/notify-citizen.ts). */
const PROCESS_SUBJECTS: Record<string, string> = {
  'result-ready': 'đã có kết quả',
  'tax-notice': 'thông báo nộp thuế',
  'permit-decision': 'kết quả cấp giấy phép xây dựng',
};

/** The subject, the letter's body and the text message's brief of one notice. */
function what(kind: string, p: Record<string, unknown>, ctx: LetterContext): { subject: string; body: string[]; brief?: string } {
  const d = ctx.dossier;
  // 'ông Nguyễn Văn An' inside a sentence.
  const you = honorific(d.applicant).replace(/^./, (c) => c.toLowerCase());
  const at = (v: unknown) => (typeof v === 'string' ? timeAndDay(new Date(v)) : '');
  const short = (v: unknown) => (typeof v === 'string' ? hhmmDmy(new Date(v)) : '');
  const reason = typeof d.result?.reason === 'string' ? [`Lý do: ${d.result.reason}`] : [];
  switch (kind) {
    case 'dossier.received':
      return {
        subject: 'đã được tiếp nhận',
        body: [
          `Hồ sơ đã được tiếp nhận. Hẹn trả kết quả: ${at(p.appointmentAt)}, tại ${ctx.agency}.`,
          `Mã hồ sơ và mã tra cứu in trên ${FORM_TITLES['01'].vi} (mẫu 01); xin giữ kín mã tra cứu.`,
        ],
        brief: `hẹn trả ${short(p.appointmentAt)}`,
      };
    case 'dossier.supplement_requested': {
      const items = Array.isArray(p.items) ? p.items.map((x) => `  - ${String(x)}`) : [];
      const number = typeof p.number === 'number' && p.number > 1 ? ` (lần ${p.number})` : '';
      return {
        subject: `cần bổ sung hồ sơ${number}`,
        body: [
          `Cơ quan giải quyết đề nghị bổ sung, hoàn thiện hồ sơ${number} theo ${FORM_TITLES['02'].vi} (mẫu 02):`,
          ...items,
          `Giấy tờ bổ sung nộp tại ${ctx.agency} hoặc trên trang tra cứu hồ sơ.`,
        ],
        brief: `xem mẫu 02, nộp tại ${ctx.agency}`,
      };
    }
    case 'dossier.done':
      return {
        subject: 'đã có kết quả',
        body: [`Hồ sơ đã được giải quyết xong. Mời ${you} đến ${ctx.agency} nhận kết quả (hẹn trả: ${timeAndDay(d.appointmentAt)}).`],
        brief: `mời nhận tại ${ctx.agency}`,
      };
    case 'dossier.refused':
      return {
        subject: 'bị từ chối giải quyết',
        body: [`Hồ sơ không được giải quyết theo ${FORM_TITLES['03'].vi} (mẫu 03).`, ...reason, `Mời nhận lại hồ sơ tại ${ctx.agency}.`],
        brief: `xem mẫu 03, nhận lại hồ sơ tại ${ctx.agency}`,
      };
    case 'dossier.stopped':
      return {
        subject: 'dừng giải quyết',
        body: [`Hồ sơ đã dừng giải quyết theo ${FORM_TITLES['05'].vi} (mẫu 05).`, ...reason, `Mời nhận lại hồ sơ tại ${ctx.agency}.`],
        brief: `xem mẫu 05, nhận lại hồ sơ tại ${ctx.agency}`,
      };
    case 'dossier.withdrawn':
      return {
        subject: 'đã được rút',
        body: [`Theo đề nghị rút hồ sơ, hồ sơ đã dừng giải quyết (${FORM_TITLES['05'].vi}, mẫu 05). Mời nhận lại giấy tờ tại ${ctx.agency}.`],
        brief: `nhận lại giấy tờ tại ${ctx.agency}`,
      };
    case 'dossier.apologized':
      return {
        subject: 'hẹn trả kết quả mới',
        body: [
          `Hồ sơ chưa giải quyết được đúng hẹn; cơ quan giải quyết xin lỗi ${you} (${FORM_TITLES['04'].vi}, mẫu 04).`,
          `Hẹn trả kết quả mới: ${at(p.appointmentAt)}.`,
        ],
        brief: short(p.appointmentAt),
      };
    case 'dossier.appointment_moved': {
      const dates = Array.isArray((p.calendar as { dates?: unknown } | undefined)?.dates)
        ? (p.calendar as { dates: string[] }).dates.map(formatVn).join(', ')
        : '';
      return {
        subject: 'hẹn trả kết quả mới',
        body: [
          `Lịch làm việc thay đổi${dates ? ` (ngày ${dates})` : ''}, thời hạn giải quyết được tính lại.`,
          `Hẹn trả kết quả: ${at(p.previousAppointmentAt)} → ${at(p.appointmentAt)}.`,
        ],
        brief: short(p.appointmentAt),
      };
    }
    case PROCESS_NOTICE:
      return {
        subject: PROCESS_SUBJECTS[String(p.template)] ?? 'thông báo',
        // The step's text, which greets the applicant itself: the letter's own greeting stays above it.
        body: [
          typeof p.text === 'string'
            ? p.text.replace(/^Kính gửi [^:]*: /, '').replace(/^./, (c) => c.toUpperCase())
            : 'Cơ quan giải quyết có thông báo về hồ sơ.',
        ],
      };
    default:
      return { subject: 'tình trạng hồ sơ thay đổi', body: ['Tình trạng hồ sơ đã thay đổi.'] };
  }
}
