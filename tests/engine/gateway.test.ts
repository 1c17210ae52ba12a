/**
 * Feature: Zeebe's gRPC gateway over the engine port (src/engine/gateway), driven by Camunda's
 * own `@camunda8/sdk` client: topology, deployments (BPMN and forms, DeployResource and the old
 * DeployProcess), instances, messages, signals, variables, cancellation, and Zeebe's status codes
 * for bad requests and callers. Jobs: gateway-jobs.test.ts.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { chain, end, messageCatch, processXml, serviceTask, signalCatch, start } from '../support/bpmn.js';
import { useGateway } from './gateway-support.js';

const g = useGateway();

const ORDER = processXml('order', start('s'), serviceTask('pack', 'pack'), end('e'), ...chain('s', 'pack', 'e'));
const FORM = JSON.stringify({ id: 'review-form', type: 'default', components: [{ key: 'ok', label: 'OK', type: 'checkbox' }] });

/** A unary RPC through the bare client, for what the SDK will not send. */
async function raw(rpc: string, req: object, token?: string): Promise<any> {
  const c = g.rawClient();
  const md = new Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise((resolve, reject) => c[rpc](req, md, (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))));
  } finally {
    c.close();
  }
}
const adminToken = () => g.token();
const code = (name: keyof typeof status) => expect.objectContaining({ code: status[name] });

describe('Feature: the gateway answers Zeebe clients', () => {
  test('Scenario: topology shows one broker leading one partition', async () => {
    const zbc = await g.client();
    const t = await zbc.topology();
    expect(t).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' });
    expect(t.brokers).toEqual([expect.objectContaining({ nodeId: 0, port: g.port, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] })]);
  });

  test('Scenario: a BPMN and a form are deployed; deploying the same BPMN again keeps its version', async () => {
    const zbc = await g.client();
    const res = await zbc.deployResources([
      { process: Buffer.from(ORDER), name: 'order.bpmn' },
      { form: Buffer.from(FORM), name: 'review.form' },
    ]);
    expect(res.deployments).toEqual([
      expect.objectContaining({ process: expect.objectContaining({ bpmnProcessId: 'order', version: 1, resourceName: 'order.bpmn', tenantId: '<default>' }) }),
      expect.objectContaining({ form: expect.objectContaining({ formId: 'review-form', version: 1, resourceName: 'review.form' }) }),
    ]);
    expect(res.key).toMatch(/^\d+$/);
    const again = await zbc.deployResource({ process: Buffer.from(ORDER), name: 'order.bpmn' });
    expect(again.deployments[0].process?.version).toBe(1);
  });

  test("Scenario: DeployProcess, the RPC zbctl's deploy still calls, deploys", async () => {
    const res = await raw('DeployProcess', { processes: [{ name: 'order.bpmn', definition: Buffer.from(ORDER) }] }, await adminToken());
    expect(res.processes).toEqual([expect.objectContaining({ bpmnProcessId: 'order', version: 1, resourceName: 'order.bpmn' })]);
    expect(res.key).toMatch(/^\d+$/);
  });

  test('Scenario: an instance is created, its variables set, and it is cancelled', async () => {
    const zbc = await g.client();
    await zbc.deployResource({ process: Buffer.from(ORDER), name: 'order.bpmn' });
    const created = await zbc.createProcessInstance({ bpmnProcessId: 'order', variables: { dossier: 'HS-1' } });
    expect(created).toMatchObject({ bpmnProcessId: 'order', version: 1, tenantId: '<default>' });
    const key = created.processInstanceKey;
    expect(key).toMatch(/^\d+$/);
    await zbc.setVariables({ elementInstanceKey: key, variables: { approved: true }, local: false });
    expect((await g.h.instance(key)).variables).toEqual({ dossier: 'HS-1', approved: true });
    await zbc.cancelProcessInstance(key);
    expect((await g.h.instance(key)).state).toBe('TERMINATED');
    await expect(zbc.cancelProcessInstance(key)).rejects.toEqual(code('NOT_FOUND'));
  });

  test('Scenario: a published message correlates to the waiting instance', async () => {
    const zbc = await g.client();
    const xml = processXml('wait', start('s'), messageCatch('paid', 'fee-paid', '=dossier'), end('e'), ...chain('s', 'paid', 'e'));
    await zbc.deployResource({ process: Buffer.from(xml), name: 'wait.bpmn' });
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'wait', variables: { dossier: 'HS-2' } });
    const res = await zbc.publishMessage({ name: 'fee-paid', correlationKey: 'HS-2', variables: { amount: 50_000 }, timeToLive: 0 });
    expect(res.key).toMatch(/^\d+$/);
    expect(await g.h.instance(processInstanceKey)).toMatchObject({ state: 'COMPLETED', variables: { dossier: 'HS-2', amount: 50_000 } });
  });

  test('Scenario: a message id still buffered is ALREADY_EXISTS', async () => {
    const zbc = await g.client();
    const msg = { name: 'late', correlationKey: 'k', messageId: 'm-1', timeToLive: 60_000, variables: {} };
    await zbc.publishMessage(msg);
    await expect(zbc.publishMessage(msg)).rejects.toEqual(code('ALREADY_EXISTS'));
  });

  test('Scenario: a broadcast signal reaches the waiting instance', async () => {
    const zbc = await g.client();
    const xml = processXml('halt', start('s'), signalCatch('stop', 'dung-xu-ly'), end('e'), ...chain('s', 'stop', 'e'));
    await zbc.deployResource({ process: Buffer.from(xml), name: 'halt.bpmn' });
    const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'halt', variables: {} });
    const res = await zbc.broadcastSignal({ signalName: 'dung-xu-ly', variables: { reason: 'withdrawn' } });
    expect(res.key).toMatch(/^\d+$/);
    expect(await g.h.instance(processInstanceKey)).toMatchObject({ state: 'COMPLETED', variables: { reason: 'withdrawn' } });
  });
});

