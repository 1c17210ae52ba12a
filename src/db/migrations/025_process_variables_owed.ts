/**
 * What a dossier owes its process: `variables_changed` counts the commits that changed the
 * dossier's `dueDates` or appointment after its process started (a supplement that restarts the
 * clock, an apology, a calendar change); `variables_pushed` is the last of them the process was
 * given. A crash between such a commit and telling the engine leaves the row owed, and the
 * reconciler pushes it (dossiers/owed.ts). Two counters, not a flag, so a push that
 * read an older state never clears a newer one.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.dossiers
      add column variables_changed bigint not null default 0,
      add column variables_pushed bigint not null default 0;
    create index dossiers_variables_owed on domain.dossiers (code) where variables_changed > variables_pushed;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop index domain.dossiers_variables_owed;
    alter table domain.dossiers drop column variables_changed, drop column variables_pushed;
    `,
  );
}
