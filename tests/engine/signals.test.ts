/**
 * Feature: signals — Zeebe ("Signal events"): a broadcast reaches every wait for the signal in
 * every instance — catch events, boundary events, event sub-processes — and starts every process
 * with a signal start event; a signal is not buffered; a throw event broadcasts from inside a process.
 */
import {
  chain,
  definitions,
  end,
  eventGateway,
  eventSubProcess,
  flow,
  messageCatch,
  proc,
  processXml,
  serviceTask,
  signalBoundary,
  signalCatch,
  signalEnd,
  signalStart,
  signalThrow,
  start,
} from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';
import { holdLock, until, waitsFor } from '../support/locks.js';

const h = useEngine();

describe('Feature: a broadcast reaches every wait for the signal', () => {
  test('Scenario: a new legal text is published — waiting instances go on, a review process starts, and a wait opened afterwards does not see it', async () => {
    // Given instances waiting at a signal catch event, and a process that starts by the same signal
    await h.deploy(
      definitions(
        proc('dossier', start('s'), signalCatch('waitLaw', 'van-ban-moi'), serviceTask('apply', 'apply'), end('e'), ...chain('s', 'waitLaw', 'apply', 'e')),
        proc('review', signalStart('published', 'van-ban-moi'), serviceTask('reviewText', 'review'), end('re'), ...chain('published', 'reviewText', 're')),
      ),
    );
    const a = await h.start('dossier');
    const b = await h.start('dossier');

    // When the signal is broadcast with variables
    await h.engine.broadcastSignal({ signalName: 'van-ban-moi', variables: { soHieu: '01/2026/NĐ-CP' } });

    // Then both instances went on with the signal's variables, and one review started
    for (const key of [a, b]) expect((await h.instance(key)).active).toEqual(['apply']);
    expect((await h.activate('apply')).map((j) => j.variables.soHieu)).toEqual(['01/2026/NĐ-CP', '01/2026/NĐ-CP']);
    expect(await h.instancesOf('review')).toHaveLength(1);

    // And an instance that starts waiting after the broadcast keeps waiting (signals are not buffered)
    const c = await h.start('dossier');
    expect((await h.instance(c)).active).toEqual(['waitLaw']);
  });

  test('Scenario: boundary events and event sub-processes, interrupting or not', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('work', 'work'),
        end('e'),
        ...chain('s', 'work', 'e'),
        signalBoundary('pause', 'work', 'tam-dung', { interrupting: false }),
        serviceTask('notePause', 'note-pause'),
        end('noted'),
        ...chain('pause', 'notePause', 'noted'),
        eventSubProcess('stopAll', [signalStart('stopped', 'dung-tiep-nhan'), end('stoppedEnd'), ...chain('stopped', 'stoppedEnd')]),
      ),
    );
    const key = await h.start('p');

    await h.engine.broadcastSignal({ signalName: 'tam-dung' });
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['note-pause', 'work']);

    await h.engine.broadcastSignal({ signalName: 'dung-tiep-nhan' });
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(await h.jobs(key)).toEqual([]);
  });
});

describe('Feature: a process throws a signal', () => {
  test('Scenario: a throw event in one instance moves another; an end event throws too', async () => {
    await h.deploy(
      definitions(
        proc('waiter', start('s'), signalCatch('w', 'da-thu-phi'), end('e'), ...chain('s', 'w', 'e')),
        proc(
          'payer',
          start('ps'),
          signalThrow('paid', 'da-thu-phi'),
          serviceTask('next', 'next'),
          signalEnd('done', 'xong'),
          ...chain('ps', 'paid', 'next', 'done'),
        ),
        proc('closer', start('cs'), signalCatch('cw', 'xong'), end('ce'), ...chain('cs', 'cw', 'ce')),
      ),
    );
    const waiter = await h.start('waiter');
    const closer = await h.start('closer');
    const payer = await h.start('payer');

    expect((await h.instance(waiter)).state).toBe('COMPLETED');
    expect((await h.instance(payer)).active).toEqual(['next']);
    await h.completeOne('next');
    expect((await h.instance(payer)).state).toBe('COMPLETED');
    expect((await h.instance(closer)).state).toBe('COMPLETED');
  });
});

describe('Feature: a signal after an event-based gateway', () => {
  test('Scenario: whichever comes first wins — here the signal, and the message wait goes with the gateway', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        eventGateway('which'),
        signalCatch('suspended', 'tam-ngung'),
        messageCatch('answered', 'tra-loi', '=code'),
        end('e1'),
        end('e2'),
        flow('s', 'which'),
        flow('which', 'suspended'),
        flow('which', 'answered'),
        flow('suspended', 'e1'),
        flow('answered', 'e2'),
      ),
    );
    const key = await h.start('p', { code: 'HS-9' });
    expect(await h.subscriptions(key)).toHaveLength(1);

    await h.engine.broadcastSignal({ signalName: 'tam-ngung' });

    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.elementEnds(key)).toEqual(expect.arrayContaining([['suspended', 'ELEMENT_COMPLETED']]));
    expect(await h.subscriptions(key)).toEqual([]);
  });
});

describe('Feature: a broadcast while an instance moves from one wait for the signal to the next', () => {
  (process.env.DATABASE_URL ? test : test.skip)(
    "Scenario: step 1 completes (closing its boundary wait, opening step 2's) while the broadcast waits for the instance → the broadcast reaches step 2's wait",
    async () => {
      // Given an instance at step 1, both steps with an interrupting boundary event for the signal "tam-dung"
      await h.deploy(
        processXml(
          'p',
          start('s'),
          serviceTask('step1', 'step1'),
          serviceTask('step2', 'step2'),
          end('e'),
          signalBoundary('paused1', 'step1', 'tam-dung'),
          signalBoundary('paused2', 'step2', 'tam-dung'),
          end('paused'),
          ...chain('s', 'step1', 'step2', 'e'),
          flow('paused1', 'paused'),
          flow('paused2', 'paused'),
        ),
      );
      const key = await h.start('p');
      const [job] = await h.activate('step1');
      // And the signal waits are locked against writes by another session
      const lock = await holdLock(h.db, `lock table engine.signal_subscriptions in share row exclusive mode`);

      // When step 1 is completed (its command, holding the instance, now waits to swap the waits)
      const completing = h.engine.completeJob({ jobKey: job.key });
      await until(h.db, () => waitsFor(h.db, `relation = 'engine.signal_subscriptions'::regclass`));
      // And the signal is broadcast meanwhile (it has read step 1's wait and waits for the instance)
      const broadcasting = h.engine.broadcastSignal({ signalName: 'tam-dung' });
      await until(h.db, () => waitsFor(h.db, `locktype in ('transactionid', 'tuple')`));
      lock.release();
      await Promise.all([lock.done, completing, broadcasting]);

      // Then step 2 was interrupted by the signal, and the instance ended there
      expect((await h.instance(key)).state).toBe('COMPLETED');
      expect(await h.elementEnds(key)).toEqual(
        expect.arrayContaining([
          ['step2', 'ELEMENT_TERMINATED'],
          ['paused2', 'ELEMENT_COMPLETED'],
        ]),
      );
      expect(await h.subscriptions(key)).toEqual([]);
    },
  );
});

describe('Feature: signals that cannot run are refused at deploy', () => {
  test('Scenario: a signal start event with a FEEL name', async () => {
    const xml = processXml('p', signalStart('s', 'x'), end('e'), ...chain('s', 'e')).replace('name="x"', 'name="=topic"');
    await expect(h.deploy(xml)).rejects.toMatchObject({
      details: { problems: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/static signal name/) })]) },
    });
  });
});
