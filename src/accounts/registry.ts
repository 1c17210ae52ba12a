/**
 * The registry as other rooms read it: offices by code, by kind in a place, their display names,
 * officials' full names and whether an account may be given a task. `domain.agencies` and
 * `domain.users` belong to this room (docs/architecture.md); the dossier room and the inbox call
 * these instead of querying them. Seeds of the registry (the demo's) are `registry-seed.ts`.
 */
import type { Queryable } from '../db/index.js';
import { AGENCY_VIEW, type AgencyView } from './agencies.js';

export async function findAgency(q: Queryable, code: string): Promise<AgencyView | undefined> {
  return (await q.query<AgencyView>(`select ${AGENCY_VIEW} from domain.agencies where code = $1`, [code])).rows[0];
}

export async function agenciesByCode(q: Queryable, codes: readonly string[]): Promise<Map<string, AgencyView>> {
  if (!codes.length) return new Map();
  const { rows } = await q.query<AgencyView>(`select ${AGENCY_VIEW} from domain.agencies where code = any($1::text[])`, [[...new Set(codes)]]);
  return new Map(rows.map((r) => [r.code, r]));
}

/** An office's display name, or null. */
export async function agencyName(q: Queryable, code: string): Promise<string | null> {
  return (await findAgency(q, code))?.name ?? null;
}

/** The offices of any of `kinds` in a province: the province's own, and the commune's when `communeCode` is given. */
export async function agenciesOfKinds(
  q: Queryable,
  kinds: readonly string[],
  place: { provinceCode: string; communeCode: string | null },
): Promise<Pick<AgencyView, 'code' | 'kind' | 'level'>[]> {
  const { rows } = await q.query<Pick<AgencyView, 'code' | 'kind' | 'level'>>(
    `select code, kind, level from domain.agencies
      where kind = any($1::text[]) and province_code = $2
        and (level <> 'commune' or commune_code = $3)`,
    [kinds, place.provinceCode, place.communeCode],
  );
  return rows;
}

/** Full names of users, by username (absent: not a user, e.g. a system actor). */
export async function fullNames(q: Queryable, usernames: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const names = [...new Set(usernames.filter((u): u is string => !!u))];
  if (!names.length) return new Map();
  const { rows } = await q.query<{ username: string; full_name: string }>(`select username, full_name from domain.users where username = any($1::text[])`, [
    names,
  ]);
  return new Map(rows.map((r) => [r.username, r.full_name]));
}

/** An active account's role and agency (who may be given a task), or undefined. */
export async function activeAccount(q: Queryable, username: string): Promise<{ role: string; agencyCode: string | null } | undefined> {
  const { rows } = await q.query<{ role: string; agencyCode: string | null }>(
    `select role, agency_code as "agencyCode" from domain.users where username = $1 and active`,
    [username],
  );
  return rows[0];
}

/** True while the registry holds no agency (a new installation). */
export async function registryIsEmpty(q: Queryable): Promise<boolean> {
  return (await q.query(`select 1 from domain.agencies limit 1`)).rows.length === 0;
}
