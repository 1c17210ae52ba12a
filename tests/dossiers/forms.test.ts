/**
 * Feature: forms 01–07 from the dossier's own data — Vietnamese with diacritics, dates
 * dd/mm/yyyy and times hh:mm in Asia/Ho_Chi_Minh — as JSON and as printable HTML where every
 * piece of text is escaped.
 */
import { escapeHtml, renderHtml, type FormDoc } from '../../src/dossiers/index.js';
import { birthIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const BIRTH = 'birth-registration-group';
const text = (doc: FormDoc) =>
  doc.body
    .map((b) =>
      'text' in b
        ? b.text
        : b.kind === 'fields'
          ? b.items.map((i) => `${i.label}: ${i.value}`).join('\n')
          : b.kind === 'table'
            ? b.rows.map((r) => r.join(' | ')).join('\n')
            : '',
    )
    .join('\n');

describe('Feature: form 01 — receipt and appointment', () => {
  test('Scenario: received Monday 05/01/2026 at 09:00 → appointment 09 giờ 00 phút, ngày 10/01/2026 (Saturday worked for Friday 02/01); documents, limit, people', async () => {
    const { dossier, form01, lookupSecret } = await h.receive(BIRTH);
    expect(form01).toMatchObject({
      form: '01',
      title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      issuer: { parent: 'Ủy ban nhân dân xã Hòa Bình', name: 'Trung tâm Phục vụ hành chính công xã Hòa Bình' },
      reference: `Mã hồ sơ: ${dossier.code}`,
      placeDate: 'Hòa Bình, ngày 05 tháng 01 năm 2026',
    });
    const t = text(form01);
    expect(t).toContain('Trung tâm Phục vụ hành chính công xã Hòa Bình tiếp nhận hồ sơ của Ông Nguyễn Văn An:');
    expect(t).toContain('Số định danh cá nhân: 001090123456');
    expect(t).toContain('Địa chỉ: Số 12, thôn Đông, xã Hòa Bình, tỉnh Thử Nghiệm');
    expect(t).toContain('1 | Tờ khai điện tử / tờ khai liên thông theo mẫu ban hành kèm Nghị định 63/2024/NĐ-CP | Bản chính | 1');
    expect(t).toContain('3. Thời gian giải quyết hồ sơ theo quy định là: 05 ngày làm việc.');
    expect(t).toContain('4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 05/01/2026.');
    expect(t).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 10/01/2026.');
    expect(t).toContain(`mã tra cứu ${lookupSecret}`);
    expect(t).toContain('chưa được đối chiếu với văn bản gốc'); // the limit in the catalog is unconfirmed
    expect(form01.signatures).toEqual([
      { title: 'Người nộp hồ sơ', hint: '(Ký và ghi rõ họ tên)', name: 'Nguyễn Văn An' },
      { title: 'Người tiếp nhận hồ sơ', hint: '(Ký và ghi rõ họ tên)', name: 'Nguyễn Thị Hòa' },
    ]);
    expect(form01.data).toMatchObject({
      appointmentAt: '2026-01-10T02:00:00.000Z',
      limit: { value: 5, unit: 'working_days', confirmed: false },
    });
  });

  test("Scenario: a late-evening receipt is dated by Vietnam's day, not UTC's: 23:30 on 05/01 (16:30 UTC)", async () => {
    h.clock.set(new Date('2026-01-05T16:30:00Z'));
    const { form01 } = await h.dossiers.receive(undefined, {
      procedureCode: BIRTH,
      channel: 'online',
      receivingAgency: 'mot-cua-xa.hoa-binh',
      intake: birthIntake(),
    });
    expect(text(form01)).toContain('4. Thời gian nhận hồ sơ: 23 giờ 30 phút, ngày 05/01/2026.');
    // After the 15:00 cut-off: counted from Tuesday 06/01; 5 working days end Saturday 10/01 (worked for Friday 02/01) at 17:00.
    expect(text(form01)).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 10/01/2026.');
  });
});

describe('Feature: the forms cite the circular in force on the day the dossier was received', () => {
  const receivedOn = async (local: string) => {
    h.clock.set(new Date(`${local}+07:00`));
    const intake = birthIntake();
    intake.child.birthDate = '2025-09-01';
    return h.dossiers.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake });
  };

  test('Scenario: received on 14/09/2025, the day before Circular 03/2025/TT-VPCP was signed → Circular 01/2018/TT-VPCP and its numbers (its control slip is form 05)', async () => {
    const { dossier, form01 } = await receivedOn('2025-09-14T16:00:00');
    expect(form01.basis).toBe('Mẫu số 01, ban hành kèm theo Thông tư số 01/2018/TT-VPCP (bố cục theo mẫu; nội dung sinh từ dữ liệu hồ sơ)');
    await h.task(dossier.code, 'birthRegistration');
    expect((await h.dossiers.form(STAFF.auditor, dossier.code, '06')).basis).toMatch(/^Mẫu số 05, ban hành kèm theo Thông tư số 01\/2018\/TT-VPCP/);
    // Months later the dossier still cites the forms of its day.
    h.clock.set(new Date('2026-01-05T02:00:00Z'));
    expect((await h.dossiers.form(STAFF.counter, dossier.code, '01')).basis).toContain('Thông tư số 01/2018/TT-VPCP');
  });

  test('Scenario: received on 15/09/2025 → Circular 03/2025/TT-VPCP, Appendix I', async () => {
    const { form01 } = await receivedOn('2025-09-15T08:00:00');
    expect(form01.basis).toBe('Mẫu số 01, Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP (bố cục theo mẫu; nội dung sinh từ dữ liệu hồ sơ)');
  });
});

