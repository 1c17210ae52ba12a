/**
 * The domain: agencies and users, dossiers, the agency inbox, SLA clocks and the notification
 * outbox. Rules as indexes where a rule can be one (one inbox row per job; one open clock per
 * dossier or step; one dossier code).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    -- An agency is a concrete office (the police of one commune). Its kind is the role a BPMN
    -- user task names as candidate group ('cong-an-xa'); the inbox resolves a task's kind to
    -- the office of that kind in the dossier's commune (or province, for province-level kinds).
    create table domain.agencies (
      code text primary key,
      kind text not null,
      name text not null,
      name_en text,
      level text not null check (level in ('central', 'province', 'commune')),
      province_code text not null,
      commune_code text,
      parent_code text references domain.agencies(code)
    );
    create unique index agencies_kind_place on domain.agencies (kind, province_code, coalesce(commune_code, ''));

    create table domain.users (
      id bigint generated always as identity primary key,
      username text not null unique,
      full_name text not null,
      password_hash text not null,
      role text not null check (role in ('designer', 'officer', 'counter', 'auditor', 'admin')),
      -- Officers and counter staff belong to one agency; the others may not.
      agency_code text references domain.agencies(code),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      check (role <> 'officer' or agency_code is not null)
    );

    -- Per agency and day, the next sequence number of a dossier code.
    create table domain.dossier_sequences (
      agency_code text not null,
      day date not null,
      last integer not null,
      primary key (agency_code, day)
    );

    create table domain.dossiers (
      code text primary key,
      procedure_code text not null,
      -- The rule version in force when the dossier was received; it keeps it for life.
      rule_version text not null,
      status text not null check (status in ('received', 'in_progress', 'supplement_requested', 'supplemented',
        'done', 'refused', 'stopped', 'returned')),
      channel text not null check (channel in ('counter', 'online', 'postal')),
      receiving_agency text not null references domain.agencies(code),
      applicant jsonb not null,
      data jsonb not null,
      -- scrypt hash of the citizen's lookup secret (printed on form 01, never stored in clear).
      lookup_secret_hash text not null,
      received_at timestamptz not null,
      received_by text,
      appointment_at timestamptz not null,
      process_instance_key bigint,
      supplement_count integer not null default 0,
      result jsonb,
      returned_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create index dossiers_by_status on domain.dossiers (status, received_at);
    create index dossiers_by_procedure on domain.dossiers (procedure_code, received_at);
    create index dossiers_by_agency on domain.dossiers (receiving_agency, received_at);

    -- Every status change of a dossier, with who and why (form 07's register reads it).
    create table domain.dossier_events (
      id bigint generated always as identity primary key,
      dossier_code text not null references domain.dossiers(code),
      at timestamptz not null,
      from_status text,
      to_status text not null,
      actor text not null,
      agency_code text,
      reason text,
      payload jsonb not null default '{}'
    );
    create index dossier_events_by_dossier on domain.dossier_events (dossier_code, id);

    -- The agency inbox: one row per user-task job, written before the job's timeout is extended.
    create table domain.tasks (
      id bigint generated always as identity primary key,
      job_key bigint not null unique,
      dossier_code text references domain.dossiers(code),
      process_instance_key bigint not null,
      element_id text not null,
      element_instance_key bigint not null,
      name text not null,
      agency_code text not null,
      candidate_groups text[] not null,
      assignee text,
      state text not null check (state in ('open', 'claimed', 'completed', 'cancelled')),
      form_key text,
      due_at timestamptz,
      created_at timestamptz not null,
      claimed_at timestamptz,
      completed_at timestamptz,
      completed_by text,
      decision jsonb,
      variables jsonb not null default '{}'
    );
    -- The inbox query: an agency's open tasks, soonest due first.
    create index tasks_inbox on domain.tasks (agency_code, due_at, id) where state in ('open', 'claimed');
    create index tasks_by_dossier on domain.tasks (dossier_code, id);
    create index tasks_by_assignee on domain.tasks (assignee, due_at) where state = 'claimed';

    -- SLA clocks: one for the dossier, one per agency step.
    create table domain.sla_clocks (
      id bigint generated always as identity primary key,
      dossier_code text not null references domain.dossiers(code),
      kind text not null check (kind in ('dossier', 'step')),
      task_id bigint references domain.tasks(id),
      agency_code text,
      step text,
      limit_value numeric not null,
      limit_unit text not null check (limit_unit in ('working_days', 'working_hours')),
      started_at timestamptz not null,
      due_at timestamptz not null,
      at_risk_at timestamptz,
      state text not null check (state in ('running', 'paused', 'met_early', 'met_on_time', 'met_late', 'cancelled')),
      paused_at timestamptz,
      -- The scanner's next look at this clock (at risk, then due); null when nothing is left to say.
      next_check_at timestamptz,
      stopped_at timestamptz,
      at_risk_notified boolean not null default false,
      overdue_notified boolean not null default false
    );
    create unique index sla_one_dossier_clock on domain.sla_clocks (dossier_code) where kind = 'dossier' and state in ('running', 'paused');
    create unique index sla_one_step_clock on domain.sla_clocks (task_id) where kind = 'step' and state in ('running', 'paused');
    -- The scanner's only query: clocks needing a look soonest (partial: finished clocks drop out).
    create index sla_due_scan on domain.sla_clocks (next_check_at) where next_check_at is not null;
    create index sla_by_dossier on domain.sla_clocks (dossier_code, id);
    create index sla_stats on domain.sla_clocks (agency_code, stopped_at) where stopped_at is not null;

    -- Pauses of a clock (supplement requests), each with its reason and who asked.
    create table domain.sla_pauses (
      id bigint generated always as identity primary key,
      clock_id bigint not null references domain.sla_clocks(id),
      paused_at timestamptz not null,
      resumed_at timestamptz,
      reason text not null,
      requested_by text not null,
      legal_basis text
    );
    create index sla_pauses_by_clock on domain.sla_pauses (clock_id, id);

    -- Notifications to send (SMS, e-mail, portal): written in the transaction that decides them.
    create table domain.outbox (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      kind text not null,
      recipient text not null,
      dossier_code text,
      payload jsonb not null,
      sent_at timestamptz
    );
    create index outbox_unsent on domain.outbox (id) where sent_at is null;
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists domain.outbox, domain.sla_pauses, domain.sla_clocks, domain.tasks, domain.dossier_events,
      domain.dossiers, domain.dossier_sequences, domain.users, domain.agencies cascade;
  `,
  );
}
