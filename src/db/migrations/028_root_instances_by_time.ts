/**
 * Root instances by their start while live and by their end once ended: what reconcile asks the
 * engine each pass. The instances no dossier names (dossiers/strays.ts: the catalog's processes,
 * ACTIVE, no parent, started in the last day) — without the index the search read every live
 * instance of those processes through `process_instances_by_process` and dropped the older ones:
 * with 20,000 live instances older than a day, each page of 500 read 22,000 rows (bench:reconcile,
 * docs/benchmarks.md). And the instances that ended lately (dossiers/ended.ts), which would
 * otherwise read the whole history of those processes.
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    create index process_instances_live_roots on engine.process_instances (started_at)
      where state = 'ACTIVE' and parent_process_instance_key is null;
    create index process_instances_ended_roots on engine.process_instances (ended_at)
      where ended_at is not null and parent_process_instance_key is null;
    `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(knex, `drop index engine.process_instances_live_roots; drop index engine.process_instances_ended_roots;`);
}