describe("Feature: bad requests get Zeebe's status codes", () => {
  test('Scenario: what does not exist is NOT_FOUND', async () => {
    const zbc = await g.client();
    await expect(zbc.createProcessInstance({ bpmnProcessId: 'no-such-process', variables: {} })).rejects.toEqual(code('NOT_FOUND'));
    await expect(zbc.completeJob({ jobKey: '2251799813685249', variables: {} })).rejects.toEqual(code('NOT_FOUND'));
    await expect(zbc.resolveIncident({ incidentKey: '2251799813685250' })).rejects.toEqual(code('NOT_FOUND'));
  });

  test('Scenario: malformed variables, a broken BPMN and a blank job type are INVALID_ARGUMENT', async () => {
    const token = await adminToken();
    await raw('DeployResource', { resources: [{ name: 'order.bpmn', content: Buffer.from(ORDER) }] }, token);
    const malformed = raw('CreateProcessInstance', { bpmnProcessId: 'order', version: -1, variables: '{"dossier": ' }, token);
    await expect(malformed).rejects.toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, details: expect.stringContaining("'variables'") }));
    // The parser quotes a short document: a phone number in it comes back masked.
    const quoted = raw('CreateProcessInstance', { bpmnProcessId: 'order', version: -1, variables: 'x0912345678' }, token);
    await expect(quoted).rejects.toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('x091****678') }));
    const notObject = raw('CreateProcessInstance', { bpmnProcessId: 'order', version: -1, variables: '[1, 2]' }, token);
    await expect(notObject).rejects.toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('ARRAY') }));
    const zbc = await g.client();
    await expect(zbc.deployResource({ process: Buffer.from('<definitions'), name: 'broken.bpmn' })).rejects.toEqual(code('INVALID_ARGUMENT'));
    await expect(zbc.activateJobs({ type: '', worker: 'w', maxJobsToActivate: 1, timeout: 1000, requestTimeout: -1 })).rejects.toEqual(
      code('INVALID_ARGUMENT'),
    );
    await expect(zbc.publishMessage({ name: 'x', correlationKey: 'k', variables: {}, tenantId: 'other' })).rejects.toEqual(code('INVALID_ARGUMENT'));
  });

  test('Scenario: a request larger than 4 MiB is RESOURCE_EXHAUSTED, and the gateway goes on', async () => {
    const token = await adminToken();
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    await expect(raw('DeployResource', { resources: [{ name: 'huge.bpmn', content: huge }] }, token)).rejects.toEqual(code('RESOURCE_EXHAUSTED'));
    expect((await raw('Topology', {}, token)).brokers).toHaveLength(1);
  });

  test('Scenario: an RPC the engine does not serve is UNIMPLEMENTED, naming it', async () => {
    const zbc = await g.client();
    const evaluated = zbc.evaluateDecision({ decisionId: 'fee', variables: {} });
    await expect(evaluated).rejects.toEqual(expect.objectContaining({ code: status.UNIMPLEMENTED, details: expect.stringContaining('EvaluateDecision') }));
    const deleted = raw('DeleteResource', { resourceKey: '1' }, await adminToken());
    await expect(deleted).rejects.toEqual(expect.objectContaining({ code: status.UNIMPLEMENTED, details: expect.stringContaining('DeleteResource') }));
  });
});

describe('Feature: the gateway is not open to anyone', () => {
  test('Scenario: without credentials, or with a forged token, every RPC is UNAUTHENTICATED', async () => {
    await expect(raw('Topology', {})).rejects.toEqual(code('UNAUTHENTICATED'));
    const anonymous = await g.client({ token: '' });
    await expect(anonymous.topology()).rejects.toEqual(code('UNAUTHENTICATED'));
    await expect(anonymous.activateJobs({ type: 'pack', worker: 'w', maxJobsToActivate: 1, timeout: 1000, requestTimeout: -1 })).rejects.toEqual(
      code('UNAUTHENTICATED'),
    );
    const forged = await g.client({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    await expect(forged.topology()).rejects.toEqual(code('UNAUTHENTICATED'));
  });

  test('Scenario: a role /v2 would refuse is PERMISSION_DENIED (an auditor reads, never works jobs)', async () => {
    const auditor = await g.client({ role: 'auditor' });
    expect((await auditor.topology()).brokers).toHaveLength(1);
    await expect(auditor.activateJobs({ type: 'pack', worker: 'w', maxJobsToActivate: 1, timeout: 1000, requestTimeout: -1 })).rejects.toEqual(
      code('PERMISSION_DENIED'),
    );
    const designer = await g.client({ role: 'designer' });
    await designer.deployResource({ process: Buffer.from(ORDER), name: 'order.bpmn' });
    await expect(designer.createProcessInstance({ bpmnProcessId: 'order', variables: {} })).rejects.toEqual(code('PERMISSION_DENIED'));
  });
});
