/**
 * Forms 01–07 from the dossier's own data. Layout and wording follow the forms of Circular
 * 03/2025/TT-VPCP, Appendix I, as far as their content is known here (the titles are confirmed;
 * the line-by-line wording follows the long-standing forms of Circular 01/2018/TT-VPCP, which
 * 03/2025 replaced): each builder is pure, so a form can be rebuilt and compared. A form's
 * printed basis is the circular in force on the day its dossier was received (model.ts `basisOf`).
 */
import { localDate, type LoadedProcedure, type RuleVersion } from '../../procedures/index.js';
import type { AgencyRow, DossierRow, SupplementRequestRow } from '../types.js';
import { address, dmy, documentForm, honorific, limitText, placeDate, timeAndDay } from './format.js';
import { basisOf, FORM_TITLES, type Block, type FormDoc } from './model.js';

export interface FormContext {
  dossier: DossierRow;
  procedure: LoadedProcedure;
  version: RuleVersion;
  /** The receiving agency (its one-stop section). */
  agency: AgencyRow;
  /** Its parent body, printed above it. */
  parent?: AgencyRow;
  /** Full names by username. */
  names: ReadonlyMap<string, string>;
}

const nameOf = (ctx: Pick<FormContext, 'names'>, username: string | null | undefined) => (username ? (ctx.names.get(username) ?? username) : '');

export function frame(
  ctx: FormContext,
  form: FormDoc['form'],
  at: Date,
  body: Block[],
  signatures: FormDoc['signatures'],
  extra: Partial<FormDoc> = {},
): FormDoc {
  return {
    form,
    title: FORM_TITLES[form].vi,
    titleEn: FORM_TITLES[form].en,
    basis: basisOf(form, localDate(ctx.dossier.receivedAt)),
    issuer: { parent: ctx.parent?.name, name: ctx.agency.name },
    reference: `Mã hồ sơ: ${ctx.dossier.code}`,
    placeDate: placeDate(ctx.agency.placeName, at),
    body,
    signatures,
    issuedAt: at.toISOString(),
    data: {},
    ...extra,
  };
}

function applicantFields(d: DossierRow): Block {
  const a = d.applicant;
  const items = [
    { label: 'Họ và tên', value: a.fullName },
    { label: 'Số định danh cá nhân', value: a.citizenId },
    { label: 'Địa chỉ', value: address(a.address) },
  ];
  if (a.phone) items.push({ label: 'Số điện thoại', value: a.phone });
  if (a.email) items.push({ label: 'Thư điện tử', value: a.email });
  return { kind: 'fields', items };
}

function unconfirmedNote(l: { confirmed: boolean; source: string }): Block[] {
  return l.confirmed ? [] : [{ kind: 'note', text: `Thời hạn giải quyết lấy theo dữ liệu danh mục (${l.source}), chưa được đối chiếu với văn bản gốc.` }];
}

// ---- 01 -------------------------------------------------------------------------------------

export interface Form01Data {
  code: string;
  /** `case`: the case of the version the dossier has (procedure.json `cases`), e.g. a detached house. */
  procedure: { code: string; name: string; case?: { code: string; name: string } };
  ruleVersion: string;
  channel: string;
  applicant: { fullName: string; citizenId: string; address: string; phone?: string; email?: string };
  documents: { code: string; name: string; form: string; count: number }[];
  limit: { value: number; unit: string; text: string; confirmed: boolean };
  receivedAt: string;
  appointmentAt: string;
  receivedBy: { username: string | null; fullName: string };
  returnAt: string;
  /** Present only on the copy printed at the receipt: the secret is shown once. */
  lookupSecret?: string;
}

/** What the applicant asked for: the procedure, and its case when the dossier has one ("… (Nhà ở riêng lẻ)"). */
export function requested(ctx: Pick<FormContext, 'procedure' | 'version'>): string {
  const c = ctx.version.appliedCase;
  return c ? `${ctx.procedure.name.vi} (${c.name.vi})` : ctx.procedure.name.vi;
}

