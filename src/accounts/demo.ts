/**
 * Demo API clients for `npm start` outside production (README, "Demo API clients"): a worker
 * limited to one job type, and an application that may also deploy and start processes. Loaded
 * when the database has no API client at all; refused with NODE_ENV=production.
 */
import { Conflict } from '../errors.js';
import type { AccountsContext } from './context.js';
import { createClient, type NewClient } from './clients.js';

export const DEMO_CLIENTS: readonly (NewClient & { secret: string })[] = [
  { clientId: 'demo-worker', name: 'Demo job worker (demo-job only)', roles: ['worker'], jobTypes: ['demo-job'], secret: 'demo-worker-secret-2026' },
  {
    clientId: 'demo-app',
    name: 'Demo application: deploys, starts processes, works any job',
    roles: ['admin'],
    jobTypes: null,
    secret: 'demo-app-secret-2026',
  },
];

export async function seedDemoClients(ctx: AccountsContext, opts: { nodeEnv: string }): Promise<string[]> {
  if (opts.nodeEnv === 'production') throw new Error('refusing to load demo API clients with NODE_ENV=production');
  const { rows } = await ctx.db.query(`select 1 from domain.api_clients limit 1`);
  if (rows.length) return [];
  const by = { actor: 'system', role: 'system', agency: null };
  const made: string[] = [];
  for (const c of DEMO_CLIENTS) {
    try {
      await createClient(ctx, by, { clientId: c.clientId, name: c.name, roles: c.roles, jobTypes: c.jobTypes }, c.secret);
      made.push(c.clientId);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e; // another replica seeded it meanwhile
    }
  }
  return made;
}
