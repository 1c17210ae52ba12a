/** The approved override table of the working-day calendar, with the history of every change. */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table domain.calendar_overrides (
      date date primary key,
      kind text not null check (kind in ('day_off', 'working_day')),
      reason text not null check (reason <> ''),
      source text not null check (source <> ''),
      entered_by text not null,
      entered_at timestamptz not null default now()
    );
    -- Every change to the table, kept for the auditors: who changed which date from what to what.
    create table domain.calendar_override_changes (
      id bigint generated always as identity primary key,
      date date not null,
      action text not null check (action in ('set', 'delete')),
      before jsonb,
      after jsonb,
      changed_by text not null,
      changed_at timestamptz not null default now()
    );
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop table if exists domain.calendar_override_changes, domain.calendar_overrides`);
}
