/**
 * The accounts room (src/accounts): sessions that end, machine clients, login throttling that
 * survives restarts.
 *
 * - `users.token_version`: carried in every token as `ver`; signing out, deactivating, a change
 *   of role or agency and a password reset raise it, so every token issued before is refused.
 * - `api_clients`: programs and workers (OAuth 2 client credentials). The secret is stored only
 *   as its scrypt hash; `job_types` null means any type, otherwise the only types the client
 *   may activate and complete. Never deleted (deactivated), so a token can always be checked.
 * - `login_failures`: one row per failed sign-in, per username and per address, read within
 *   the throttle's window by every replica.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.users add column token_version integer not null default 1;

    create table domain.api_clients (
      client_id text primary key,
      name text not null,
      secret_hash text not null,
      roles text[] not null check (cardinality(roles) > 0 and roles <@ array['worker', 'designer', 'auditor', 'admin']),
      job_types text[],
      active boolean not null default true,
      token_version integer not null default 1,
      created_at timestamptz not null,
      created_by text not null
    );

    create table domain.login_failures (
      kind text not null check (kind in ('username', 'ip', 'client')),
      key text not null,
      at timestamptz not null
    );
    create index login_failures_key on domain.login_failures (kind, key, at desc);
    create index login_failures_at on domain.login_failures (at);
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists domain.login_failures;
    drop table if exists domain.api_clients;
    alter table domain.users drop column if exists token_version;
  `,
  );
}
