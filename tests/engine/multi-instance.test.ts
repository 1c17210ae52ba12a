/**
 * Feature: multi-instance activities — Zeebe ("Multi-instance"): one inner instance per element
 * of the input collection, in parallel or one at a time, with `inputElement` and `loopCounter`
 * as local variables, an output collection in input order, a completion condition that
 * terminates the rest, on tasks, sub-processes and call activities.
 */
import {
  callActivity,
  chain,
  definitions,
  end,
  proc,
  processXml,
  serviceTask,
  start,
  subProcess,
  messageCatch,
  timerBoundary,
  errorBoundary,
  type MultiInstance,
} from '../support/bpmn.js';
import { HOUR, useEngine } from '../support/engine.js';

const h = useEngine();

/** start → check (multi-instance job `check`) → after (job) → end */
const checkEach = (mi: MultiInstance) =>
  processXml('p', start('s'), serviceTask('check', 'check', { mi }), serviceTask('after', 'after'), end('e'), ...chain('s', 'check', 'after', 'e'));

describe('Feature: parallel multi-instance', () => {
  test("Scenario: 'In case of a parallel multi-instance activity, all instances are created when the multi-instance body is activated' — each with its inputElement and 'a local variable loopCounter … starting with 1'", async () => {
    await h.deploy(checkEach({ inputCollection: '=agencies', inputElement: 'agency' }));
    const key = await h.start('p', { agencies: ['CA', 'THUE', 'BHXH'] });

    const jobs = await h.activate('check');
    expect(jobs.map((j) => [j.variables.agency, j.variables.loopCounter]).sort()).toEqual([
      ['BHXH', 3],
      ['CA', 1],
      ['THUE', 2],
    ]);
    // the inner instances' locals are not process variables
    expect((await h.instance(key)).variables).toEqual({ agencies: ['CA', 'THUE', 'BHXH'] });
    expect(await h.localVariables(key, 'check')).toEqual(expect.arrayContaining([expect.objectContaining({ agency: 'CA', loopCounter: 1 })]));
  });

  test("Scenario: 'the result is inserted into the outputCollection at the same index as the inputElement … the order of the outputCollection is determined and matches to the inputCollection, even for parallel multi-instance activities'", async () => {
    // Given three parallel checks collecting `verdict`
    await h.deploy(checkEach({ inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'verdicts', outputElement: '=verdict' }));
    const key = await h.start('p', { agencies: ['CA', 'THUE', 'BHXH'] });
    const jobs = await h.activate('check');

    // When they complete in reverse order
    for (const j of [...jobs].sort((a, b) => (b.variables.loopCounter as number) - (a.variables.loopCounter as number))) {
      await h.engine.completeJob({ jobKey: j.key, variables: { verdict: `ok-${j.variables.agency as string}` } });
    }

    // Then the collection is in input order and the body completed
    const i = await h.instance(key);
    expect(i.variables.verdicts).toEqual(['ok-CA', 'ok-THUE', 'ok-BHXH']);
    expect(i.active).toEqual(['after']);
  });

  // BUG (reported): the outputElement variable is not created local to the inner instance, so it propagates to the process scope and leaks between instances.
  test("Scenario: 'If the outputElement … only accesses a variable … it's created as a local variable of the instance … it is not propagated to its parent scope … If the outputElement variable is not updated, null is inserted instead'", async () => {
    // Given two parallel checks collecting `verdict`
    await h.deploy(checkEach({ inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'verdicts', outputElement: '=verdict' }));
    const key = await h.start('p', { agencies: ['CA', 'THUE'] });
    const jobs = await h.activate('check');
    const first = jobs.find((j) => j.variables.loopCounter === 1)!;
    const second = jobs.find((j) => j.variables.loopCounter === 2)!;

    // When the first sets its verdict and the second completes without one
    await h.engine.completeJob({ jobKey: first.key, variables: { verdict: 'first' } });
    await h.engine.completeJob({ jobKey: second.key, variables: {} });

    // Then the second's slot is null (it never saw the first's local `verdict`), and `verdict` did not reach the process
    expect((await h.instance(key)).variables).toEqual({ agencies: ['CA', 'THUE'], verdicts: ['first', null] });
  });

  test("Scenario: 'If the inputCollection value is empty, the multi-instance body is completed immediately and no instances are created … an empty array is propagated as outputCollection'", async () => {
    await h.deploy(checkEach({ inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'verdicts', outputElement: '=verdict' }));
    const key = await h.start('p', { agencies: [] });
    expect(await h.activate('check')).toEqual([]);
    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect(i.variables.verdicts).toEqual([]);
    expect(await h.elementEnds(key)).toContainEqual(['check', 'ELEMENT_COMPLETED']);
  });

  test('Scenario: completionCondition `=numberOfCompletedInstances >= 2` — once it holds, the remaining inner instances are terminated (their jobs removed) and the body completes', async () => {
    // Given four parallel checks where two suffice
    await h.deploy(
      checkEach({
        inputCollection: '=agencies',
        inputElement: 'agency',
        outputCollection: 'verdicts',
        outputElement: '=verdict',
        completionCondition: '=numberOfCompletedInstances >= 2',
      }),
    );
    const key = await h.start('p', { agencies: ['A', 'B', 'C', 'D'] });
    const jobs = await h.activate('check');
    expect(jobs).toHaveLength(4);
    const byAgency = Object.fromEntries(jobs.map((j) => [j.variables.agency as string, j]));

    // When C, then A complete
    await h.engine.completeJob({ jobKey: byAgency.C.key, variables: { verdict: 'c' } });
    expect((await h.jobs(key)).filter((j) => j.type === 'check')).toHaveLength(3);
    await h.engine.completeJob({ jobKey: byAgency.A.key, variables: { verdict: 'a' } });

    // Then B and D are terminated, their jobs gone, and the process moved on
    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['after']);
    expect(i.variables.verdicts).toEqual(['a', null, 'c', null]);
    expect((await h.elementEnds(key)).filter(([id, intent]) => id === 'check' && intent === 'ELEMENT_TERMINATED')).toHaveLength(2);
    await expect(h.engine.completeJob({ jobKey: byAgency.B.key })).rejects.toThrow(/not found/);
  });
});

