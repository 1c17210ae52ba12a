/**
 * Feature: cancelling a process instance — Zeebe's CancelProcessInstance: every active element
 * instance is terminated, with the jobs, timers and message subscriptions it owned; the
 * instance is TERMINATED and from then on no command reaches it (NOT_FOUND).
 */
import { NotFound } from '../../src/errors.js';
import {
  chain,
  end,
  flow,
  messageCatch,
  parallelGateway,
  processXml,
  receiveTask,
  serviceTask,
  start,
  subProcess,
  timerBoundary,
  timerCatch,
} from '../support/bpmn.js';
import { HOUR, MINUTE, rejection, useEngine } from '../support/engine.js';

const h = useEngine();

/**
 * Everything at once, in parallel: a task with a non-interrupting reminder, a timer catch, a
 * message catch, a multi-instance task, and a sub-process waiting in a receive task.
 */
const busy = processXml(
  'p',
  start('s'),
  parallelGateway('fork'),
  serviceTask('work', 'work'),
  timerBoundary('remind', 'work', { cycle: 'R/PT30M' }, { interrupting: false }),
  serviceTask('notify', 'notify'),
  timerCatch('wait', { duration: 'PT2H' }),
  messageCatch('paid', 'payment-received', '=code'),
  serviceTask('each', 'each', { mi: { inputCollection: '=[1, 2, 3]', inputElement: 'n' } }),
  subProcess('sub', [start('ss'), receiveTask('reply', 'agency-reply', '=code'), end('se'), ...chain('ss', 'reply', 'se')]),
  end('e1'),
  end('e2'),
  end('e3'),
  end('e4'),
  end('e5'),
  end('e6'),
  flow('s', 'fork'),
  flow('fork', 'work'),
  flow('fork', 'wait'),
  flow('fork', 'paid'),
  flow('fork', 'each'),
  flow('fork', 'sub'),
  flow('work', 'e1'),
  flow('wait', 'e2'),
  flow('paid', 'e3'),
  flow('each', 'e4'),
  flow('sub', 'e5'),
  ...chain('remind', 'notify', 'e6'),
);

describe('Feature: cancel a process instance', () => {
  test('Scenario: cancelling removes every job, timer and message subscription of the instance, and terminates each element', async () => {
    // Given a busy instance, and another one that must not be touched
    await h.deploy(busy);
    const key = await h.start('p', { code: 'HS-1' });
    const other = await h.start('p', { code: 'HS-2' });
    expect(await h.jobs(key)).toHaveLength(4); // work + 3 × each
    expect(await h.timers(key)).toHaveLength(2); // remind + wait
    expect(await h.subscriptions(key)).toHaveLength(2); // paid + reply

    // When it is cancelled
    await h.engine.cancelProcessInstance(key);

    // Then it is TERMINATED with nothing left waiting
    const i = await h.instance(key);
    expect(i.state).toBe('TERMINATED');
    expect(i.active).toEqual([]);
    expect(await h.jobs(key)).toEqual([]);
    expect(await h.timers(key)).toEqual([]);
    expect(await h.subscriptions(key)).toEqual([]);
    const terminated = (await h.elementEnds(key)).filter(([, intent]) => intent === 'ELEMENT_TERMINATED').map(([id]) => id);
    expect(terminated).toEqual(expect.arrayContaining(['work', 'wait', 'paid', 'each', 'reply', 'sub', 'p']));

    // And the other instance still has all of its own
    expect(await h.jobs(other)).toHaveLength(4);
    expect(await h.timers(other)).toHaveLength(2);
    expect(await h.subscriptions(other)).toHaveLength(2);
  });

  test('Scenario: after the cancel, messages, job completions and time passing do nothing to the instance', async () => {
    // Given a cancelled instance whose jobs a worker had taken
    await h.deploy(busy);
    const key = await h.start('p', { code: 'HS-1' });
    const work = await h.activateOne('work');
    await h.engine.cancelProcessInstance(key);
    const before = await h.countEvents('PROCESS_INSTANCE', 'ELEMENT_TERMINATED', key);

    // When its messages arrive, the worker completes, and hours pass
    await expect(h.engine.correlateMessage({ name: 'payment-received', correlationKey: 'HS-1' })).rejects.toBeInstanceOf(NotFound);
    await h.engine.publishMessage({ name: 'agency-reply', correlationKey: 'HS-1', timeToLive: HOUR });
    await expect(h.engine.completeJob({ jobKey: work.key })).rejects.toBeInstanceOf(NotFound);
    expect(await h.advance(3 * HOUR)).toBe(0);

    // Then nothing happened to it
    const i = await h.instance(key);
    expect(i.state).toBe('TERMINATED');
    expect(await h.countEvents('MESSAGE', 'CORRELATED', key)).toBe(0);
    expect(await h.countEvents('TIMER', 'TRIGGERED', key)).toBe(0);
    expect(await h.countEvents('PROCESS_INSTANCE', 'ELEMENT_TERMINATED', key)).toBe(before);
    expect(await h.activate('work')).toEqual([]);
    expect(await h.activate('notify')).toEqual([]);
  });

  test('Scenario: a cancelled instance accepts no command — each is answered NotFound', async () => {
    // Given an instance with an incident and an activated job, then cancelled
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('work', 'work'),
        serviceTask('broken', 'broken'),
        end('e1'),
        end('e2'),
        flow('s', 'fork'),
        flow('fork', 'work'),
        flow('fork', 'broken'),
        flow('work', 'e1'),
        flow('broken', 'e2'),
      ),
    );
    const key = await h.start('p');
    const work = await h.activateOne('work');
    const broken = await h.activateOne('broken');
    await h.engine.failJob({ jobKey: broken.key, retries: 0, errorMessage: 'agency API down' });
    const [incident] = await h.incidents(key);
    expect(incident.state).toBe('ACTIVE');

    await h.engine.cancelProcessInstance(key);

    // Then the incident was resolved with the cancel, and every command on the instance is NotFound
    expect((await h.incidents(key))[0].state).toBe('RESOLVED');
    expect((await h.instance(key)).hasIncident).toBe(false);
    const commands: Array<[string, () => Promise<unknown>]> = [
      ['cancel again', () => h.engine.cancelProcessInstance(key)],
      ['set variables', () => h.engine.setVariables({ elementInstanceKey: key, variables: { x: 1 } })],
      ['complete job', () => h.engine.completeJob({ jobKey: work.key })],
      ['fail job', () => h.engine.failJob({ jobKey: work.key, retries: 1 })],
      ['throw error', () => h.engine.throwError({ jobKey: work.key, errorCode: 'X' })],
      ['update retries', () => h.engine.updateJobRetries(broken.key, 3)],
      ['update timeout', () => h.engine.updateJobTimeout(work.key, MINUTE)],
      ['resolve incident', () => h.engine.resolveIncident(incident.key)],
    ];
    for (const [what, run] of commands) {
      const err = await rejection(run());
      expect([what, err]).toEqual([what, expect.any(NotFound)]);
    }
    expect((await h.instance(key)).variables).toEqual({});
  });

  test('Scenario: cancelling an instance that does not exist, or has completed, is NotFound', async () => {
    await h.deploy(processXml('p', start('s'), end('e'), flow('s', 'e')));
    const done = await h.start('p');
    expect((await h.instance(done)).state).toBe('COMPLETED');
    await expect(h.engine.cancelProcessInstance(done)).rejects.toBeInstanceOf(NotFound);
    await expect(h.engine.cancelProcessInstance('999999999')).rejects.toBeInstanceOf(NotFound);
  });
});
