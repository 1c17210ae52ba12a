/**
 * Who sees and who acts on which task — decided here, on the server, whatever the HTTP
 * middleware did. Every read and every guarded UPDATE carries `scopeSql`, so a task outside the
 * caller's scope is simply not found (404: the inbox does not reveal that another agency's task
 * exists).
 *
 * | role     | sees                                                  | acts on            |
 * |----------|-------------------------------------------------------|--------------------|
 * | officer  | tasks of their agency                                 | what they see      |
 * | counter  | tasks of their agency that are counter (một cửa) steps | what they see      |
 * | designer | tasks of no dossier (their own test processes)         | what they see      |
 * | auditor  | every task                                            | nothing (403)      |
 * | admin    | every task                                            | every task         |
 */
import { Forbidden, Unauthenticated } from '../errors.js';
import type { Params } from './rows.js';
import type { Actor } from './types.js';

/** Agency kinds of the one-stop sections (bộ phận một cửa): 'mot-cua-xa', 'mot-cua-tinh'. */
export const COUNTER_KIND = '^mot-cua(-|$)';
const COUNTER_KIND_RE = new RegExp(COUNTER_KIND);

export function isCounterKind(kind: string | null | undefined): boolean {
  return !!kind && COUNTER_KIND_RE.test(kind);
}

/** A predicate on domain.tasks (alias `t`, or none when `alias` is '') limiting rows to what `actor` may see. */
export function scopeSql(actor: Actor, p: Params, alias = 't'): string {
  const c = (col: string) => (alias ? `${alias}.${col}` : col);
  switch (actor.role) {
    case 'admin':
    case 'auditor':
      return 'true';
    case 'officer':
      return actor.agencyCode ? `${c('agency_code')} = ${p.add(actor.agencyCode)}` : 'false';
    case 'counter':
      return actor.agencyCode ? `(${c('agency_code')} = ${p.add(actor.agencyCode)} and ${c('agency_kind')} ~ '${COUNTER_KIND}')` : 'false';
    case 'designer':
      return `${c('dossier_code')} is null`;
    default:
      return 'false';
  }
}

/** `scopeSql` for one row in memory (the live feed decides who hears of a task the same way). */
export function maySee(actor: Actor, t: { agencyCode: string; agencyKind: string | null; dossierCode: string | null }): boolean {
  switch (actor.role) {
    case 'admin':
    case 'auditor':
      return true;
    case 'officer':
      return !!actor.agencyCode && t.agencyCode === actor.agencyCode;
    case 'counter':
      return !!actor.agencyCode && t.agencyCode === actor.agencyCode && isCounterKind(t.agencyKind);
    case 'designer':
      return t.dossierCode === null;
    default:
      return false;
  }
}

/** The caller must be someone; a malformed principal is treated as nobody. */
export function checkActor(actor: Actor | undefined | null): Actor {
  if (!actor || typeof actor.username !== 'string' || !actor.username || typeof actor.role !== 'string') {
    throw new Unauthenticated('cần đăng nhập (sign in first)');
  }
  return actor;
}

/** Auditors read and never change anything. */
export function checkMayAct(actor: Actor): void {
  if (actor.role === 'auditor') {
    throw new Forbidden('thanh tra chỉ được xem, không được thao tác trên công việc (auditors have read-only access)');
  }
}

/** May `actor` take a task away from someone else (unclaim or reassign it)? */
export function mayOverride(actor: Actor): boolean {
  return actor.role === 'admin';
}
