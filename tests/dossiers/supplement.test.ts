/**
 * Feature: supplements and the clock — a supplement request pauses the dossier's SLA clock (with
 * the reason, the requester and the legal basis); the applicant's supplement resumes it as the
 * rule version says: 'restart' (the whole limit again, a new appointment) or 'pause' (the time
 * left). And form 04: an apology moves the appointment on the working-day calendar.
 */
import { SUPPLEMENTED_MESSAGE } from '../../src/dossiers/actions.js';
import { oweMessage } from '../../src/dossiers/owed.js';
import { ruleVersionAt } from '../../src/procedures/index.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const BIRTH = 'birth-registration-group';
const vn = (local: string) => new Date(`${local}+07:00`);
const REQUEST = {
  reasons: ['Giấy chứng sinh không rõ số hiệu'],
  items: [{ name: 'Giấy chứng sinh bản rõ nét', note: 'bản chính' }],
  legalBasis: 'Luật Hộ tịch 2014, Điều 16, khoản 1',
};

async function requested() {
  const r = await h.receive(BIRTH); // Monday 05/01/2026 09:00; appointment Saturday 10/01 09:00 (the swapped working day)
  h.clock.set(vn('2026-01-06T09:00:00'));
  const form02 = await h.dossiers.requestSupplement(STAFF.counter, r.dossier.code, REQUEST);
  return { ...r, form02 };
}

describe('Feature: a supplement request pauses the clock', () => {
  test('Scenario: the request is recorded with its reason, requester and legal basis; the public sees what to hand in', async () => {
    const { dossier, lookupSecret, form02 } = await requested();
    const [clock] = await h.sla.clocks(h.db, dossier.code);
    expect(clock).toMatchObject({ kind: 'dossier', state: 'paused' });
    expect(clock.pauses).toEqual([
      expect.objectContaining({
        pausedAt: vn('2026-01-06T09:00:00'),
        resumedAt: null,
        reason: REQUEST.reasons[0],
        requestedBy: STAFF.counter.username,
        legalBasis: REQUEST.legalBasis,
      }),
    ]);
    expect(form02).toMatchObject({
      form: '02',
      title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
      data: { items: REQUEST.items, legalBasis: REQUEST.legalBasis },
    });
    const pub = await h.dossiers.publicStatus(dossier.code, lookupSecret);
    expect(pub).toMatchObject({
      status: 'supplement_requested',
      statusVi: 'chờ bổ sung',
      supplement: { reasons: REQUEST.reasons, items: REQUEST.items, legalBasis: REQUEST.legalBasis },
    });
    expect(pub.applicant).toEqual({ fullName: 'Nguyễn Văn An', citizenId: '********3456' });
    expect(JSON.stringify(pub)).not.toMatch(/Nguyễn Minh Khang|079301654321/); // the child, the mother: not shown to the public
    const { rows } = await h.db.query(`select channel, kind, recipient, payload from domain.outbox where dossier_code = $1 order by id`, [dossier.code]);
    expect(rows).toEqual([
      {
        channel: 'email',
        kind: 'dossier.received',
        recipient: 'an.nguyen@example.vn',
        payload: { appointmentAt: vn('2026-01-10T09:00:00').toISOString() },
      },
      {
        channel: 'email',
        kind: 'dossier.supplement_requested',
        recipient: 'an.nguyen@example.vn',
        payload: { form: '02', requestId: form02.data.requestId, number: 1, items: ['Giấy chứng sinh bản rõ nét'] },
      },
    ]);
  });

  test('Scenario: a construction permit received under 2026.12 is asked twice (Construction Law art. 102: a second notice); the applicant gets two notices, each naming its request', async () => {
    h.clock.set(vn('2026-12-01T09:00:00'));
    const { dossier, lookupSecret } = await h.receive('construction-permit');
    const asked = [];
    for (const day of ['02', '04']) {
      h.clock.set(vn(`2026-12-${day}T09:00:00`));
      asked.push((await h.dossiers.requestSupplement(STAFF.counterProvince, dossier.code, REQUEST)).data.requestId);
      h.clock.set(vn(`2026-12-${day}T15:00:00`));
      await h.dossiers.supplement(dossier.code, lookupSecret, { note: 'Đã nộp bản rõ nét' });
    }
    expect(new Set(asked).size).toBe(2);
    const { rows } = await h.db.query(`select payload from domain.outbox where dossier_code = $1 and kind = 'dossier.supplement_requested' order by id`, [
      dossier.code,
    ]);
    expect(rows.map((r) => r.payload)).toEqual([
      { form: '02', requestId: asked[0], number: 1, items: ['Giấy chứng sinh bản rõ nét'] },
      { form: '02', requestId: asked[1], number: 2, items: ['Giấy chứng sinh bản rõ nét'] },
    ]);
  });
});

