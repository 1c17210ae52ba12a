/**
 * The workflow port's contract (contract.ts) on the Zeebe adapter (src/engine/zeebe), over the
 * wire: `@camunda8/sdk`'s gRPC client and Camunda's REST API v2, doing OAuth client credentials as
 * the demo client `demo-app` — against a lienthong with the embedded engine, its Zeebe gateway and
 * its /v2, standing in for a Camunda 8 cluster (no cluster runs on these machines).
 */
import { pino } from 'pino';
import { ZeebeConnection } from '../../src/engine/zeebe/connection.js';
import { ZeebeEngine } from '../../src/engine/zeebe/engine.js';
import { ZeebeEngineQueries } from '../../src/engine/zeebe/queries.js';
import { startService } from '../../src/main.js';
import { testConfig } from '../http/support.js';
import { openTestDb } from '../support/db.js';
import { workflowEngineContract } from './contract.js';

workflowEngineContract(
  'zeebe',
  async () => {
    const t = await openTestDb();
    const cluster = await startService(testConfig({ zeebeGateway: { port: 0, host: '127.0.0.1' } }), { db: t.db, logger: pino({ level: 'silent' }) });
    const connection = new ZeebeConnection({
      grpcAddress: `grpc://127.0.0.1:${cluster.gatewayPort}`,
      restAddress: cluster.url,
      auth: { strategy: 'OAUTH', url: `${cluster.url}/oauth/token`, clientId: 'demo-app', clientSecret: 'demo-app-secret-2026' },
    });
    const engine = new ZeebeEngine(connection);
    return {
      engine,
      queries: new ZeebeEngineQueries(connection),
      async close() {
        await engine.close();
        await cluster.close();
        await t.close();
      },
    };
  },
  { jobNotifications: false },
);
