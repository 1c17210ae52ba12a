/**
 * Feature: API clients on the gRPC gateway, with Camunda's own SDK doing OAuth. `@camunda8/sdk`'s
 * ZeebeGrpcClient is configured exactly as docs/zeebe.md tells (CAMUNDA_AUTH_STRATEGY=OAUTH,
 * CAMUNDA_OAUTH_URL=<service>/oauth/token, ZEEBE_CLIENT_ID, ZEEBE_CLIENT_SECRET): it fetches its
 * token from the service with client credentials and sends it on every call. A worker token
 * activates, streams and completes only its job types (PERMISSION_DENIED otherwise); a client
 * deactivated meanwhile is UNAUTHENTICATED on its next call.
 */
import { Zeebe } from '@camunda8/sdk';
import { credentials, loadPackageDefinition, Metadata, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { zeebeProtoPath } from '../../src/engine/gateway/proto.js';
import { pino } from 'pino';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { call, testConfig } from '../http/support.js';
import { chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { sdkGrpcSettings } from './gateway-support.js';

let t: TestDb;
let service: Service;
const clients: InstanceType<typeof Zeebe.ZeebeGrpcClient>[] = [];
beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ zeebeGateway: { port: 0, host: '127.0.0.1' } }), { db: t.db, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close(2_000).catch(() => undefined)));
  await service.close();
  await t.close();
});

/** The SDK as a user would configure it against lienthong (docs/zeebe.md). */
function sdk(clientId: string, clientSecret: string) {
  const zbc = new Zeebe.ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${service.gatewayPort}`,
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_URL: `${service.url}/oauth/token`,
      ZEEBE_CLIENT_ID: clientId,
      ZEEBE_CLIENT_SECRET: clientSecret,
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: sdkGrpcSettings,
    },
  });
  clients.push(zbc);
  return zbc;
}
const code = (name: keyof typeof status) => expect.objectContaining({ code: status[name] });
const adminToken = async () =>
  (await call(service.url, 'POST', '/api/auth/login', { username: 'quantri', password: 'demo-quantri-2026' }, { authorization: '' })).body.token;

async function newClient(body: Record<string, unknown>): Promise<string> {
  const r = await call(service.url, 'POST', '/api/clients', body, { authorization: `Bearer ${await adminToken()}` });
  expect(r.status).toBe(201);
  return r.body.clientSecret as string;
}

const xml = (id: string, type: string) => processXml(id, start('s'), serviceTask('work', type), end('e'), ...chain('s', 'work', 'e'));

test('Scenario: the seeded demo application client deploys and starts a process, and the demo worker completes its job, all through the SDK with OAuth', async () => {
  const app = sdk('demo-app', 'demo-app-secret-2026');
  expect((await app.topology()).brokers).toHaveLength(1);
  await app.deployResource({ process: Buffer.from(xml('demo-proc', 'demo-job')), name: 'demo-proc.bpmn' });
  const instance = await app.createProcessInstance({ bpmnProcessId: 'demo-proc', variables: { n: 1 } });

  const worker = sdk('demo-worker', 'demo-worker-secret-2026');
  const jobs = await worker.activateJobs({ type: 'demo-job', worker: 'w', maxJobsToActivate: 5, timeout: 60_000, requestTimeout: -1 });
  expect(jobs.map((j) => j.processInstanceKey)).toEqual([instance.processInstanceKey]);
  await worker.completeJob({ jobKey: jobs[0].key, variables: { done: true } });
  const done = await call(service.url, 'GET', `/v2/process-instances/${instance.processInstanceKey}`, undefined, {
    authorization: `Bearer ${await adminToken()}`,
  });
  expect(done.body.state).toBe('COMPLETED');
});

test('Scenario: a worker token limited to one type is PERMISSION_DENIED for other types, for deploying and starting', async () => {
  const app = sdk('demo-app', 'demo-app-secret-2026');
  await app.deployResource({ process: Buffer.from(xml('other-proc', 'other-job')), name: 'other-proc.bpmn' });
  await app.createProcessInstance({ bpmnProcessId: 'other-proc', variables: {} });
  const worker = sdk('demo-worker', 'demo-worker-secret-2026');
  await expect(worker.activateJobs({ type: 'other-job', worker: 'w', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: -1 })).rejects.toEqual(
    code('PERMISSION_DENIED'),
  );
  const [job] = await app.activateJobs({ type: 'other-job', worker: 'app', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: -1 });
  await expect(worker.completeJob({ jobKey: job.key, variables: {} })).rejects.toEqual(code('PERMISSION_DENIED'));
  await expect(worker.failJob({ jobKey: job.key, retries: 0, errorMessage: 'x', retryBackOff: 0 })).rejects.toEqual(code('PERMISSION_DENIED'));
  await expect(worker.throwError({ jobKey: job.key, errorCode: 'x', errorMessage: 'x' })).rejects.toEqual(code('PERMISSION_DENIED'));
  await expect(worker.deployResource({ process: Buffer.from(xml('w-proc', 'demo-job')), name: 'w.bpmn' })).rejects.toEqual(code('PERMISSION_DENIED'));
  await expect(worker.createProcessInstance({ bpmnProcessId: 'other-proc', variables: {} })).rejects.toEqual(code('PERMISSION_DENIED'));
  await app.completeJob({ jobKey: job.key, variables: {} });
});

test('Scenario: a job stream (StreamActivatedJobs) opened with a worker token for another type ends with PERMISSION_DENIED', async () => {
  const secret = await newClient({ clientId: 'streamer', name: 'S', roles: ['worker'], jobTypes: ['stream-job'] });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'streamer', client_secret: secret });
  const res = await fetch(`${service.url}/oauth/token`, { method: 'POST', body: form });
  const { access_token: token } = (await res.json()) as { access_token: string };
  const def = loadSync(zeebeProtoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const Gateway = (loadPackageDefinition(def) as any).gateway_protocol.Gateway;
  const raw = new Gateway(`127.0.0.1:${service.gatewayPort}`, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  try {
    const err = await new Promise((resolve) => {
      const stream = raw.StreamActivatedJobs({ type: 'other-job', worker: 'w', timeout: '60000', fetchVariable: [], tenantIds: [] }, md);
      stream.on('error', resolve);
      stream.on('data', () => resolve(new Error('a job was pushed')));
    });
    expect(err).toEqual(code('PERMISSION_DENIED'));
  } finally {
    raw.close();
  }
});

test('Scenario: a client deactivated while its SDK holds a token gets UNAUTHENTICATED on the next call', async () => {
  const secret = await newClient({ clientId: 'short-lived', name: 'S', roles: ['worker'] });
  const worker = sdk('short-lived', secret);
  expect((await worker.topology()).brokers).toHaveLength(1);
  expect((await call(service.url, 'POST', '/api/clients/short-lived/deactivation', undefined, { authorization: `Bearer ${await adminToken()}` })).status).toBe(
    200,
  );
  await expect(worker.topology()).rejects.toEqual(code('UNAUTHENTICATED'));
});
