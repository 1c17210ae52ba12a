/**
 * The inbox's own columns on domain.tasks (006 created the table):
 *
 * - `completing`: the state a task holds while its job's completion is in flight. Moving into it
 *   is one guarded UPDATE, so of two officers completing the same task exactly one gets the row
 *   (src/tasks/sql/transitions.ts draws the machine).
 * - `agency_kind`: the candidate group the concrete agency was resolved from (counter tasks are
 *   the one-stop sections' kinds); `procedure_code` and `bpmn_process_id` for filters and for
 *   finding the decision schema; `lease_until`: how long the engine keeps the job reserved for
 *   the inbox (the lease sweep renews what ends soon).
 * - indexes for the other inbox reads: completed tasks of an agency, every open task by due date
 *   (auditors, admins), an agency's open tasks of one procedure, leases to renew.
 * - `domain.task_counts`: tasks per agency, kind and state, kept by statement-level triggers
 *   (transition tables), so the inbox's total is a lookup, not a count of 100,000 rows
 *   (bench/tasks-inbox.ts: the count was 30 ms of a 31 ms page).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.tasks
      add column agency_kind text,
      add column procedure_code text,
      add column bpmn_process_id text,
      add column lease_until timestamptz,
      add column completing_at timestamptz;
    alter table domain.tasks drop constraint if exists tasks_state_check;
    alter table domain.tasks add constraint tasks_state_check
      check (state in ('open', 'claimed', 'completing', 'completed', 'cancelled'));
    -- open ⇔ nobody holds it: a claimed task always names its assignee.
    alter table domain.tasks add constraint tasks_claimed_has_assignee
      check ((state = 'open') = (assignee is null) or state in ('completing', 'completed', 'cancelled'));

    create index tasks_done on domain.tasks (agency_code, completed_at desc, id desc) where state = 'completed';
    create index tasks_open_due on domain.tasks (due_at, id) where state in ('open', 'claimed');
    create index tasks_inbox_procedure on domain.tasks (agency_code, procedure_code, due_at, id) where state in ('open', 'claimed');
    create index tasks_lease on domain.tasks (lease_until) where state in ('open', 'claimed', 'completing');

    -- How many tasks each agency has in each state, kept by statement triggers from the rows
    -- each statement changed: the inbox's total without counting 100,000 rows per page.
    create table domain.task_counts (
      agency_code text not null,
      agency_kind text not null,
      state text not null,
      n bigint not null,
      primary key (agency_code, agency_kind, state)
    );
    insert into domain.task_counts
      select agency_code, coalesce(agency_kind, ''), state, count(*) from domain.tasks group by 1, 2, 3;

    -- Deltas are applied in key order, so two statements never lock the same counters in
    -- opposite orders; a statement that moves nothing between states touches no counter.
    create function domain.task_counts_insert() returns trigger language plpgsql as $$
    begin
      insert into domain.task_counts as c (agency_code, agency_kind, state, n)
        select agency_code, coalesce(agency_kind, ''), state, count(*) from new_rows group by 1, 2, 3 order by 1, 2, 3
      on conflict (agency_code, agency_kind, state) do update set n = c.n + excluded.n;
      return null;
    end $$;
    create function domain.task_counts_update() returns trigger language plpgsql as $$
    begin
      insert into domain.task_counts as c (agency_code, agency_kind, state, n)
        select agency_code, kind, state, sum(d) from (
          select agency_code, coalesce(agency_kind, '') as kind, state, 1 as d from new_rows
          union all
          select agency_code, coalesce(agency_kind, ''), state, -1 from old_rows
        ) x group by 1, 2, 3 having sum(d) <> 0 order by 1, 2, 3
      on conflict (agency_code, agency_kind, state) do update set n = c.n + excluded.n;
      return null;
    end $$;
    create function domain.task_counts_delete() returns trigger language plpgsql as $$
    begin
      insert into domain.task_counts as c (agency_code, agency_kind, state, n)
        select agency_code, coalesce(agency_kind, ''), state, -count(*) from old_rows group by 1, 2, 3 order by 1, 2, 3
      on conflict (agency_code, agency_kind, state) do update set n = c.n + excluded.n;
      return null;
    end $$;
    create function domain.task_counts_truncate() returns trigger language plpgsql as $$
    begin
      delete from domain.task_counts;
      return null;
    end $$;
    create trigger task_counts_insert after insert on domain.tasks
      referencing new table as new_rows for each statement execute function domain.task_counts_insert();
    create trigger task_counts_update after update on domain.tasks
      referencing old table as old_rows new table as new_rows for each statement execute function domain.task_counts_update();
    create trigger task_counts_delete after delete on domain.tasks
      referencing old table as old_rows for each statement execute function domain.task_counts_delete();
    create trigger task_counts_truncate after truncate on domain.tasks
      for each statement execute function domain.task_counts_truncate();
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop trigger if exists task_counts_insert on domain.tasks;
    drop trigger if exists task_counts_update on domain.tasks;
    drop trigger if exists task_counts_delete on domain.tasks;
    drop trigger if exists task_counts_truncate on domain.tasks;
    drop function if exists domain.task_counts_insert(), domain.task_counts_update(), domain.task_counts_delete(), domain.task_counts_truncate();
    drop table if exists domain.task_counts;
    drop index if exists domain.tasks_done, domain.tasks_open_due, domain.tasks_inbox_procedure, domain.tasks_lease;
    alter table domain.tasks drop constraint if exists tasks_claimed_has_assignee;
    alter table domain.tasks drop constraint if exists tasks_state_check;
    alter table domain.tasks add constraint tasks_state_check check (state in ('open', 'claimed', 'completed', 'cancelled'));
    alter table domain.tasks drop column agency_kind, drop column procedure_code, drop column bpmn_process_id,
      drop column lease_until, drop column completing_at;
  `,
  );
}