export function form01(ctx: FormContext, opts: { secret?: string; lookupUrl?: string } = {}): FormDoc {
  const { dossier: d, version, procedure } = ctx;
  const docs = d.data.intake.documents.map((x) => {
    const req = version.documents.find((r) => r.code === x.code);
    return { code: x.code, name: req?.name.vi ?? x.code, form: documentForm(x.form ?? req?.form), count: x.count ?? req?.count ?? 1 };
  });
  const limit = {
    value: version.totalLimit.value,
    unit: version.totalLimit.unit,
    text: limitText(version.totalLimit),
    confirmed: version.totalLimit.confirmed,
  };
  const receiver = nameOf(ctx, d.receivedBy);
  const data: Form01Data = {
    code: d.code,
    procedure: {
      code: procedure.code,
      name: procedure.name.vi,
      ...(version.appliedCase ? { case: { code: version.appliedCase.code, name: version.appliedCase.name.vi } } : {}),
    },
    ruleVersion: d.ruleVersion,
    channel: d.channel,
    applicant: {
      fullName: d.applicant.fullName,
      citizenId: d.applicant.citizenId,
      address: address(d.applicant.address),
      phone: d.applicant.phone,
      email: d.applicant.email,
    },
    documents: docs,
    limit,
    receivedAt: d.receivedAt.toISOString(),
    appointmentAt: d.appointmentAt.toISOString(),
    receivedBy: { username: d.receivedBy, fullName: receiver },
    returnAt: ctx.agency.name,
  };
  if (opts.secret) data.lookupSecret = opts.secret;
  const body: Block[] = [
    { kind: 'paragraph', text: `${ctx.agency.name} tiếp nhận hồ sơ của ${honorific(d.applicant)}:` },
    applicantFields(d),
    { kind: 'fields', items: [{ label: 'Nội dung yêu cầu giải quyết', value: requested(ctx) }] },
    { kind: 'heading', text: '1. Thành phần hồ sơ nộp gồm:' },
    {
      kind: 'table',
      columns: ['STT', 'Tên giấy tờ', 'Hình thức', 'Số lượng'],
      widths: [8, 62, 18, 12],
      rows: docs.map((x, i) => [String(i + 1), x.name, x.form, String(x.count)]),
    },
    { kind: 'paragraph', text: '2. Số lượng hồ sơ: 01 (bộ).' },
    { kind: 'paragraph', text: `3. Thời gian giải quyết hồ sơ theo quy định là: ${limit.text}.` },
    { kind: 'paragraph', text: `4. Thời gian nhận hồ sơ: ${timeAndDay(d.receivedAt)}.` },
    { kind: 'paragraph', text: `5. Thời gian trả kết quả giải quyết hồ sơ: ${timeAndDay(d.appointmentAt)}.` },
    { kind: 'paragraph', text: `6. Đăng ký nhận kết quả tại: ${ctx.agency.name}.` },
    {
      kind: 'paragraph',
      text: opts.secret
        ? `Tra cứu tình trạng hồ sơ bằng mã hồ sơ ${d.code} và mã tra cứu ${opts.secret}${opts.lookupUrl ? ` tại ${opts.lookupUrl}` : ''}. Mã tra cứu chỉ in một lần trên giấy này, đề nghị giữ kín.`
        : `Tra cứu tình trạng hồ sơ bằng mã hồ sơ ${d.code} và mã tra cứu đã in trên giấy giao người nộp hồ sơ.`,
    },
    ...unconfirmedNote(version.totalLimit),
  ];
  return frame(
    ctx,
    '01',
    d.receivedAt,
    body,
    [
      { title: 'Người nộp hồ sơ', hint: '(Ký và ghi rõ họ tên)', name: d.applicant.fullName },
      { title: 'Người tiếp nhận hồ sơ', hint: '(Ký và ghi rõ họ tên)', name: receiver },
    ],
    { data: data as unknown as Record<string, unknown> },
  );
}

