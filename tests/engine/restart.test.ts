/**
 * Feature: timers and buffered messages survive a restart — DESIGN: "nothing is held only in
 * memory, so a kill -9 at any instant loses nothing and a restart resumes". The service is
 * stopped (engine and database connection closed) and started again on the same PGlite data
 * directory, or the same PostgreSQL database, with a new EmbeddedEngine.
 */
import type { Db } from '../../src/db/index.js';
import { ManualClock } from '../../src/clock.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { durableDatabase, harness, HOUR, resetEngine } from '../support/engine.js';
import {
  camundaUserTask,
  chain,
  compensationBoundary,
  compensationHandler,
  compensationThrow,
  definitions,
  end,
  escalationBoundary,
  escalationThrow,
  eventSubProcess,
  flow,
  messageCatch,
  messageStart,
  proc,
  processXml,
  serviceTask,
  signalCatch,
  signalStart,
  start,
  subProcess,
  timerBoundary,
  timerCatch,
  timerStart,
} from '../support/bpmn.js';

let store: Awaited<ReturnType<typeof durableDatabase>>;
let db: Db | undefined;
let engine: EmbeddedEngine | undefined;
let clock: ManualClock;
const h = harness(
  () => db!,
  () => engine!,
  () => clock,
);

/** Starts the service: a fresh connection and a fresh engine (nothing carried over in memory). */
async function boot(): Promise<void> {
  db = await store.open();
  engine = new EmbeddedEngine(db, { clock, scheduler: false });
}

/** Stops the service. */
async function shutdown(): Promise<void> {
  await engine?.close();
  await db?.close();
  engine = undefined;
  db = undefined;
}

// One durable database for the file (opening a PGlite data directory is slow); emptied per test.
beforeAll(async () => {
  store = await durableDatabase();
  clock = new ManualClock();
  await boot();
});
afterAll(async () => {
  await shutdown();
  await store.drop();
});
beforeEach(async () => {
  await resetEngine(db!);
  clock = new ManualClock();
  await engine!.close();
  engine = new EmbeddedEngine(db!, { clock, scheduler: false });
});

