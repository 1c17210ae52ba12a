/**
 * The citizen's lookup throttle (src/dossiers/lookup.ts), owned by the dossier room.
 *
 * - `dossier_lookup_failures`: one row per failed lookup (a wrong secret or a code that does not
 *   exist: the same failure), per address and per code as typed (upper-cased), read within the
 *   throttle's window by every replica, so guessing is limited across restarts and replicas.
 *   Rows older than the longest window are deleted as failures are written.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table domain.dossier_lookup_failures (
      kind text not null check (kind in ('address', 'code')),
      key text not null,
      at timestamptz not null
    );
    create index dossier_lookup_failures_key on domain.dossier_lookup_failures (kind, key, at desc);
    create index dossier_lookup_failures_at on domain.dossier_lookup_failures (at);
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop table if exists domain.dossier_lookup_failures;`);
}