// ---- 02 -------------------------------------------------------------------------------------

export function form02(ctx: FormContext, r: SupplementRequestRow, requester: { agency: AgencyRow | undefined; username: string }): FormDoc {
  const { dossier: d } = ctx;
  const requesterName = nameOf(ctx, requester.username);
  const by = requester.agency?.name ?? ctx.agency.name;
  const body: Block[] = [
    {
      kind: 'paragraph',
      text: `Ngày ${dmy(d.receivedAt)}, ${ctx.agency.name} tiếp nhận hồ sơ của ${honorific(d.applicant)}, mã hồ sơ ${d.code}.`,
    },
    { kind: 'fields', items: [{ label: 'Nội dung yêu cầu giải quyết', value: requested(ctx) }] },
    {
      kind: 'paragraph',
      text: `Sau khi xem xét, ${by} đề nghị ${honorific(d.applicant)} bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:`,
    },
    {
      kind: 'table',
      columns: ['STT', 'Nội dung cần bổ sung, hoàn thiện', 'Ghi chú'],
      widths: [8, 62, 30],
      rows: r.items.map((it, i) => [String(i + 1), it.name, it.note ?? '']),
    },
    {
      kind: 'fields',
      items: [
        { label: 'Lý do', value: r.reasons.join('; ') },
        { label: 'Căn cứ pháp lý', value: r.legalBasis },
      ],
    },
    {
      kind: 'paragraph',
      text: `Thời gian giải quyết hồ sơ được tính lại từ ngày nhận đủ hồ sơ bổ sung hoặc tạm dừng trong thời gian chờ bổ sung, theo quy định của thủ tục. Trong quá trình bổ sung, hoàn thiện hồ sơ nếu có vướng mắc, ${honorific(d.applicant)} liên hệ ${requesterName || by} để được hướng dẫn.`,
    },
  ];
  return frame(ctx, '02', r.requestedAt, body, [{ title: 'Người hướng dẫn', hint: '(Ký và ghi rõ họ tên)', name: requesterName }], {
    addressee: `Kính gửi: ${honorific(d.applicant)}`,
    data: {
      code: d.code,
      requestId: r.id,
      requestedAt: r.requestedAt.toISOString(),
      requestedBy: { username: requester.username, fullName: requesterName, agency: by },
      reasons: r.reasons,
      items: r.items,
      legalBasis: r.legalBasis,
    },
  });
}

// ---- 03 / 05 --------------------------------------------------------------------------------

export interface Decision {
  at: Date;
  by: string;
  reason: string;
  legalBasis: string;
}

/** What forms 03 and 05 record of a decision: `refusedAt`/`refusedBy` or `stoppedAt`/`stoppedBy`, the reason and its basis. */
function decisionData(ctx: FormContext, x: Decision, what: 'refused' | 'stopped'): Record<string, unknown> {
  return {
    code: ctx.dossier.code,
    [`${what}At`]: x.at.toISOString(),
    [`${what}By`]: { username: x.by, fullName: nameOf(ctx, x.by) },
    reason: x.reason,
    legalBasis: x.legalBasis,
  };
}

export function form03(ctx: FormContext, x: Decision): FormDoc {
  const { dossier: d } = ctx;
  const body: Block[] = [
    {
      kind: 'paragraph',
      text: `${ctx.agency.name} tiếp nhận hồ sơ của ${honorific(d.applicant)} ngày ${dmy(d.receivedAt)}, mã hồ sơ ${d.code}.`,
    },
    { kind: 'fields', items: [{ label: 'Nội dung yêu cầu giải quyết', value: requested(ctx) }] },
    {
      kind: 'paragraph',
      text: `Qua xem xét, cơ quan có thẩm quyền thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: ${x.reason}.`,
    },
    { kind: 'fields', items: [{ label: 'Căn cứ pháp lý', value: x.legalBasis }] },
    { kind: 'paragraph', text: `Xin thông báo để ${honorific(d.applicant)} được biết và thực hiện.` },
  ];
  return frame(ctx, '03', x.at, body, [{ title: 'Người từ chối', hint: '(Ký và ghi rõ họ tên)', name: nameOf(ctx, x.by) }], {
    addressee: `Kính gửi: ${honorific(d.applicant)}`,
    data: decisionData(ctx, x, 'refused'),
  });
}

