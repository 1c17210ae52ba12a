/**
 * Each outbox row names the channel that carries it, chosen by its writer: `in-app` for the SLA
 * room's notices to an agency, `email` for an applicant who gave an e-mail address, `sms` for one
 * who gave only a phone number. The relay claims the channels it has (sla/outbox-relay.ts); the
 * dossier room writes an applicant's notice only for a channel the service has (so configuring
 * one later does not send a backlog), and the notices written before this are parked, unsent.
 * `outbox_relay_due` now leads with the channel: the claim reads one range of it per channel.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.outbox add column channel text;
    update domain.outbox set channel = case
      when kind like 'sla.%' then 'in-app'
      when recipient like '%@%' then 'email'
      else 'sms' end;
    alter table domain.outbox alter column channel set not null;
    -- The applicants' notices written before any channel existed are never sent: a letter about a
    -- step long past would mislead more than it tells.
    update domain.outbox set next_attempt_at = 'infinity', last_error = 'written before the service had a channel for it; not sent'
     where kind like 'dossier.%' and sent_at is null;
    alter table domain.outbox add constraint outbox_channel check (channel in ('in-app', 'email', 'sms'));
    drop index domain.outbox_relay_due;
    create index outbox_relay_due on domain.outbox (channel, (coalesce(next_attempt_at, at)), id) where sent_at is null;
    -- A dossier's notices: a notice written once only (a job's), and whether the process told the applicant itself.
    create index outbox_dossier on domain.outbox (dossier_code, kind) where dossier_code is not null;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop index domain.outbox_dossier;
    drop index domain.outbox_relay_due;
    create index outbox_relay_due on domain.outbox ((coalesce(next_attempt_at, at)), id)
      where sent_at is null and kind in ('sla.at_risk', 'sla.overdue');
    alter table domain.outbox drop constraint outbox_channel, drop column channel;
    `,
  );
}
