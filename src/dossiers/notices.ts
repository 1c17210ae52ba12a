/**
 * The applicant's notices as e-mail. Each `dossier.*` row the dossier room writes to the outbox
 * (store.ts `notifyApplicant`) becomes a letter to the person who filed the dossier: what
 * happened, what to do, where to look it up — in Vietnamese, dates dd/mm/yyyy and times in
 * Vietnam, naming the form the decision was made on. No secret and no third person's data (the
 * child, the deceased, the parcel) is written into a letter; the lookup secret stays on form 01.
 *
 * `applicantEmailChannel` is the outbox relay's `email` channel (sla/outbox-relay.ts): external,
 * so at least once; the Message-ID is the outbox row's, so a letter sent twice reads as one.
 * The mailer is a port; the composition root gives the SMTP one (src/mail).
 */
import { agenciesByCode } from '../accounts/index.js';
import { formatVn } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import type { OutboxChannel, OutboxRow } from '../sla/index.js';
import type { DossierDeps } from './context.js';
import { versionOf } from './context.js';
import { honorific, timeAndDay } from './forms/format.js';
import { FORM_TITLES } from './forms/model.js';
import { findDossier } from './store.js';
import type { DossierRow } from './types.js';

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

export function applicantEmailChannel(deps: Pick<DossierDeps, 'catalog' | 'lookupUrl'>, mailer: Mailer): OutboxChannel {
  return {
    name: 'email',
    external: true,
    async deliver(q: Queryable, row: OutboxRow) {
      const d = row.dossier_code ? await findDossier(q, row.dossier_code) : undefined;
      if (!d) throw new Error(`outbox row ${row.id}: no dossier '${String(row.dossier_code)}' to write about`);
      const agency = (await agenciesByCode(q, [d.receivingAgency])).get(d.receivingAgency);
      const { procedure, version } = versionOf(deps.catalog, d);
      const letter = applicantLetter(row, {
        dossier: d,
        procedure: version.appliedCase ? `${procedure.name.vi} (${version.appliedCase.name.vi})` : procedure.name.vi,
        agency: agency?.name ?? d.receivingAgency,
        lookupUrl: deps.lookupUrl,
      });
      await mailer.send({ to: row.recipient, ...letter, messageId: `<outbox.${row.id}@lienthong>` });
    },
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
    ctx.lookupUrl
      ? `Tra cứu tình trạng hồ sơ tại ${ctx.lookupUrl} bằng mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.`
      : 'Tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
    'Thư này được gửi tự động, xin không trả lời thư này.',
  ].join('\n');
  return { subject: `Hồ sơ ${d.code}: ${subject}`, text };
}

function what(kind: string, p: Record<string, unknown>, ctx: LetterContext): { subject: string; body: string[] } {
  const d = ctx.dossier;
  // 'ông Nguyễn Văn An' inside a sentence.
  const you = honorific(d.applicant).replace(/^./, (c) => c.toLowerCase());
  const at = (v: unknown) => (typeof v === 'string' ? timeAndDay(new Date(v)) : '');
  const reason = typeof d.result?.reason === 'string' ? [`Lý do: ${d.result.reason}`] : [];
  switch (kind) {
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
      };
    }
    case 'dossier.done':
      return {
        subject: 'đã có kết quả',
        body: [`Hồ sơ đã được giải quyết xong. Mời ${you} đến ${ctx.agency} nhận kết quả (hẹn trả: ${timeAndDay(d.appointmentAt)}).`],
      };
    case 'dossier.refused':
      return {
        subject: 'bị từ chối giải quyết',
        body: [`Hồ sơ không được giải quyết theo ${FORM_TITLES['03'].vi} (mẫu 03).`, ...reason, `Mời nhận lại hồ sơ tại ${ctx.agency}.`],
      };
    case 'dossier.stopped':
      return {
        subject: 'dừng giải quyết',
        body: [`Hồ sơ đã dừng giải quyết theo ${FORM_TITLES['05'].vi} (mẫu 05).`, ...reason, `Mời nhận lại hồ sơ tại ${ctx.agency}.`],
      };
    case 'dossier.withdrawn':
      return {
        subject: 'đã được rút',
        body: [`Theo đề nghị rút hồ sơ, hồ sơ đã dừng giải quyết (${FORM_TITLES['05'].vi}, mẫu 05). Mời nhận lại giấy tờ tại ${ctx.agency}.`],
      };
    case 'dossier.apologized':
      return {
        subject: 'hẹn trả kết quả mới',
        body: [
          `Hồ sơ chưa giải quyết được đúng hẹn; cơ quan giải quyết xin lỗi ${you} (${FORM_TITLES['04'].vi}, mẫu 04).`,
          `Hẹn trả kết quả mới: ${at(p.appointmentAt)}.`,
        ],
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
      };
    }
    default:
      return { subject: 'tình trạng hồ sơ thay đổi', body: ['Tình trạng hồ sơ đã thay đổi.'] };
  }
}
