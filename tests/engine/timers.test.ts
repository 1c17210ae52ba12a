/**
 * Feature: timer events, as Zeebe runs them — intermediate timer catch events, interrupting and
 * non-interrupting timer boundary events, timer start events — with time moved by the test.
 */
import { Invalid } from '../../src/errors.js';
import { chain, end, processXml, serviceTask, start, timerBoundary, timerCatch, timerStart, flow } from '../support/bpmn.js';
import { HOUR, MINUTE, rejection, useEngine } from '../support/engine.js';

const h = useEngine();

/** start → wait (timer) → after (job) → end */
const waitThenWork = (timer: Parameters<typeof timerCatch>[1]) =>
  processXml('p', start('s'), timerCatch('wait', timer), serviceTask('after', 'after'), end('e'), ...chain('s', 'wait', 'after', 'e'));

describe('Feature: intermediate timer catch event', () => {
  test("Scenario: timeDuration — 'When an intermediate timer catch event is entered, a corresponding timer is scheduled … When the timer is triggered, the catch event is completed and the process instance continues'", async () => {
    // Given an instance waiting at a PT1H timer
    await h.deploy(waitThenWork({ duration: 'PT1H' }));
    const key = await h.start('p');
    const [timer] = await h.timers(key);
    expect(timer).toMatchObject({ elementId: 'wait', targetElementId: 'wait', dueAt: h.clock.now() + HOUR });
    expect((await h.instance(key)).active).toEqual(['wait']);

    // When an hour passes
    expect(await h.advance(HOUR)).toBe(1);

    // Then the catch event completed, the process moved on, and the timer is gone
    expect((await h.instance(key)).active).toEqual(['after']);
    expect(await h.timers(key)).toEqual([]);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(1);
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test("Scenario: 'timers will never trigger earlier than the due date' — a tick 1 ms before due fires nothing, the tick at due fires", async () => {
    // Given a timer due in 30 minutes
    await h.deploy(waitThenWork({ duration: 'PT30M' }));
    const key = await h.start('p');

    // When the scheduler runs 1 ms before the due time
    expect(await h.advance(30 * MINUTE - 1)).toBe(0);
    // Then nothing happened
    expect((await h.instance(key)).active).toEqual(['wait']);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(0);
    expect(await h.activate('after')).toEqual([]);

    // When it runs exactly at the due time
    expect(await h.advance(1)).toBe(1);
    // Then the timer fired
    expect((await h.instance(key)).active).toEqual(['after']);
  });

  test("Scenario: timeDate — the timer is due at the ISO 8601 date-time given ('A time date … e.g. 2019-10-01T12:00:00Z')", async () => {
    // Given the clock at 2026-01-05T02:00:00Z and a timer for 2026-01-05T12:00:00+07:00 (05:00Z)
    await h.deploy(waitThenWork({ date: '2026-01-05T12:00:00+07:00' }));
    const key = await h.start('p');
    expect((await h.timers(key))[0].dueAt).toBe(Date.parse('2026-01-05T05:00:00Z'));

    // When the clock reaches 04:59:59.999Z, then 05:00Z
    h.clock.set(Date.parse('2026-01-05T04:59:59.999Z'));
    expect((await h.engine.tick()).timers).toBe(0);
    h.clock.set(Date.parse('2026-01-05T05:00:00Z'));
    expect((await h.engine.tick()).timers).toBe(1);

    // Then the instance went on
    expect((await h.instance(key)).active).toEqual(['after']);
  });

  test("Scenario: a FEEL duration — 'it is evaluated on activating the timer catch event' and may yield a string or a temporal value", async () => {
    // Given two processes: one reads the duration from a variable, one builds a FEEL duration
    await h.deploy(waitThenWork({ duration: '=reminderAfter' }));
    await h.deploy(
      processXml('q', start('s'), timerCatch('wait', { duration: '=duration("PT" + string(hours) + "H")' }), end('e'), ...chain('s', 'wait', 'e')),
      'q.bpmn',
    );
    const p = await h.start('p', { reminderAfter: 'PT2H' });
    const q = await h.start('q', { hours: 3 });
    expect((await h.timers(p))[0].dueAt).toBe(h.clock.now() + 2 * HOUR);
    expect((await h.timers(q))[0].dueAt).toBe(h.clock.now() + 3 * HOUR);

    // When the variable changes after the catch event was entered
    await h.engine.setVariables({ elementInstanceKey: p, variables: { reminderAfter: 'PT10M' } });

    // Then the timer keeps the due time evaluated on entry
    expect(await h.advance(10 * MINUTE)).toBe(0);
    expect(await h.advance(2 * HOUR - 10 * MINUTE)).toBe(1);
    expect((await h.instance(p)).active).toEqual(['after']);
    expect(await h.advance(HOUR)).toBe(1);
    expect((await h.instance(q)).state).toBe('COMPLETED');
  });

  test('Scenario: a FEEL date-time — `=date and time(deadline)` is due at that instant', async () => {
    await h.deploy(waitThenWork({ date: '=date and time(deadline)' }));
    const key = await h.start('p', { deadline: '2026-01-06T08:00:00+07:00' });
    expect((await h.timers(key))[0].dueAt).toBe(Date.parse('2026-01-06T01:00:00Z'));
    h.clock.set(Date.parse('2026-01-06T01:00:00Z'));
    expect((await h.engine.tick()).timers).toBe(1);
    expect((await h.instance(key)).active).toEqual(['after']);
  });
});

describe("Feature: 'If the duration is zero or negative, the timer fires immediately'", () => {
  test('Scenario: PT0S fires on the next scheduler round without the clock moving', async () => {
    await h.deploy(waitThenWork({ duration: 'PT0S' }));
    const key = await h.start('p');
    expect((await h.engine.tick()).timers).toBe(1);
    expect((await h.instance(key)).active).toEqual(['after']);
  });

  // BUG (reported): addDuration() rejects '-PT1H', so the element gets an EXTRACT_VALUE_ERROR incident instead of a timer due now.
  test('Scenario: a negative FEEL duration (a deadline already past when the element is entered) fires immediately, with no incident', async () => {
    await h.deploy(waitThenWork({ duration: '=date and time(deadline) - date and time(receivedAt)' }));
    const key = await h.start('p', { deadline: '2026-01-05T08:00:00+07:00', receivedAt: '2026-01-05T09:00:00+07:00' });
    expect(await h.incidents(key)).toEqual([]);
    expect((await h.engine.tick()).timers).toBe(1);
    expect((await h.instance(key)).active).toEqual(['after']);
  });

  test('Scenario: a timeDate already in the past fires on the next scheduler round', async () => {
    await h.deploy(waitThenWork({ date: '2026-01-01T00:00:00Z' }));
    const key = await h.start('p');
    expect((await h.engine.tick()).timers).toBe(1);
    expect((await h.instance(key)).active).toEqual(['after']);
  });
});

describe('Feature: timer boundary events', () => {
  /** start → review (job) → end, with a timer boundary on review leading to `escalate` (job). */
  const withBoundary = (timer: Parameters<typeof timerBoundary>[2], interrupting: boolean) =>
    processXml(
      'p',
      start('s'),
      serviceTask('review', 'review'),
      end('e'),
      timerBoundary('late', 'review', timer, { interrupting }),
      serviceTask('escalate', 'escalate'),
      end('escalated'),
      ...chain('s', 'review', 'e'),
      ...chain('late', 'escalate', 'escalated'),
    );

  test("Scenario: interrupting — 'When the corresponding timer is triggered, the activity is terminated': its job is gone and the boundary path is taken", async () => {
    // Given a review task with a PT1H interrupting timer, whose job a worker holds
    await h.deploy(withBoundary({ duration: 'PT1H' }, true));
    const key = await h.start('p');
    const job = await h.activateOne('review');

    // When the hour passes
    expect(await h.advance(HOUR)).toBe(1);

    // Then the task is terminated, its job gone, and the boundary path active
    expect((await h.instance(key)).active).toEqual(['escalate']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['escalate']);
    expect(await h.elementEnds(key)).toContainEqual(['review', 'ELEMENT_TERMINATED']);
    expect(await h.countEvents('JOB', 'CANCELED', key)).toBe(1);
    await expect(h.engine.completeJob({ jobKey: job.key })).rejects.toThrow(/not found/);
    await h.completeOne('escalate');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.elementEnds(key)).not.toContainEqual(['e', 'ELEMENT_COMPLETED']);
  });

  test('Scenario: interrupting — the task completing first removes its boundary timer, which never fires', async () => {
    await h.deploy(withBoundary({ duration: 'PT1H' }, true));
    const key = await h.start('p');
    await h.completeOne('review');
    expect(await h.timers()).toEqual([]);
    expect(await h.advance(2 * HOUR)).toBe(0);
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test("Scenario: non-interrupting R3/PT1H — 'it schedules the timer again until the defined number of repetitions is reached'; the task stays active and can still complete", async () => {
    // Given a review task with a non-interrupting R3/PT1H reminder
    await h.deploy(withBoundary({ cycle: 'R3/PT1H' }, false));
    const key = await h.start('p');
    const review = await h.activateOne('review');

    // When four hours pass, one at a time
    const fired: number[] = [];
    for (let i = 0; i < 4; i++) fired.push(await h.advance(HOUR));

    // Then the reminder fired three times, and no more
    expect(fired).toEqual([1, 1, 1, 0]);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(3);
    expect(await h.timers(key)).toEqual([]);
    expect(await h.activate('escalate')).toHaveLength(3);
    // and the task was never interrupted: its job is still the worker's to complete
    expect((await h.instance(key)).active).toContain('review');
    await h.engine.completeJob({ jobKey: review.key });
    expect((await h.instance(key)).active).toEqual(['escalate', 'escalate', 'escalate']);
  });

  test("Scenario: non-interrupting timeDuration — 'a non-interrupting timer boundary event that's defined with a time duration will only trigger a single time'", async () => {
    await h.deploy(withBoundary({ duration: 'PT1H' }, false));
    const key = await h.start('p');
    expect([await h.advance(HOUR), await h.advance(HOUR), await h.advance(HOUR)]).toEqual([1, 0, 0]);
    expect((await h.instance(key)).active).toEqual(['escalate', 'review']);
    expect(await h.timers(key)).toEqual([]);
  });

  test("Scenario: 'An interrupting timer boundary event must have a time duration, or a time date definition' — a cycle on one is refused at deploy, naming it", async () => {
    const err = await rejection(h.deploy(withBoundary({ cycle: 'R3/PT1H' }, true)));
    expect(err).toBeInstanceOf(Invalid);
    expect(err.details.problems).toEqual([expect.objectContaining({ elementId: 'late' })]);
  });

  test('Scenario: non-interrupting cycle — completing the task cancels the repetitions still to come', async () => {
    await h.deploy(withBoundary({ cycle: 'R3/PT1H' }, false));
    const key = await h.start('p');
    expect(await h.advance(HOUR)).toBe(1);
    expect((await h.timers(key))[0]).toMatchObject({ repetitions: 1, dueAt: h.clock.now() + HOUR });
    await h.completeOne('review');
    expect(await h.timers(key)).toEqual([]);
    expect(await h.advance(5 * HOUR)).toBe(0);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(1);
  });
});

describe('Feature: timer start events', () => {
  test("Scenario: R2/PT1M — 'When a timer is triggered, a new process instance is created', twice, then the timer is done", async () => {
    // Given a process with a timer start event R2/PT1M
    await h.deploy(processXml('tick', timerStart('every', { cycle: 'R2/PT1M' }), serviceTask('t', 't'), end('e'), ...chain('every', 't', 'e')));
    expect(await h.startTimers('tick')).toHaveLength(1);
    expect(await h.instancesOf('tick')).toEqual([]);

    // When three minutes pass, one at a time
    const fired = [await h.advance(MINUTE), await h.advance(MINUTE), await h.advance(MINUTE)];

    // Then two instances were created, each started at the timer start event
    expect(fired).toEqual([1, 1, 0]);
    const instances = await h.instancesOf('tick');
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i.active).toEqual(['t']);
    expect(await h.startTimers('tick')).toEqual([]);
  });

  test("Scenario: 'When a process is deployed … Scheduled timers of the previous version of the process (based on the BPMN process id) are canceled'", async () => {
    // Given version 1 starts every minute, forever
    await h.deploy(processXml('tick', timerStart('every', { cycle: 'R/PT1M' }), end('e'), flow('every', 'e')));
    expect(await h.advance(MINUTE)).toBe(1);

    // When version 2 is deployed with an hourly timer instead
    await h.deploy(processXml('tick', timerStart('hourly', { cycle: 'R/PT1H' }), end('e2'), flow('hourly', 'e2')));

    // Then only version 2's timer remains, and instances are of version 2
    const timers = await h.startTimers('tick');
    expect(timers.map((t) => t.elementId)).toEqual(['hourly']);
    expect(await h.advance(59 * MINUTE)).toBe(0);
    expect(await h.advance(MINUTE)).toBe(1);
    expect((await h.instancesOf('tick')).map((i) => i.version)).toEqual([1, 2]);

    // And a version 3 with only a none start event schedules nothing
    await h.deploy(processXml('tick', start('s'), end('e3'), flow('s', 'e3')));
    expect(await h.startTimers('tick')).toEqual([]);
    expect(await h.advance(2 * HOUR)).toBe(0);
  });

  test("Scenario: a cron time cycle ('you can specify a time cycle using cron expressions') starts an instance at each match — read in Asia/Ho_Chi_Minh, lienthong's one time zone", async () => {
    // Given the clock at Monday 2026-01-05 09:00 (+07:00) and a cron for 10:00 on working days
    await h.deploy(processXml('daily', timerStart('at10', { cycle: '0 0 10 * * MON-FRI' }), end('e'), flow('at10', 'e')));
    expect((await h.startTimers('daily'))[0].dueAt).toBe(Date.parse('2026-01-05T10:00:00+07:00'));

    // When the clock reaches 10:00, then Tuesday 10:00
    expect(await h.advance(HOUR - 1)).toBe(0);
    expect(await h.advance(1)).toBe(1);
    expect((await h.startTimers('daily'))[0].dueAt).toBe(Date.parse('2026-01-06T10:00:00+07:00'));
    expect(await h.advance(24 * HOUR)).toBe(1);

    // Then one instance per match, and the next is due on Wednesday at 10:00
    expect(await h.instancesOf('daily')).toHaveLength(2);
    expect((await h.startTimers('daily'))[0].dueAt).toBe(Date.parse('2026-01-07T10:00:00+07:00'));
  });

  test('Scenario: a cron cycle every 15 minutes fires at each quarter hour', async () => {
    await h.deploy(processXml('q', timerStart('quarter', { cycle: '0 */15 * * * *' }), end('e'), flow('quarter', 'e')));
    const fired: number[] = [];
    for (let i = 0; i < 4; i++) fired.push(await h.advance(15 * MINUTE));
    expect(fired).toEqual([1, 1, 1, 1]);
    expect(await h.instancesOf('q')).toHaveLength(4);
  });
});

describe('Feature: timer expressions are checked at deploy', () => {
  test.each([
    ['a catch event timeDuration', processXml('p', start('s'), timerCatch('wait', { duration: 'PT1X' }), end('e'), ...chain('s', 'wait', 'e')), 'wait'],
    ['a catch event timeDate', processXml('p', start('s'), timerCatch('wait', { date: 'next tuesday' }), end('e'), ...chain('s', 'wait', 'e')), 'wait'],
    [
      'a boundary timeCycle',
      processXml(
        'p',
        start('s'),
        serviceTask('t', 't'),
        end('e'),
        timerBoundary('remind', 't', { cycle: 'R3/every hour' }, { interrupting: false }),
        end('e2'),
        ...chain('s', 't', 'e'),
        flow('remind', 'e2'),
      ),
      'remind',
    ],
    ['a start event cron', processXml('p', timerStart('every', { cycle: '61 * * * *' }), end('e'), flow('every', 'e')), 'every'],
  ])(
    'Scenario: an invalid static timer in %s is refused at deploy, naming the element (Zeebe rejects the deployment; nothing is deployed)',
    async (_what, xml, elementId) => {
      const err = await rejection(h.deploy(xml));
      expect(err).toBeInstanceOf(Invalid);
      expect(err.message).toContain(`'${elementId}'`);
      expect(err.details.problems).toEqual([expect.objectContaining({ elementId })]);
      // and nothing was deployed
      expect((await h.db.query(`select count(*)::int as n from engine.definitions`)).rows[0].n).toBe(0);
      expect(await h.timers()).toEqual([]);
    },
  );
});
