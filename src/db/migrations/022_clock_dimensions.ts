/**
 * A clock carries what the reports count it by: its dossier's procedure, channel and receiving
 * section (fixed at receipt, copied when the clock starts), so the on-time reports read the SLA
 * room's table alone instead of joining the dossiers. Existing clocks get them from their dossier.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.sla_clocks add column procedure_code text, add column channel text, add column receiving_agency text;
    update domain.sla_clocks c set procedure_code = d.procedure_code, channel = d.channel, receiving_agency = d.receiving_agency
      from domain.dossiers d where d.code = c.dossier_code;
    alter table domain.sla_clocks alter column procedure_code set not null, alter column channel set not null,
      alter column receiving_agency set not null;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `alter table domain.sla_clocks drop column procedure_code, drop column channel, drop column receiving_agency;`);
}
