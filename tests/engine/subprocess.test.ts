/**
 * Feature: embedded sub-process — Zeebe ("Embedded subprocess", "Terminate events"): its own
 * variable scope, completion when its last element completes, boundary events that terminate
 * everything inside, and terminate end events limited to the sub-process.
 */
import { chain, end, flow, parallelGateway, processXml, serviceTask, start, subProcess, terminateEnd, timerBoundary } from '../support/bpmn.js';
import { HOUR, useEngine } from '../support/engine.js';

const h = useEngine();

describe('Feature: the sub-process variable scope', () => {
  test("Scenario: 'Input mappings can be used to create new local variables in the scope of the subprocess. These variables are only visible within the subprocess … By default, the local variables of the subprocess are not propagated'", async () => {
    // Given a sub-process with an input mapping fee = baseFee * 2
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('assess', [start('as'), serviceTask('calc', 'calc'), end('ae'), ...chain('as', 'calc', 'ae')], {
          inputs: { fee: '=baseFee * 2' },
        }),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'assess', 'after', 'e'),
      ),
    );
    const key = await h.start('p', { baseFee: 100 });

    // Then the task inside sees both the local and the process variables, but the process scope has no `fee`
    const calc = await h.activateOne('calc');
    expect(calc.variables).toEqual({ baseFee: 100, fee: 200 });
    expect(await h.localVariables(key, 'assess')).toEqual([{ fee: 200 }]);
    expect((await h.instance(key)).variables).toEqual({ baseFee: 100 });

    // When the task completes with an updated fee and a new note
    await h.engine.completeJob({ jobKey: calc.key, variables: { fee: 250, note: 'miễn giảm 50%' } });

    // Then `fee` stayed in the sub-process scope and went away with it; `note` reached the process scope
    const after = await h.activateOne('after');
    expect(after.variables).toEqual({ baseFee: 100, note: 'miễn giảm 50%' });
    expect((await h.instance(key)).variables).toEqual({ baseFee: 100, note: 'miễn giảm 50%' });
  });

  test("Scenario: 'This behavior can be customized by defining output mappings at the subprocess. The output mappings are applied on completing the subprocess'", async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('assess', [start('as'), serviceTask('calc', 'calc'), end('ae'), ...chain('as', 'calc', 'ae')], {
          inputs: { fee: '=baseFee * 2' },
          outputs: { totalFee: '=fee + 10' },
        }),
        end('e'),
        ...chain('s', 'assess', 'e'),
      ),
    );
    const key = await h.start('p', { baseFee: 100 });
    await h.completeOne('calc');
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(i.variables).toEqual({ baseFee: 100, totalFee: 210 });
  });

  test("Scenario: 'The subprocess stays active as long as one containing element is active. When the last element is completed, the subprocess is completed'", async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('both', [
          start('bs'),
          parallelGateway('fork'),
          serviceTask('a', 'a'),
          serviceTask('b', 'b'),
          end('ea'),
          end('eb'),
          flow('bs', 'fork'),
          flow('fork', 'a'),
          flow('fork', 'b'),
          flow('a', 'ea'),
          flow('b', 'eb'),
        ]),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'both', 'after', 'e'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('a');
    expect((await h.instance(key)).active).toEqual(['b', 'both']);
    await h.completeOne('b');
    expect((await h.instance(key)).active).toEqual(['after']);
  });
});

describe('Feature: terminate end event inside a sub-process', () => {
  test("Scenario: 'A terminate end event inside an embedded … subprocess terminates all element instances of the subprocess. After the termination, the subprocess completes, and the process instance takes the outgoing sequence flows'", async () => {
    // Given a sub-process running a slow task and a quick path ending in a terminate end event, next to a task outside it
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        subProcess('sub', [
          start('ss'),
          parallelGateway('subFork'),
          serviceTask('slow', 'slow'),
          serviceTask('quick', 'quick'),
          end('slowEnd'),
          terminateEnd('stop'),
          flow('ss', 'subFork'),
          flow('subFork', 'slow'),
          flow('subFork', 'quick'),
          flow('slow', 'slowEnd'),
          flow('quick', 'stop'),
        ]),
        serviceTask('outside', 'outside'),
        serviceTask('after', 'after'),
        end('e1'),
        end('e2'),
        flow('s', 'fork'),
        flow('fork', 'sub'),
        flow('fork', 'outside'),
        ...chain('sub', 'after', 'e1'),
        flow('outside', 'e2'),
      ),
    );
    const key = await h.start('p');

    // When the quick path reaches the terminate end event
    await h.completeOne('quick');

    // Then the slow task (and its job) is terminated, the sub-process completed and the flow after it taken;
    // the task outside the sub-process is untouched
    const i = await h.instance(key);
    expect(i.state).toBe('ACTIVE');
    expect(i.active).toEqual(['after', 'outside']);
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['after', 'outside']);
    const ends = await h.elementEnds(key);
    expect(ends).toContainEqual(['slow', 'ELEMENT_TERMINATED']);
    expect(ends).toContainEqual(['sub', 'ELEMENT_COMPLETED']);

    await h.completeOne('after');
    await h.completeOne('outside');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: boundary events on a sub-process', () => {
  test("Scenario: 'When an interrupting boundary event is triggered, the entire subprocess (including all active elements) is terminated'", async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('sub', [
          start('ss'),
          parallelGateway('subFork'),
          serviceTask('a', 'a'),
          serviceTask('b', 'b'),
          end('ea'),
          end('eb'),
          flow('ss', 'subFork'),
          flow('subFork', 'a'),
          flow('subFork', 'b'),
          flow('a', 'ea'),
          flow('b', 'eb'),
        ]),
        end('e'),
        timerBoundary('deadline', 'sub', { duration: 'PT1H' }),
        serviceTask('late', 'late'),
        end('e2'),
        ...chain('s', 'sub', 'e'),
        ...chain('deadline', 'late', 'e2'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('a');
    expect(await h.advance(HOUR)).toBe(1);
    expect((await h.instance(key)).active).toEqual(['late']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['late']);
    expect(await h.elementEnds(key)).toEqual(
      expect.arrayContaining([
        ['b', 'ELEMENT_TERMINATED'],
        ['sub', 'ELEMENT_TERMINATED'],
      ]),
    );
  });
});
