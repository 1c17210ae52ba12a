/**
 * Feature: messages over /v2 — publication (buffered for its time to live) and correlation (now
 * or 404), as a citizen's payment or an agency's answer reaches a waiting dossier.
 */
import { chain, end, messageCatch, named, processXml, start as startEvent } from '../support/bpmn.js';
import { call, deploy, startTestService, type TestService } from './support.js';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
  const xml = processXml('pay', startEvent('s'), named('Chờ nộp thuế', messageCatch('wait', 'tax-paid', '=dossierCode')), end('e'), ...chain('s', 'wait', 'e'));
  expect((await deploy(s.url, [{ name: 'pay.bpmn', xml }])).status).toBe(200);
});
afterAll(async () => {
  await s.close();
});

const start = async (dossierCode: string) =>
  (await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'pay', variables: { dossierCode } })).body.processInstanceKey as string;
const stateOf = async (key: string) => (await call(s.url, 'GET', `/v2/process-instances/${key}`)).body.state;

test('Given a waiting instance, when the message is correlated, then the instance moves on and the answer names it', async () => {
  const key = await start('HS-1');
  const r = await call(s.url, 'POST', '/v2/messages/correlation', {
    name: 'tax-paid',
    correlationKey: 'HS-1',
    variables: { paidAt: '2026-03-02' },
  });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ processInstanceKey: key, messageKey: expect.any(String) });
  expect(await stateOf(key)).toBe('COMPLETED');
});

test('When nothing waits for the message, then correlation is a 404 and publication is still fine', async () => {
  const r = await call(s.url, 'POST', '/v2/messages/correlation', { name: 'tax-paid', correlationKey: 'NOBODY' });
  expect(r.status).toBe(404);
  const p = await call(s.url, 'POST', '/v2/messages/publication', { name: 'tax-paid', correlationKey: 'NOBODY', timeToLive: 0 });
  expect(p.status).toBe(200);
});

test('Given a message published with a time to live, when the instance starts later, then it takes the buffered message', async () => {
  const p = await call(s.url, 'POST', '/v2/messages/publication', {
    name: 'tax-paid',
    correlationKey: 'HS-2',
    timeToLive: 60_000,
    messageId: 'receipt-2',
  });
  expect(p.status).toBe(200);
  const again = await call(s.url, 'POST', '/v2/messages/publication', {
    name: 'tax-paid',
    correlationKey: 'HS-2',
    timeToLive: 60_000,
    messageId: 'receipt-2',
  });
  expect(again.status).toBe(409);
  const key = await start('HS-2');
  expect(await stateOf(key)).toBe('COMPLETED');
});

test('Bad message bodies are 400s naming the field', async () => {
  const r = await call(s.url, 'POST', '/v2/messages/publication', { correlationKey: 'x', timeToLive: -1 });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body.details)).toMatch(/name|timeToLive/);
});
