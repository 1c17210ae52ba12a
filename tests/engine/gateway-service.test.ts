/**
 * Feature: the service runs Zeebe's gRPC gateway beside its HTTP server (config.zeebeGateway),
 * taking the same bearer tokens as /v2: a process deployed over gRPC is the one /v2 lists.
 */
import { Zeebe } from '@camunda8/sdk';
import { pino } from 'pino';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { adminHeaders, testConfig } from '../http/support.js';
import { chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { sdkGrpcSettings } from './gateway-support.js';

let t: TestDb;
let service: Service;
beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ zeebeGateway: { port: 0, host: '127.0.0.1' } }), { db: t.db, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await service.close();
  await t.close();
});

test('Scenario: a client with the /v2 token deploys over gRPC, and /v2 sees the process', async () => {
  expect(service.gatewayPort).toEqual(expect.any(Number));
  const auth = await adminHeaders();
  const zbc = new Zeebe.ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${service.gatewayPort}`,
      CAMUNDA_AUTH_STRATEGY: 'BEARER',
      CAMUNDA_OAUTH_TOKEN: auth.authorization.slice('Bearer '.length),
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: sdkGrpcSettings,
    },
  });
  try {
    expect((await zbc.topology()).brokers).toHaveLength(1);
    const xml = processXml('via-grpc', start('s'), serviceTask('work', 'work'), end('e'), ...chain('s', 'work', 'e'));
    const deployed = await zbc.deployResource({ process: Buffer.from(xml), name: 'via-grpc.bpmn' });
    const key = deployed.deployments[0].process?.processDefinitionKey;
    const res = await fetch(`${service.url}/v2/process-definitions/search`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { processDefinitionId: 'via-grpc' } }),
    });
    expect(((await res.json()) as { items: { processDefinitionKey: string }[] }).items.map((i) => i.processDefinitionKey)).toEqual([key]);
  } finally {
    await zbc.close(2_000).catch(() => undefined);
  }
});
