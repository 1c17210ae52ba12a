/**
 * Feature: the applicant is told by e-mail, else by text message. Each notice the dossier room
 * writes for the applicant (a supplement asked, the result ready, a refusal, a new appointment…)
 * becomes one letter to the address they gave, through a real SMTP server — or, when they gave
 * only a phone number, one text message POSTed to the operator's SMS gateway (a real HTTP
 * server): in Vietnamese, dates dd/mm/yyyy in Vietnam time, naming the form and where to look the
 * dossier up — never the lookup secret. A busy server is tried again later; a service without a
 * channel for the applicant writes no notice.
 */
import { createHmac } from 'node:crypto';
import { applicantEmailChannel, applicantSmsChannel, DossierService, type Receipt } from '../../src/dossiers/index.js';
import { SmsWebhook, SmtpMailer } from '../../src/outbound/index.js';
import { inAppChannel, OutboxRelay, outboxCounts } from '../../src/sla/index.js';
import { startSmsGateway, type ReceivedText, type TestSmsGateway } from '../support/sms-gateway.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.js';
import { birthIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const BIRTH = 'birth-registration-group';
const LOOKUP = 'https://motcua.example.gov.vn/tra-cuu';
const vn = (local: string) => new Date(`${local}+07:00`);

const SMS_SECRET = 'khoa-ky-tin-nhan-thu-nghiem';
let smtp: TestSmtp;
let mailer: SmtpMailer;
let sms: TestSmsGateway;
beforeAll(async () => {
  smtp = await startSmtp();
  mailer = new SmtpMailer({ url: smtp.url, from: '"Bộ phận Một cửa" <mot-cua@example.gov.vn>' });
  sms = await startSmsGateway();
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await sms.close();
});

const relay = () =>
  new OutboxRelay({
    db: h.db,
    clock: h.clock,
    channels: [
      inAppChannel,
      applicantEmailChannel({ catalog: h.catalog, lookupUrl: LOOKUP }, mailer),
      applicantSmsChannel({ catalog: h.catalog, lookupUrl: LOOKUP }, new SmsWebhook({ url: sms.url, secret: SMS_SECRET })),
    ],
    backoffMs: 30_000,
  });

async function outboxOf(code: string) {
  const { rows } = await h.db.query<{ channel: string; kind: string; recipient: string; sent: boolean; attempts: number; last_error: string | null }>(
    `select channel, kind, recipient, sent_at is not null as sent, attempts, last_error from domain.outbox where dossier_code = $1 order by id`,
    [code],
  );
  return rows;
}

/** A birth dossier received Monday 05/01/2026 09:00, its receipt notice relayed (read from the server it went to). */
async function received(intake = birthIntake()): Promise<Receipt & { letter?: ReceivedMail; text?: ReceivedText }> {
  const r = await h.receive(BIRTH, intake);
  await relay().relayOnce();
  return intake.applicant.email ? { ...r, letter: await smtp.next() } : { ...r, text: await sms.next() };
}

describe('Feature: the applicant hears that the dossier is in, and when the result is due', () => {
  test('Scenario: a birth dossier received Monday 05/01/2026 09:00 → one letter "đã được tiếp nhận" with the appointment 09 giờ 00 phút, ngày 10/01/2026 — not the lookup secret', async () => {
    const { dossier, lookupSecret, letter: receipt } = await received();
    expect(receipt).toMatchObject({ to: ['an.nguyen@example.vn'], subject: `Hồ sơ ${dossier.code}: đã được tiếp nhận` });
    expect(receipt!.text).toContain('Hẹn trả kết quả: 09 giờ 00 phút, ngày 10/01/2026');
    expect(receipt!.text).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)');
    expect(receipt!.text).not.toContain(lookupSecret);
    expect(await outboxOf(dossier.code)).toEqual([
      { channel: 'email', kind: 'dossier.received', recipient: 'an.nguyen@example.vn', sent: true, attempts: 1, last_error: null },
    ]);
  });
});