describe('Feature: restart', () => {
  test("Scenario: a timer that fell due while the service was down fires once after the restart ('timers could trigger later than their due date … never earlier')", async () => {
    // Given an instance waiting at a one-hour timer
    await h.deploy(
      processXml('p', start('s'), timerCatch('wait', { duration: 'PT1H' }), serviceTask('after', 'after'), end('e'), ...chain('s', 'wait', 'after', 'e')),
    );
    const key = await h.start('p');

    // When the service is down for three hours, then restarts and its scheduler runs twice
    await shutdown();
    clock.advance(3 * HOUR);
    await boot();
    const first = await engine!.tick();
    const second = await engine!.tick();

    // Then the timer fired exactly once
    expect([first.timers, second.timers]).toEqual([1, 0]);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(1);
    expect((await h.instance(key)).active).toEqual(['after']);
    expect(await h.timers()).toEqual([]);
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: a timer start event due while the service was down starts its instance after the restart, once', async () => {
    await h.deploy(processXml('nightly', timerStart('once', { cycle: 'R1/PT1H' }), serviceTask('t', 't'), end('e'), ...chain('once', 't', 'e')));

    await shutdown();
    clock.advance(2 * HOUR);
    await boot();
    await engine!.tick();
    await engine!.tick();

    expect(await h.instancesOf('nightly')).toHaveLength(1);
    expect(await h.countEvents('TIMER', 'TRIGGERED')).toBe(1);
    expect(await h.activate('t')).toHaveLength(1);
  });

  test('Scenario: a buffered message survives a restart and correlates when the subscription opens afterwards', async () => {
    // Given an instance still preparing, and a payment buffered for one hour
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('prepare', 'prepare'),
        messageCatch('paid', 'payment-received', '=code'),
        end('e'),
        ...chain('s', 'prepare', 'paid', 'e'),
      ),
    );
    const key = await h.start('p', { code: 'HS-1' });
    await engine!.publishMessage({
      name: 'payment-received',
      correlationKey: 'HS-1',
      timeToLive: HOUR,
      messageId: 'receipt-1',
      variables: { amount: 7 },
    });

    // When the service restarts ten minutes later and the instance reaches the catch event
    await shutdown();
    clock.advance(10 * 60_000);
    await boot();
    expect(await engine!.tick()).toMatchObject({ timers: 0, expiredMessages: 0 });
    await h.completeOne('prepare');

    // Then the message correlated, once
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(i.variables.amount).toBe(7);
    expect(await h.countEvents('MESSAGE', 'CORRELATED', key)).toBe(1);
  });

  test('Scenario: an open message subscription survives a restart', async () => {
    await h.deploy(processXml('p', start('s'), messageCatch('paid', 'payment-received', '=code'), end('e'), flow('s', 'paid'), flow('paid', 'e')));
    const key = await h.start('p', { code: 'HS-2' });

    await shutdown();
    await boot();
    await engine!.publishMessage({ name: 'payment-received', correlationKey: 'HS-2' });

    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: event sub-processes go on across a restart — a reminder started before it, the next after it, and the timer that fell due meanwhile', async () => {
    // Given a step with a non-interrupting reminder on a message and an interrupting deadline after two hours
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('work', 'work'),
        end('e'),
        ...chain('s', 'work', 'e'),
        eventSubProcess('reminder', [
          messageStart('atRisk', 'sla-at-risk', { correlationKey: '=code', interrupting: false }),
          serviceTask('remind', 'remind'),
          end('reminded'),
          ...chain('atRisk', 'remind', 'reminded'),
        ]),
        eventSubProcess('deadline', [timerStart('late', { duration: 'PT2H' }), end('expired'), ...chain('late', 'expired')]),
      ),
    );
    const key = await h.start('p', { code: 'HS-3' });
    await engine!.publishMessage({ name: 'sla-at-risk', correlationKey: 'HS-3' });

    // When the service restarts, and the reminder comes again
    await shutdown();
    await boot();
    await engine!.publishMessage({ name: 'sla-at-risk', correlationKey: 'HS-3' });
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['remind', 'remind', 'work']);

    // And when the deadline passes during a second stop
    await shutdown();
    clock.advance(3 * HOUR);
    await boot();
    expect((await engine!.tick()).timers).toBe(1);

    // Then the deadline ended everything, reminders included, once
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(await h.jobs(key)).toEqual([]);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(1);
  });

  test('Scenario: a signal wait and a started signal start survive a restart; a broadcast after it reaches them', async () => {
    await h.deploy(
      definitions(
        proc('waits', start('s'), signalCatch('w', 'mo-lai'), end('e'), ...chain('s', 'w', 'e')),
        proc('starts', signalStart('ss', 'mo-lai'), end('se'), ...chain('ss', 'se')),
      ),
    );
    const key = await h.start('waits');

    await shutdown();
    await boot();
    await engine!.broadcastSignal({ signalName: 'mo-lai' });

    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.instancesOf('starts')).toEqual([expect.objectContaining({ state: 'COMPLETED' })]);
  });

  test('Scenario: a non-interrupting escalation caught before a restart — both paths go on after it', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('review', [start('rs'), escalationThrow('up', 'QUA_HAN'), serviceTask('finish', 'finish'), end('re'), ...chain('rs', 'up', 'finish', 're')]),
        end('e'),
        ...chain('s', 'review', 'e'),
        escalationBoundary('told', 'review', 'QUA_HAN', { interrupting: false }),
        serviceTask('notify', 'notify'),
        end('te'),
        ...chain('told', 'notify', 'te'),
      ),
    );
    const key = await h.start('p');

    await shutdown();
    await boot();
    await h.completeOne('notify');
    await h.completeOne('finish');

    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: a Camunda user task created before a restart is assigned and completed after it; a timer on it still fires', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        camundaUserTask('review', { candidateGroups: 'ubnd-xa' }),
        end('e'),
        ...chain('s', 'review', 'e'),
        timerBoundary('late', 'review', { duration: 'PT1H' }, { interrupting: false }),
        serviceTask('remind', 'remind'),
        end('reminded'),
        ...chain('late', 'remind', 'reminded'),
      ),
    );
    const key = await h.start('p');
    const { rows } = await db!.query<{ key: string }>(`select key::text from engine.user_tasks where process_instance_key = $1`, [key]);

    await shutdown();
    clock.advance(2 * HOUR);
    await boot();
    await engine!.tick();
    await h.completeOne('remind');
    await engine!.assignUserTask({ userTaskKey: rows[0].key, assignee: 'can-bo' });
    await engine!.completeUserTask({ userTaskKey: rows[0].key, variables: { ok: true } });

    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect((await db!.query(`select state, assignee from engine.user_tasks where key = $1`, [rows[0].key])).rows[0]).toEqual({
      state: 'COMPLETED',
      assignee: 'can-bo',
    });
  });

  test('Scenario: compensation across restarts — a completion remembered before one, handlers invoked and finished after another', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('book', 'book'),
        compensationBoundary('undoBook', 'book', 'cancel'),
        compensationHandler(serviceTask('cancel', 'cancel')),
        serviceTask('check', 'check'),
        compensationThrow('undo'),
        end('e'),
        ...chain('s', 'book', 'check', 'undo', 'e'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('book');

    await shutdown();
    await boot();
    await h.completeOne('check');
    expect((await h.instance(key)).active.sort()).toEqual(['cancel', 'undo']);
    await shutdown();
    await boot();
    await h.completeOne('cancel');

    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});
