/**
 * Feature: a clock per dossier and per agency step — start, pause on a supplement request,
 * resume (the rest of the budget) or restart (the whole budget), stop early / on time / late,
 * cancel, and the apology with a new appointment (form 04).
 */
import type { Limit } from '../../src/sla/index.js';
import { rejection } from '../support/engine.js';
import { dossier, show, task, useSla, vn } from './support.js';

const h = useSla();
const days = (value: number) => ({ value, unit: 'working_days' as const });
const sla = () => h.service();

async function started(startedAt = vn('02/03/2026 08:00'), limit: Limit = days(5)) {
  const code = await dossier(h.db, { receivedAt: startedAt });
  const clock = await h.db.tx((q) => sla().startDossierClock(q, { dossierCode: code, limit, startedAt }));
  return { code, clock };
}

describe('Scenario: start', () => {
  test('the dossier clock gives the appointment and is running; its reminder comes at 75 % of the budget', async () => {
    // Given a 5-working-day dossier received Mon 02/03/2026 08:00 (40 office hours)
    const { code, clock } = await started();
    // Then it is due Mon 09/03 08:00, and at risk once 30 office hours are used: Thu 05/03 15:30
    expect(show(clock.dueAt)).toBe('09/03/2026 08:00');
    h.clock.set(vn('02/03/2026 09:00'));
    const [view] = await sla().clocks(h.db, code);
    expect(view).toMatchObject({
      kind: 'dossier',
      dossierCode: code,
      state: 'running',
      taskId: null,
      limit: days(5),
      stoppedAt: null,
      pauses: [],
    });
    expect(show(view.atRiskAt!)).toBe('05/03/2026 15:30');
    expect(view.startedAt.toISOString()).toBe(vn('02/03/2026 08:00').toISOString());
  });

  test("a dossier clock in calendar days (a statutory total such as the Construction Law's 20 days) is stored and read back; a step clock in calendar days is refused", async () => {
    // Given a 20-calendar-day dossier received Tue 01/12/2026 09:00: the 20th day after, Mon 21/12, at closing
    const { code, clock } = await started(vn('01/12/2026 09:00'), { value: 20, unit: 'calendar_days' });
    expect(show(clock.dueAt)).toBe('21/12/2026 17:00');
    h.clock.set(vn('01/12/2026 10:00'));
    const [view] = await sla().clocks(h.db, code);
    expect(view).toMatchObject({ kind: 'dossier', state: 'running', limit: { value: 20, unit: 'calendar_days' } });

    const taskId = await task(h.db, code, 'cong-an-xa-a', 'policeCheck');
    const step = { dossierCode: code, taskId, agencyCode: 'cong-an-xa-a', step: 'policeCheck', startedAt: vn('01/12/2026 10:00') };
    const err = await rejection(h.db.tx((q) => sla().startStepClock(q, { ...step, limit: { value: 3, unit: 'calendar_days' } })));
    expect(err.name).toBe('Invalid');
    expect(err.details).toEqual({ param: 'limit.unit' });
  });

  test('a second open clock for the same dossier is a Conflict', async () => {
    const { code } = await started();
    await expect(h.db.tx((q) => sla().startDossierClock(q, { dossierCode: code, limit: days(1), startedAt: vn('02/03/2026 09:00') }))).rejects.toMatchObject({
      name: 'Conflict',
    });
  });

  test('a clock for a dossier or task that does not exist is NotFound, not a database error', async () => {
    const start = { limit: days(1), startedAt: vn('02/03/2026 09:00') };
    await expect(h.db.tx((q) => sla().startDossierClock(q, { dossierCode: 'no-such-dossier', ...start }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    const code = await dossier(h.db);
    await expect(
      h.db.tx((q) => sla().startStepClock(q, { dossierCode: code, taskId: '999999999', agencyCode: 'ubnd-xa-a', step: 's', ...start })),
    ).rejects.toMatchObject({ name: 'NotFound' });
    await expect(
      h.db.tx((q) => sla().startStepClock(q, { dossierCode: code, taskId: 'abc', agencyCode: 'ubnd-xa-a', step: 's', ...start })),
    ).rejects.toMatchObject({ name: 'Invalid' });
  });

  test('the dossier clock applies the cut-off; a step clock names its agency and step', async () => {
    const code = await dossier(h.db);
    const { dueAt } = await h.db.tx((q) =>
      sla().startDossierClock(q, {
        dossierCode: code,
        limit: days(3),
        startedAt: vn('12/02/2026 15:30'),
        cutOff: { after: '15:00', countFrom: 'next_working_day' },
      }),
    );
    expect(show(dueAt)).toBe('24/02/2026 17:00');
    const taskId = await task(h.db, code, 'cong-an-xa-a', 'policeCheck');
    const step = await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'cong-an-xa-a',
        step: 'policeCheck',
        limit: { value: 4, unit: 'working_hours' },
        startedAt: vn('24/02/2026 16:00'),
      }),
    );
    expect(show(step.dueAt)).toBe('25/02/2026 10:30');
    const views = await sla().clocks(h.db, code);
    expect(views.map((v) => [v.kind, v.agencyCode, v.step, v.taskId])).toEqual([
      ['dossier', null, null, null],
      ['step', 'cong-an-xa-a', 'policeCheck', taskId],
    ]);
  });
});