describe('Feature: a supplement asked and a refusal reach the applicant by e-mail, once each', () => {
  test('Scenario: the counter asks a birth dossier (received 05/01/2026) for a clearer birth certificate → one letter to an.nguyen@example.vn listing it; a second relay pass sends nothing; the refusal → one more letter with its reason', async () => {
    const { dossier, lookupSecret } = await received();
    h.clock.set(vn('2026-01-06T09:00:00'));
    await h.dossiers.requestSupplement(STAFF.counter, dossier.code, {
      reasons: ['Giấy chứng sinh không rõ số hiệu'],
      items: [{ name: 'Giấy chứng sinh bản rõ nét', note: 'bản chính' }],
      legalBasis: 'Luật Hộ tịch 2014, Điều 16, khoản 1',
    });

    expect(await relay().relayOnce()).toMatchObject({ claimed: 1, delivered: 1, failed: 0 });
    const letter = await smtp.next();
    expect(letter).toMatchObject({
      from: '"Bộ phận Một cửa" <mot-cua@example.gov.vn>',
      to: ['an.nguyen@example.vn'],
      subject: `Hồ sơ ${dossier.code}: cần bổ sung hồ sơ`,
    });
    expect(letter.text).toContain('Kính gửi Ông Nguyễn Văn An,');
    expect(letter.text).toContain('tiếp nhận ngày 05/01/2026');
    expect(letter.text).toContain('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)');
    expect(letter.text).toContain('  - Giấy chứng sinh bản rõ nét');
    expect(letter.text).toContain(`Tra cứu tình trạng hồ sơ tại ${LOOKUP}`);
    expect(letter.text).not.toContain(lookupSecret);
    // The child named in the intake is not written into a letter.
    expect(letter.text).not.toContain(birthIntake().child.fullName);

    expect(await relay().relayOnce()).toMatchObject({ claimed: 0 });
    expect((await outboxOf(dossier.code)).map((r) => [r.kind, r.sent])).toEqual([
      ['dossier.received', true],
      ['dossier.supplement_requested', true],
    ]);

    await h.dossiers.refuse(STAFF.counter, dossier.code, {
      reason: 'Người yêu cầu không có quyền đăng ký khai sinh',
      legalBasis: 'Luật Hộ tịch 2014, Điều 15',
    });
    await relay().relayOnce();
    const refusal = await smtp.next();
    expect(refusal.subject).toBe(`Hồ sơ ${dossier.code}: bị từ chối giải quyết`);
    expect(refusal.text).toContain('Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)');
    expect(refusal.text).toContain('Lý do: Người yêu cầu không có quyền đăng ký khai sinh');
  });
});

describe('Feature: a new appointment is told with both dates, in Vietnam time', () => {
  test('Scenario: an apology on Saturday 10/01/2026 08:00 for 2 more working days → "Hẹn trả kết quả mới: 09 giờ 00 phút, ngày 13/01/2026"', async () => {
    const { dossier } = await received();
    h.clock.set(vn('2026-01-10T08:00:00'));
    await h.dossiers.apologize(STAFF.counter, dossier.code, { reason: 'Cơ quan Bảo hiểm xã hội chưa cấp xong thẻ', extra: { value: 2, unit: 'working_days' } });
    await relay().relayOnce();
    const letter = await smtp.next();
    expect(letter.subject).toBe(`Hồ sơ ${dossier.code}: hẹn trả kết quả mới`);
    expect(letter.text).toContain('Hẹn trả kết quả mới: 09 giờ 00 phút, ngày 13/01/2026.');
  });
});

