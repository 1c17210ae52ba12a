/**
 * The embedded engine's state. A process instance's tokens, scopes and variables are one jsonb
 * document on its row (locked per command, like a Zeebe partition serialises an instance);
 * what other instances and workers must find — jobs, incidents — has its own table.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    -- Keys are handed out in blocks of 1000 per process (one round trip per block).
    create sequence engine.key_blocks start 1;

    create table engine.deployments (
      key bigint primary key,
      created_at timestamptz not null
    );

    create table engine.definitions (
      key bigint primary key,
      bpmn_process_id text not null,
      version integer not null,
      version_tag text,
      name text,
      resource_name text not null,
      checksum text not null,
      xml text not null,
      deployment_key bigint not null references engine.deployments(key),
      deployed_at timestamptz not null,
      unique (bpmn_process_id, version)
    );

    create table engine.process_instances (
      key bigint primary key,
      definition_key bigint not null references engine.definitions(key),
      bpmn_process_id text not null,
      version integer not null,
      state text not null check (state in ('ACTIVE', 'COMPLETED', 'TERMINATED')),
      doc jsonb not null,
      parent_process_instance_key bigint,
      parent_element_instance_key bigint,
      has_incident boolean not null default false,
      started_at timestamptz not null,
      ended_at timestamptz
    );
    create index process_instances_by_process on engine.process_instances (bpmn_process_id, state);
    create index process_instances_by_parent on engine.process_instances (parent_process_instance_key)
      where parent_process_instance_key is not null;

    create table engine.jobs (
      key bigint primary key,
      type text not null,
      state text not null check (state in ('ACTIVATABLE', 'ACTIVATED', 'FAILED')),
      process_instance_key bigint not null,
      element_instance_key bigint not null,
      element_id text not null,
      bpmn_process_id text not null,
      definition_key bigint not null,
      version integer not null,
      retries integer not null,
      worker text,
      deadline timestamptz,
      activatable_at timestamptz not null,
      custom_headers jsonb not null,
      error_message text,
      created_at timestamptz not null
    );
    -- The activation query's two paths: ready jobs, and activated jobs whose deadline passed.
    create index jobs_activatable on engine.jobs (type, activatable_at, key) where state = 'ACTIVATABLE';
    create index jobs_deadline on engine.jobs (type, deadline) where state = 'ACTIVATED';
    create index jobs_by_instance on engine.jobs (process_instance_key);

    create table engine.incidents (
      key bigint primary key,
      state text not null check (state in ('ACTIVE', 'RESOLVED')),
      error_type text not null,
      error_message text not null,
      process_instance_key bigint not null,
      element_instance_key bigint not null,
      element_id text not null,
      bpmn_process_id text not null,
      definition_key bigint not null,
      job_key bigint,
      created_at timestamptz not null,
      resolved_at timestamptz
    );
    create index incidents_active on engine.incidents (process_instance_key) where state = 'ACTIVE';

    -- Every state transition, appended in the same transaction as the change.
    create table engine.events (
      position bigint generated always as identity primary key,
      at timestamptz not null,
      value_type text not null,
      intent text not null,
      process_instance_key bigint,
      element_instance_key bigint,
      element_id text,
      element_type text,
      flow_scope_key bigint,
      bpmn_process_id text,
      payload jsonb
    );
    create index events_by_instance on engine.events (process_instance_key, position);

    -- Workers learn of new jobs without polling.
    create function engine.notify_job() returns trigger language plpgsql as $$
    begin
      perform pg_notify('engine_jobs', new.type);
      return null;
    end $$;
    create trigger jobs_notify after insert on engine.jobs
      for each row execute function engine.notify_job();
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists engine.events, engine.incidents, engine.jobs, engine.process_instances,
      engine.definitions, engine.deployments cascade;
    drop function if exists engine.notify_job();
    drop sequence if exists engine.key_blocks;
  `,
  );
}
