/**
 * Withdrawal: the applicant takes the dossier back before its result — in person at the
 * one-stop counter (counter staff act for them) or online with the dossier code and the lookup
 * secret printed on form 01. The dossier stops (status `stopped`, outcome `withdrawn`) with a
 * notice of stopping (form 05) naming the request as its reason; its steps leave every inbox and
 * its clocks are cancelled, not judged (a withdrawal is no result).
 *
 * The process ends the way its model says: a procedure whose process waits for the
 * `dossier-withdrawn` message (an interrupting event sub-process, as death registration has)
 * receives it and ends its own steps; any other process is cancelled. Either way after the
 * commit: if the engine is unreachable, the reconciler cancels the instance of a stopped dossier.
 */
import { formatVn } from '../calendar/index.js';
import { cancelInstance, formContext } from './actions.js';
import { auditAction, checkActor, checkMayAct, staff, versionOf, type DossierDeps } from './context.js';
import { form05 } from './forms/build.js';
import type { FormDoc } from './forms/model.js';
import { illegal, transition } from './lifecycle.js';
import { applicantDossier } from './lookup.js';
import { notifyApplicant } from './notices.js';
import { findDossier, insertEvent, insertForm, moveStatus } from './store.js';
import type { Actor, DossierRow } from './types.js';
import { visibleDossier } from './visibility.js';

/** The message a process may wait for to end itself when the dossier is withdrawn (declare it in procedure.json). */
export const WITHDRAWN_MESSAGE = 'dossier-withdrawn';

export interface WithdrawalInput {
  /** The applicant's own words, if any (printed on form 05 after the reason). */
  reason?: string;
}

/** Who the record names when the applicant acts online. */
const APPLICANT: Actor = { username: 'nguoi-nop-ho-so', role: 'system' };

export async function withdraw(
  deps: DossierDeps,
  code: string,
  secret: string | undefined,
  input: WithdrawalInput,
  actor?: Actor,
  address?: string,
): Promise<FormDoc> {
  const d = await whoMay(deps, code, secret, actor, address);
  const who = actor ?? APPLICANT;
  const at = new Date(deps.clock.now());
  const words = input.reason?.trim();
  const reason = `người nộp hồ sơ đề nghị rút hồ sơ${words ? ` (${words})` : ''}`;
  const legalBasis = `Đề nghị rút hồ sơ của người nộp hồ sơ ngày ${formatVn(at)}`;
  const { form, key } = await deps.db.tx(async (q) => {
    const now = (await findDossier(q, code, true))!;
    const to = transition('withdraw', code, now.status);
    const result = { outcome: 'withdrawn', reason, legalBasis, at: at.toISOString(), by: who.username };
    if (!(await moveStatus(q, code, [now.status], to, at, { result: JSON.stringify(result), done_at: at.toISOString() }))) {
      throw illegal('withdraw', code, now.status, [now.status]);
    }
    await insertEvent(q, { code, at, from: now.status, to, actor: who, reason, payload: { withdrawn: true, online: !actor } });
    await deps.tasks?.cancelOpenTasks(q, code, at, actor ? staff(actor) : undefined);
    await deps.sla.cancelDossier(q, code, at);
    const ctx = await formContext(q, deps, { ...now, status: to }, [who.username]);
    const form = form05(ctx, { at, by: who.username, reason, legalBasis, byProcess: !actor });
    await insertForm(q, { code, form: '05', at, by: who.username, data: form });
    await auditAction(q, who, code, 'dossier.withdrawn', at, { reason, from: now.status, online: !actor });
    await notifyApplicant(deps, q, now, 'dossier.withdrawn', at, { form: '05' });
    return { form, key: now.processInstanceKey };
  });
  if (key) await endProcess(deps, d, key);
  return form;
}

/**
 * The applicant with the right secret (the same answer and work for a wrong one as for no dossier,
 * throttled per address and per code: lookup.ts), or counter staff of the receiving section.
 */
async function whoMay(deps: DossierDeps, code: string, secret: string | undefined, actor?: Actor, address?: string): Promise<DossierRow> {
  if (actor) {
    checkActor(actor);
    const d = await visibleDossier(deps.db, actor, code);
    checkMayAct(actor, ['counter', 'admin']);
    return d;
  }
  return applicantDossier(deps, code, secret ?? '', address);
}

/** Tells a process that waits for the withdrawal; cancels any other. */
async function endProcess(deps: DossierDeps, d: DossierRow, key: string): Promise<void> {
  const { version } = versionOf(deps.catalog, d);
  if (!version.process.messages.some((m) => m.name === WITHDRAWN_MESSAGE)) {
    await cancelInstance(deps, key, d.code);
    return;
  }
  try {
    await deps.engine.correlateMessage({
      name: WITHDRAWN_MESSAGE,
      correlationKey: d.code,
      variables: { withdrawnAt: new Date(deps.clock.now()).toISOString() },
    });
  } catch (e) {
    // Not waiting (any more) or unreachable: the instance of a stopped dossier must not run on.
    deps.log.warn({ err: e, dossierCode: d.code }, 'the process did not take the withdrawal message; cancelling it');
    await cancelInstance(deps, key, d.code);
  }
}