describe('Scenario: the hand-back step (limit 0) is due at the appointment', () => {
  test('Given a dossier due Mon 09/03 08:00, its 0-day return step is due then too, and follows a form 04 extension', async () => {
    const { code } = await started();
    const taskId = await task(h.db, code, 'ubnd-xa-a', 'returnResult');
    const step = await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'ubnd-xa-a',
        step: 'returnResult',
        limit: days(0),
        startedAt: vn('05/03/2026 09:00'),
      }),
    );
    expect(show(step.dueAt)).toBe('09/03/2026 08:00');
    await h.db.tx((q) => sla().extendDossier(q, code, { at: vn('09/03/2026 09:00'), extra: days(1), reason: 'Xin lỗi', actor: 'cb' }));
    h.clock.set(vn('09/03/2026 10:00'));
    const [, s] = await sla().clocks(h.db, code);
    expect(show(s.dueAt)).toBe('10/03/2026 09:00');
    expect(s.state).toBe('running');
    expect(await h.db.tx((q) => sla().stopStep(q, taskId, vn('09/03/2026 10:00')))).toBe('met_late');
  });

  test('Given a step withdrawn by the process, when its clock is cancelled, then it stops without a verdict and the scanner leaves it alone', async () => {
    const { code } = await started();
    const taskId = await task(h.db, code, 'ubnd-xa-a', 'returnResult');
    await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'ubnd-xa-a',
        step: 'returnResult',
        limit: days(0),
        startedAt: vn('05/03/2026 09:00'),
      }),
    );
    await h.db.tx((q) => sla().cancelStep(q, taskId, vn('05/03/2026 10:00')));
    const [, s] = await sla().clocks(h.db, code);
    expect(s.state).toBe('cancelled');
    const { rows } = await h.db.query(`select next_check_at from domain.sla_clocks where task_id = $1`, [taskId]);
    expect(rows[0].next_check_at).toBeNull();
  });

  test('an extension of 0 is refused', async () => {
    const { code } = await started();
    await expect(h.db.tx((q) => sla().extendDossier(q, code, { at: vn('09/03/2026 09:00'), extra: days(0), reason: 'x', actor: 'cb' }))).rejects.toMatchObject({
      name: 'Invalid',
    });
  });
});

