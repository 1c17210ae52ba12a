/**
 * Camunda user tasks (`zeebe:userTask`) and deployed forms.
 *
 * - `engine.user_tasks`: a user task that is not a job. Created when its element activates, it
 *   stays after it ends (COMPLETED, CANCELED) as Camunda's user task search shows history. Its
 *   element instance holds its key in the instance document (`el.userTask`), so every command on
 *   it locks the instance first, as a job's does. `candidate_groups` and `candidate_users` are
 *   JSON arrays (GIN-indexed for the inbox's "tasks of my groups").
 * - `engine.forms`: Camunda forms (`.form` resources, form-js JSON) deployed like BPMN: versioned
 *   by their `id`, the same content again is not a new version. A user task with `formId` links
 *   the latest version at its creation (`form_key`).
 * - `engine.notify_user_task`: wakes whoever follows user tasks (the inbox) with the task's key
 *   when one is created or changes state, as `notify_job` does for jobs.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table engine.forms (
      key bigint primary key,
      form_id text not null,
      version int not null,
      resource_name text not null,
      checksum text not null,
      deployment_key bigint not null,
      schema text not null,
      deployed_at timestamptz not null,
      unique (form_id, version)
    );

    create table engine.user_tasks (
      key bigint primary key,
      state text not null check (state in ('CREATED', 'COMPLETED', 'CANCELED', 'FAILED')),
      process_instance_key bigint not null,
      element_instance_key bigint not null,
      element_id text not null,
      name text,
      bpmn_process_id text not null,
      definition_key bigint not null,
      version int not null,
      assignee text,
      candidate_groups jsonb not null default '[]',
      candidate_users jsonb not null default '[]',
      due_date timestamptz,
      follow_up_date timestamptz,
      priority int not null default 50,
      form_key bigint,
      external_form_reference text,
      custom_headers jsonb not null default '{}',
      created_at timestamptz not null,
      completed_at timestamptz
    );
    create index user_tasks_by_instance on engine.user_tasks (process_instance_key);
    create index user_tasks_open on engine.user_tasks (created_at, key) where state = 'CREATED';
    create index user_tasks_candidate_groups on engine.user_tasks using gin (candidate_groups);

    create function engine.notify_user_task() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.state is distinct from old.state or new.assignee is distinct from old.assignee then
        perform pg_notify('engine_user_tasks', new.key::text);
      end if;
      return null;
    end $$;
    create trigger user_tasks_notify after insert or update on engine.user_tasks
      for each row execute function engine.notify_user_task();
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table engine.user_tasks;
    drop function engine.notify_user_task();
    drop table engine.forms;
    `,
  );
}
