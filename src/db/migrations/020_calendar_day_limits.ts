/**
 * A dossier clock may count calendar days (`limit_unit = 'calendar_days'`): a law that says "20
 * ngày" and not "20 ngày làm việc" (the Construction Law's permit limit, art. 102) counts every
 * day, ending on the next working day when the last one is a day off (Civil Code 2015, art.
 * 147–148). Step clocks and extensions stay in working time.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.sla_clocks drop constraint sla_clocks_limit_unit_check;
    alter table domain.sla_clocks add constraint sla_clocks_limit_unit_check
      check (limit_unit in ('working_days', 'working_hours') or (limit_unit = 'calendar_days' and kind = 'dossier'));
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.sla_clocks drop constraint sla_clocks_limit_unit_check;
    alter table domain.sla_clocks add constraint sla_clocks_limit_unit_check check (limit_unit in ('working_days', 'working_hours'));
    `,
  );
}
