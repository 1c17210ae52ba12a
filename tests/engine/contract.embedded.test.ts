/** The workflow port's contract (contract.ts) on the embedded adapter over this run's database. */
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { ManualClock } from '../../src/clock.js';
import { openTestDb } from '../support/db.js';
import { workflowEngineContract } from './contract.js';

workflowEngineContract('embedded', async () => {
  const t = await openTestDb();
  const engine = new EmbeddedEngine(t.db, { clock: new ManualClock(), scheduler: false });
  await engine.start();
  return {
    engine,
    queries: new EmbeddedEngineQueries(t.db),
    async close() {
      await engine.close();
      await t.close();
    },
  };
});