describe('Feature: the supplement resumes the clock as the version says', () => {
  test("Scenario: 'restart' (the birth group) — 5 working days again from Thursday 08/01 09:00, Saturday 10/01 worked: new appointment Wednesday 14/01 09:00", async () => {
    const { dossier, lookupSecret } = await requested();
    h.clock.set(vn('2026-01-08T09:00:00'));
    const after = await h.dossiers.supplement(dossier.code, lookupSecret, {
      documents: [{ code: 'giay-chung-sinh', name: 'Giấy chứng sinh' }],
      note: 'Đã nộp bản rõ nét',
    });
    expect(after.status).toBe('supplemented');
    expect(after.appointmentAt).toEqual(vn('2026-01-14T09:00:00'));
    const [clock] = await h.sla.clocks(h.db, dossier.code);
    expect(clock).toMatchObject({ state: 'running', dueAt: vn('2026-01-14T09:00:00') });
    expect(clock.pauses[0].resumedAt).toEqual(vn('2026-01-08T09:00:00'));
    // The process gets the new step due dates for the steps still to come.
    const { variables } = await h.instance(after.processInstanceKey!);
    expect(variables.dueDates).toMatchObject({ birthRegistration: '2026-01-09T09:00:00+07:00', returnResult: '2026-01-14T09:00:00+07:00' });
    // …and the new appointment in the notation it started with, so a trace compares like with like.
    expect(variables.appointmentAt).toBe('2026-01-14T09:00:00+07:00');
    expect((await h.dossiers.publicStatus(dossier.code, lookupSecret)).supplement).toBeNull();
  });

  test("Scenario: 'pause' — the 4 working days left continue from Thursday 08/01 09:00, Saturday 10/01 worked: appointment Tuesday 13/01 09:00", async () => {
    // The version in force on the day of receipt (January 2026).
    const version = ruleVersionAt(h.catalog.get(BIRTH), '2026-01-05');
    const was = version.supplement.clock.value;
    version.supplement.clock.value = 'pause';
    try {
      const { dossier, lookupSecret } = await requested();
      h.clock.set(vn('2026-01-08T09:00:00'));
      const after = await h.dossiers.supplement(dossier.code, lookupSecret, {});
      expect(after.appointmentAt).toEqual(vn('2026-01-13T09:00:00'));
      expect((await h.sla.clocks(h.db, dossier.code))[0]).toMatchObject({ state: 'running', dueAt: vn('2026-01-13T09:00:00') });
      // The process's appointment follows, though its step due dates (not restarted) stay.
      expect((await h.instance(after.processInstanceKey!)).variables.appointmentAt).toBe('2026-01-13T09:00:00+07:00');
    } finally {
      version.supplement.clock.value = was;
    }
  });

  test("Scenario: counter staff may hand in the supplement on the applicant's behalf, without the secret", async () => {
    const { dossier } = await requested();
    const after = await h.dossiers.supplement(dossier.code, undefined, { note: 'Người nộp đến bổ sung trực tiếp' }, STAFF.counter);
    expect(after.status).toBe('supplemented');
    const { rows } = await h.db.query(`select actor from domain.dossier_events where dossier_code = $1 and to_status = 'supplemented'`, [dossier.code]);
    expect(rows).toEqual([{ actor: STAFF.counter.username }]);
  });
});

