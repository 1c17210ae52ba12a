/**
 * The inbox row of a Camunda user task: `domain.tasks.user_task_key` (exactly one of `job_key`,
 * `user_task_key` is set). Existing rows keep their job: a dossier whose step began as a
 * job-worker user task finishes it as one (the inbox works both kinds), so no open step moves.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.tasks alter column job_key drop not null;
    alter table domain.tasks add column user_task_key bigint unique;
    alter table domain.tasks add constraint tasks_job_or_user_task check ((job_key is null) <> (user_task_key is null));
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    delete from domain.tasks where user_task_key is not null;
    alter table domain.tasks drop constraint tasks_job_or_user_task;
    alter table domain.tasks drop column user_task_key;
    alter table domain.tasks alter column job_key set not null;
    `,
  );
}
