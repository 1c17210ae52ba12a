/**
 * A tour of the engine: one instance through a timer, a buffered message, an error boundary on a
 * sub-process, a call activity and a multi-instance service task.
 */
import { callActivity, chain, definitions, end, errorBoundary, flow, messageCatch, proc, serviceTask, start, subProcess, timerCatch } from '../support/bpmn.js';
import { HOUR, useEngine } from '../support/engine.js';

const h = useEngine();

/**
 * p: s → timer (PT1H) → msg (`paid`, key `=code`) → sub (ss → work → se; error BAD → call) → call (child)
 *    → mi (a job per item of `=items`, results collected) → e
 * child: cs → ct (job `child-work`) → ce
 */
const TOUR = definitions(
  proc(
    'p',
    start('s'),
    timerCatch('timer', { duration: 'PT1H' }),
    messageCatch('msg', 'paid', '=code'),
    subProcess('sub', [start('ss'), serviceTask('work', 'work'), end('se'), ...chain('ss', 'work', 'se')]),
    errorBoundary('err', 'sub', 'BAD'),
    callActivity('call', 'child'),
    serviceTask('mi', 'mi', { mi: { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=r' } }),
    end('e'),
    ...chain('s', 'timer', 'msg', 'sub', 'call', 'mi', 'e'),
    flow('err', 'call'),
  ),
  proc('child', start('cs'), serviceTask('ct', 'child-work'), end('ce'), ...chain('cs', 'ct', 'ce')),
);

test('Scenario: one instance passes a timer, a buffered message, an error boundary, a call activity and a multi-instance task', async () => {
  await h.deploy(TOUR, 'p.bpmn');
  const k = await h.start('p', { code: 'HS-1', items: [1, 2, 3] });
  // message published early: buffered
  await h.engine.publishMessage({ name: 'paid', correlationKey: 'HS-1', timeToLive: HOUR * 3, variables: { amount: 5 } });
  expect(await h.engine.tick()).toMatchObject({ timers: 0 });
  expect(await h.advance(HOUR)).toBe(1);
  let s = await h.instance(k);
  expect(s.variables.amount).toBe(5);
  let jobs = await h.activate('work');
  expect(jobs).toHaveLength(1);
  await h.engine.throwError({ jobKey: jobs[0].key, errorCode: 'BAD' });
  jobs = await h.activate('child-work');
  expect(jobs).toHaveLength(1);
  expect(jobs[0].variables.code).toBe('HS-1');
  await h.engine.completeJob({ jobKey: jobs[0].key, variables: { fromChild: 'x' } });
  s = await h.instance(k);
  expect(s.variables.fromChild).toBe('x');
  jobs = await h.activate('mi');
  expect(jobs.map((j) => j.variables.item).sort()).toEqual([1, 2, 3]);
  for (const j of jobs) await h.engine.completeJob({ jobKey: j.key, variables: { r: (j.variables.item as number) * 10 } });
  s = await h.instance(k);
  expect(s.state).toBe('COMPLETED');
  expect(s.variables.results).toEqual([10, 20, 30]);
});
