/** Feature: /v2/element-instances/search — what Operate shows of an instance: each element's activations with their BPMN names and states. */
import { chain, end, named, processXml, serviceTask, start } from '../support/bpmn.js';
import { call, deploy, startTestService, type TestService } from './support.js';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
  const xml = processXml(
    'check',
    named('Nhận hồ sơ', start('s')),
    named('Kiểm tra giấy tờ', serviceTask('verify', 'verify')),
    end('e'),
    ...chain('s', 'verify', 'e'),
  );
  expect((await deploy(s.url, [{ name: 'check.bpmn', xml }])).status).toBe(200);
});
afterAll(async () => {
  await s.close();
});

test('Given a running instance, the search lists its element instances with names, types and states, and filters by state', async () => {
  const key = (await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'check' })).body.processInstanceKey as string;
  const all = await call(s.url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: key }, sort: [{ field: 'startDate' }] });
  expect(all.status).toBe(200);
  expect(all.body.items.map((i: any) => [i.elementId, i.elementName, i.type, i.state])).toEqual([
    ['s', 'Nhận hồ sơ', 'START_EVENT', 'COMPLETED'],
    ['verify', 'Kiểm tra giấy tờ', 'SERVICE_TASK', 'ACTIVE'],
  ]);
  const active = await call(s.url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: key, state: 'ACTIVE' } });
  expect(active.body).toMatchObject({ items: [{ elementId: 'verify' }], page: { totalItems: 1 } });
});

test('The statistics count each element’s activations by state; an unknown instance is a 404', async () => {
  const key = (await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'check' })).body.processInstanceKey as string;
  const r = await call(s.url, 'GET', `/v2/process-instances/${key}/statistics/element-instances`);
  expect(r.status).toBe(200);
  expect(r.body.items).toEqual([
    { elementId: 's', active: 0, completed: 1, canceled: 0, incidents: 0 },
    { elementId: 'verify', active: 1, completed: 0, canceled: 0, incidents: 0 },
  ]);
  await call(s.url, 'POST', `/v2/process-instances/${key}/cancellation`, {});
  const after = await call(s.url, 'GET', `/v2/process-instances/${key}/statistics/element-instances`);
  expect(after.body.items).toContainEqual({ elementId: 'verify', active: 0, completed: 0, canceled: 1, incidents: 0 });
  expect((await call(s.url, 'GET', '/v2/process-instances/4503599627370495/statistics/element-instances')).status).toBe(404);
});

test('A filter on a field the search does not have is a 400 naming it', async () => {
  const r = await call(s.url, 'POST', '/v2/element-instances/search', { filter: { flowNodeName: 'x' } });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body)).toContain('flowNodeName');
});