describe('Feature: sequential multi-instance', () => {
  test("Scenario: 'In case of a sequential multi-instance activity, the instances are executed one at a time. When one instance is completed, a new instance is created for the next element'", async () => {
    await h.deploy(
      checkEach({
        inputCollection: '=steps',
        inputElement: 'step',
        outputCollection: 'done',
        outputElement: '=step + "✓"',
        sequential: true,
      }),
    );
    const key = await h.start('p', { steps: ['tiếp nhận', 'thẩm định', 'phê duyệt'] });

    const seen: Array<[unknown, unknown]> = [];
    for (let n = 0; n < 3; n++) {
      // only one inner job exists at a time
      expect((await h.jobs(key)).filter((j) => j.type === 'check')).toHaveLength(1);
      const job = await h.activateOne('check');
      seen.push([job.variables.step, job.variables.loopCounter]);
      await h.engine.completeJob({ jobKey: job.key });
    }

    expect(seen).toEqual([
      ['tiếp nhận', 1],
      ['thẩm định', 2],
      ['phê duyệt', 3],
    ]);
    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect(i.variables.done).toEqual(['tiếp nhận✓', 'thẩm định✓', 'phê duyệt✓']);
  });

  test('Scenario: a completion condition on a sequential activity stops before the next item is started', async () => {
    await h.deploy(checkEach({ inputCollection: '=steps', inputElement: 'step', sequential: true, completionCondition: '=rejected = true' }));
    const key = await h.start('p', { steps: [1, 2, 3], rejected: false });
    await h.completeOne('check');
    await h.completeOne('check', { rejected: true });
    expect((await h.instance(key)).active).toEqual(['after']);
    expect(await h.activate('check')).toEqual([]);
  });
});

