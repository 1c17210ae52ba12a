/**
 * Receipts that a retry does not double: `dossier_intakes.idempotency_key`, the key the counter
 * (or the portal) sends with a receipt (`Idempotency-Key`), unique per receiving section. A
 * request whose answer was lost and is sent again with the same key gets the dossier the first
 * one received (its receipt finished if it was interrupted), not a second dossier.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.dossier_intakes add column idempotency_key text;
    create unique index dossier_intakes_idempotency on domain.dossier_intakes (receiving_agency, idempotency_key) where idempotency_key is not null;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop index domain.dossier_intakes_idempotency;
    alter table domain.dossier_intakes drop column idempotency_key;
    `,
  );
}
