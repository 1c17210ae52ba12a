/**
 * Data repair. Until this release a refusal stopped the dossier clock but left the step clocks of
 * the tasks it cancelled running, so the scanner kept warning agencies about steps of refused
 * dossiers. Those clocks end now without a verdict (as a refusal now ends them): state
 * 'cancelled', stopped when the dossier was, their open pauses closed at the same instant.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    with stale as (
      update domain.sla_clocks c
         set state = 'cancelled', stopped_at = coalesce(c.stopped_at, d.updated_at), next_check_at = null, paused_at = null, remaining_ms = null
        from domain.dossiers d
       where c.dossier_code = d.code and c.kind = 'step' and c.state in ('running', 'paused')
         and (d.status = 'refused' or (d.status = 'returned' and d.result->>'outcome' = 'refused'))
      returning c.id, c.stopped_at
    )
    update domain.sla_pauses p set resumed_at = stale.stopped_at
      from stale where p.clock_id = stale.id and p.resumed_at is null;
    `,
  );
}

/** A repair of data: nothing to undo. */
export function down(): Promise<void> {
  return Promise.resolve();
}
