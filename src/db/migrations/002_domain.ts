/** The domain schema (agencies, users, dossiers, tasks, SLA clocks, audit log…) lives apart from the engine's. */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(knex, `create schema if not exists domain`);
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop schema if exists domain cascade`);
}
