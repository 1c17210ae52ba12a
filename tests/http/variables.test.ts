/**
 * Feature: /v2/variables/search — each variable's current value, as Camunda's search answers it
 * (what the Zeebe adapter reads on a cluster, and what receipt recovery asks for a dossier's code).
 */
import { chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { call, deploy, startTestService, type TestService } from './support.js';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
  const xml = processXml(
    'phi',
    start('s'),
    serviceTask('tinh-phi', 'tinh-phi'),
    serviceTask('thu-phi', 'thu-phi'),
    end('e'),
    ...chain('s', 'tinh-phi', 'thu-phi', 'e'),
  );
  expect((await deploy(s.url, [{ name: 'phi.bpmn', xml }])).status).toBe(200);
});
afterAll(async () => {
  await s.close();
});

/** An instance whose fee was 0 when it started and is 50,000 since its first job completed. */
async function feeChanged(code: string): Promise<string> {
  const key = (await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'phi', variables: { dossierCode: code, fee: 0 } })).body
    .processInstanceKey as string;
  const jobs = await call(s.url, 'POST', '/v2/jobs/activation', { type: 'tinh-phi', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
  const job = jobs.body.jobs.find((j: any) => j.processInstanceKey === key);
  expect((await call(s.url, 'POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { fee: 50_000 } })).status).toBe(204);
  return key;
}

const search = async (filter: object) => {
  const r = await call(s.url, 'POST', '/v2/variables/search', { filter });
  expect(r.status).toBe(200);
  return r.body.items.map((v: any) => [v.processInstanceKey, v.name, v.value]);
};

test('Given a variable that changed, a value filter finds it by the value it holds now, not by one it held before', async () => {
  const key = await feeChanged('H99-261201-0001');
  expect(await search({ processInstanceKey: key, name: 'fee', value: '50000' })).toEqual([[key, 'fee', '50000']]);
  expect(await search({ processInstanceKey: key, name: 'fee', value: '0' })).toEqual([]);
  expect(await search({ processInstanceKey: key, value: { $in: ['0', '50000'] } })).toEqual([[key, 'fee', '50000']]);
});

test("Given two instances, a dossier's code (a JSON string) finds only its own", async () => {
  const mine = await feeChanged('H99-261201-0002');
  await feeChanged('H99-261201-0003');
  expect(await search({ name: 'dossierCode', value: JSON.stringify('H99-261201-0002') })).toEqual([[mine, 'dossierCode', '"H99-261201-0002"']]);
  expect(await search({ name: 'dossierCode', value: 'H99-261201-0002' })).toEqual([]); // not JSON text: no value is that
});

test('A value filter of the wrong shape is a 400 naming it', async () => {
  const r = await call(s.url, 'POST', '/v2/variables/search', { filter: { value: { $gt: '1' } } });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body)).toContain('value');
});