describe('Feature: a busy mail server is tried again later; the letter goes once it answers', () => {
  test('Scenario: the server answers 451 → the notice stays unsent with the error, put off 30 s; at the retry instant it goes, once', async () => {
    const { dossier } = await received();
    h.clock.set(vn('2026-01-06T09:00:00'));
    await h.dossiers.apologize(STAFF.counter, dossier.code, { reason: 'Chờ kết quả xác minh', extra: { value: 1, unit: 'working_days' } });
    smtp.refuse(1);
    const before = smtp.received.length;

    expect(await relay().relayOnce()).toMatchObject({ claimed: 1, delivered: 0, failed: 1 });
    const [, row] = await outboxOf(dossier.code);
    expect(row).toMatchObject({ kind: 'dossier.apologized', sent: false, attempts: 1 });
    expect(row.last_error).toContain('451');
    // The operator sees it on /metrics: outbox_unsent{channel="email",state="failing"} 1.
    expect(await outboxCounts(h.db)).toEqual([{ channel: 'email', state: 'failing', count: 1 }]);
    expect(smtp.received).toHaveLength(before);

    h.clock.advance(29_000);
    expect(await relay().relayOnce()).toMatchObject({ claimed: 0 });
    h.clock.advance(1_000);
    expect(await relay().relayOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect((await smtp.next()).subject).toBe(`Hồ sơ ${dossier.code}: hẹn trả kết quả mới`);
    expect(smtp.received).toHaveLength(before + 1);
    expect((await outboxOf(dossier.code))[1]).toMatchObject({ kind: 'dossier.apologized', sent: true, attempts: 2 });
    expect(await outboxCounts(h.db)).toEqual([]);
  });
});

describe('Feature: an applicant who gave only a phone number gets a text message', () => {
  test('Scenario: an apology on Saturday 10/01/2026 → one POST to the gateway: to 0912345678, "…hẹn trả kết quả mới, 09:00 13/01/2026. Tra cứu: …", the same without diacritics, signed; a gateway down (503) is tried again, once', async () => {
    const intake = birthIntake();
    delete intake.applicant.email;
    const { dossier, lookupSecret, text: receipt } = await received(intake);
    expect(receipt!.body.text).toBe(`Hồ sơ ${dossier.code}: đã được tiếp nhận, hẹn trả 09:00 10/01/2026. Tra cứu: ${LOOKUP}`);
    h.clock.set(vn('2026-01-10T08:00:00'));
    await h.dossiers.apologize(STAFF.counter, dossier.code, { reason: 'Chờ kết quả xác minh', extra: { value: 2, unit: 'working_days' } });
    expect((await outboxOf(dossier.code))[1]).toEqual({
      channel: 'sms',
      kind: 'dossier.apologized',
      recipient: '0912345678',
      sent: false,
      attempts: 0,
      last_error: null,
    });

    sms.refuse(1);
    const before = sms.received.length;
    expect(await relay().relayOnce()).toMatchObject({ claimed: 1, delivered: 0, failed: 1 });
    expect((await outboxOf(dossier.code))[1].last_error).toContain('503');
    h.clock.advance(30_000);
    expect(await relay().relayOnce()).toMatchObject({ claimed: 1, delivered: 1 });

    const text = await sms.next();
    expect(sms.received).toHaveLength(before + 1);
    expect(text.body).toEqual({
      id: expect.stringMatching(/^outbox\.\d+$/),
      to: '0912345678',
      text: `Hồ sơ ${dossier.code}: hẹn trả kết quả mới, 09:00 13/01/2026. Tra cứu: ${LOOKUP}`,
      textAscii: `Ho so ${dossier.code}: hen tra ket qua moi, 09:00 13/01/2026. Tra cuu: ${LOOKUP}`,
    });
    expect(text.idempotencyKey).toBe(text.body.id);
    expect(text.signature).toBe(`sha256=${createHmac('sha256', SMS_SECRET).update(text.raw).digest('hex')}`);
    expect(text.raw).not.toContain(lookupSecret);
  });

  test('Scenario: a service with neither a mail server nor an SMS gateway writes no notice, so one configured later sends no backlog', async () => {
    const silent = new DossierService({ ...h.dossiers.deps, applicantChannels: [] });
    const { dossier } = await silent.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() });
    h.clock.set(vn('2026-01-06T09:00:00'));
    await silent.apologize(STAFF.counter, dossier.code, { reason: 'Chờ kết quả xác minh', extra: { value: 1, unit: 'working_days' } });
    expect(await outboxOf(dossier.code)).toEqual([]);
  });

  test('Scenario: a letter sent twice (a crash between the send and marking it sent) carries the same Message-ID, so the applicant reads one', async () => {
    const { dossier } = await received();
    h.clock.set(vn('2026-01-06T09:00:00'));
    await h.dossiers.apologize(STAFF.counter, dossier.code, { reason: 'Chờ kết quả xác minh', extra: { value: 1, unit: 'working_days' } });
    const { rows } = await h.db.query<{ id: string }>(`select id::text from domain.outbox where dossier_code = $1 and kind = 'dossier.apologized'`, [
      dossier.code,
    ]);
    const row = {
      id: rows[0].id,
      at: new Date(h.clock.now()),
      channel: 'email' as const,
      kind: 'dossier.apologized',
      recipient: 'an.nguyen@example.vn',
      dossier_code: dossier.code,
      payload: {},
      attempts: 1,
    };
    const channel = applicantEmailChannel({ catalog: h.catalog }, mailer);
    await channel.deliver(h.db, row, new Date(h.clock.now()));
    await channel.deliver(h.db, row, new Date(h.clock.now()));
    const [a, b] = [await smtp.next(), await smtp.next()];
    expect(a.messageId).toBe(`<outbox.${rows[0].id}@lienthong>`);
    expect(b.messageId).toBe(a.messageId);
  });
});

