import { openTestDb, type TestDb } from '../support/db.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { ManualClock } from '../../src/clock.js';

const H = `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">`;
const task = (id: string, type: string, extra = '') =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}"/></bpmn:extensionElements>${extra}</bpmn:serviceTask>`;
const flow = (id: string, a: string, b: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${a}" targetRef="${b}"/>`;

let t: TestDb;
let clock: ClockT;
let engine: EmbeddedEngine;
type ClockT = ManualClock;
beforeAll(async () => {
  t = await openTestDb();
  clock = new ManualClock();
  engine = new EmbeddedEngine(t.db, { clock, scheduler: false });
});
afterAll(async () => {
  await engine.close();
  await t.close();
});
const state = async (k: string) => (await t.db.query(`select state, doc from engine.process_instances where key=$1`, [k])).rows[0];

test('Scenario: one instance passes a timer, a buffered message, an error boundary, a call activity and a multi-instance task', async () => {
  const xml =
    H +
    `
  <bpmn:message id="m1" name="paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=code"/></bpmn:extensionElements></bpmn:message>
  <bpmn:error id="e1" errorCode="BAD"/>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>${flow('f1', 's', 'timer')}
    <bpmn:intermediateCatchEvent id="timer"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>${flow('f2', 'timer', 'msg')}
    <bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition messageRef="m1"/></bpmn:intermediateCatchEvent>${flow('f3', 'msg', 'sub')}
    <bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/>${flow('sf1', 'ss', 'work')}${task('work', 'work')}${flow('sf2', 'work', 'se')}<bpmn:endEvent id="se"/></bpmn:subProcess>
    <bpmn:boundaryEvent id="err" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="e1"/></bpmn:boundaryEvent>${flow('f5', 'err', 'call')}
    ${flow('f4', 'sub', 'call')}
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child"/></bpmn:extensionElements></bpmn:callActivity>${flow('f6', 'call', 'mi')}
    <bpmn:serviceTask id="mi"><bpmn:extensionElements><zeebe:taskDefinition type="mi"/></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=r"/></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>${flow('f7', 'mi', 'e')}
    <bpmn:endEvent id="e"/>
  </bpmn:process>
  <bpmn:process id="child" isExecutable="true"><bpmn:startEvent id="cs"/>${flow('cf1', 'cs', 'ct')}${task('ct', 'child-work')}${flow('cf2', 'ct', 'ce')}<bpmn:endEvent id="ce"/></bpmn:process>
  </bpmn:definitions>`;
  await engine.deployResources([{ name: 'p.bpmn', content: xml }]);
  const { processInstanceKey: k } = await engine.createProcessInstance({
    bpmnProcessId: 'p',
    variables: { code: 'HS-1', items: [1, 2, 3] },
  });
  // message published early: buffered
  await engine.publishMessage({ name: 'paid', correlationKey: 'HS-1', timeToLive: 3_600_000 * 3, variables: { amount: 5 } });
  expect(await engine.tick()).toMatchObject({ timers: 0 });
  clock.advance(3_600_000);
  expect((await engine.tick()).timers).toBe(1);
  let s = await state(k);
  expect(s.doc.vars.amount).toBe(5);
  let jobs = await engine.activateJobs({ type: 'work', worker: 'w', maxJobsToActivate: 5, timeout: 1000 });
  expect(jobs).toHaveLength(1);
  await engine.throwError({ jobKey: jobs[0].key, errorCode: 'BAD' });
  jobs = await engine.activateJobs({ type: 'child-work', worker: 'w', maxJobsToActivate: 5, timeout: 1000 });
  expect(jobs).toHaveLength(1);
  expect(jobs[0].variables.code).toBe('HS-1');
  await engine.completeJob({ jobKey: jobs[0].key, variables: { fromChild: 'x' } });
  s = await state(k);
  expect(s.doc.vars.fromChild).toBe('x');
  jobs = await engine.activateJobs({ type: 'mi', worker: 'w', maxJobsToActivate: 5, timeout: 1000 });
  expect(jobs.map((j) => j.variables.item).sort()).toEqual([1, 2, 3]);
  for (const j of jobs) await engine.completeJob({ jobKey: j.key, variables: { r: (j.variables.item as number) * 10 } });
  s = await state(k);
  expect(s.state).toBe('COMPLETED');
  expect(s.doc.vars.results).toEqual([10, 20, 30]);
});
