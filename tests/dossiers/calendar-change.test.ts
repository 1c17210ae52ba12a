/**
 * Feature: a change of the working-day calendar reaches the dossiers already running. An
 * administrator (or a seed version carrying a Government decision) makes a day a day off, or a
 * working day again: every running clock whose window holds it keeps the office time it had left
 * and counts it on the new calendar; the appointment, the open tasks' due dates and the process's
 * planned due dates follow; the applicant is told and the dossier's history says why. A total in
 * calendar days (the construction permit) moves only when its last day changes.
 */
import { CalendarStore, OVERRIDES_SEED } from '../../src/calendar/index.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const vn = (local: string) => new Date(`${local}+07:00`);
const BIRTH = 'birth-registration-group';
const DAY_OFF = { kind: 'day_off' as const, reason: 'Nghỉ theo quyết định của tỉnh (thử nghiệm)', source: 'Văn bản thử nghiệm số 01' };

/** The dates a test sets are removed again, so the next test starts from the shipped calendar. */
const set: string[] = [];
async function dayOff(date: string) {
  set.push(date);
  await h.calendarStore.setOverride({ date, ...DAY_OFF }, STAFF.admin.username);
}
afterEach(async () => {
  for (const date of set.splice(0)) await h.calendarStore.deleteOverride(date, STAFF.admin.username);
});

async function notices(code: string) {
  const { rows } = await h.db.query<{ kind: string; payload: Record<string, unknown> }>(
    `select kind, payload from domain.outbox where dossier_code = $1 and kind = 'dossier.appointment_moved' order by id`,
    [code],
  );
  return rows;
}

describe('Feature: a day made a day off moves the appointments it falls inside', () => {
  test('Scenario: a birth dossier received Monday 05/01/2026 09:00 (appointment Saturday 10/01 09:00, the swapped working day); at 10:00 Tuesday 06/01 becomes a day off → Monday 12/01 09:00, the first step Wednesday 07/01 09:00', async () => {
    const { dossier, lookupSecret, form01 } = await h.receive(BIRTH);
    expect(dossier.appointmentAt).toEqual(vn('2026-01-10T09:00:00'));
    expect((await h.task(dossier.code, 'birthRegistration')).dueAt).toBe(vn('2026-01-06T09:00:00').toISOString());
    h.clock.set(vn('2026-01-05T10:00:00'));

    await dayOff('2026-01-06');

    const d = await h.dossier(dossier.code);
    expect(d.appointmentAt).toEqual(vn('2026-01-12T09:00:00'));
    const clocks = await h.sla.clocks(h.db, dossier.code);
    expect(clocks[0]).toMatchObject({ kind: 'dossier', state: 'running', dueAt: vn('2026-01-12T09:00:00'), statutoryDueAt: vn('2026-01-12T09:00:00') });
    expect(clocks[1]).toMatchObject({ kind: 'step', step: 'birthRegistration', dueAt: vn('2026-01-07T09:00:00') });
    // The step's task shows its new due date in the inbox.
    expect((await h.task(dossier.code, 'birthRegistration')).dueAt).toBe(vn('2026-01-07T09:00:00').toISOString());
    // The due dates the process will give its next steps are recounted, and the process has them.
    expect(d.data.dueDates).toMatchObject({ birthRegistration: '2026-01-07T09:00:00+07:00', returnResult: '2026-01-12T09:00:00+07:00' });
    const { variables } = await h.instance(d.processInstanceKey!);
    expect(variables).toMatchObject({ appointmentAt: '2026-01-12T09:00:00+07:00', dueDates: d.data.dueDates });
    // The citizen's lookup shows the new date; the applicant is told; the history says why.
    expect((await h.dossiers.publicStatus(dossier.code, lookupSecret)).appointmentAt).toBe(vn('2026-01-12T09:00:00').toISOString());
    expect(await notices(dossier.code)).toEqual([
      {
        kind: 'dossier.appointment_moved',
        payload: {
          calendar: { dates: ['2026-01-06'] },
          previousAppointmentAt: vn('2026-01-10T09:00:00').toISOString(),
          appointmentAt: vn('2026-01-12T09:00:00').toISOString(),
        },
      },
    ]);
    const { rows: events } = await h.db.query<{ actor: string; reason: string }>(
      `select actor, reason from domain.dossier_events where dossier_code = $1 and payload ? 'calendar'`,
      [dossier.code],
    );
    expect(events).toEqual([{ actor: STAFF.admin.username, reason: 'Lịch làm việc thay đổi (ngày 06/01/2026): hẹn trả kết quả 10/01/2026 → 12/01/2026' }]);
    // Form 01 stays as it was printed.
    const { rows: printed } = await h.db.query<{ data: unknown }>(`select data from domain.dossier_forms where dossier_code = $1 and form = '01'`, [
      dossier.code,
    ]);
    expect(printed).toHaveLength(1);
    expect(JSON.stringify(printed[0].data)).toContain('ngày 10/01/2026');
    expect(JSON.stringify(printed[0].data)).not.toContain('12/01/2026');
    expect(JSON.stringify(form01)).toContain('ngày 10/01/2026');

    // Tuesday is a working day again: the appointment comes back to Saturday, the step to Tuesday.
    await h.calendarStore.deleteOverride(set.pop()!, STAFF.admin.username);
    expect((await h.dossier(dossier.code)).appointmentAt).toEqual(vn('2026-01-10T09:00:00'));
    expect((await h.task(dossier.code, 'birthRegistration')).dueAt).toBe(vn('2026-01-06T09:00:00').toISOString());
    expect(await notices(dossier.code)).toHaveLength(2);
  });

  test('Scenario: a day off after the appointment, or a day already past, moves nothing and tells no one', async () => {
    const { dossier } = await h.receive(BIRTH);
    const before = await h.snapshot(dossier.code);
    h.clock.set(vn('2026-01-08T10:00:00'));
    await dayOff('2026-01-20');
    await dayOff('2026-01-07');
    expect(await h.snapshot(dossier.code)).toEqual(before);
    expect(await notices(dossier.code)).toEqual([]);
  });

  test('Scenario: a dossier already refused keeps its appointment; its history is not rewritten', async () => {
    const { dossier } = await h.receive(BIRTH);
    h.clock.set(vn('2026-01-05T10:00:00'));
    await h.dossiers.refuse(STAFF.counter, dossier.code, { reason: 'Không đủ điều kiện', legalBasis: 'Luật Hộ tịch 2014, Điều 16' });
    await dayOff('2026-01-06');
    expect((await h.dossier(dossier.code)).appointmentAt).toEqual(vn('2026-01-10T09:00:00'));
    expect(await notices(dossier.code)).toEqual([]);
  });
});

