/**
 * What the SLA room needs beyond 006's clock table: the budget kept while a clock is paused,
 * the procedure's cut-off (a supplement restart applies it again), a generation that makes
 * every engine message id unique per clock, event and reset, the statutory due instant an
 * apology (form 04) does not move, the history of those extensions, and the engine-message
 * outbox the scanner writes in its transaction and relays after commit.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.sla_clocks
      -- The limit as office time (ms): what 'atRiskShare of the budget' is a share of.
      add column budget_ms bigint,
      -- While paused: office time left until due_at (negative: already late by that much).
      add column remaining_ms bigint,
      -- The instant the count starts from (receipt, or the next working day's opening under a cut-off).
      add column counting_from timestamptz,
      -- The procedure's cut-off ('HH:MM'), kept so a restart after a supplement applies it again.
      add column cut_off_after text,
      -- Bumped by every restart and extension; part of each engine message id.
      add column generation integer not null default 0,
      -- The due instant the law gives (moved by pauses and restarts, never by an extension):
      -- met early / on time / late is judged against it.
      add column statutory_due_at timestamptz;

    -- Form 04: an apology with a new appointment, counted by the calendar.
    create table domain.sla_extensions (
      id bigint generated always as identity primary key,
      clock_id bigint not null references domain.sla_clocks(id),
      at timestamptz not null,
      extra_value numeric not null,
      extra_unit text not null check (extra_unit in ('working_days', 'working_hours')),
      previous_due_at timestamptz not null,
      new_due_at timestamptz not null,
      reason text not null,
      actor text not null
    );
    create index sla_extensions_by_clock on domain.sla_extensions (clock_id, id);

    -- Engine messages (sla-at-risk / sla-overdue) decided in the scanner's transaction and
    -- published after commit; message_id unique, so a retried scan never decides one twice.
    create table domain.sla_messages (
      id bigint generated always as identity primary key,
      clock_id bigint not null references domain.sla_clocks(id),
      name text not null,
      correlation_key text not null,
      message_id text not null unique,
      variables jsonb not null,
      created_at timestamptz not null,
      next_attempt_at timestamptz not null,
      attempts integer not null default 0,
      last_error text,
      published_at timestamptz
    );
    create index sla_messages_pending on domain.sla_messages (next_attempt_at) where published_at is null;

    -- Reports per procedure and channel read the finished dossier clocks of a period.
    create index sla_dossier_stats on domain.sla_clocks (stopped_at) where kind = 'dossier' and stopped_at is not null;
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop index if exists domain.sla_dossier_stats;
    drop table if exists domain.sla_messages, domain.sla_extensions;
    alter table domain.sla_clocks drop column if exists budget_ms, drop column if exists remaining_ms,
      drop column if exists counting_from, drop column if exists cut_off_after, drop column if exists generation,
      drop column if exists statutory_due_at;
  `,
  );
}
