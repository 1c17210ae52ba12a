/**
 * The agencies that hold or held a step of a dossier, kept by the dossier room itself (written in
 * the inbox's transaction that creates the step's task: dossiers/sync.ts `onTaskCreated`), so the
 * one visibility rule reads the dossier room's own table instead of the inbox's. Filled from the
 * inbox for the dossiers there are.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create table domain.dossier_agencies (
      dossier_code text not null references domain.dossiers (code),
      agency_code text not null,
      since timestamptz not null,
      primary key (dossier_code, agency_code)
    );
    insert into domain.dossier_agencies (dossier_code, agency_code, since)
      select t.dossier_code, t.agency_code, min(t.created_at)
        from domain.tasks t join domain.dossiers d on d.code = t.dossier_code
       group by t.dossier_code, t.agency_code;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop table domain.dossier_agencies;`);
}
