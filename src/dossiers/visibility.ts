/**
 * Who sees a dossier: the one rule. Every route that shows a dossier or any part of it (the
 * staff view GET /api/dossiers/{code}, forms 01–06, the trace, the rows of register 07) asks this
 * module, and so does every write (supplement request, supplement on the applicant's behalf,
 * refusal, stop, apology, return) before its own role check:
 *
 *   admin, auditor (and the system)  every dossier.
 *   counter, officer                 a dossier their agency received, or of which their agency
 *                                    holds or held a step: an inbox task of the dossier for
 *                                    their agency, in any state (open, claimed, completed, and
 *                                    cancelled when the dossier was refused or stopped).
 *   designer (any other role)        none: refused (403) whatever the dossier, before it is
 *                                    looked up, so the answer says nothing about it.
 *   the public                       not this rule: the code and the lookup secret of form 01
 *                                    (views.publicStatus, actions.supplement).
 *
 * Lists that another room makes of dossiers (the on-time report's dossiers behind a bar, from the
 * SLA clocks) pass the rule too, as `visibleCodeSql`: a report row names a dossier only to a caller
 * who may see it, whatever the report's own scope (reports/scope.ts) lets through.
 *
 * Outside the rule a dossier is NotFound (404), word for word the answer for a code that does not
 * exist, never Forbidden: another agency does not learn that the dossier exists (the inbox answers
 * the same for another agency's task).
 *
 * Why counter staff see more than what their section received: the one-stop section that hands
 * the result back performs the return step (`returnResult`, context.ts), so it must open the
 * dossier its inbox shows it; when the returning section is not the receiving one (a citizen who
 * files at one section and collects at another) it sees the dossier through that step. And the
 * receiving section sees what it received from receipt to return — before any step is its and
 * after — because it answers the citizen, supplements on their behalf and keeps register 07.
 * Why officers see what their agency received too: sight is by agency, as in the inbox, and the
 * role decides what one may do, not what one may see — an officer of a one-stop section (who may
 * complete its counter steps) sees what the section received. No other officer's agency receives
 * dossiers, so for them the rule is exactly "holds or held a step".
 * Why "held", not only "holds": an agency stays accountable for a step it finished, or lost when
 * the dossier was refused or stopped; the trace and form 06 are its record of it.
 */
import type { Queryable } from '../db/index.js';
import { Forbidden, NotFound } from '../errors.js';
import { checkActor } from './context.js';
import { dossiersWhere } from './store.js';
import type { Actor, DossierRow } from './types.js';

/** How far a role sees: every dossier, or those of the caller's agency. */
type Sight = 'all' | 'agency';

const SIGHT: Partial<Record<Actor['role'], Sight>> = {
  admin: 'all',
  auditor: 'all',
  system: 'all',
  counter: 'agency',
  officer: 'agency',
};

/** Refuses (403) a role that sees no dossier at all (designers); says nothing of any dossier. */
export function checkMaySee(actor: Actor): Sight {
  const sight = SIGHT[actor.role];
  if (!sight) {
    throw new Forbidden(`vai trò '${actor.role}' không được xem hồ sơ (role '${actor.role}' may not see dossiers; staff: officer, counter, auditor, admin)`);
  }
  return sight;
}

/**
 * The rule as a predicate on domain.dossiers (alias `d`), for lists (register 07) and for
 * `visibleDossier`. `param` adds a value to the caller's parameters and returns its placeholder.
 * Throws Forbidden for a role that sees nothing.
 */
export function visibleSql(actor: Actor, param: (value: unknown) => string): string {
  if (checkMaySee(actor) === 'all') return 'true';
  if (!actor.agencyCode) return 'false';
  const agency = param(actor.agencyCode);
  return `(d.receiving_agency = ${agency} or exists (select 1 from domain.dossier_agencies held where held.dossier_code = d.code and held.agency_code = ${agency}))`;
}

/**
 * The rule as a predicate on a dossier code held by another room's row (`codeSql`: the SLA
 * clocks' `c.dossier_code` for the reports' dossiers behind a bar), so that room's query keeps
 * its limit and its total while naming no table of this room: the predicate is this room's.
 * `param` as for `visibleSql`. Throws Forbidden for a role that sees nothing.
 */
export function visibleCodeSql(actor: Actor, codeSql: string, param: (value: unknown) => string): string {
  if (checkMaySee(actor) === 'all') return 'true';
  return `exists (select 1 from domain.dossiers d where d.code = ${codeSql} and ${visibleSql(actor, param)})`;
}

/**
 * Records that `agency` holds a step of the dossier (once; the first instant kept): called in the
 * inbox's transaction that creates the step's task (sync.ts `onTaskCreated`), so the rule's
 * "holds or held a step" is the dossier room's own row (`domain.dossier_agencies`, migration 024).
 */
export async function noteStepAgency(q: Queryable, dossierCode: string, agency: string, at: Date): Promise<void> {
  await q.query(`insert into domain.dossier_agencies (dossier_code, agency_code, since) values ($1, $2, $3) on conflict do nothing`, [
    dossierCode,
    agency,
    at.toISOString(),
  ]);
}

/**
 * The dossier if `actor` may see it (locked `for update` when `lock`, in the caller's
 * transaction); NotFound when it does not exist or is outside the rule — the same answer.
 */
export async function visibleDossier(q: Queryable, actor: Actor, code: string, lock = false): Promise<DossierRow> {
  checkActor(actor);
  const params: unknown[] = [code];
  const where = `d.code = $1 and ${visibleSql(actor, (v) => `$${params.push(v)}`)}`;
  const [d] = await dossiersWhere(q, where, params, lock ? 'for update' : '');
  // The code once, so that the answer for another agency's dossier and for no dossier differ by the code alone.
  if (!d) throw new NotFound(`không tìm thấy hồ sơ ${code} (no such dossier)`);
  return d;
}
