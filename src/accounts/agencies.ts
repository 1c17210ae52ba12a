/**
 * The agency registry (`domain.agencies`): concrete offices, each of a kind BPMN user tasks name
 * as candidate group. An administrator adds agencies and changes their names, parent, electronic
 * identifier and place name; the code, kind, level and place (province, commune) that the inbox
 * resolves tasks by are fixed once an agency exists. Every change is audited.
 */
import type { Queryable } from '../db/index.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import type { AccountsContext } from './context.js';
import type { Actor } from './roles.js';
import { audit } from './users.js';

export interface AgencyView {
  code: string;
  kind: string;
  name: string;
  nameEn: string | null;
  level: 'central' | 'province' | 'commune';
  provinceCode: string;
  communeCode: string | null;
  parentCode: string | null;
  identifier: string | null;
  placeName: string | null;
}

export const AGENCY_VIEW = `code, kind, name, name_en as "nameEn", level, province_code as "provinceCode", commune_code as "communeCode",
              parent_code as "parentCode", identifier, place_name as "placeName"`;

export async function listAgencies(db: Queryable): Promise<AgencyView[]> {
  return (await db.query<AgencyView>(`select ${AGENCY_VIEW} from domain.agencies order by code`)).rows;
}

export type NewAgency = Omit<AgencyView, 'nameEn' | 'communeCode' | 'parentCode' | 'identifier' | 'placeName'> &
  Partial<Pick<AgencyView, 'nameEn' | 'communeCode' | 'parentCode' | 'identifier' | 'placeName'>>;

export async function createAgency(ctx: AccountsContext, by: Actor, a: NewAgency): Promise<AgencyView> {
  const communeCode = a.communeCode ?? null;
  if ((a.level === 'commune') !== (communeCode !== null)) {
    throw new Invalid(`cơ quan cấp xã cần communeCode, cấp khác thì không (communeCode is required for level 'commune' and only then)`, {
      field: 'communeCode',
    });
  }
  return ctx.db.tx(async (q) => {
    await checkParent(q, a.parentCode ?? null, a.code);
    const clash = await q.query(`select 1 from domain.agencies where kind = $1 and province_code = $2 and coalesce(commune_code, '') = coalesce($3, '')`, [
      a.kind,
      a.provinceCode,
      communeCode,
    ]);
    if (clash.rows.length) {
      throw new Conflict(`đã có cơ quan loại '${a.kind}' ở nơi này (an agency of kind '${a.kind}' already exists in this place)`, { field: 'kind' });
    }
    const { rows } = await q.query<AgencyView>(
      `insert into domain.agencies (code, kind, name, name_en, level, province_code, commune_code, parent_code, identifier, place_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (code) do nothing returning ${AGENCY_VIEW}`,
      [a.code, a.kind, a.name, a.nameEn ?? null, a.level, a.provinceCode, communeCode, a.parentCode ?? null, a.identifier ?? null, a.placeName ?? null],
    );
    if (!rows[0]) throw new Conflict(`cơ quan '${a.code}' đã có (agency '${a.code}' already exists)`, { field: 'code' });
    await audit(q, ctx, by, 'account.agency_created', { ...rows[0] });
    return rows[0];
  });
}

export type AgencyChange = Partial<Pick<AgencyView, 'name' | 'nameEn' | 'parentCode' | 'identifier' | 'placeName'>>;

export async function updateAgency(ctx: AccountsContext, by: Actor, code: string, change: AgencyChange): Promise<AgencyView> {
  return ctx.db.tx(async (q) => {
    const { rows } = await q.query<AgencyView>(`select ${AGENCY_VIEW} from domain.agencies where code = $1 for update`, [code]);
    const before = rows[0];
    if (!before) throw new NotFound(`không có cơ quan '${code}' (no agency '${code}')`);
    const after = { ...before, ...change };
    if (change.parentCode !== undefined) await checkParent(q, after.parentCode, code);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['name', 'nameEn', 'parentCode', 'identifier', 'placeName'] as const) {
      if (after[k] !== before[k]) changed[k] = { from: before[k], to: after[k] };
    }
    if (after.identifier !== before.identifier) {
      const taken = await q.query(`select 1 from domain.agencies where code <> $1 and identifier = $2`, [code, after.identifier]);
      if (taken.rows.length) throw new Conflict(`mã định danh '${after.identifier}' đã dùng (identifier already in use)`, { field: 'identifier' });
    }
    const { rows: updated } = await q.query<AgencyView>(
      `update domain.agencies set name = $2, name_en = $3, parent_code = $4, identifier = $5, place_name = $6 where code = $1 returning ${AGENCY_VIEW}`,
      [code, after.name, after.nameEn, after.parentCode, after.identifier, after.placeName],
    );
    if (Object.keys(changed).length) await audit(q, ctx, by, 'account.agency_changed', { code, changes: changed });
    return updated[0];
  });
}

/** The parent must exist, and must not be the agency itself or one of its descendants. */
async function checkParent(q: Queryable, parent: string | null, code: string): Promise<void> {
  if (!parent) return;
  const { rows } = await q.query<{ code: string }>(
    `with recursive up as (select code, parent_code from domain.agencies where code = $1
                           union select a.code, a.parent_code from domain.agencies a join up on a.code = up.parent_code)
     select code from up`,
    [parent],
  );
  if (!rows.length) throw new Invalid(`không có cơ quan cấp trên '${parent}' (no parent agency '${parent}')`, { field: 'parentCode' });
  if (rows.some((r) => r.code === code))
    throw new Invalid(`cơ quan không thể là cấp trên của chính nó (an agency cannot be its own ancestor)`, { field: 'parentCode' });
}
