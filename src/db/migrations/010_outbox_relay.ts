/**
 * The outbox relay (src/sla/outbox-relay.ts) and the agencies' in-app notifications.
 *
 * - `outbox.attempts`, `next_attempt_at`, `last_error`: the relay's bookkeeping on each row. A
 *   claim leases the row (attempts + 1, next_attempt_at = now + lease); a failed delivery puts
 *   next_attempt_at off by the back-off; a row never tried has none and is due at its `at`.
 * - `outbox_relay_due`: the relay's claim reads only this partial index — unsent rows of the
 *   kinds it has a channel for (the SLA room's notices to agencies), by when they are due. The
 *   applicants' notices (`dossier.*`) wait, unsent, for an SMS / e-mail channel.
 * - `domain.notifications`: the in-app channel — one row per delivered outbox row, read by the
 *   agency's inbox. `outbox_id` is unique: a delivery is never recorded twice.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.outbox
      add column attempts integer not null default 0,
      add column next_attempt_at timestamptz,
      add column last_error text;
    create index outbox_relay_due on domain.outbox ((coalesce(next_attempt_at, at)), id)
      where sent_at is null and kind in ('sla.at_risk', 'sla.overdue');

    create table domain.notifications (
      id bigint generated always as identity primary key,
      outbox_id bigint not null references domain.outbox(id),
      agency_code text not null,
      kind text not null,
      dossier_code text,
      text text not null,
      payload jsonb not null,
      -- When the event was decided (the outbox row's at) and when the relay delivered it.
      at timestamptz not null,
      delivered_at timestamptz not null,
      read_at timestamptz,
      read_by text
    );
    create unique index notifications_once on domain.notifications (outbox_id);
    create index notifications_inbox on domain.notifications (agency_code, at desc, id desc);
    create index notifications_unread on domain.notifications (agency_code, at desc, id desc) where read_at is null;
    create index notifications_all on domain.notifications (at desc, id desc);
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists domain.notifications;
    drop index if exists domain.outbox_relay_due;
    alter table domain.outbox drop column if exists attempts, drop column if exists next_attempt_at, drop column if exists last_error;
  `,
  );
}
