/**
 * Feature: event sub-processes — Zeebe ("Event subprocess"): started by a message, a timer or an
 * error inside the scope that contains it (the process or an embedded sub-process); an
 * interrupting one ends everything else in its scope, a non-interrupting one runs beside it and
 * may start again; the scope completes when none of its tokens is left.
 */
import {
  chain,
  end,
  errorEnd,
  errorStart,
  eventSubProcess,
  messageStart,
  processXml,
  rawDefinitions,
  serviceTask,
  start,
  subProcess,
  timerStart,
} from '../support/bpmn.js';
import { HOUR, useEngine } from '../support/engine.js';

const h = useEngine();

/** start → work (job) → end, with event sub-processes beside it. */
const withMainFlow = (id: string, ...esps: ReturnType<typeof eventSubProcess>[]) =>
  processXml(id, start('s'), serviceTask('work', 'work'), end('e'), ...chain('s', 'work', 'e'), ...esps);

describe('Feature: a message starts an event sub-process of the process', () => {
  test('Scenario: the citizen withdraws the dossier — the interrupting event sub-process ends the step in progress and the process', async () => {
    // Given a process whose step waits at `work`, with an interrupting event sub-process on message 'rut-ho-so'
    await h.deploy(
      withMainFlow(
        'p',
        eventSubProcess('withdrawal', [
          messageStart('withdrawn', 'rut-ho-so', { correlationKey: '=dossierCode' }),
          serviceTask('notify', 'notify'),
          end('closed'),
          ...chain('withdrawn', 'notify', 'closed'),
        ]),
      ),
    );
    const key = await h.start('p', { dossierCode: 'HS-1' });
    expect((await h.subscriptions(key)).map((s) => [s.messageName, s.correlationKey, s.interrupting])).toEqual([['rut-ho-so', 'HS-1', true]]);

    // When the message arrives with the reason
    await h.engine.publishMessage({ name: 'rut-ho-so', correlationKey: 'HS-1', variables: { reason: 'công dân rút hồ sơ' } });

    // Then the step in progress is terminated and its job gone; the event sub-process runs with the message's variables
    expect(await h.jobs(key)).toEqual([expect.objectContaining({ type: 'notify' })]);
    expect((await h.instance(key)).active).toEqual(['notify', 'withdrawal']);
    const notify = await h.activateOne('notify');
    expect(notify.variables).toEqual({ dossierCode: 'HS-1', reason: 'công dân rút hồ sơ' });
    expect(await h.subscriptions(key)).toEqual([]);

    // And when it ends, the process completes
    await h.engine.completeJob({ jobKey: notify.key });
    const done = await h.instance(key);
    expect(done.state).toBe('COMPLETED');
    expect(await h.elementEnds(key)).toEqual(
      expect.arrayContaining([
        ['work', 'ELEMENT_TERMINATED'],
        ['withdrawal', 'ELEMENT_COMPLETED'],
      ]),
    );
  });

  test('Scenario: a non-interrupting reminder runs beside the step, as often as the message comes, and the process waits for it', async () => {
    // Given a non-interrupting event sub-process on 'sla-at-risk'
    await h.deploy(
      withMainFlow(
        'p',
        eventSubProcess('reminder', [
          messageStart('atRisk', 'sla-at-risk', { correlationKey: '=dossierCode', interrupting: false }),
          serviceTask('remind', 'remind'),
          end('reminded'),
          ...chain('atRisk', 'remind', 'reminded'),
        ]),
      ),
    );
    const key = await h.start('p', { dossierCode: 'HS-2' });

    // When the message comes twice
    await h.engine.publishMessage({ name: 'sla-at-risk', correlationKey: 'HS-2' });
    await h.engine.publishMessage({ name: 'sla-at-risk', correlationKey: 'HS-2' });

    // Then two reminders run while the step goes on, and the subscription stays open
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['remind', 'remind', 'work']);
    expect(await h.subscriptions(key)).toHaveLength(1);

    // When the step completes, the process still waits for the reminders
    await h.completeOne('work');
    expect((await h.instance(key)).state).toBe('ACTIVE');
    for (const job of await h.activate('remind')) await h.engine.completeJob({ jobKey: job.key });

    // Then it completes, and its subscription is gone with it
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.subscriptions(key)).toEqual([]);
  });
});

