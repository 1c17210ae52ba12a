/** An office's display name (the shell shows the signed-in official's agency), or null. */
import type { Queryable } from '../db/index.js';

export async function agencyName(q: Queryable, code: string): Promise<string | null> {
  const { rows } = await q.query<{ name: string }>(`select name from domain.agencies where code = $1`, [code]);
  return rows[0]?.name ?? null;
}
