/**
 * The override seed reaches running databases: `calendar_seed_versions` records each version of
 * the seed a database received (the calendar store applies a version once, at start), and the
 * change history gains the action 'seed_conflict' — a seed row not written because an
 * administrator's own row holds the date (kept as it is, the conflict kept for the auditors).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table domain.calendar_seed_versions (
      version text primary key,
      applied_at timestamptz not null default now(),
      summary jsonb not null
    );
    alter table domain.calendar_override_changes drop constraint calendar_override_changes_action_check;
    alter table domain.calendar_override_changes
      add constraint calendar_override_changes_action_check check (action in ('set', 'delete', 'seed_conflict'));
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    delete from domain.calendar_override_changes where action = 'seed_conflict';
    alter table domain.calendar_override_changes drop constraint calendar_override_changes_action_check;
    alter table domain.calendar_override_changes
      add constraint calendar_override_changes_action_check check (action in ('set', 'delete'));
    drop table if exists domain.calendar_seed_versions;
  `,
  );
}
