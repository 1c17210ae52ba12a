/**
 * Feature: the real `zbctl` (8.4, the static binary of the `zbctl` package, run directly) against
 * lienthong's gRPC gateway, doing OAuth client credentials against `/oauth/token` as docs/zeebe.md
 * tells: status, deploy, create instance, activate/complete/fail jobs, throw an error, publish a
 * message, cancel an instance — each checked through what a user sees (exit code, the keys zbctl
 * prints, the instance's state on `/v2`). Every zbctl call gets a fresh HOME (zbctl caches its
 * token under ~/.camunda) and an environment holding nothing else, so no ZEEBE_* setting of the
 * machine leaks in.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { waitFor } from '../support/engine.js';
import { call, tempDir, testConfig } from '../http/support.js';
import { chain, end, errorBoundary, flow, messageCatch, processXml, serviceTask, start } from '../support/bpmn.js';

const ZBCTL = fileURLToPath(new URL('../../node_modules/zbctl/bin/zbctl-cli.linux', import.meta.url));

let t: TestDb;
let service: Service;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ zeebeGateway: { port: 0, host: '127.0.0.1' } }), { db: t.db, logger: pino({ level: 'silent' }) });
  dir = tempDir();
});
afterAll(async () => {
  await service.close();
  await t.close();
  dir.remove();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs zbctl with `args`, in a fresh HOME and an environment of nothing else; never rejects. */
