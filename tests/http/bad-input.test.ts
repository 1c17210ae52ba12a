/**
 * Feature: bad input gets a 4xx naming what is wrong, in one body shape
 * `{ error, message, details? }`, never a 500 — and changes nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { createApp } from '../../src/http/app.js';
import {
  adminHeaders,
  call,
  deploy,
  DTD_BPMN,
  MALFORMED_BPMN,
  serviceTaskProcess,
  startTestService,
  TEST_JWT_SECRET,
  unsupportedProcess,
  type Reply,
  type TestService,
} from './support.js';

let s: TestService;
let url: string;
let processDefinitionKey: string;
beforeAll(async () => {
  s = await startTestService();
  url = s.url;
  const d = await deploy(url, [{ name: 'mau.bpmn', xml: serviceTaskProcess('mau', 'mau-job') }]);
  processDefinitionKey = d.body.deployments[0].processDefinition.processDefinitionKey;
});
afterAll(async () => {
  await s.close();
});

const count = async (table: string) => Number((await s.t.db.query(`select count(*)::int as n from engine.${table}`)).rows[0].n);

function expect4xx(r: Reply, status: number, error: string) {
  expect({ status: r.status, error: r.body?.error }).toEqual({ status, error });
  expect(typeof r.body.message).toBe('string');
  expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at /); // no stack trace
}

describe('Scenario: deployments that must be refused', () => {
  let before: number;
  beforeEach(async () => {
    before = await count('definitions');
  });
  afterEach(async () => {
    expect(await count('definitions')).toBe(before);
  });

  test('Given a BPMN with a DTD, when deployed, then 400 names the XML problem and no definition is created', async () => {
    const r = await deploy(url, [{ name: 'xxe.bpmn', xml: DTD_BPMN }]);
    expect4xx(r, 400, 'Invalid');
    expect(r.body.details.resource).toBe('xxe.bpmn');
    expect(r.body.details.problems[0]).toMatchObject({ elementType: 'xml', message: expect.stringMatching(/DTD/) });
  });

  test('Given a BPMN with an element the engine does not run, when deployed, then 400 names its id and type', async () => {
    const r = await deploy(url, [{ name: 'phuc-tap.bpmn', xml: unsupportedProcess('phuc-tap') }]);
    expect4xx(r, 400, 'Invalid');
    expect(r.body.details.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ elementId: 'cg', elementType: expect.stringMatching(/ComplexGateway/) })]),
    );
    expect(r.body.message).toMatch(/phuc-tap\.bpmn.*cg/);
  });

  test('Given malformed XML, when deployed, then 400', async () => {
    const r = await deploy(url, [{ name: 'hong.bpmn', xml: MALFORMED_BPMN }]);
    expect4xx(r, 400, 'Invalid');
    expect(r.body.details.resource).toBe('hong.bpmn');
  });

  test('Given one good and one bad file, when deployed together, then 400 and the good one is not deployed either', async () => {
    const r = await deploy(url, [
      { name: 'tot.bpmn', xml: serviceTaskProcess('tot', 'tot-job') },
      { name: 'xau.bpmn', xml: unsupportedProcess('xau') },
    ]);
    expect4xx(r, 400, 'Invalid');
    const defs = await call(url, 'POST', '/v2/process-definitions/search', { filter: { processDefinitionId: 'tot' } });
    expect(defs.body.page.totalItems).toBe(0);
  });

  test('Given a file that is not BPMN, when deployed, then 400 names it', async () => {
    const r = await deploy(url, [{ name: 'ghi-chu.txt', xml: 'hello' }]);
    expect4xx(r, 400, 'Invalid');
    expect(r.body.message).toContain('ghi-chu.txt');
  });

  test('Given the file in another multipart field, when deployed, then 400 names the field', async () => {
    const r = await deploy(url, [{ name: 'mau2.bpmn', xml: serviceTaskProcess('mau2', 'x') }], 'file');
    expect4xx(r, 400, 'Invalid');
    expect(r.body.message).toContain("'file'");
  });

  test('Given a multipart body without files, when deployed, then 400', async () => {
    const form = new FormData();
    form.append('tenantId', '<default>');
    const res = await fetch(url + '/v2/deployments', { method: 'POST', body: form, headers: await adminHeaders() });
    expect4xx({ status: res.status, body: await res.json(), headers: res.headers }, 400, 'Invalid');
  });

  test('Given another tenant, when deployed, then 400 names the field', async () => {
    const form = new FormData();
    form.append('tenantId', 'tinh-khac');
    form.append('resources', new Blob([serviceTaskProcess('mau3', 'x')]), 'mau3.bpmn');
    const res = await fetch(url + '/v2/deployments', { method: 'POST', body: form, headers: await adminHeaders() });
    const r = { status: res.status, body: await res.json(), headers: res.headers };
    expect4xx(r, 400, 'Invalid');
    expect(r.body.details).toEqual([expect.objectContaining({ instancePath: '/tenantId' })]);
  });

  test('Given a JSON body, when posted to /v2/deployments, then 415', async () => {
    expect4xx(await call(url, 'POST', '/v2/deployments', { resources: [] }), 415, 'UnsupportedMediaType');
  });

  test('Given a truncated multipart body, when deployed, then 400', async () => {
    const res = await fetch(url + '/v2/deployments', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ', ...(await adminHeaders()) },
      body: '--XYZ\r\nContent-Disposition: form-data; name="resources"; filename="a.bpmn"\r\n\r\n<bpmn',
    });
    expect4xx({ status: res.status, body: await res.json(), headers: res.headers }, 400, 'Invalid');
  });

  test('Given a BPMN file over the size limit, when deployed, then 413', async () => {
    const big = serviceTaskProcess('to', 'x').replace('</bpmn:definitions>', `<!-- ${'x'.repeat(4 * 1024 * 1024 + 10)} --></bpmn:definitions>`);
    const r = await deploy(url, [{ name: 'to.bpmn', xml: big }]);
    expect4xx(r, 413, 'PayloadTooLarge');
  });
});

describe('Scenario: process-instance requests that must be refused', () => {
  let before: number;
  beforeEach(async () => {
    before = await count('process_instances');
  });
  afterEach(async () => {
    expect(await count('process_instances')).toBe(before);
  });

  test('Given variables that are not an object, when an instance is created, then 400 points at /variables', async () => {
    for (const variables of [[1, 2], 'x', 3, true]) {
      const r = await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', variables });
      expect4xx(r, 400, 'Invalid');
      expect(r.body.details).toEqual([expect.objectContaining({ instancePath: '/variables', message: 'must be object' })]);
    }
  });

  test('Given neither or both of id and key, when an instance is created, then 400', async () => {
    expect4xx(await call(url, 'POST', '/v2/process-instances', {}), 400, 'Invalid');
    expect4xx(await call(url, 'POST', '/v2/process-instances'), 400, 'Invalid');
    const both = await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', processDefinitionKey });
    expect4xx(both, 400, 'Invalid');
    expect(both.body.details).toEqual([
      expect.objectContaining({ instancePath: '', message: "must have exactly one of 'processDefinitionId', 'processDefinitionKey'" }),
    ]);
  });

  test('Given a version without a process id, an unknown field or a bad key, when an instance is created, then 400 names it', async () => {
    const v = await call(url, 'POST', '/v2/process-instances', { processDefinitionKey, processDefinitionVersion: 1 });
    expect4xx(v, 400, 'Invalid');
    expect(v.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('processDefinitionId') })]));
    const extra = await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', startInstructions: [] });
    expect(extra.body.details).toEqual([expect.objectContaining({ message: "must NOT have the property 'startInstructions'" })]);
    const key = await call(url, 'POST', '/v2/process-instances', { processDefinitionKey: 'abc' });
    expect4xx(key, 400, 'Invalid');
    expect(key.body.details[0].instancePath).toBe('/processDefinitionKey');
    expect4xx(await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', processDefinitionVersion: 0 }), 400, 'Invalid');
  });

  test('Given an unknown process, when an instance is created, then 404', async () => {
    expect4xx(await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'khong-co' }), 404, 'NotFound');
    expect4xx(await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', processDefinitionVersion: 99 }), 404, 'NotFound');
    expect4xx(await call(url, 'POST', '/v2/process-instances', { processDefinitionKey: '9223372036854775807' }), 404, 'NotFound');
  });

  test('Given malformed JSON, a non-JSON body or an oversized body, when an instance is created, then 400, 415, 413', async () => {
    const bad = await call(url, 'POST', '/v2/process-instances', '{"processDefinitionId": "mau",');
    expect4xx(bad, 400, 'Invalid');
    expect(bad.body.message).toMatch(/JSON/);
    expect4xx(await call(url, 'POST', '/v2/process-instances', 'processDefinitionId=mau', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
    const huge = JSON.stringify({ processDefinitionId: 'mau', variables: { blob: 'x'.repeat(5 * 1024 * 1024) } });
    expect4xx(await call(url, 'POST', '/v2/process-instances', huge), 413, 'PayloadTooLarge');
  });

  test('Given keys that are not keys, when instances are read or cancelled, then 400; unknown keys give 404', async () => {
    for (const k of ['abc', '-1', '0', '1.5', '99999999999999999999', '9223372036854775808']) {
      expect4xx(await call(url, 'GET', `/v2/process-instances/${k}`), 400, 'Invalid');
      expect4xx(await call(url, 'POST', `/v2/process-instances/${k}/cancellation`), 400, 'Invalid');
      expect4xx(await call(url, 'GET', `/v2/process-instances/${k}/sequence-flows`), 400, 'Invalid');
    }
    for (const k of ['123', '9223372036854775807']) {
      expect4xx(await call(url, 'GET', `/v2/process-instances/${k}`), 404, 'NotFound');
      expect4xx(await call(url, 'POST', `/v2/process-instances/${k}/cancellation`), 404, 'NotFound');
      expect4xx(await call(url, 'GET', `/v2/process-instances/${k}/sequence-flows`), 404, 'NotFound');
    }
  });
});

describe('Scenario: searches that must be refused', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['an unknown filter field', '/v2/process-instances/search', { filter: { mauSac: 'do' } }, /mauSac/],
    ['an unknown state', '/v2/process-instances/search', { filter: { state: 'RUNNING' } }, /ACTIVE/],
    ['a negative page size', '/v2/process-instances/search', { page: { limit: -1 } }, /limit|>= 0/],
    ['a cursor page', '/v2/process-instances/search', { page: { after: 'x' } }, /after/],
    ['an unknown sort field', '/v2/process-instances/search', { sort: [{ field: 'color' }] }, /must be one of/],
    ['a key that is not a number', '/v2/process-instances/search', { filter: { processInstanceKey: { $in: ['x'] } } }, /pattern/],
    ['a key beyond 64 bits', '/v2/process-instances/search', { filter: { processInstanceKey: '9999999999999999999' } }, /64-bit/],
    ['an unknown operator', '/v2/process-instances/search', { filter: { processDefinitionId: { $regex: '.*' } } }, /\$regex/],
    ['a date that is not a date', '/v2/incidents/search', { filter: { creationTime: { $gt: '2025-13-45' } } }, /date-time/],
    ['a filter with the wrong type', '/v2/incidents/search', { filter: { processInstanceKey: 5 } }, /string|object/],
    ['a version that is not an integer', '/v2/process-definitions/search', { filter: { version: 'v1' } }, /integer|object/],
  ];
  test.each(cases)('Given %s, when searching, then 400 names it', async (_what, path, body, mentions) => {
    const r = await call(url, 'POST', path, body);
    expect4xx(r, 400, 'Invalid');
    expect(JSON.stringify(r.body)).toMatch(mentions);
  });
});

describe('Scenario: job commands that must be refused', () => {
  let jobKey: string;
  beforeAll(async () => {
    await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'mau', variables: { a: 1 } });
    const r = await call(url, 'POST', '/v2/jobs/activation', {
      type: 'mau-job',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    });
    jobKey = r.body.jobs[0].jobKey;
  });

  test('Given activation requests missing or misusing fields, when sent, then 400 names each field', async () => {
    const r = await call(url, 'POST', '/v2/jobs/activation', { maxJobsToActivate: 0, timeout: 'soon' });
    expect4xx(r, 400, 'Invalid');
    const paths = r.body.details.map((d: any) => `${d.instancePath} ${d.message}`);
    expect(paths).toEqual(expect.arrayContaining([" must have required property 'type'", '/maxJobsToActivate must be >= 1', '/timeout must be integer']));
    expect4xx(await call(url, 'POST', '/v2/jobs/activation', { type: 'mau-job', timeout: 1000, maxJobsToActivate: 1, tenantIds: ['khac'] }), 400, 'Invalid');
  });

  test('Given bad variables, when the job is completed, failed or errored, then 400 and the job is still there', async () => {
    expect4xx(await call(url, 'POST', `/v2/jobs/${jobKey}/completion`, { variables: [1] }), 400, 'Invalid');
    expect4xx(await call(url, 'POST', `/v2/jobs/${jobKey}/failure`, { retries: 1, variables: 'x' }), 400, 'Invalid');
    expect4xx(await call(url, 'POST', `/v2/jobs/${jobKey}/failure`, { retries: -1 }), 400, 'Invalid');
    expect4xx(await call(url, 'POST', `/v2/jobs/${jobKey}/error`, { errorMessage: 'no code' }), 400, 'Invalid');
    expect4xx(await call(url, 'POST', `/v2/jobs/${jobKey}/error`, { errorCode: 'E', variables: 7 }), 400, 'Invalid');
    expect4xx(await call(url, 'PATCH', `/v2/jobs/${jobKey}`, { changeset: {} }), 400, 'Invalid');
    expect4xx(await call(url, 'PATCH', `/v2/jobs/${jobKey}`, { changeset: { retries: 0 } }), 400, 'Invalid');
    const jobs = await s.t.db.query(`select state, retries from engine.jobs where key = $1`, [jobKey]);
    expect(jobs.rows).toEqual([{ state: 'ACTIVATED', retries: 3 }]);
  });

  test('Given job keys that are not keys or do not exist, when commands are sent, then 400 or 404', async () => {
    for (const cmd of ['completion', 'failure', 'error']) {
      const body = cmd === 'error' ? { errorCode: 'E' } : {};
      expect4xx(await call(url, 'POST', `/v2/jobs/abc/${cmd}`, body), 400, 'Invalid');
      expect4xx(await call(url, 'POST', `/v2/jobs/42/${cmd}`, body), 404, 'NotFound');
    }
    expect4xx(await call(url, 'PATCH', '/v2/jobs/42', { changeset: { retries: 1 } }), 404, 'NotFound');
  });
});

describe('Scenario: other unknown things', () => {
  test('Given unknown or malformed incident and definition keys, when used, then 404 or 400', async () => {
    expect4xx(await call(url, 'POST', '/v2/incidents/42/resolution'), 404, 'NotFound');
    expect4xx(await call(url, 'POST', '/v2/incidents/x/resolution'), 400, 'Invalid');
    expect4xx(await call(url, 'GET', '/v2/incidents/42'), 404, 'NotFound');
    expect4xx(await call(url, 'GET', '/v2/process-definitions/42/xml'), 404, 'NotFound');
    expect4xx(await call(url, 'GET', '/v2/process-definitions/x/xml'), 400, 'Invalid');
    expect4xx(await call(url, 'GET', '/v2/process-definitions/42'), 404, 'NotFound');
  });

  test('Given a route that does not exist, when called, then 404 in the same body shape', async () => {
    const r = await call(url, 'GET', '/v2/nothing-here');
    expect4xx(r, 404, 'NotFound');
    expect(r.body.message).toContain('/v2/nothing-here');
    expect4xx(await call(url, 'DELETE', '/v2/process-instances/1'), 404, 'NotFound');
    expect4xx(await call(url, 'GET', '/api'), 404, 'NotFound');
  });
});

describe('Scenario: a failure nobody expected', () => {
  test('Given an engine that fails unexpectedly, when a request reaches it, then 500 with a generic message and no stack, and the error is logged', async () => {
    const logged: any[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const broken = Object.create(s.service.engine, {
      createProcessInstance: {
        value: () => Promise.reject(new Error('secret internals at db.ts:42')),
      },
    });
    const app = createApp({
      engine: broken,
      queries: new EmbeddedEngineQueries(s.t.db),
      db: s.t.db,
      logger,
      auth: { secret: TEST_JWT_SECRET },
    });
    const server: Server = await new Promise((resolve) => {
      const srv = createServer(app).listen(0, () => resolve(srv));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await call(base, 'POST', '/v2/process-instances', { processDefinitionId: 'mau' });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: 'InternalError', message: expect.any(String) });
      expect(JSON.stringify(r.body)).not.toContain('secret');
      expect(logged.some((l) => l.err?.message === 'secret internals at db.ts:42' && typeof l.err.stack === 'string')).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
