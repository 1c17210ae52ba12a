/**
 * Feature: the birth group end to end over HTTP (birth-group.scenario.ts) with the domain service
 * on Zeebe's client protocol: a lienthong started with ENGINE=zeebe (its own database for the
 * dossiers, the inbox, the SLA clocks and the audit log) runs its processes on another lienthong's
 * embedded engine, reached only through that one's Zeebe gRPC gateway and REST API v2, with OAuth
 * client credentials as the demo client `demo-app` — as it would run on a Camunda 8 cluster (none
 * runs on these machines). Both share the test's clock.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { startService } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { birthGroupScenario } from './birth-group.scenario.js';
import { testConfig } from './support.js';

let clusterDb: TestDb;
let t: TestDb;

birthGroupScenario(async (clock) => {
  const logger = pino({ level: process.env.E2E_LOG ? 'warn' : 'silent' });
  clusterDb = await openTestDb();
  const cluster = await startService(testConfig({ zeebeGateway: { port: 0, host: '127.0.0.1' } }), { db: clusterDb.db, logger, clock });
  t = await openTestDb();
  const svc = await startService(
    testConfig({
      processesDir: join(process.cwd(), 'processes'),
      processesDirExplicit: true,
      engine: {
        kind: 'zeebe',
        grpcAddress: `grpc://127.0.0.1:${cluster.gatewayPort}`,
        restAddress: cluster.url,
        auth: { strategy: 'OAUTH', url: `${cluster.url}/oauth/token`, clientId: 'demo-app', clientSecret: 'demo-app-secret-2026' },
      },
    }),
    { db: t.db, logger, clock },
  );
  return {
    url: svc.url,
    db: t.db,
    async close() {
      await svc.close();
      await t.close();
      await cluster.close();
      await clusterDb.close();
    },
  };
});

test('Given the scenario above, when the databases are read, then the process ran on the cluster alone: the service on Zeebe holds dossiers and inbox tasks but no engine state', async () => {
  const count = async (db: TestDb, sql: string) => (await db.db.query<{ n: number }>(sql)).rows[0].n;
  expect(await count(t, 'select count(*)::int as n from domain.dossiers')).toBe(1);
  expect(await count(t, 'select count(*)::int as n from domain.tasks')).toBe(4);
  expect(await count(t, 'select count(*)::int as n from engine.process_instances')).toBe(0);
  expect(await count(t, 'select count(*)::int as n from engine.deployments')).toBe(0);
  expect(await count(clusterDb, "select count(*)::int as n from engine.process_instances where bpmn_process_id = 'birth-registration-group'")).toBe(1);
});
