/**
 * Signals (Zeebe's broadcast events).
 *
 * - `engine.signal_subscriptions`: a signal catch event, a signal boundary event or a signal start
 *   event of an event sub-process waiting, owned by its element instance (or the process
 *   instance, for an event sub-process of the process). A broadcast reads them by name.
 * - `engine.signal_start_subscriptions`: the signal start events of each process's latest version
 *   (replaced at every deploy, as message start events are).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table engine.signal_subscriptions (
      key bigint primary key,
      signal_name text not null,
      process_instance_key bigint not null,
      element_instance_key bigint not null,
      element_id text not null,
      target_element_id text not null,
      bpmn_process_id text not null,
      interrupting boolean not null,
      created_at timestamptz not null
    );
    create index signal_subscriptions_by_name on engine.signal_subscriptions (signal_name);
    create index signal_subscriptions_by_element on engine.signal_subscriptions (element_instance_key);

    create table engine.signal_start_subscriptions (
      signal_name text not null,
      bpmn_process_id text not null,
      definition_key bigint not null,
      element_id text not null,
      primary key (bpmn_process_id, element_id)
    );
    create index signal_start_subscriptions_by_name on engine.signal_start_subscriptions (signal_name);
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop table engine.signal_start_subscriptions; drop table engine.signal_subscriptions;`);
}
