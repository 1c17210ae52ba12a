/**
 * The audit log: append-only and hash-chained. Each row holds the hash of its predecessor and
 * the hash of its own canonical content, so rewriting any row breaks the chain from there on.
 * A trigger refuses UPDATE and DELETE; the chain still catches whoever bypasses it.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table domain.audit_log (
      seq bigint primary key,
      at timestamptz not null,
      actor text not null,
      role text not null,
      agency text,
      dossier_code text,
      action text not null,
      payload jsonb not null,
      prev_hash text not null,
      hash text not null unique
    );
    create index audit_log_by_dossier on domain.audit_log (dossier_code, seq) where dossier_code is not null;
    create index audit_log_by_action on domain.audit_log (action, at);

    create function domain.audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'domain.audit_log is append-only';
    end $$;
    create trigger audit_log_no_update before update or delete on domain.audit_log
      for each row execute function domain.audit_log_append_only();
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists domain.audit_log;
    drop function if exists domain.audit_log_append_only();
  `,
  );
}
