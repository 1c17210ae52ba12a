/**
 * Feature: the birth group end to end over HTTP (birth-group.scenario.ts) on the whole service with
 * its embedded engine.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { startService } from '../../src/main.js';
import { openTestDb } from '../support/db.js';
import { birthGroupScenario } from './birth-group.scenario.js';
import { testConfig } from './support.js';

birthGroupScenario(async (clock) => {
  const t = await openTestDb();
  const svc = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: process.env.E2E_LOG ? 'warn' : 'silent' }),
    clock,
  });
  return {
    url: svc.url,
    db: t.db,
    async close() {
      await svc.close();
      await t.close();
    },
  };
});