describe("Feature: a process's own notify-citizen step reaches the applicant, once", () => {
  test("Scenario: the birth group through its steps → after the receipt, the process's 'result-ready' notice goes out as the letter 'đã có kết quả' naming the appointment; the dossier room's own 'done' notice is not sent as well", async () => {
    h.startServiceWorkers();
    const { dossier } = await received();
    await h.complete(dossier.code, 'birthRegistration', { outcome: 'approved' });
    await h.complete(dossier.code, 'residenceRegistration', { outcome: 'approved' });
    await h.complete(dossier.code, 'healthInsuranceCard', { outcome: 'approved' });
    await h.task(dossier.code, 'returnResult');
    expect(await h.status(dossier.code)).toBe('done');
    expect((await outboxOf(dossier.code)).map((r) => r.kind)).toEqual(['dossier.received', 'dossier.process_notice']);

    await relay().relayOnce();
    const letter = await smtp.next();
    expect(letter.subject).toBe(`Hồ sơ ${dossier.code}: đã có kết quả`);
    expect(letter.text).toContain('Kính gửi Ông Nguyễn Văn An,');
    expect(letter.text).toContain(`Hồ sơ ${dossier.code} đã có kết quả. Mời ông/bà đến Bộ phận Một cửa nhận kết quả theo lịch hẹn ngày 10/01/2026.`);
  });

  test('Scenario: the step run again after a crash (same job) → one notice', async () => {
    const { dossier } = await received();
    const notice = {
      dossierCode: dossier.code,
      jobKey: '2251799813685300',
      template: 'tax-notice',
      text: 'Kính gửi ông/bà Nguyễn Văn An: cơ quan thuế đã ban hành Thông báo nộp thuế.',
      announcesResult: false,
      at: new Date(h.clock.now()),
    };
    await h.dossiers.tellApplicant(notice);
    await h.dossiers.tellApplicant(notice);
    expect((await outboxOf(dossier.code)).map((r) => r.kind)).toEqual(['dossier.received', 'dossier.process_notice']);
    await relay().relayOnce();
    const letter = await smtp.next();
    expect(letter.subject).toBe(`Hồ sơ ${dossier.code}: thông báo nộp thuế`);
    expect(letter.text).toContain('Cơ quan thuế đã ban hành Thông báo nộp thuế.');
  });
});
