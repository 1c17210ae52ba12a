/**
 * Which version of a seed of the registry (the demo's agencies and users) a database holds, so a
 * later version adds what it brings to a running database, once, and never re-adds what an
 * administrator has since changed. Owned by accounts (src/accounts/registry-seed.ts).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `create table domain.registry_seeds (
       name text primary key,
       version integer not null check (version > 0),
       applied_at timestamptz not null default now()
     );`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop table domain.registry_seeds;`);
}
