import { openTestDb, type TestDb } from './support/db.js';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="work"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.close(); });

test('smoke', async () => {
  const engine = new EmbeddedEngine(t.db);
  const d = await engine.deployResources([{ name: 'p.bpmn', content: xml }]);
  expect(d.processes[0].version).toBe(1);
  const i = await engine.createProcessInstance({ bpmnProcessId: 'p', variables: { a: 1 } });
  const jobs = await engine.activateJobs({ type: 'work', worker: 'w', maxJobsToActivate: 10, timeout: 1000 });
  expect(jobs).toHaveLength(1);
  expect(jobs[0].variables).toEqual({ a: 1 });
  await engine.completeJob({ jobKey: jobs[0].key, variables: { b: 2 } });
  const { rows } = await t.db.query(`select state, doc from engine.process_instances where key = $1`, [i.processInstanceKey]);
  expect(rows[0].state).toBe('COMPLETED');
  expect(rows[0].doc.vars).toEqual({ a: 1, b: 2 });
  await expect(engine.completeJob({ jobKey: jobs[0].key })).rejects.toThrow(/not found/);
});