describe('Scenario: states read against the clock', () => {
  test('running → at risk → overdue', async () => {
    const { code } = await started();
    const state = async (at: string) => {
      h.clock.set(vn(at));
      return (await sla().clocks(h.db, code))[0].state;
    };
    expect(await state('05/03/2026 15:29')).toBe('running');
    expect(await state('05/03/2026 15:30')).toBe('at_risk');
    expect(await state('09/03/2026 07:59')).toBe('at_risk');
    expect(await state('09/03/2026 08:00')).toBe('overdue');
  });

  test('the atRiskShare is configurable: 50 % of 40 h = 20 h → Wed 04/03 13:30', async () => {
    const code = await dossier(h.db);
    await h.db.tx((q) => h.service({ atRiskShare: 0.5 }).startDossierClock(q, { dossierCode: code, limit: days(5), startedAt: vn('02/03/2026 08:00') }));
    expect(show((await sla().clocks(h.db, code))[0].atRiskAt!)).toBe('04/03/2026 13:30');
  });
});

describe('Scenario: stop — met early, met on time, met late', () => {
  // A 1-working-day step started Wed 04/03/2026 10:00 is due Thu 05/03 10:00.
  const step = async () => {
    const code = await dossier(h.db);
    const taskId = await task(h.db, code, 'ubnd-xa-a');
    await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'ubnd-xa-a',
        step: 'review',
        limit: days(1),
        startedAt: vn('04/03/2026 10:00'),
      }),
    );
    return { code, taskId };
  };

  test.each([
    ['04/03/2026 16:00', 'met_early'],
    ['05/03/2026 08:00', 'met_on_time'],
    ['05/03/2026 10:00', 'met_on_time'],
    ['05/03/2026 10:01', 'met_late'],
    ['06/03/2026 09:00', 'met_late'],
  ])('stopped %s → %s', async (at, expected) => {
    const { code, taskId } = await step();
    expect(await h.db.tx((q) => sla().stopStep(q, taskId, vn(at)))).toBe(expected);
    h.clock.set(vn('10/03/2026 08:00'));
    const [view] = await sla().clocks(h.db, code);
    expect(view.state).toBe(expected);
    expect(view.stoppedAt!.toISOString()).toBe(vn(at).toISOString());
    // A stopped clock is stopped: a second stop finds nothing open.
    expect(await h.db.tx((q) => sla().stopStep(q, taskId, vn(at)))).toBeUndefined();
  });

  test('stopDossier judges the dossier clock; cancelDossier cancels it and every open step', async () => {
    const { code } = await started();
    expect(await h.db.tx((q) => sla().stopDossier(q, code, vn('06/03/2026 10:00')))).toBe('met_early');
    const other = await started();
    const taskId = await task(h.db, other.code, 'ubnd-xa-a');
    await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: other.code,
        taskId,
        agencyCode: 'ubnd-xa-a',
        step: 'review',
        limit: days(1),
        startedAt: vn('02/03/2026 08:00'),
      }),
    );
    await h.db.tx((q) => sla().cancelDossier(q, other.code, vn('03/03/2026 08:00')));
    expect((await sla().clocks(h.db, other.code)).map((v) => v.state)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('Scenario: pause and resume on a supplement request', () => {
  // 5 working days from Mon 02/03/2026 08:00 (due Mon 09/03 08:00); the citizen is asked to
  // supplement on Wed 04/03 08:00, when 2 days (16 h) are used and 3 days (24 h) remain.
  const pausedDossier = async () => {
    const { code } = await started();
    const taskId = await task(h.db, code, 'cong-an-xa-a');
    await h.db.tx((q) =>
      sla().startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'cong-an-xa-a',
        step: 'policeCheck',
        limit: days(2),
        startedAt: vn('03/03/2026 08:00'),
      }),
    );
    await h.db.tx((q) =>
      sla().pauseDossier(q, code, {
        at: vn('04/03/2026 08:00'),
        reason: 'Thiếu bản sao giấy chứng sinh',
        requestedBy: 'cb.nguyen',
        legalBasis: 'Nghị định 118/2025/NĐ-CP',
      }),
    );
    return { code, taskId };
  };

  test('pause stops the dossier clock and its running step clocks, keeping the reason, requester and legal basis', async () => {
    const { code } = await pausedDossier();
    h.clock.set(vn('20/03/2026 08:00')); // long past the old due: a paused clock is not overdue
    const views = await sla().clocks(h.db, code);
    expect(views.map((v) => v.state)).toEqual(['paused', 'paused']);
    for (const v of views) {
      expect(v.pauses).toEqual([
        {
          pausedAt: vn('04/03/2026 08:00'),
          resumedAt: null,
          reason: 'Thiếu bản sao giấy chứng sinh',
          requestedBy: 'cb.nguyen',
          legalBasis: 'Nghị định 118/2025/NĐ-CP',
        },
      ]);
    }
    await expect(h.db.tx((q) => sla().pauseDossier(q, code, { at: vn('05/03/2026 08:00'), reason: 'x', requestedBy: 'y' }))).rejects.toMatchObject({
      name: 'Conflict',
    });
  });

  test("resume 'pause': the remaining 3 days continue from Mon 16/03 10:00 → due Thu 19/03 10:00; the step keeps its remaining 1 day", async () => {
    const { code } = await pausedDossier();
    const { dueAt } = await h.db.tx((q) => sla().resumeDossier(q, code, { at: vn('16/03/2026 10:00'), mode: 'pause' }));
    expect(show(dueAt)).toBe('19/03/2026 10:00');
    h.clock.set(vn('16/03/2026 10:00'));
    const [d, s] = await sla().clocks(h.db, code);
    expect([d.state, s.state]).toEqual(['running', 'running']);
    expect(show(s.dueAt)).toBe('17/03/2026 10:00');
    expect(d.pauses[0].resumedAt).toEqual(vn('16/03/2026 10:00'));
    // Budget used before the pause counts toward the reminder: 30 h − 16 h = 14 h after resuming → Wed 18/03 08:00
    expect(show(d.atRiskAt!)).toBe('18/03/2026 08:00');
    // Office time used, over the whole life of the clock, is exactly the limit at the due instant.
    const used = h.calendar.workingHoursBetween(vn('02/03/2026 08:00'), vn('04/03/2026 08:00')) + h.calendar.workingHoursBetween(vn('16/03/2026 10:00'), dueAt);
    expect(used).toBe(40);
  });

  test("resume 'restart': the full 5 days again from Mon 16/03 10:00 → due Mon 23/03 10:00", async () => {
    const { code } = await pausedDossier();
    const { dueAt } = await h.db.tx((q) => sla().resumeDossier(q, code, { at: vn('16/03/2026 10:00'), mode: 'restart' }));
    expect(show(dueAt)).toBe('23/03/2026 10:00');
    h.clock.set(vn('16/03/2026 10:00'));
    const [d, s] = await sla().clocks(h.db, code);
    expect(show(d.statutoryDueAt)).toBe('23/03/2026 10:00');
    expect(show(s.dueAt)).toBe('18/03/2026 10:00');
    // the reminder re-armed: 30 h from Mon 16/03 10:00 → Fri 20/03 08:00
    expect(show(d.atRiskAt!)).toBe('20/03/2026 08:00');
  });

  test('a resume received after the cut-off restarts from the next working day when the procedure has a cut-off', async () => {
    const code = await dossier(h.db);
    await h.db.tx((q) =>
      sla().startDossierClock(q, {
        dossierCode: code,
        limit: days(2),
        startedAt: vn('02/03/2026 08:00'),
        cutOff: { after: '15:00', countFrom: 'next_working_day' },
      }),
    );
    await h.db.tx((q) => sla().pauseDossier(q, code, { at: vn('02/03/2026 10:00'), reason: 'Bổ sung', requestedBy: 'cb' }));
    const { dueAt } = await h.db.tx((q) => sla().resumeDossier(q, code, { at: vn('06/03/2026 16:00'), mode: 'restart' }));
    expect(show(dueAt)).toBe('10/03/2026 17:00');
  });

  test('a pause of a clock already late keeps it late: its past due instant stays', async () => {
    const { code } = await started(vn('02/03/2026 08:00'), days(1));
    await h.db.tx((q) => sla().pauseDossier(q, code, { at: vn('04/03/2026 08:00'), reason: 'Bổ sung', requestedBy: 'cb' }));
    const { dueAt } = await h.db.tx((q) => sla().resumeDossier(q, code, { at: vn('09/03/2026 08:00'), mode: 'pause' }));
    expect(show(dueAt)).toBe('03/03/2026 08:00');
    expect(await h.db.tx((q) => sla().stopDossier(q, code, vn('09/03/2026 09:00')))).toBe('met_late');
  });

  test('stopping a paused step resumes it first: stopped during the pause, it is judged on the budget it had', async () => {
    const { taskId } = await pausedDossier();
    expect(await h.db.tx((q) => sla().stopStep(q, taskId, vn('20/03/2026 08:00')))).toBe('met_early');
  });

  test('resume without a pause is a Conflict; unknown dossier is NotFound', async () => {
    const { code } = await started();
    await expect(h.db.tx((q) => sla().resumeDossier(q, code, { at: vn('03/03/2026 08:00'), mode: 'pause' }))).rejects.toMatchObject({
      name: 'Conflict',
    });
    await expect(h.db.tx((q) => sla().pauseDossier(q, 'no-such', { at: vn('03/03/2026 08:00'), reason: 'x', requestedBy: 'y' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});

describe('Scenario: a late dossier — apology and new appointment (form 04)', () => {
  test('an apology on Tue 10/03 09:00 adding 2 working days gives Thu 12/03 09:00; finishing before it is still late by law', async () => {
    const { code } = await started();
    const { newDueAt } = await h.db.tx((q) =>
      sla().extendDossier(q, code, {
        at: vn('10/03/2026 09:00'),
        extra: days(2),
        reason: 'Chờ kết quả xác minh của cơ quan liên quan',
        actor: 'cb.tran',
      }),
    );
    // counted from the later of the apology (10/03 09:00) and the old due (09/03 08:00)
    expect(show(newDueAt)).toBe('12/03/2026 09:00');
    h.clock.set(vn('11/03/2026 09:00'));
    const [v] = await sla().clocks(h.db, code);
    expect(show(v.dueAt)).toBe('12/03/2026 09:00');
    expect(show(v.statutoryDueAt)).toBe('09/03/2026 08:00');
    expect(v.state).toBe('running');
    expect(v.extensions).toEqual([
      {
        at: vn('10/03/2026 09:00'),
        extra: days(2),
        previousDueAt: vn('09/03/2026 08:00'),
        newDueAt,
        reason: 'Chờ kết quả xác minh của cơ quan liên quan',
        actor: 'cb.tran',
      },
    ]);
    expect(await h.db.tx((q) => sla().stopDossier(q, code, vn('11/03/2026 10:00')))).toBe('met_late');
  });

  test('an apology issued before the due instant counts the extra time from the old appointment', async () => {
    const { code } = await started();
    const { newDueAt } = await h.db.tx((q) => sla().extendDossier(q, code, { at: vn('06/03/2026 09:00'), extra: days(1), reason: 'Xin lỗi', actor: 'cb' }));
    expect(show(newDueAt)).toBe('10/03/2026 08:00');
  });
});

describe("Scenario: the caller's transaction decides", () => {
  test('a clock started in a transaction that rolls back does not exist', async () => {
    const code = await dossier(h.db);
    await expect(
      h.db.tx(async (q) => {
        await sla().startDossierClock(q, { dossierCode: code, limit: days(1), startedAt: vn('02/03/2026 08:00') });
        throw new Error('intake failed');
      }),
    ).rejects.toThrow('intake failed');
    expect(await sla().clocks(h.db, code)).toEqual([]);
  });
});
