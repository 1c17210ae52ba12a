/**
 * Feature: a linked procedure runs end to end over the engine's /v2 HTTP surface
 * (Camunda 8 REST API v2 paths and shapes), with the whole service started in-process.
 *
 * The service runs on a ManualClock: time passes only when a test moves it, so job deadlines are
 * exact and a long poll ends by its requestTimeout only once the clock has passed it.
 */
import { ManualClock } from '../../src/clock.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import type { ActivatedJob } from '../../src/engine/port.js';
import { call, deploy, serviceTaskProcess, startTestService, type TestService } from './support.js';

const clock = new ManualClock();
let s: TestService;
let url: string;
beforeAll(async () => {
  s = await startTestService({ clock });
  url = s.url;
});
afterAll(async () => {
  await s.close();
});

const activate = (type: string, extra: Record<string, unknown> = {}) =>
  call(url, 'POST', '/v2/jobs/activation', { type, worker: 'w1', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1, ...extra });

describe('Scenario: start → service task → end, entirely over /v2', () => {
  let processDefinitionKey: string;
  let processInstanceKey: string;
  let jobKey: string;

  test("Given a BPMN file, when it is POSTed as multipart to /v2/deployments, then version 1 is deployed in Camunda's shape", async () => {
    const r = await deploy(url, [{ name: 'cap-giay-phep.bpmn', xml: serviceTaskProcess('cap-giay-phep', 'kiem-tra', { name: 'Cấp giấy phép' }) }]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      deploymentKey: expect.stringMatching(/^\d+$/),
      tenantId: '<default>',
      deployments: [
        {
          processDefinition: {
            processDefinitionId: 'cap-giay-phep',
            processDefinitionVersion: 1,
            processDefinitionKey: expect.stringMatching(/^\d+$/),
            resourceName: 'cap-giay-phep.bpmn',
            tenantId: '<default>',
          },
        },
      ],
    });
    processDefinitionKey = r.body.deployments[0].processDefinition.processDefinitionKey;
  });

  test('Given it is deployed, when the same file is deployed again, then no new version is created (Zeebe: same resource, same version)', async () => {
    const r = await deploy(url, [{ name: 'cap-giay-phep.bpmn', xml: serviceTaskProcess('cap-giay-phep', 'kiem-tra', { name: 'Cấp giấy phép' }) }]);
    expect(r.status).toBe(200);
    expect(r.body.deployments[0].processDefinition).toMatchObject({ processDefinitionVersion: 1, processDefinitionKey });
  });

  test('When an instance is created by process id, then its key and definition come back and it is ACTIVE', async () => {
    const r = await call(url, 'POST', '/v2/process-instances', {
      processDefinitionId: 'cap-giay-phep',
      variables: { hoSo: 'H01', soTrang: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      processDefinitionId: 'cap-giay-phep',
      processDefinitionVersion: 1,
      processDefinitionKey,
      processInstanceKey: expect.stringMatching(/^\d+$/),
      variables: {},
      tenantId: '<default>',
    });
    processInstanceKey = r.body.processInstanceKey;
    const got = await call(url, 'GET', `/v2/process-instances/${processInstanceKey}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ processInstanceKey, state: 'ACTIVE', hasIncident: false, processDefinitionName: 'Cấp giấy phép' });
    expect(got.body.endDate).toBeUndefined();
  });

  test("When a worker activates jobs of the task type, then it gets the job with Camunda's field names and the variables", async () => {
    const r = await activate('kiem-tra');
    expect(r.status).toBe(200);
    expect(r.body.jobs).toHaveLength(1);
    const job = r.body.jobs[0];
    expect(job).toEqual({
      jobKey: expect.stringMatching(/^\d+$/),
      type: 'kiem-tra',
      processInstanceKey,
      processDefinitionId: 'cap-giay-phep',
      processDefinitionVersion: 1,
      processDefinitionKey,
      elementId: 'task',
      elementInstanceKey: expect.stringMatching(/^\d+$/),
      customHeaders: { agency: 'UBND-XA' },
      worker: 'w1',
      retries: 3,
      deadline: expect.any(Number),
      variables: { hoSo: 'H01', soTrang: 3 },
      tenantId: '<default>',
      kind: 'BPMN_ELEMENT',
      listenerEventType: 'UNSPECIFIED',
    });
    expect(job.deadline).toBe(clock.now() + 60_000); // reserved for its timeout, from now on the service's clock
    jobKey = job.jobKey;
    expect((await activate('kiem-tra')).body.jobs).toEqual([]);
  });

  test('When the job is completed, then the instance is COMPLETED and the flows it took are listed', async () => {
    const r = await call(url, 'POST', `/v2/jobs/${jobKey}/completion`, { variables: { ketQua: 'đạt' } });
    expect(r.status).toBe(204);
    const got = await call(url, 'GET', `/v2/process-instances/${processInstanceKey}`);
    expect(got.body).toMatchObject({ state: 'COMPLETED', hasIncident: false });
    expect(new Date(got.body.endDate).getTime()).toBeGreaterThanOrEqual(new Date(got.body.startDate).getTime());
    const flows = await call(url, 'GET', `/v2/process-instances/${processInstanceKey}/sequence-flows`);
    expect(flows.status).toBe(200);
    expect(flows.body.items).toEqual([
      {
        sequenceFlowId: `${processInstanceKey}_toTask`,
        processInstanceKey,
        processDefinitionKey,
        processDefinitionId: 'cap-giay-phep',
        elementId: 'toTask',
        tenantId: '<default>',
      },
      {
        sequenceFlowId: `${processInstanceKey}_toEnd`,
        processInstanceKey,
        processDefinitionKey,
        processDefinitionId: 'cap-giay-phep',
        elementId: 'toEnd',
        tenantId: '<default>',
      },
    ]);
  });

  test('Given the job is completed, when it is completed again, then 404 (Zeebe: the job no longer exists)', async () => {
    const r = await call(url, 'POST', `/v2/jobs/${jobKey}/completion`, {});
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'NotFound', message: expect.stringContaining(jobKey) });
  });

  test("When the definition's XML is asked for, then the deployed BPMN comes back as text/xml", async () => {
    const r = await call(url, 'GET', `/v2/process-definitions/${processDefinitionKey}/xml`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(r.body).toContain('id="cap-giay-phep"');
  });
});

describe('Scenario: a failing job → retries → incident → resolution', () => {
  let processInstanceKey: string;
  let jobKey: string;

  beforeAll(async () => {
    await deploy(url, [{ name: 'tra-cuu.bpmn', xml: serviceTaskProcess('tra-cuu', 'tra-cuu-csdl', { retries: 2 }) }]);
    processInstanceKey = (await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'tra-cuu' })).body.processInstanceKey;
  });

  test('Given an activated job, when it fails with retries left, then it can be activated again with those retries', async () => {
    jobKey = (await activate('tra-cuu-csdl')).body.jobs[0].jobKey;
    const r = await call(url, 'POST', `/v2/jobs/${jobKey}/failure`, {
      retries: 1,
      errorMessage: 'CSDL dân cư không phản hồi',
      retryBackOff: 0,
      variables: { lanThu: 1 },
    });
    expect(r.status).toBe(204);
    const again = await activate('tra-cuu-csdl');
    expect(again.body.jobs).toHaveLength(1);
    expect(again.body.jobs[0]).toMatchObject({ jobKey, retries: 1 });
  });

  test('When it fails with no retries left, then an ACTIVE JOB_NO_RETRIES incident is raised and the instance shows it', async () => {
    const r = await call(url, 'POST', `/v2/jobs/${jobKey}/failure`, { retries: 0, errorMessage: 'hết lượt thử' });
    expect(r.status).toBe(204);
    const inc = await call(url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey, state: 'ACTIVE' } });
    expect(inc.status).toBe(200);
    expect(inc.body.page).toEqual({ totalItems: 1 });
    expect(inc.body.items[0]).toEqual({
      incidentKey: expect.stringMatching(/^\d+$/),
      processDefinitionKey: expect.any(String),
      processDefinitionId: 'tra-cuu',
      processInstanceKey,
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'hết lượt thử',
      elementId: 'task',
      elementInstanceKey: expect.any(String),
      creationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      state: 'ACTIVE',
      jobKey,
      tenantId: '<default>',
    });
    const pi = await call(url, 'GET', `/v2/process-instances/${processInstanceKey}`);
    expect(pi.body).toMatchObject({ state: 'ACTIVE', hasIncident: true });
    expect((await activate('tra-cuu-csdl')).body.jobs).toEqual([]);
  });

  test('Given the incident, when the job is completed anyway, then 409 (it waits for the incident) and nothing changes', async () => {
    const r = await call(url, 'POST', `/v2/jobs/${jobKey}/completion`, {});
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('Conflict');
    expect((await call(url, 'GET', `/v2/process-instances/${processInstanceKey}`)).body.state).toBe('ACTIVE');
  });

  test('When retries are given back and the incident is resolved, then the job is activatable and the instance completes', async () => {
    const incidentKey = (await call(url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey } })).body.items[0].incidentKey;
    expect((await call(url, 'PATCH', `/v2/jobs/${jobKey}`, { changeset: { retries: 2 } })).status).toBe(204);
    const r = await call(url, 'POST', `/v2/incidents/${incidentKey}/resolution`);
    expect(r.status).toBe(204);
    const inc = await call(url, 'GET', `/v2/incidents/${incidentKey}`);
    expect(inc.body.state).toBe('RESOLVED');
    const jobs = (await activate('tra-cuu-csdl')).body.jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ jobKey, retries: 2 });
    expect((await call(url, 'POST', `/v2/jobs/${jobKey}/completion`, { variables: null })).status).toBe(204);
    expect((await call(url, 'GET', `/v2/process-instances/${processInstanceKey}`)).body).toMatchObject({
      state: 'COMPLETED',
      hasIncident: false,
    });
    expect((await call(url, 'POST', `/v2/incidents/${incidentKey}/resolution`)).status).toBe(404);
  });

  test('When a job throws a BPMN error nobody catches, then an UNHANDLED_ERROR_EVENT incident is raised', async () => {
    const pik = (await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'tra-cuu' })).body.processInstanceKey;
    const job = (await activate('tra-cuu-csdl')).body.jobs[0];
    const r = await call(url, 'POST', `/v2/jobs/${job.jobKey}/error`, {
      errorCode: 'HO_SO_SAI',
      errorMessage: 'hồ sơ sai',
      variables: null,
    });
    expect(r.status).toBe(204);
    const inc = await call(url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey: pik } });
    expect(inc.body.items).toEqual([expect.objectContaining({ errorType: 'UNHANDLED_ERROR_EVENT', state: 'ACTIVE', jobKey: job.jobKey })]);
  });
});

describe('Scenario: cancelling an instance', () => {
  test('Given an active instance, when it is cancelled, then it is TERMINATED and a second cancel is 404', async () => {
    await deploy(url, [{ name: 'huy.bpmn', xml: serviceTaskProcess('huy', 'huy-task') }]);
    const pik = (await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'huy' })).body.processInstanceKey;
    const r = await call(url, 'POST', `/v2/process-instances/${pik}/cancellation`);
    expect(r.status).toBe(204);
    expect((await call(url, 'GET', `/v2/process-instances/${pik}`)).body.state).toBe('TERMINATED');
    expect((await activate('huy-task')).body.jobs).toEqual([]);
    const again = await call(url, 'POST', `/v2/process-instances/${pik}/cancellation`, {});
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('NotFound');
  });
});

describe('Scenario: searching', () => {
  beforeAll(async () => {
    await deploy(url, [{ name: 'tim.bpmn', xml: serviceTaskProcess('tim', 'tim-task') }]);
    await deploy(url, [{ name: 'tim.bpmn', xml: serviceTaskProcess('tim', 'tim-task-v2') }]);
    for (let i = 0; i < 3; i++) await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'tim', variables: { i } });
    await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'tim', processDefinitionVersion: 1 });
  });

  test('When instances are searched by process id and version with a page, then the page and the total match', async () => {
    const r = await call(url, 'POST', '/v2/process-instances/search', {
      filter: { processDefinitionId: 'tim', processDefinitionVersion: { $gte: 2 }, state: 'ACTIVE' },
      page: { from: 1, limit: 1 },
      sort: [{ field: 'processInstanceKey', order: 'DESC' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.page).toEqual({ totalItems: 3 });
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      processDefinitionId: 'tim',
      processDefinitionVersion: 2,
      state: 'ACTIVE',
      tenantId: '<default>',
    });
    const all = await call(url, 'POST', '/v2/process-instances/search', { filter: { processDefinitionId: { $like: 'ti?' } } });
    expect(all.body.page.totalItems).toBe(4);
    const either = await call(url, 'POST', '/v2/process-instances/search', {
      filter: { $or: [{ processDefinitionId: 'tim', processDefinitionVersion: 1 }, { processDefinitionId: 'nope' }] },
    });
    expect(either.body.page.totalItems).toBe(1);
  });

  test('When definitions are searched for the latest versions, then only version 2 of "tim" is among them', async () => {
    const r = await call(url, 'POST', '/v2/process-definitions/search', { filter: { processDefinitionId: 'tim', isLatestVersion: true } });
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        processDefinitionKey: expect.any(String),
        processDefinitionId: 'tim',
        resourceName: 'tim.bpmn',
        version: 2,
        tenantId: '<default>',
        hasStartForm: false,
      },
    ]);
    const every = await call(url, 'POST', '/v2/process-definitions/search', { sort: [{ field: 'version', order: 'DESC' }] });
    expect(every.body.page.totalItems).toBeGreaterThanOrEqual(2);
    const one = await call(url, 'GET', `/v2/process-definitions/${r.body.items[0].processDefinitionKey}`);
    expect(one.body).toEqual(r.body.items[0]);
  });

  test('When a search has no body at all, then everything matches from the first page', async () => {
    const r = await call(url, 'POST', '/v2/process-instances/search');
    expect(r.status).toBe(200);
    expect(r.body.page.totalItems).toBeGreaterThanOrEqual(4);
  });
});

describe('Scenario: long-polling job activation', () => {
  /**
   * The answers of the engine's activateJobs, by job type, in order: the poll's looks for jobs.
   * The engine's own method runs; it is only watched, so a test can wait for the poll to have
   * looked instead of sleeping.
   */
  const looks = new Map<string, ActivatedJob[][]>();
  const lookedAgain = new Set<() => void>();
  // Kept to be called with .call(this, …) and put back: the rule cannot see that it is never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const activateJobs = EmbeddedEngine.prototype.activateJobs;
  beforeAll(async () => {
    EmbeddedEngine.prototype.activateJobs = async function (this: EmbeddedEngine, req) {
      const jobs = await activateJobs.call(this, req);
      looks.set(req.type, [...(looks.get(req.type) ?? []), jobs]);
      for (const wake of lookedAgain) wake();
      return jobs;
    };
    await deploy(url, [{ name: 'cho.bpmn', xml: serviceTaskProcess('cho', 'cho-job') }]);
  });
  afterAll(() => {
    EmbeddedEngine.prototype.activateJobs = activateJobs;
  });

  /** The looks for jobs of `type` from now on: `next()` waits for the next one's answer. */
  function looksFor(type: string) {
    const from = looks.get(type)?.length ?? 0;
    let seen = from;
    const count = () => (looks.get(type)?.length ?? 0) - from;
    return {
      count,
      async next(): Promise<ActivatedJob[]> {
        while ((looks.get(type)?.length ?? 0) <= seen) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              lookedAgain.delete(wake);
              resolve();
            };
            lookedAgain.add(wake);
          });
        }
        return looks.get(type)![seen++];
      },
    };
  }

  test('Given no job of the type, when a worker long-polls and an instance starts meanwhile, then the job is returned as soon as it exists', async () => {
    const poll = looksFor('cho-job');
    const polling = call(url, 'POST', '/v2/jobs/activation', {
      type: 'cho-job',
      worker: 'w',
      timeout: 30_000,
      maxJobsToActivate: 5,
      requestTimeout: 20_000,
    });
    // The worker's poll has looked, found nothing, and waits: its 20 s never pass on the stopped clock.
    expect(await poll.next()).toEqual([]);
    const started = await call(url, 'POST', '/v2/process-instances', { processDefinitionId: 'cho' });
    const r = await polling;
    expect(r.status).toBe(200);
    expect(r.body.jobs).toHaveLength(1);
    expect(r.body.jobs[0].processInstanceKey).toBe(started.body.processInstanceKey);
  });

  test('Given no job of the type, when a worker long-polls with a short requestTimeout, then it gets no jobs after about that time', async () => {
    const poll = looksFor('cho-job');
    let answered = false;
    const polling = call(url, 'POST', '/v2/jobs/activation', {
      type: 'cho-job',
      timeout: 1000,
      maxJobsToActivate: 1,
      requestTimeout: 400,
    }).finally(() => (answered = true));
    // Before its 400 ms have passed on the service's clock, it looks again and keeps waiting.
    expect(await poll.next()).toEqual([]);
    expect(await poll.next()).toEqual([]);
    expect(answered).toBe(false);
    clock.advance(400);
    const r = await polling;
    expect(r.status).toBe(200);
    expect(r.body.jobs).toEqual([]);
  });

  test('When requestTimeout is negative, then the answer is immediate', async () => {
    const poll = looksFor('no-such-type');
    const r = await activate('no-such-type');
    expect(r.body.jobs).toEqual([]);
    // One look and no wait: on the stopped clock, any wait would never have ended.
    expect(poll.count()).toBe(1);
  });
});

describe('Scenario: the service describes itself', () => {
  test('When /healthz is asked, then it answers ok with the kind of database', async () => {
    const r = await call(url, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', db: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });

  test('When /v2/topology is asked, then one broker leads one healthy partition', async () => {
    const r = await call(url, 'GET', '/v2/topology');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: expect.any(String) });
    expect(r.body.brokers[0].partitions).toEqual([{ partitionId: 1, role: 'leader', health: 'healthy' }]);
  });
});