describe('Feature: printable HTML', () => {
  test('Scenario: everything the citizen typed is escaped; the page has the national heading and a print stylesheet, and loads nothing', async () => {
    const intake = birthIntake();
    intake.applicant.address.detail = '<script>alert("x")</script> & "ngõ 5"';
    const { form01 } = await h.receive(BIRTH, intake);
    const html = renderHtml(form01);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;ngõ 5&quot;');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="vi">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('Cộng hòa xã hội chủ nghĩa Việt Nam');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toContain('@page { size: A4 portrait;');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  test('Scenario: escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });
});

describe('Feature: forms 02–06 as issued and as built', () => {
  test('Scenario: 02 request to supplement, 03 refusal — each stored as printed, signed by whom it names', async () => {
    const { dossier } = await h.receive(BIRTH);
    await h.dossiers.requestSupplement(STAFF.counter, dossier.code, {
      reasons: ['Thiếu giấy chứng sinh bản chính'],
      items: [{ name: 'Giấy chứng sinh (bản chính)' }],
      legalBasis: 'Luật Hộ tịch 2014, Điều 16',
    });
    h.clock.set(new Date('2026-01-07T03:15:00Z'));
    await h.dossiers.refuse(STAFF.counter, dossier.code, {
      reason: 'Người nộp không bổ sung giấy chứng sinh',
      legalBasis: 'Nghị định 123/2015/NĐ-CP',
    });
    const f02 = await h.dossiers.form(STAFF.counter, dossier.code, '02');
    expect(f02.addressee).toBe('Kính gửi: Ông Nguyễn Văn An');
    expect(text(f02)).toContain('1 | Giấy chứng sinh (bản chính) |');
    expect(text(f02)).toContain('Căn cứ pháp lý: Luật Hộ tịch 2014, Điều 16');
    const f03 = await h.dossiers.form(STAFF.counter, dossier.code, '03');
    expect(f03.placeDate).toBe('Hòa Bình, ngày 07 tháng 01 năm 2026');
    expect(text(f03)).toContain('với lý do cụ thể như sau: Người nộp không bổ sung giấy chứng sinh.');
    expect(f03.signatures[0]).toMatchObject({ name: 'Nguyễn Thị Hòa' });
    await expect(h.dossiers.form(STAFF.counter, dossier.code, '04')).rejects.toMatchObject({ name: 'NotFound' });
  });

  test('Scenario: 06 — per step the agency, "hh:mm dd/mm/yyyy" of the hand-over, by and to whom, and the result', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive(BIRTH);
    await h.task(dossier.code, 'birthRegistration');
    h.clock.set(new Date('2026-01-05T07:40:00Z')); // 14:40 in Hà Nội
    await h.complete(dossier.code, 'birthRegistration', { outcome: 'approved' });
    await h.task(dossier.code, 'residenceRegistration');
    const slip = await h.dossiers.form(STAFF.auditor, dossier.code, '06');
    const rows = (slip.body.find((b) => b.kind === 'table') as any).rows as string[][];
    expect(rows[0][0]).toBe('1. Ủy ban nhân dân xã Hòa Bình (công chức Tư pháp – Hộ tịch)\n(Đăng ký khai sinh)');
    expect(rows[0][1]).toBe(
      'Giao: Nguyễn Thị Hòa (Trung tâm Phục vụ hành chính công xã Hòa Bình), 09:00 05/01/2026\nNhận: Lê Thị Hộ (Ủy ban nhân dân xã Hòa Bình (công chức Tư pháp – Hộ tịch))',
    );
    expect(rows[0][2]).toBe('Trước hạn\nHạn: 09:00 06/01/2026\nXong: 14:40 05/01/2026');
    expect(rows.find((r) => r[0].includes('Công an xã Hòa Bình'))![1]).toContain('Giao: Lê Thị Hộ');
    expect(rows.find((r) => r[0].includes('Công an xã Hòa Bình'))![2]).toMatch(/^Đang giải quyết/);
    expect(renderHtml(slip)).toContain('Phiếu kiểm soát quá trình giải quyết hồ sơ');
  });
});
