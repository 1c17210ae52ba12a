/**
 * Runs a multi-statement SQL script (migrations). PGlite's `query` takes one statement at a time,
 * so the script goes through `exec` there; node-postgres runs it with the simple protocol.
 */
import type { Knex } from 'knex';

export async function runScript(knex: Knex | Knex.Transaction, sql: string): Promise<void> {
  const conn: any = await knex.client.acquireConnection();
  try {
    if (typeof conn.exec === 'function') await conn.exec(sql);
    else await conn.query(sql);
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
