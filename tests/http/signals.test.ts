/** Feature: signals over /v2 — a broadcast moves every instance waiting for the signal; a bad body is a 400 that names the field. */
import { chain, end, named, processXml, signalCatch, start } from '../support/bpmn.js';
import { call, deploy, startTestService, type TestService } from './support.js';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
  const xml = processXml('waits', start('s'), named('Chờ lệnh', signalCatch('wait', 'ngung-tiep-nhan')), end('e'), ...chain('s', 'wait', 'e'));
  expect((await deploy(s.url, [{ name: 'waits.bpmn', xml }])).status).toBe(200);
});
afterAll(async () => {
  await s.close();
});

test('Given two waiting instances, when the signal is broadcast, then both complete', async () => {
  const keys: string[] = [];
  for (let i = 0; i < 2; i++)
    keys.push((await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'waits' })).body.processInstanceKey as string);
  const r = await call(s.url, 'POST', '/v2/signals/broadcast', { signalName: 'ngung-tiep-nhan', variables: { lyDo: 'bảo trì' } });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ signalKey: expect.any(String), tenantId: '<default>' });
  for (const key of keys) expect((await call(s.url, 'GET', `/v2/process-instances/${key}`)).body.state).toBe('COMPLETED');
});

test('A broadcast without a signal name is a 400 naming it, and moves nothing', async () => {
  const key = (await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'waits' })).body.processInstanceKey as string;
  const r = await call(s.url, 'POST', '/v2/signals/broadcast', { variables: {} });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body)).toContain('signalName');
  expect((await call(s.url, 'GET', `/v2/process-instances/${key}`)).body.state).toBe('ACTIVE');
});
