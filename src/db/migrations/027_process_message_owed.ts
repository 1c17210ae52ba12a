/**
 * A message a dossier's process is owed (`message_owed`: the publish request as JSON — name,
 * message id, time to live, variables), written in the commit that decided it (a supplement
 * handed in: `dossier-supplemented`) and cleared once the engine has it. A crash between that
 * commit and the publish leaves it owed, and the reconciler publishes it (dossiers/owed.ts); the
 * message id makes a second publish a duplicate the engine refuses.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.dossiers add column message_owed jsonb;
    create index dossiers_message_owed on domain.dossiers (code) where message_owed is not null;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop index domain.dossiers_message_owed;
    alter table domain.dossiers drop column message_owed;
    `,
  );
}