describe('Feature: a timer starts an event sub-process', () => {
  test('Scenario: an interrupting timer of a sub-process ends its work when the time is up, and the process goes on after it', async () => {
    // Given a sub-process whose event sub-process fires after one hour
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('assess', [
          start('as'),
          serviceTask('check', 'check'),
          end('ae'),
          ...chain('as', 'check', 'ae'),
          eventSubProcess('overdue', [
            timerStart('late', { duration: 'PT1H' }),
            serviceTask('escalate', 'escalate'),
            end('oe'),
            ...chain('late', 'escalate', 'oe'),
          ]),
        ]),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'assess', 'after', 'e'),
      ),
    );
    const key = await h.start('p');
    expect((await h.timers(key)).map((t) => t.targetElementId)).toEqual(['late']);

    // When an hour passes
    expect(await h.advance(HOUR)).toBe(1);

    // Then the check is terminated and the escalation runs inside the sub-process
    expect((await h.instance(key)).active).toEqual(['assess', 'escalate', 'overdue']);
    await h.completeOne('escalate');

    // And the sub-process completes, so the process goes on
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.elementEnds(key)).toEqual(expect.arrayContaining([['check', 'ELEMENT_TERMINATED']]));
  });

  test('Scenario: a non-interrupting cycle timer of the process fires on each repetition, and its timer goes when the process ends', async () => {
    await h.deploy(
      withMainFlow(
        'p',
        eventSubProcess('hourly', [
          timerStart('tick', { cycle: 'R2/PT1H' }, { interrupting: false }),
          serviceTask('report', 'report'),
          end('reported'),
          ...chain('tick', 'report', 'reported'),
        ]),
      ),
    );
    const key = await h.start('p');

    await h.advance(HOUR);
    await h.advance(HOUR);
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['report', 'report', 'work']);
    expect(await h.timers(key)).toEqual([]); // R2: two repetitions, then done

    for (const job of await h.activate('report')) await h.engine.completeJob({ jobKey: job.key });
    await h.completeOne('work');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: an unfired timer of the process goes when the process completes', async () => {
    await h.deploy(withMainFlow('p', eventSubProcess('overdue', [timerStart('late', { duration: 'P1D' }), end('oe'), ...chain('late', 'oe')])));
    const key = await h.start('p');
    expect(await h.timers(key)).toHaveLength(1);
    await h.completeOne('work');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.timers(key)).toEqual([]);
  });
});

describe('Feature: an error starts an event sub-process', () => {
  const errorEsp = (id: string, code: string | undefined, task: string) =>
    eventSubProcess(id, [errorStart(`${id}Start`, code), serviceTask(task, task), end(`${id}End`), ...chain(`${id}Start`, task, `${id}End`)]);

  test("Scenario: a job's error is caught by the error event sub-process of its scope, with the error's variables", async () => {
    await h.deploy(withMainFlow('p', errorEsp('refusal', 'TU_CHOI', 'handleRefusal')));
    const key = await h.start('p');
    const job = await h.activateOne('work');

    await h.engine.throwError({ jobKey: job.key, errorCode: 'TU_CHOI', errorMessage: 'thiếu giấy tờ', variables: { reason: 'thiếu giấy tờ' } });

    expect((await h.activateOne('handleRefusal')).variables).toEqual({ reason: 'thiếu giấy tờ' });
    expect(await h.incidents(key)).toEqual([]);
  });

  test('Scenario: the nearest scope catches first — a sub-process’s own error event sub-process before the process’s catch-all', async () => {
    // Given an error end event inside a sub-process, caught there by code, and a catch-all at the process
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('inner', [start('is'), errorEnd('fail', 'E1'), ...chain('is', 'fail'), errorEsp('innerCatch', 'E1', 'innerHandler')]),
        end('e'),
        ...chain('s', 'inner', 'e'),
        errorEsp('outerCatch', undefined, 'outerHandler'),
      ),
    );
    const key = await h.start('p');

    // Then the sub-process's own event sub-process handles it, and the process goes on after the sub-process
    await h.completeOne('innerHandler');
    expect(await h.jobs(key)).toEqual([]);
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: an error no event sub-process matches goes up to the catch-all of the process', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('inner', [start('is'), errorEnd('fail', 'E2'), ...chain('is', 'fail'), errorEsp('innerCatch', 'E1', 'innerHandler')]),
        end('e'),
        ...chain('s', 'inner', 'e'),
        errorEsp('outerCatch', undefined, 'outerHandler'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('outerHandler');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.elementEnds(key)).toEqual(expect.arrayContaining([['inner', 'ELEMENT_TERMINATED']]));
  });
});

describe('Feature: event sub-processes that cannot run are refused at deploy, naming them', () => {
  const refused = async (xml: string, message: RegExp) => {
    await expect(h.deploy(xml)).rejects.toMatchObject({
      details: { problems: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(message) })]) },
    });
  };

  test('Scenario: an event sub-process with a none start event', async () => {
    await refused(withMainFlow('p', eventSubProcess('odd', [start('x'), end('y'), ...chain('x', 'y')])), /event sub-process needs exactly one start event/);
  });

  test('Scenario: a non-interrupting error start', async () => {
    const xml = withMainFlow('p', eventSubProcess('odd', [errorStart('x', 'E'), end('y'), ...chain('x', 'y')])).replace(
      '<bpmn:startEvent id="x"',
      '<bpmn:startEvent id="x" isInterrupting="false"',
    );
    await refused(xml, /error start event of an event sub-process is always interrupting/);
  });

  test('Scenario: a sequence flow into an event sub-process', async () => {
    const xml = rawDefinitions(`<bpmn:process id="p" isExecutable="true">
      <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="esp"/>
      <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>
    </bpmn:process>`);
    await refused(xml, /event sub-process cannot have incoming or outgoing sequence flows/);
  });

  test('Scenario: an interrupting timer start with a cycle', async () => {
    await refused(
      withMainFlow('p', eventSubProcess('odd', [timerStart('x', { cycle: 'R/PT1H' }), end('y'), ...chain('x', 'y')])),
      /interrupting timer start event of an event sub-process cannot have a cycle/,
    );
  });
});