describe('Feature: multi-instance sub-processes and call activities', () => {
  test('Scenario: a parallel multi-instance sub-process runs its inner flow once per item, each with its own scope', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('perAgency', [start('ss'), serviceTask('handle', 'handle'), end('se'), ...chain('ss', 'handle', 'se')], {
          mi: { inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'results', outputElement: '=result' },
        }),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'perAgency', 'after', 'e'),
      ),
    );
    const key = await h.start('p', { agencies: ['CA', 'THUE'] });

    const jobs = await h.activate('handle');
    expect(jobs.map((j) => j.variables.agency).sort()).toEqual(['CA', 'THUE']);
    for (const j of jobs) await h.engine.completeJob({ jobKey: j.key, variables: { result: `${j.variables.agency as string}:ok` } });

    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect(i.variables.results).toEqual(['CA:ok', 'THUE:ok']);
  });

  test('Scenario: a message catch event in a multi-instance sub-process — each inner instance subscribes with the key evaluated in its own scope', async () => {
    // Given one reply awaited per agency, keyed by `code + "/" + agency`
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('ask', [start('ss'), messageCatch('reply', 'agency-reply', '=code + "/" + agency'), end('se'), ...chain('ss', 'reply', 'se')], {
          mi: { inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'replies', outputElement: '=answer' },
        }),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'ask', 'after', 'e'),
      ),
    );
    const key = await h.start('p', { code: 'HS-1', agencies: ['CA', 'THUE'] });
    expect((await h.subscriptions(key)).map((s) => s.correlationKey).sort()).toEqual(['HS-1/CA', 'HS-1/THUE']);

    // When the tax office replies, then the police
    await h.engine.publishMessage({ name: 'agency-reply', correlationKey: 'HS-1/THUE', variables: { answer: 'no debt' } });
    expect((await h.subscriptions(key)).map((s) => s.correlationKey)).toEqual(['HS-1/CA']);
    await h.engine.publishMessage({ name: 'agency-reply', correlationKey: 'HS-1/CA', variables: { answer: 'clean record' } });

    // Then each reply landed in its own slot
    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect(i.variables.replies).toEqual(['clean record', 'no debt']);
  });

  test("Scenario: a parallel multi-instance call activity — one child per item; 'An output mapping can be used to overcome [the race]': source =x, target output", async () => {
    // Given a child that produces `x`, called once per agency; the output mapping moves x into the outputElement
    await h.deploy(
      definitions(
        proc(
          'parent',
          start('s'),
          callActivity('ask', 'ask-agency', {
            mi: { inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'answers', outputElement: '=output' },
            outputs: { output: '=x' },
          }),
          serviceTask('after', 'after'),
          end('e'),
          ...chain('s', 'ask', 'after', 'e'),
        ),
        proc('ask-agency', start('cs'), serviceTask('answer', 'answer'), end('ce'), ...chain('cs', 'answer', 'ce')),
      ),
    );
    const key = await h.start('parent', { agencies: ['CA', 'THUE', 'BHXH'] });

    // Then one child per agency, each seeing its own agency and loopCounter
    const children = await h.children(key);
    expect(children).toHaveLength(3);
    expect(children.map((c) => c.variables.agency).sort()).toEqual(['BHXH', 'CA', 'THUE']);

    // When the children complete in reverse order
    const jobs = await h.activate('answer');
    for (const j of [...jobs].sort((a, b) => (b.variables.loopCounter as number) - (a.variables.loopCounter as number))) {
      await h.engine.completeJob({ jobKey: j.key, variables: { x: `answer from ${j.variables.agency as string}` } });
    }

    // Then the answers are collected in input order, and `x` did not leak into the parent
    const i = await h.instance(key);
    expect(i.active).toEqual(['after']);
    expect(i.variables.answers).toEqual(['answer from CA', 'answer from THUE', 'answer from BHXH']);
    expect(i.variables).not.toHaveProperty('x');
    for (const c of children) expect((await h.instance(c.key)).state).toBe('COMPLETED');
  });
});

describe('Feature: boundary events on a multi-instance activity', () => {
  /** start → check (parallel multi-instance) → after → end, with a boundary on check → late (job) */
  const guarded = (boundary: ReturnType<typeof timerBoundary>) =>
    processXml(
      'p',
      start('s'),
      serviceTask('check', 'check', {
        mi: { inputCollection: '=agencies', inputElement: 'agency', outputCollection: 'verdicts', outputElement: '=verdict' },
      }),
      serviceTask('after', 'after'),
      end('e'),
      boundary,
      serviceTask('late', 'late'),
      end('e2'),
      ...chain('s', 'check', 'after', 'e'),
      ...chain(boundary.id, 'late', 'e2'),
    );

  test("Scenario: 'When an interrupting boundary event is triggered, the multi-instance body and all active instances are terminated. The outputCollection variable is not propagated to the parent scope (i.e. no partial output)'", async () => {
    // Given three parallel checks under one one-hour timer (the timer belongs to the body, not to each instance)
    await h.deploy(guarded(timerBoundary('deadline', 'check', { duration: 'PT1H' })));
    const key = await h.start('p', { agencies: ['CA', 'THUE', 'BHXH'] });
    expect(await h.timers(key)).toHaveLength(1);
    const jobs = await h.activate('check');
    await h.engine.completeJob({ jobKey: jobs[0].key, variables: { verdict: 'ok' } });

    // When the hour passes
    expect(await h.advance(HOUR)).toBe(1);

    // Then the other inner instances are terminated with their jobs, and no partial collection leaves
    const i = await h.instance(key);
    expect(i.active).toEqual(['late']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['late']);
    expect(i.variables).not.toHaveProperty('verdicts');
  });

  test('Scenario: an error thrown by one inner instance is caught by the error boundary event of the multi-instance activity, terminating all instances', async () => {
    await h.deploy(guarded(errorBoundary('refused', 'check', 'REFUSED')));
    const key = await h.start('p', { agencies: ['CA', 'THUE', 'BHXH'] });
    const [first] = await h.activate('check');
    await h.engine.throwError({ jobKey: first.key, errorCode: 'REFUSED' });
    expect((await h.instance(key)).active).toEqual(['late']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['late']);
    expect(await h.incidents(key)).toEqual([]);
  });
});
