/**
 * A dossier keeps the case of its rule version it was received under (procedure.json `cases`,
 * e.g. `nha-o-rieng-le`, a detached house under the construction permit): its limits and
 * performers are the case's for good. Null: the version's own figures.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(knex, `alter table domain.dossiers add column case_code text;`);
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `alter table domain.dossiers drop column case_code;`);
}
