/**
 * Where a user-task job belongs: its dossier, the concrete agency that performs it, and the
 * step of the dossier's rule version it is (for the step's time limit).
 *
 * A BPMN user task names an agency KIND as candidate group ('cong-an-xa': the commune police).
 * The office is the one of that kind in the dossier's place (its commune for commune-level
 * kinds, its province for province-level ones) — the place recorded on the dossier, or else its
 * receiving agency's.
 */
import { agenciesOfKinds, findAgency } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import { NotFound } from '../errors.js';
import { withCase, type Catalog } from '../procedures/index.js';
import type { Limit } from '../sla/index.js';

export interface DossierRef {
  code: string;
  procedureCode: string;
  ruleVersion: string;
  /** The dossier's case of its rule version (procedure.json `cases`), whose step limits apply. */
  caseCode: string | null;
  receivingAgency: string;
  provinceCode: string;
  communeCode: string | null;
}

export interface AgencyRef {
  code: string;
  kind: string;
  level: string;
}

export interface StepRef {
  id: string;
  name: string;
  limit: Limit;
}

/** No office of the task's kinds where the dossier is: the agency registry lacks one. */
export class AgencyNotFound extends NotFound {}

/** A dossier as the dossier room answers the inbox: its place (008) when recorded, else null. */
export type InboxDossier = Omit<DossierRef, 'provinceCode'> & { provinceCode: string | null };

/**
 * What the inbox needs of the dossier a task belongs to, asked of the dossier room (which sits
 * above this one, so it is handed in: `dossiers/index.ts` `inboxDossiers`).
 */
export interface InboxDossiers {
  /** The dossier with this code, else the one whose process instance this is. */
  find(q: Queryable, ref: { code?: string; processInstanceKey: string }): Promise<InboxDossier | undefined>;
}

/** The dossier of a job: by its `dossierCode` variable, else by its process instance; its place, else its receiving agency's. */
export async function findDossier(
  q: Queryable,
  dossiers: InboxDossiers | undefined,
  job: { processInstanceKey: string; variables: Record<string, unknown> },
): Promise<DossierRef | undefined> {
  const code = job.variables.dossierCode;
  const found = await dossiers?.find(q, { code: typeof code === 'string' && code ? code : undefined, processInstanceKey: job.processInstanceKey });
  if (!found) return undefined;
  if (found.provinceCode !== null) return { ...found, provinceCode: found.provinceCode };
  const receiving = await findAgency(q, found.receivingAgency);
  return receiving && { ...found, provinceCode: receiving.provinceCode, communeCode: receiving.communeCode };
}

/** The office of the first of `kinds` that exists in the dossier's commune (or province). */
export async function resolveAgency(q: Queryable, kinds: string[], dossier: DossierRef): Promise<AgencyRef> {
  const rows = await agenciesOfKinds(q, kinds, dossier);
  for (const kind of kinds) {
    const found = rows.filter((r) => r.kind === kind).sort((a, b) => Number(b.level === 'commune') - Number(a.level === 'commune'))[0];
    if (found) return found;
  }
  const where = dossier.communeCode ? `xã ${dossier.communeCode}, tỉnh ${dossier.provinceCode}` : `tỉnh ${dossier.provinceCode}`;
  throw new AgencyNotFound(
    `không có cơ quan loại ${kinds.join(', ') || '(trống)'} tại ${where} cho hồ sơ ${dossier.code} ` +
      `(no agency of kind ${kinds.join(', ') || '(none)'} in the place of dossier ${dossier.code}: add it to the agency registry, give the job a retry and resolve the incident)`,
    { kinds, provinceCode: dossier.provinceCode, communeCode: dossier.communeCode, dossierCode: dossier.code },
  );
}

/** The step of the dossier's rule version (as its case has it) that this element performs for this agency kind. */
export function stepOf(catalog: Pick<Catalog, 'find'> | undefined, dossier: DossierRef, kind: string, elementId: string): StepRef | undefined {
  const found = catalog?.find(dossier.procedureCode)?.versions.find((v) => v.version === dossier.ruleVersion);
  const version = found && withCase(found, dossier.caseCode);
  const agency = version?.agencies.find((a) => a.code === kind);
  const step = agency?.steps.find((s) => s.elementId === elementId);
  if (!step) return undefined;
  return { id: step.id, name: step.name.vi, limit: { value: step.limit.value, unit: step.limit.unit } };
}

/** Who handed the dossier over: the last agency that finished a step of it, else the receiving counter. */
export async function handedOverFrom(q: Queryable, dossier: DossierRef): Promise<{ agencyCode: string; step: string; taskId: string | null }> {
  const { rows } = await q.query<{ agency_code: string; element_id: string; id: string }>(
    `select agency_code, element_id, id::text from domain.tasks
      where dossier_code = $1 and state = 'completed' order by completed_at desc, id desc limit 1`,
    [dossier.code],
  );
  if (rows[0]) return { agencyCode: rows[0].agency_code, step: rows[0].element_id, taskId: rows[0].id };
  return { agencyCode: dossier.receivingAgency, step: 'reception', taskId: null };
}
