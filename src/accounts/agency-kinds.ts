/**
 * The kinds of agency the registry holds (`domain.agencies.kind`): what a BPMN user task names
 * as its candidate group ('cong-an-xa'), and the inbox resolves to the office of that kind in the
 * dossier's commune or province. The process designer picks one from a list of these.
 *
 * A kind has no row of its own, so its name is read off an office of that kind with the place
 * taken out: 'Công an xã Hòa Bình' (place 'Hòa Bình') → 'Công an xã'; 'Sở Xây dựng tỉnh Thử
 * Nghiệm' → 'Sở Xây dựng tỉnh'. An office without a place name gives its name as it is.
 */
import type { Queryable } from '../db/index.js';

export interface AgencyKind {
  /** 'cong-an-xa': the candidate group of a user task. */
  kind: string;
  /** Vietnamese, without a place: 'Công an xã'. */
  name: string;
  level: 'central' | 'province' | 'commune';
  /** How many offices of this kind the registry holds. */
  offices: number;
}

/** Every kind of the registry, by kind. */
export async function agencyKinds(q: Queryable): Promise<AgencyKind[]> {
  const { rows } = await q.query<{
    kind: string;
    name: string;
    place: string | null;
    level: AgencyKind['level'];
    offices: number | string;
  }>(
    `select kind,
            (array_agg(name order by code))[1] as name,
            (array_agg(place_name order by code))[1] as place,
            (array_agg(level order by code))[1] as level,
            count(*) as offices
       from domain.agencies
      group by kind
      order by kind`,
  );
  return rows.map((r) => ({ kind: r.kind, name: kindName(r.name, r.place), level: r.level, offices: Number(r.offices) }));
}

/** An office's name without its place: the name of its kind. */
export function kindName(officeName: string, place: string | null): string {
  const name = place && place.trim() ? officeName.split(place.trim()).join(' ') : officeName;
  const out = name
    .replace(/\s+([),.;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return out || officeName;
}