describe('Feature: a total in calendar days (Construction Law art. 102: 20 days) moves only with its last day', () => {
  beforeEach(() => h.clock.set(vn('2026-12-01T09:00:00')));

  test('Scenario: received Tuesday 01/12/2026 09:00 → Monday 21/12 17:00; Friday 11/12 made a day off leaves it; Monday 21/12 made a day off → Tuesday 22/12 17:00', async () => {
    const { dossier } = await h.receive('construction-permit');
    expect(dossier.appointmentAt).toEqual(vn('2026-12-21T17:00:00'));
    h.clock.set(vn('2026-12-02T09:00:00'));
    await dayOff('2026-12-11');
    expect((await h.dossier(dossier.code)).appointmentAt).toEqual(vn('2026-12-21T17:00:00'));
    await dayOff('2026-12-21');
    expect((await h.dossier(dossier.code)).appointmentAt).toEqual(vn('2026-12-22T17:00:00'));
    const [clock] = await h.sla.clocks(h.db, dossier.code);
    expect(clock).toMatchObject({ kind: 'dossier', limit: { value: 20, unit: 'calendar_days' }, dueAt: vn('2026-12-22T17:00:00') });
  });
});

describe('Feature: a seed version with a Government decision recounts as an administrator change does', () => {
  test('Scenario: the seed makes Thursday 08/01/2026 a day off → the running birth dossier moves to Monday 12/01 09:00, told as the seed', async () => {
    const { dossier } = await h.receive(BIRTH);
    h.clock.set(vn('2026-01-06T10:00:00'));
    // A date no administrator has touched in this file: the seed may set it.
    const seed = [...OVERRIDES_SEED, { date: '2026-01-08', ...DAY_OFF }];
    expect(await h.calendarStore.applySeed(seed, 'test-calendar-change')).toMatchObject({ added: ['2026-01-08'] });
    try {
      expect((await h.dossier(dossier.code)).appointmentAt).toEqual(vn('2026-01-12T09:00:00'));
      const { rows } = await h.db.query<{ actor: string }>(
        `select actor from domain.audit_log where dossier_code = $1 and action = 'dossier.appointment_moved'`,
        [dossier.code],
      );
      expect(rows).toEqual([{ actor: 'seed:test-calendar-change' }]);
    } finally {
      await h.calendarStore.applySeed(OVERRIDES_SEED, 'test-calendar-change.undo');
    }
  });
});

describe('Feature: a crash between the change and telling the process loses nothing', () => {
  test('Scenario: the service dies right after committing Tuesday 06/01/2026 as a day off → the process still plans 06/01; the next reconcile gives it 07/01 and the appointment 12/01, once', async () => {
    const { dossier } = await h.receive(BIRTH);
    const key = (await h.dossier(dossier.code)).processInstanceKey!;
    h.clock.set(vn('2026-01-05T10:00:00'));
    // The same recount in the same transaction, but what follows the commit never runs.
    const dying = new CalendarStore(h.db, {
      onChange: async (q, change) => {
        await h.dossiers.onCalendarChanged(q, change);
        return undefined;
      },
    });
    await dying.init();
    set.push('2026-01-06');
    await dying.setOverride({ date: '2026-01-06', ...DAY_OFF }, STAFF.admin.username);
    await h.calendarStore.refresh();

    const d = await h.dossier(dossier.code);
    expect(d.appointmentAt).toEqual(vn('2026-01-12T09:00:00'));
    expect(d.data.dueDates).toMatchObject({ birthRegistration: '2026-01-07T09:00:00+07:00' });
    expect((await h.instance(key)).variables).toMatchObject({
      appointmentAt: '2026-01-10T09:00:00+07:00',
      dueDates: { birthRegistration: '2026-01-06T09:00:00+07:00' },
    });

    expect(await h.dossiers.reconcile()).toMatchObject({ processesTold: 1 });
    expect((await h.instance(key)).variables).toMatchObject({ appointmentAt: '2026-01-12T09:00:00+07:00', dueDates: d.data.dueDates });
    // Given once: the next pass owes nothing.
    expect(await h.dossiers.reconcile()).toMatchObject({ processesTold: 0 });
  });
});
