/**
 * Feature: job workers through Zeebe's gRPC gateway (src/engine/gateway), with `@camunda8/sdk`'s
 * client: long-polled activation woken by the engine's notification, the SDK's worker, pushed job
 * streams, failure with retries and back-off (on the test's clock), BPMN errors, incidents, and
 * instances created with their result.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { chain, end, errorBoundary, flow, processXml, serviceTask, start } from '../support/bpmn.js';
import { HOUR, useGateway } from './gateway-support.js';

const g = useGateway();

const code = (name: keyof typeof status) => expect.objectContaining({ code: status[name] });
const activation = (type: string, more: object = {}) => ({ type, worker: 'test-worker', maxJobsToActivate: 5, timeout: 60_000, requestTimeout: -1, ...more });

async function deploy(xml: string, name: string) {
  const zbc = await g.client();
  await zbc.deployResource({ process: Buffer.from(xml), name });
  return zbc;
}

const PACK = processXml('packing', start('s'), serviceTask('pack', 'pack'), end('e'), ...chain('s', 'pack', 'e'));

describe('Feature: workers activate and complete jobs over gRPC', () => {
  test('Scenario: a long poll waits for the job and is woken when it is created', async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    const polled = zbc.activateJobs(activation('pack', { requestTimeout: HOUR }));
    await g.waiting('pack');
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: { dossier: 'HS-9' } });
    const jobs = await polled;
    expect(jobs).toEqual([
      expect.objectContaining({ type: 'pack', processInstanceKey, bpmnProcessId: 'packing', elementId: 'pack', worker: 'test-worker', retries: 3 }),
    ]);
    expect(jobs[0].variables).toEqual({ dossier: 'HS-9' });
    await zbc.completeJob({ jobKey: jobs[0].key, variables: { packed: true } });
    expect(await g.h.instance(processInstanceKey)).toMatchObject({ state: 'COMPLETED', variables: { dossier: 'HS-9', packed: true } });
    await expect(zbc.completeJob({ jobKey: jobs[0].key, variables: {} })).rejects.toEqual(code('NOT_FOUND'));
  });

  test("Scenario: the SDK's worker completes the job of an instance created with its result", async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    zbc.createWorker({ taskType: 'pack', taskHandler: (job) => job.complete({ packed: true, by: job.type }) });
    const all = await zbc.createProcessInstanceWithResult({ bpmnProcessId: 'packing', variables: { dossier: 'HS-10' }, requestTimeout: HOUR });
    expect(all).toMatchObject({ bpmnProcessId: 'packing', version: 1, variables: { dossier: 'HS-10', packed: true, by: 'pack' } });
    const some = await zbc.createProcessInstanceWithResult({
      bpmnProcessId: 'packing',
      variables: { dossier: 'HS-11' },
      fetchVariables: ['packed'],
      requestTimeout: HOUR,
    });
    expect(some.variables).toEqual({ packed: true });
  });

  test('Scenario: an instance that does not complete within requestTimeout is DEADLINE_EXCEEDED, and goes on', async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    const looked = g.runningLooked();
    const result = zbc.createProcessInstanceWithResult({ bpmnProcessId: 'packing', variables: {}, requestTimeout: 5_000 });
    const refused = expect(result).rejects.toEqual(code('DEADLINE_EXCEEDED'));
    await looked;
    g.h.clock.advance(5_000);
    // Any command through the gateway makes the waiter look again.
    const other = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: {} });
    await refused;
    expect((await g.h.instancesOf('packing')).map((i) => i.state)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(other.processInstanceKey).toMatch(/^\d+$/);
  });

  test('Scenario: a job stream pushes each job as it is created', async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    const handled: string[] = [];
    let done!: () => void;
    const twoDone = new Promise<void>((resolve) => (done = resolve));
    await zbc.streamJobs({
      type: 'pack',
      worker: 'streamer',
      timeout: 60_000,
      tenantIds: ['<default>'],
      pollInterval: 0,
      taskHandler: async (job) => {
        const ack = await job.complete({ streamed: true });
        handled.push(job.processInstanceKey);
        if (handled.length === 2) done();
        return ack;
      },
    });
    await g.jobListeners(1);
    const a = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: {} });
    const b = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: {} });
    await twoDone;
    expect(handled.sort()).toEqual([a.processInstanceKey, b.processInstanceKey].sort());
    expect((await g.h.instance(a.processInstanceKey)).variables).toEqual({ streamed: true });
  });
});

describe('Feature: a client that goes away loses no job', () => {
  test("Scenario: Given a job pushed to a stream whose client then disconnects without completing it, when the job's timeout passes, then it is activated again and completes — nothing lost", async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    const c = g.rawClient();
    const md = new Metadata();
    md.set('authorization', `Bearer ${await g.token()}`);
    const stream = c.StreamActivatedJobs({ type: 'pack', worker: 'leaver', timeout: 10_000, fetchVariable: [], tenantIds: ['<default>'] }, md);
    const pushed = new Promise<{ key: string }>((resolve, reject) => {
      stream.on('data', resolve);
      stream.on('error', (e: ServiceError) => {
        if (e.code !== status.CANCELLED) reject(e);
      });
    });
    await g.jobListeners(1);
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: {} });
    const job = await pushed;
    stream.cancel();
    c.close();
    // Still the gone client's until its timeout, as on Zeebe.
    expect(await zbc.activateJobs(activation('pack'))).toEqual([]);
    await g.h.advance(10_000);
    const [again] = await zbc.activateJobs(activation('pack'));
    expect(again.key).toBe(job.key);
    await zbc.completeJob({ jobKey: again.key, variables: {} });
    expect((await g.h.instance(processInstanceKey)).state).toBe('COMPLETED');
  });
});

describe('Feature: failures, retries, incidents and BPMN errors', () => {
  test('Scenario: a failed job waits out its back-off, then runs out of retries into an incident that is resolved', async () => {
    const zbc = await deploy(PACK, 'pack.bpmn');
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'packing', variables: {} });
    const [job] = await zbc.activateJobs(activation('pack'));
    await zbc.failJob({ jobKey: job.key, retries: 2, errorMessage: 'registry offline', retryBackOff: 30_000 });
    expect(await zbc.activateJobs(activation('pack'))).toEqual([]);
    g.h.clock.advance(30_000);
    const [again] = await zbc.activateJobs(activation('pack'));
    expect(again).toMatchObject({ key: job.key, retries: 2 });
    await zbc.updateJobTimeout({ jobKey: again.key, timeout: 120_000 });
    await expect(zbc.failJob({ jobKey: '2251799813685249', retries: 1, errorMessage: 'x', retryBackOff: 0 })).rejects.toEqual(code('NOT_FOUND'));

    await zbc.failJob({ jobKey: again.key, retries: 0, errorMessage: 'registry still offline', retryBackOff: 0 });
    const [incident] = await g.h.incidents(processInstanceKey);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorMessage: 'registry still offline', jobKey: job.key });
    await expect(zbc.completeJob({ jobKey: job.key, variables: {} })).rejects.toEqual(code('FAILED_PRECONDITION'));
    await expect(zbc.updateJobRetries({ jobKey: job.key, retries: 0 })).rejects.toEqual(code('INVALID_ARGUMENT'));
    await zbc.updateJobRetries({ jobKey: job.key, retries: 1 });
    await zbc.resolveIncident({ incidentKey: incident.key });
    const [third] = await zbc.activateJobs(activation('pack'));
    await zbc.completeJob({ jobKey: third.key, variables: {} });
    expect((await g.h.instance(processInstanceKey)).state).toBe('COMPLETED');
  });

  test('Scenario: a BPMN error thrown by the worker is caught by the boundary event', async () => {
    const xml = processXml(
      'checking',
      start('s'),
      serviceTask('check', 'check-docs'),
      errorBoundary('missing', 'check', 'MISSING_DOCS'),
      end('ok'),
      end('rejected'),
      ...chain('s', 'check', 'ok'),
      flow('missing', 'rejected'),
    );
    const zbc = await deploy(xml, 'check.bpmn');
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'checking', variables: {} });
    const [job] = await zbc.activateJobs(activation('check-docs'));
    await zbc.throwError({ jobKey: job.key, errorCode: 'MISSING_DOCS', errorMessage: 'no birth certificate' });
    expect((await g.h.instance(processInstanceKey)).state).toBe('COMPLETED');
    expect(await g.h.elementEnds(processInstanceKey)).toContainEqual(['rejected', 'ELEMENT_COMPLETED']);
  });
});

describe("Feature: a long poll answers within its caller's deadline", () => {
  test('Scenario: Given no job of the type and a requestTimeout beyond the call\'s deadline (zbctl sets them 10 % apart), when ActivateJobs long-polls, then the answer is "no jobs" before the deadline, never DEADLINE_EXCEEDED', async () => {
    const c = g.rawClient();
    const md = new Metadata();
    md.set('authorization', `Bearer ${await g.token()}`);
    try {
      // The gateway's clock stands still here (a ManualClock): only the caller's wall-clock deadline can end the wait.
      const answer = await new Promise<{ jobs: unknown[] }[]>((resolve, reject) => {
        const got: { jobs: unknown[] }[] = [];
        const stream = c.ActivateJobs(activation('nobody-works-this', { requestTimeout: 60_000 }), md, { deadline: Date.now() + 1_500 });
        stream.on('data', (m: { jobs: unknown[] }) => got.push(m));
        stream.on('error', (e: ServiceError) => reject(e));
        stream.on('end', () => resolve(got));
      });
      expect(answer.flatMap((m) => m.jobs)).toEqual([]);
    } finally {
      c.close();
    }
  });
});