describe('Feature: late → an apology and a new appointment (form 04)', () => {
  test('Scenario: 2 more working days from the appointment Saturday 10/01 09:00 (the swapped working day) → Tuesday 13/01 09:00', async () => {
    const { dossier, lookupSecret } = await h.receive(BIRTH);
    h.clock.set(vn('2026-01-10T08:00:00'));
    const form = await h.dossiers.apologize(STAFF.counter, dossier.code, {
      reason: 'Cơ quan Bảo hiểm xã hội chưa cấp xong thẻ',
      extra: { value: 2, unit: 'working_days' },
    });
    expect(form).toMatchObject({ form: '04', title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết' });
    expect(form.data).toMatchObject({
      previousAppointmentAt: vn('2026-01-10T09:00:00').toISOString(),
      newAppointmentAt: vn('2026-01-13T09:00:00').toISOString(),
    });
    const text = form.body.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(text).toContain('09 giờ 00 phút, ngày 10/01/2026');
    expect(text).toContain('hẹn trả kết quả vào 09 giờ 00 phút, ngày 13/01/2026');
    expect((await h.dossiers.publicStatus(dossier.code, lookupSecret)).appointmentAt).toBe(vn('2026-01-13T09:00:00').toISOString());
    expect((await h.sla.clocks(h.db, dossier.code))[0].extensions).toEqual([
      expect.objectContaining({ reason: 'Cơ quan Bảo hiểm xã hội chưa cấp xong thẻ', newDueAt: vn('2026-01-13T09:00:00') }),
    ]);
    // The process's appointment follows the new one.
    const key = (await h.dossier(dossier.code)).processInstanceKey!;
    expect((await h.instance(key)).variables).toMatchObject({ appointmentAt: '2026-01-13T09:00:00+07:00' });
  });
});

describe('Feature: a process that waits for the supplement gets its message, even across a crash', () => {
  /** The birth group's version of January 2026, declaring the message for the test's duration. */
  function declaringTheMessage(): () => void {
    const version = ruleVersionAt(h.catalog.get(BIRTH), '2026-01-05');
    const messages = version.process.messages as { name: string; correlationKey: string; description: { vi: string; en: string } }[];
    messages.push({ name: SUPPLEMENTED_MESSAGE, correlationKey: '=dossierCode', description: { vi: 'Người nộp đã bổ sung', en: 'Supplemented' } });
    return () => void messages.pop();
  }
  async function messagesOf(code: string) {
    const { rows } = await h.db.query<{ message_id: string; variables: unknown }>(
      `select message_id, variables from engine.messages where name = $1 and correlation_key = $2 order by key`,
      [SUPPLEMENTED_MESSAGE, code],
    );
    return rows.map((r) => ({ id: r.message_id, variables: typeof r.variables === 'string' ? JSON.parse(r.variables) : r.variables }));
  }
  const owes = async (code: string) =>
    (await h.db.query<{ owes: boolean }>(`select message_owed is not null as owes from domain.dossiers where code = $1`, [code])).rows[0].owes;

  test('Scenario: the applicant supplements on Thursday 08/01/2026 09:00 → the engine holds one message <code>:supplemented:1 with supplementedAt; the dossier owes nothing', async () => {
    const restore = declaringTheMessage();
    try {
      const { dossier, lookupSecret } = await requested();
      h.clock.set(vn('2026-01-08T09:00:00'));
      await h.dossiers.supplement(dossier.code, lookupSecret, { note: 'Đã nộp bản rõ nét' });
      expect(await messagesOf(dossier.code)).toEqual([
        { id: `${dossier.code}:supplemented:1`, variables: { supplementedAt: vn('2026-01-08T09:00:00').toISOString() } },
      ]);
      expect(await owes(dossier.code)).toBe(false);
    } finally {
      restore();
    }
  });

  test('Scenario: the database refuses to record that the process was told (a trigger standing in for a deadlock victim) → the supplement still answers; the dossier owes the process until the next reconcile', async () => {
    const { dossier, lookupSecret } = await requested();
    const owesVariables = async () =>
      (await h.db.query<{ owes: boolean }>(`select variables_changed > variables_pushed as owes from domain.dossiers where code = $1`, [dossier.code])).rows[0]
        .owes;
    await h.db.query(`create function public.lt_refuse_push() returns trigger language plpgsql as $$
      begin
        if new.variables_pushed is distinct from old.variables_pushed then raise exception 'recording the push refused (test)'; end if;
        return new;
      end $$`);
    await h.db.query(`create trigger lt_refuse_push before update on domain.dossiers for each row execute function public.lt_refuse_push()`);
    try {
      // When the applicant supplements (restart: a new appointment the process is owed)
      h.clock.set(vn('2026-01-08T09:00:00'));
      const supplemented = await h.dossiers.supplement(dossier.code, lookupSecret, { note: 'Đã nộp bản rõ nét' });
      // Then the supplement is done, and the process is still owed its new due dates
      expect(supplemented.status).toBe('supplemented');
      expect(await owesVariables()).toBe(true);
    } finally {
      await h.db.query(`drop trigger lt_refuse_push on domain.dossiers`);
      await h.db.query(`drop function public.lt_refuse_push()`);
    }
    // And the next reconcile tells it
    expect(await h.dossiers.reconcile()).toMatchObject({ processesTold: 1 });
    expect(await owesVariables()).toBe(false);
  });

  test('Scenario: the service died after committing the supplement, before publishing → the next reconcile publishes it once; one already published (its record lost) is not published twice', async () => {
    const { dossier } = await requested();
    const message = {
      name: SUPPLEMENTED_MESSAGE,
      correlationKey: dossier.code,
      messageId: `${dossier.code}:supplemented:1`,
      timeToLive: 86_400_000,
      variables: { supplementedAt: vn('2026-01-08T09:00:00').toISOString() },
    };
    // What the supplement's transaction records; what follows its commit never ran.
    await h.db.tx((q) => oweMessage(q, dossier.code, message));
    expect(await messagesOf(dossier.code)).toEqual([]);

    expect(await h.dossiers.reconcile()).toMatchObject({ processesTold: 1 });
    expect(await messagesOf(dossier.code)).toEqual([{ id: message.messageId, variables: message.variables }]);
    expect(await owes(dossier.code)).toBe(false);

    // Published, but the record of it lost: the engine refuses the same message id, and that settles it.
    await h.db.tx((q) => oweMessage(q, dossier.code, message));
    expect(await h.dossiers.reconcile()).toMatchObject({ processesTold: 1 });
    expect(await messagesOf(dossier.code)).toHaveLength(1);
    expect(await owes(dossier.code)).toBe(false);
  });
});
