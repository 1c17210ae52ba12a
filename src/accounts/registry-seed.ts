/**
 * Seeds of the registry (the demo's agencies and users), versioned so that a correction reaches a
 * database already running, not only an empty one:
 *
 * - into an empty registry the seed goes whole, and its version is recorded
 *   (`domain.registry_seeds`);
 * - into a registry holding an earlier version, only the entries added since (`since` above the
 *   recorded version) go, each only if no row of its code or username is there; what an
 *   administrator changed, deactivated or created under the same name stays as it is; an entry
 *   whose parent office or office is gone is passed over;
 * - a registry with no version recorded counts as the seed's first version when it holds the
 *   office only that seed makes (`belongsTo`: installations from before versions were recorded),
 *   and as someone else's registry otherwise: then nothing is written.
 *
 * One transaction, serialised by an advisory lock: two replicas starting together seed once.
 */
import type { Queryable } from '../db/index.js';
import type { AgencyView } from './agencies.js';
import { registryIsEmpty } from './registry.js';
import type { PersonRole } from './roles.js';

export interface RegistryAgency extends Pick<AgencyView, 'code' | 'kind' | 'name' | 'nameEn' | 'level' | 'provinceCode' | 'communeCode' | 'parentCode'> {
  placeName: string | null;
  identifier: string | null;
  /** The seed version that brought it (1 when absent). */
  since?: number;
}

export interface RegistryUser {
  username: string;
  fullName: string;
  passwordHash: string;
  role: PersonRole;
  agencyCode: string | null;
  /** The seed version that brought it (1 when absent). */
  since?: number;
}

export interface RegistrySeed {
  name: string;
  version: number;
  /** An office only this seed makes: a registry that holds it, with no version recorded, holds version 1. */
  belongsTo: string;
  /** Parents before their children (the foreign key). */
  agencies: readonly RegistryAgency[];
  users: readonly RegistryUser[];
}

/** What a seeding wrote: the whole seed, or what a newer version added (codes and usernames). */
export interface SeedApplied {
  from: number | null;
  to: number;
  agencies: string[];
  users: string[];
}

/** Brings `seed` into the registry in the caller's transaction (see the file); undefined when it wrote nothing. */
export async function applyRegistrySeed(q: Queryable, seed: RegistrySeed): Promise<SeedApplied | undefined> {
  await q.query(`select pg_advisory_xact_lock($1)`, [REGISTRY_LOCK]);
  let from: number | null = null;
  if (!(await registryIsEmpty(q))) {
    from = await recordedVersion(q, seed);
    if (from === null || from >= seed.version) return undefined;
  }
  const added = from ?? 0;
  const agencies: string[] = [];
  for (const a of seed.agencies.filter((x) => (x.since ?? 1) > added)) {
    const { rowCount } = await q.query(
      `insert into domain.agencies (code, kind, name, name_en, level, province_code, commune_code, parent_code, place_name, identifier)
       select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        where $8::text is null or exists (select 1 from domain.agencies where code = $8)
       on conflict do nothing`,
      [a.code, a.kind, a.name, a.nameEn, a.level, a.provinceCode, a.communeCode, a.parentCode, a.placeName, a.identifier],
    );
    if (rowCount) agencies.push(a.code);
  }
  const users: string[] = [];
  for (const u of seed.users.filter((x) => (x.since ?? 1) > added)) {
    const { rowCount } = await q.query(
      `insert into domain.users (username, full_name, password_hash, role, agency_code)
       select $1, $2, $3, $4, $5
        where $5::text is null or exists (select 1 from domain.agencies where code = $5)
       on conflict do nothing`,
      [u.username, u.fullName, u.passwordHash, u.role, u.agencyCode],
    );
    if (rowCount) users.push(u.username);
  }
  await q.query(
    `insert into domain.registry_seeds (name, version) values ($1, $2)
     on conflict (name) do update set version = excluded.version, applied_at = now()`,
    [seed.name, seed.version],
  );
  return { from, to: seed.version, agencies, users };
}

/** The version of `seed` the registry holds: recorded, else 1 when it holds the seed's own office, else null (not this seed's registry). */
async function recordedVersion(q: Queryable, seed: RegistrySeed): Promise<number | null> {
  const recorded = (await q.query<{ version: number }>(`select version from domain.registry_seeds where name = $1`, [seed.name])).rows[0];
  if (recorded) return recorded.version;
  return (await q.query(`select 1 from domain.agencies where code = $1`, [seed.belongsTo])).rows.length ? 1 : null;
}

const REGISTRY_LOCK = 7_345_102_008;