async function zbctlRaw(args: string[]): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'lienthong-zbctl-home-'));
  try {
    return await new Promise<Run>((resolve) => {
      execFile(ZBCTL, args, { env: { HOME: home }, timeout: 50_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The connection flags of docs/zeebe.md, plaintext, as `clientId`. */
const connection = (clientId = 'demo-app', clientSecret = 'demo-app-secret-2026') => [
  '--insecure',
  '--address',
  `127.0.0.1:${service.gatewayPort}`,
  '--clientId',
  clientId,
  '--clientSecret',
  clientSecret,
  '--authzUrl',
  `${service.url}/oauth/token`,
];

/** zbctl as the demo application client; fails the test unless it exits 0. */
async function zbctl(...args: string[]): Promise<string> {
  const run = await zbctlRaw([...connection(), ...args]);
  if (run.code !== 0) throw new Error(`zbctl ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

/** zbctl's JSON answer (its commands print protojson: int64 keys as decimal strings). */
async function zbctlJson(...args: string[]): Promise<any> {
  return JSON.parse(await zbctl(...args));
}

/**
 * start → service task of `jobType` (an error boundary for REJECTED leads to its own end) → message
 * catch `zbctl-go` correlated by `orderId` → end.
 */
function writeProcess(id: string, jobType: string): string {
  const xml = processXml(
    id,
    start('s'),
    serviceTask('work', jobType),
    errorBoundary('rejected', 'work', 'REJECTED'),
    end('rejected-end'),
    messageCatch('wait', 'zbctl-go', '=orderId'),
    end('e'),
    ...chain('s', 'work', 'wait', 'e'),
    flow('rejected', 'rejected-end'),
  );
  const file = join(dir.path, `${id}.bpmn`);
  writeFileSync(file, xml);
  return file;
}

/** Deploys the process with `zbctl deploy` (8.4 sends the deprecated DeployProcess); its key as zbctl printed it. */
async function deployed(id: string, jobType: string): Promise<string> {
  const answer = await zbctlJson('deploy', writeProcess(id, jobType));
  expect(answer).toEqual({
    key: expect.stringMatching(/^\d+$/),
    processes: [expect.objectContaining({ bpmnProcessId: id, version: 1, processDefinitionKey: expect.stringMatching(/^\d+$/) })],
  });
  return answer.processes[0].processDefinitionKey as string;
}

const instance = async (key: string) => (await call(service.url, 'GET', `/v2/process-instances/${key}`)).body;
const activeElements = async (key: string) =>
  (await call(service.url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: key, state: 'ACTIVE' } })).body.items.map(
    (i: any) => i.elementId,
  );
const reachedState = (key: string, state: string) => waitFor(`instance ${key} ${state}`, async () => (await instance(key)).state === state);

async function created(id: string, variables: Record<string, unknown>): Promise<string> {
  const answer = await zbctlJson('create', 'instance', id, '--variables', JSON.stringify(variables));
  expect(answer).toMatchObject({ bpmnProcessId: id, version: 1, processInstanceKey: expect.stringMatching(/^\d+$/) });
  return answer.processInstanceKey as string;
}

async function activated(jobType: string, max = 1): Promise<any[]> {
  const answer = await zbctlJson('activate', 'jobs', jobType, '--maxJobsToActivate', String(max), '--worker', 'zbctl-test');
  return answer.jobs ?? [];
}

test('Scenario: Given the service with its gateway, when `zbctl status` asks as the demo application client, then it shows one broker, node 0, leading one partition', async () => {
  const topology = await zbctlJson('status', '--output', 'json');
  expect(topology.brokers).toHaveLength(1);
  expect(topology.brokers[0]).toMatchObject({ nodeId: 0, partitions: [expect.objectContaining({ partitionId: 1, role: 'LEADER' })] });
  expect(topology.brokers[0].partitions).toHaveLength(1);
  expect(topology).toMatchObject({ clusterSize: 1, partitionsCount: 1 });
});

test('Scenario: Given a BPMN file, when zbctl deploys it, creates an instance, activates its job and completes it, then the instance waits for its message, and a published message completes it', async () => {
  const definitionKey = await deployed('zbctl-order', 'zbctl-job');
  const key = await created('zbctl-order', { orderId: 'order-1', amount: 42 });
  expect(await instance(key)).toMatchObject({ state: 'ACTIVE', processDefinitionId: 'zbctl-order', processDefinitionKey: definitionKey });

  const jobs = await activated('zbctl-job');
  expect(jobs).toHaveLength(1);
  expect(jobs[0]).toMatchObject({
    type: 'zbctl-job',
    processInstanceKey: key,
    elementId: 'work',
    bpmnProcessId: 'zbctl-order',
    worker: 'zbctl-test',
    retries: 3,
  });
  expect(JSON.parse(jobs[0].variables)).toEqual({ orderId: 'order-1', amount: 42 });

  expect(await zbctlJson('complete', 'job', jobs[0].key, '--variables', JSON.stringify({ approved: true }), '--output', 'json')).toEqual({});
  await waitFor('the instance waiting for its message', async () => (await activeElements(key)).includes('wait'));
  expect(await activeElements(key)).toEqual(['wait']);

  const published = await zbctlJson('publish', 'message', 'zbctl-go', '--correlationKey', 'order-1', '--variables', JSON.stringify({ paid: true }));
  expect(published.key).toMatch(/^\d+$/);
  await reachedState(key, 'COMPLETED');
});

test('Scenario: Given the same file deployed again with `zbctl deploy resource` (DeployResource), then it keeps its version and key', async () => {
  const definitionKey = await deployed('zbctl-again', 'zbctl-again-job');
  const answer = await zbctlJson('deploy', 'resource', join(dir.path, 'zbctl-again.bpmn'));
  expect(answer.deployments).toEqual([{ process: expect.objectContaining({ bpmnProcessId: 'zbctl-again', version: 1, processDefinitionKey: definitionKey }) }]);
});

test('Scenario: Given an activated job, when zbctl fails it with no retries left, then an incident naming the error message is raised on the task', async () => {
  await deployed('zbctl-failing', 'zbctl-fail-job');
  const key = await created('zbctl-failing', { orderId: 'order-2' });
  const [job] = await activated('zbctl-fail-job');
  expect(job.processInstanceKey).toBe(key);

  expect(await zbctlJson('fail', 'job', job.key, '--retries', '0', '--errorMessage', 'land office unreachable', '--output', 'json')).toEqual({});
  await waitFor('the incident', async () => (await instance(key)).hasIncident === true);
  const incidents = await call(service.url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey: key } });
  expect(incidents.body.items).toEqual([
    expect.objectContaining({ state: 'ACTIVE', errorType: 'JOB_NO_RETRIES', errorMessage: 'land office unreachable', elementId: 'work', jobKey: job.key }),
  ]);
  expect(await instance(key)).toMatchObject({ state: 'ACTIVE', hasIncident: true });
});

test('Scenario: Given an activated job, when zbctl throws an error the boundary event catches, then the instance leaves by the boundary path and completes', async () => {
  await deployed('zbctl-throwing', 'zbctl-throw-job');
  const key = await created('zbctl-throwing', { orderId: 'order-3' });
  const [job] = await activated('zbctl-throw-job');
  expect(job.processInstanceKey).toBe(key);

  expect(await zbctlJson('throwError', 'job', job.key, '--errorCode', 'REJECTED', '--errorMessage', 'documents incomplete', '--output', 'json')).toEqual({});
  await reachedState(key, 'COMPLETED');
  const elements = await call(service.url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: key } });
  expect(elements.body.items.map((i: any) => [i.elementId, i.state]).sort()).toEqual(
    [
      ['rejected', 'COMPLETED'],
      ['rejected-end', 'COMPLETED'],
      ['s', 'COMPLETED'],
      ['work', 'TERMINATED'],
    ].sort(),
  );
});

test('Scenario: Given an activated job, when zbctl throws an error code nothing catches, then an UNHANDLED_ERROR_EVENT incident is raised (Zeebe semantics)', async () => {
  await deployed('zbctl-uncaught', 'zbctl-uncaught-job');
  const key = await created('zbctl-uncaught', { orderId: 'order-4' });
  const [job] = await activated('zbctl-uncaught-job');

  expect(await zbctlJson('throwError', 'job', job.key, '--errorCode', 'NOBODY_CATCHES', '--errorMessage', 'unexpected', '--output', 'json')).toEqual({});
  await waitFor('the incident', async () => (await instance(key)).hasIncident === true);
  const incidents = await call(service.url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey: key } });
  expect(incidents.body.items).toEqual([expect.objectContaining({ state: 'ACTIVE', errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'work' })]);
  expect(incidents.body.items[0].errorMessage).toContain('NOBODY_CATCHES');
});

test('Scenario: Given two instances waiting for a message, when zbctl publishes it with one correlation key, then only that instance moves on; and `zbctl cancel instance` terminates the other', async () => {
  await deployed('zbctl-waiting', 'zbctl-wait-job');
  const first = await created('zbctl-waiting', { orderId: 'order-5' });
  const second = await created('zbctl-waiting', { orderId: 'order-6' });
  const jobs = await activated('zbctl-wait-job', 5);
  expect(jobs.map((j) => j.processInstanceKey).sort()).toEqual([first, second].sort());
  for (const job of jobs) expect(await zbctlJson('complete', 'job', job.key, '--output', 'json')).toEqual({});
  await waitFor('both instances waiting', async () => (await activeElements(first)).includes('wait') && (await activeElements(second)).includes('wait'));

  await zbctl('publish', 'message', 'zbctl-go', '--correlationKey', 'order-5');
  await reachedState(first, 'COMPLETED');
  expect(await instance(second)).toMatchObject({ state: 'ACTIVE' });
  expect(await activeElements(second)).toEqual(['wait']);

  expect(await zbctlJson('cancel', 'instance', second, '--output', 'json')).toEqual({});
  await reachedState(second, 'TERMINATED');

  const again = await zbctlRaw([...connection(), 'cancel', 'instance', second]);
  expect(again.code).not.toBe(0);
  expect(again.stderr + again.stdout).toMatch(/NotFound/);
});

test('Scenario: Given an instance created with --withResult, when its job is completed and its message published, then zbctl answers with the variables of every step', async () => {
  await deployed('zbctl-result', 'zbctl-result-job');
  // Runs alongside the steps below (it never rejects); its long request timeout is only a bound.
  const result = zbctlRaw([
    ...connection(),
    '--requestTimeout',
    '45s',
    'create',
    'instance',
    'zbctl-result',
    '--variables',
    JSON.stringify({ orderId: 'order-7', amount: 7 }),
    '--withResult',
  ]);
  const [job] = await activated('zbctl-result-job');
  await zbctl('complete', 'job', job.key, '--variables', JSON.stringify({ approved: true }));
  await waitFor('the instance waiting for its message', async () => (await activeElements(job.processInstanceKey)).includes('wait'));
  await zbctl('publish', 'message', 'zbctl-go', '--correlationKey', 'order-7', '--variables', JSON.stringify({ paid: true }));
  const run = await result;
  expect(run.code).toBe(0);
  const answer = JSON.parse(run.stdout);
  expect(answer).toMatchObject({ bpmnProcessId: 'zbctl-result', processInstanceKey: job.processInstanceKey });
  expect(JSON.parse(answer.variables)).toEqual({ orderId: 'order-7', amount: 7, approved: true, paid: true });
});

test('Scenario: Given the demo worker client (job type demo-job only), then zbctl activates and completes its own jobs, but activating another type or creating an instance is PermissionDenied', async () => {
  await deployed('zbctl-demo', 'demo-job');
  const key = await created('zbctl-demo', { orderId: 'order-8' });
  const worker = connection('demo-worker', 'demo-worker-secret-2026');

  const other = await zbctlRaw([...worker, 'activate', 'jobs', 'zbctl-job']);
  expect(other.code).not.toBe(0);
  expect(other.stderr).toMatch(/PermissionDenied.*zbctl-job/);
  const create = await zbctlRaw([...worker, 'create', 'instance', 'zbctl-demo']);
  expect(create.code).not.toBe(0);
  expect(create.stderr).toMatch(/PermissionDenied.*CreateProcessInstance/);

  const own = await zbctlRaw([...worker, 'activate', 'jobs', 'demo-job']);
  expect(own.code).toBe(0);
  const [job] = JSON.parse(own.stdout).jobs;
  expect(job).toMatchObject({ type: 'demo-job', processInstanceKey: key });
  expect((await zbctlRaw([...worker, 'complete', 'job', job.key])).code).toBe(0);
  await waitFor('the instance waiting for its message', async () => (await activeElements(key)).includes('wait'));
});

test("Scenario: Given no job of a type, when zbctl long-polls for it with --requestTimeout 1s, then it answers with no jobs, not DEADLINE_EXCEEDED (the gateway answers before zbctl's own deadline)", async () => {
  const run = await zbctlRaw([...connection(), '--requestTimeout', '1s', 'activate', 'jobs', 'zbctl-nobody-works-this', '--worker', 'zbctl-test']);
  expect({ code: run.code, deadlineExceeded: run.stderr.includes('DeadlineExceeded') }).toEqual({ code: 0, deadlineExceeded: false });
  expect(JSON.parse(run.stdout).jobs ?? []).toEqual([]);
});

test('Scenario: Given no credentials, when `zbctl status` asks, then it is refused: zbctl exits non-zero and says Unauthenticated', async () => {
  const run = await zbctlRaw(['--insecure', '--address', `127.0.0.1:${service.gatewayPort}`, 'status']);
  expect(run.code).not.toBe(0);
  expect(run.stderr + run.stdout).toMatch(/Unauthenticated/);
  expect(run.stdout).not.toMatch(/brokers|Brokers/);
});

test('Scenario: Given a wrong client secret, when `zbctl status` asks, then /oauth/token refuses the client (invalid_client) and zbctl exits non-zero', async () => {
  const run = await zbctlRaw([...connection('demo-app', 'not-the-secret'), 'status']);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/invalid_client/);
});