export function form05(ctx: FormContext, x: Decision & { byProcess?: boolean }): FormDoc {
  const { dossier: d } = ctx;
  const body: Block[] = [
    {
      kind: 'paragraph',
      text: `Ngày ${dmy(d.receivedAt)}, ${ctx.agency.name} tiếp nhận hồ sơ của ${honorific(d.applicant)}, mã hồ sơ ${d.code}.`,
    },
    { kind: 'fields', items: [{ label: 'Nội dung yêu cầu giải quyết', value: requested(ctx) }] },
    { kind: 'paragraph', text: `Cơ quan giải quyết thông báo dừng giải quyết hồ sơ kể từ ngày ${dmy(x.at)} với lý do: ${x.reason}.` },
    { kind: 'fields', items: [{ label: 'Căn cứ pháp lý', value: x.legalBasis }] },
    { kind: 'paragraph', text: `Đề nghị ${honorific(d.applicant)} liên hệ ${ctx.agency.name} để nhận lại hồ sơ.` },
  ];
  const signer = x.byProcess ? '' : nameOf(ctx, x.by);
  return frame(ctx, '05', x.at, body, [{ title: 'Thủ trưởng cơ quan', hint: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer }], {
    addressee: `Kính gửi: ${honorific(d.applicant)}`,
    data: { ...decisionData(ctx, x, 'stopped'), byProcess: !!x.byProcess },
  });
}

// ---- 04 -------------------------------------------------------------------------------------

export function form04(
  ctx: FormContext,
  x: { at: Date; by: string; reason: string; previousAppointment: Date; newAppointment: Date; extra: { value: number; unit: string } },
): FormDoc {
  const { dossier: d, procedure } = ctx;
  const who = honorific(d.applicant);
  const body: Block[] = [
    {
      kind: 'paragraph',
      text: `Ngày ${dmy(d.receivedAt)}, ${ctx.agency.name} tiếp nhận hồ sơ của ${who}, mã hồ sơ ${d.code}, đề nghị giải quyết thủ tục: ${procedure.name.vi}.`,
    },
    { kind: 'paragraph', text: `Thời gian hẹn trả kết quả giải quyết hồ sơ: ${timeAndDay(x.previousAppointment)}.` },
    { kind: 'paragraph', text: `Tuy nhiên đến nay, cơ quan giải quyết chưa trả kết quả giải quyết hồ sơ của ${who}. Lý do: ${x.reason}.` },
    {
      kind: 'paragraph',
      text: `Sự chậm trễ này đã gây phiền hà cho ${who}. Cơ quan giải quyết thành thật xin lỗi ${who} và đề nghị gia hạn thời gian giải quyết thêm ${limitText(x.extra)}; hẹn trả kết quả vào ${timeAndDay(x.newAppointment)}.`,
    },
  ];
  return frame(ctx, '04', x.at, body, [{ title: 'Thủ trưởng cơ quan', hint: '(Ký, ghi rõ họ tên và đóng dấu)', name: nameOf(ctx, x.by) }], {
    addressee: `Kính gửi: ${who}`,
    data: {
      code: d.code,
      apologizedAt: x.at.toISOString(),
      by: { username: x.by, fullName: nameOf(ctx, x.by) },
      reason: x.reason,
      previousAppointmentAt: x.previousAppointment.toISOString(),
      newAppointmentAt: x.newAppointment.toISOString(),
      extra: x.extra,
    },
  });
}
