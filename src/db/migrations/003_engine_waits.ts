/** What instances wait for: timers, message subscriptions, buffered messages. */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table engine.timers (
      key bigint primary key,
      due_at timestamptz not null,
      -- A timer start event has no instance yet: it belongs to a definition.
      process_instance_key bigint,
      element_instance_key bigint,
      element_id text not null,
      -- The element that fires when the timer is due (a boundary event, or the catch event itself).
      target_element_id text not null,
      definition_key bigint not null,
      bpmn_process_id text not null,
      repetitions integer not null default 0,
      cycle text,
      created_at timestamptz not null
    );
    -- The scheduler's only query: the earliest due timers.
    create index timers_due on engine.timers (due_at);
    create index timers_by_element on engine.timers (element_instance_key);
    create index timers_start on engine.timers (bpmn_process_id) where process_instance_key is null;

    create table engine.message_subscriptions (
      key bigint primary key,
      message_name text not null,
      correlation_key text not null,
      process_instance_key bigint not null,
      element_instance_key bigint not null,
      element_id text not null,
      target_element_id text not null,
      bpmn_process_id text not null,
      interrupting boolean not null,
      created_at timestamptz not null
    );
    create index message_subscriptions_lookup on engine.message_subscriptions (message_name, correlation_key);
    create index message_subscriptions_by_element on engine.message_subscriptions (element_instance_key);

    create table engine.messages (
      key bigint primary key,
      name text not null,
      correlation_key text not null,
      message_id text,
      variables jsonb not null,
      published_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index messages_lookup on engine.messages (name, correlation_key, key);
    create index messages_expiry on engine.messages (expires_at);
    -- Zeebe: a message id is unique among the buffered messages of a name and correlation key.
    create unique index messages_id on engine.messages (name, correlation_key, message_id) where message_id is not null;

    -- Zeebe: a message correlates at most once per process (bpmnProcessId, all versions).
    create table engine.message_correlations (
      message_key bigint not null,
      bpmn_process_id text not null,
      primary key (message_key, bpmn_process_id)
    );

    -- Message start events of the latest version of each process.
    create table engine.message_start_subscriptions (
      message_name text not null,
      bpmn_process_id text not null,
      definition_key bigint not null,
      element_id text not null,
      primary key (message_name, bpmn_process_id, element_id)
    );

    alter table engine.process_instances add column start_correlation_key text;
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists engine.timers, engine.message_subscriptions, engine.messages,
      engine.message_correlations, engine.message_start_subscriptions;
    alter table engine.process_instances drop column if exists start_correlation_key;
  `,
  );
}
