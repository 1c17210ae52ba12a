/**
 * Numbered migrations, each in its own transaction, recorded by knex in engine.knex_migrations.
 * They are listed here rather than read from disk so the same code runs from src/ under jest
 * and from dist/ in production.
 */
import type { Knex } from 'knex';
import * as m001 from './migrations/001_engine.js';
import * as m002 from './migrations/002_domain.js';
import * as m003 from './migrations/003_engine_waits.js';
import * as m004 from './migrations/004_calendar.js';
import * as m005 from './migrations/005_audit.js';
import * as m006 from './migrations/006_domain_core.js';
import * as m007 from './migrations/007_sla.js';
import * as m008 from './migrations/008_dossiers.js';
import * as m009 from './migrations/009_tasks.js';
import * as m010 from './migrations/010_outbox_relay.js';
import * as m011 from './migrations/011_engine_signals.js';
import * as m012 from './migrations/012_cancel_refused_steps.js';
import * as m013 from './migrations/013_user_tasks.js';
import * as m014 from './migrations/014_tasks_user_task_key.js';
import * as m015 from './migrations/015_calendar_seed_versions.js';
import * as m016 from './migrations/016_accounts.js';
import * as m017 from './migrations/017_user_task_hints.js';
import * as m018 from './migrations/018_lookup_throttle.js';
import * as m019 from './migrations/019_receipt_idempotency.js';
import * as m020 from './migrations/020_calendar_day_limits.js';
import * as m021 from './migrations/021_dossier_cases.js';
import * as m022 from './migrations/022_clock_dimensions.js';
import * as m023 from './migrations/023_registry_seeds.js';
import * as m024 from './migrations/024_dossier_agencies.js';
import * as m025 from './migrations/025_process_variables_owed.js';
import * as m026 from './migrations/026_outbox_channels.js';
import * as m027 from './migrations/027_process_message_owed.js';
import * as m028 from './migrations/028_root_instances_by_time.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
const MIGRATIONS: Record<string, Migration> = {
  '001_engine': m001,
  '002_domain': m002,
  '003_engine_waits': m003,
  '004_calendar': m004,
  '005_audit': m005,
  '006_domain_core': m006,
  '007_sla': m007,
  '008_dossiers': m008,
  '009_tasks': m009,
  '010_outbox_relay': m010,
  '011_engine_signals': m011,
  '012_cancel_refused_steps': m012,
  '013_user_tasks': m013,
  '014_tasks_user_task_key': m014,
  '015_calendar_seed_versions': m015,
  '016_accounts': m016,
  '017_user_task_hints': m017,
  '018_lookup_throttle': m018,
  '019_receipt_idempotency': m019,
  '020_calendar_day_limits': m020,
  '021_dossier_cases': m021,
  '022_clock_dimensions': m022,
  '023_registry_seeds': m023,
  '024_dossier_agencies': m024,
  '025_process_variables_owed': m025,
  '026_outbox_channels': m026,
  '027_process_message_owed': m027,
  '028_root_instances_by_time': m028,
};

/** The migrations up to and including `last`, in order. */
function sourceUpTo(last: string): Knex.MigrationSource<string> {
  const names = Object.keys(MIGRATIONS).filter((n) => n <= last);
  return {
    getMigrations: () => Promise.resolve(names),
    getMigrationName: (name) => name,
    getMigration: (name) => Promise.resolve(MIGRATIONS[name]),
  };
}

/**
 * Runs every migration not yet run, or only those up to `opts.to` (a migration's name): the tests
 * of a data migration start from the schema before it, write rows as the earlier version did, and
 * then migrate on.
 */
export async function migrate(knex: Knex, opts: { to?: string } = {}): Promise<void> {
  const last = opts.to ?? Object.keys(MIGRATIONS).at(-1)!;
  if (!(last in MIGRATIONS)) throw new Error(`no migration named ${last}`);
  await knex.raw('create schema if not exists engine');
  await knex.migrate.latest({ migrationSource: sourceUpTo(last), schemaName: 'engine', tableName: 'knex_migrations' });
}
