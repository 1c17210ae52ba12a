/**
 * User task hints that say whose task it is, and a table that is vacuumed as often as it churns.
 *
 * - `engine.notify_user_task` now sends `key:STATE`, and on a creation `key:CREATED:["group",…]`
 *   (the candidate groups as JSON; left out when the payload would pass PostgreSQL's 8,000-byte
 *   limit), so a task list woken by a hint searches only when the task is for one of its groups
 *   — as a job worker is told the type of a new job (`notify_job`).
 * - `engine.user_tasks` is updated at least once per row (created → completed), so each task
 *   leaves a dead row version and a dead entry in the open-task index behind; autovacuum (where it
 *   runs) is asked to clean it and refresh its statistics after 2 % of the rows changed rather
 *   than PostgreSQL's default 20 %, which keeps the inbox's "open tasks of my group" an ordered
 *   scan of live entries.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create or replace function engine.notify_user_task() returns trigger language plpgsql as $$
    declare
      payload text;
    begin
      if tg_op = 'INSERT' or new.state is distinct from old.state or new.assignee is distinct from old.assignee then
        payload := new.key::text || ':' || new.state;
        if tg_op = 'INSERT' and octet_length(new.candidate_groups::text) < 7000 then
          payload := payload || ':' || new.candidate_groups::text;
        end if;
        perform pg_notify('engine_user_tasks', payload);
      end if;
      return null;
    end $$;
    alter table engine.user_tasks set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table engine.user_tasks reset (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
    create or replace function engine.notify_user_task() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.state is distinct from old.state or new.assignee is distinct from old.assignee then
        perform pg_notify('engine_user_tasks', new.key::text);
      end if;
      return null;
    end $$;
    `,
  );
}
