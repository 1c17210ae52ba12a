/**
 * What staff and citizens do to a received dossier, each one transition of the state machine
 * (lifecycle.ts) in one transaction with its event, its form, its SLA change and its audit row.
 * The legality check runs on the locked row before anything is written, and the UPDATE repeats
 * it; an illegal move is a Conflict (409) and changes nothing.
 *
 * Every action first finds the dossier through the one visibility rule (visibility.ts: outside it,
 * 404 as for a dossier that does not exist), then checks the caller's role (403).
 *
 * Engine commands (cancel the instance of a refused or stopped dossier, publish a supplement
 * message, give the process new due dates after a restart) run after the commit: the legal
 * decision is recorded first; a command that fails is logged and retried by reconcile.
 */
import { agenciesByCode, fullNames } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import { Conflict, NotFound } from '../errors.js';
import type { LoadedProcedure, RuleVersion } from '../procedures/index.js';
import type { Limit } from '../sla/index.js';
import { auditAction, checkActor, checkMayAct, offsetsOf, staff, versionOf, type DossierDeps } from './context.js';
import { dueDatesVariable } from './due-dates.js';
import { form02, form03, form04, form05, type FormContext } from './forms/build.js';
import { applicantDossier } from './lookup.js';
import { moveAppointment, oweMessage, tellProcesses } from './owed.js';
import type { FormDoc } from './forms/model.js';
import { APOLOGY_FROM, illegal, transition, type DossierStatus, type TransitionName } from './lifecycle.js';
import { notifyApplicant } from './notices.js';
import { answerSupplementRequest, findDossier, insertEvent, insertForm, insertSupplementRequest, moveStatus, openSupplementRequest } from './store.js';
import type { Actor, DossierRow } from './types.js';
import { visibleDossier } from './visibility.js';

export interface SupplementRequestInput {
  reasons: string[];
  items: { name: string; note?: string }[];
  legalBasis: string;
}

export interface DecisionInput {
  reason: string;
  legalBasis: string;
}

export interface ApologyInput {
  reason: string;
  extra: Limit;
}

export interface SupplementInput {
  documents?: { code?: string; name: string; fileName?: string; note?: string }[];
  note?: string;
}

/** Form context for a dossier, in the caller's transaction. */
export async function formContext(q: Queryable, deps: DossierDeps, d: DossierRow, usernames: (string | null | undefined)[] = []): Promise<FormContext> {
  const { procedure, version } = versionOf(deps.catalog, d);
  const agencies = await agenciesByCode(q, [d.receivingAgency]);
  const agency = agencies.get(d.receivingAgency)!;
  const parent = agency.parentCode ? (await agenciesByCode(q, [agency.parentCode])).get(agency.parentCode) : undefined;
  const names = await fullNames(q, [d.receivedBy, ...usernames]);
  return { dossier: d, procedure, version, agency, parent, names };
}

/** Runs one staff transition: lock and visibility, role, legality, then `apply` — all in one transaction. */
async function staffTransition<T>(
  deps: DossierDeps,
  actor: Actor,
  code: string,
  name: TransitionName,
  apply: (q: Queryable, d: DossierRow, to: DossierStatus, v: { procedure: LoadedProcedure; version: RuleVersion }) => Promise<T>,
  roles?: readonly Actor['role'][],
): Promise<T> {
  checkActor(actor);
  return deps.db.tx(async (q) => {
    const d = await visibleDossier(q, actor, code, true);
    checkMayAct(actor, roles);
    const to = transition(name, code, d.status);
    return apply(q, d, to, versionOf(deps.catalog, d));
  });
}

// ---- supplement ---------------------------------------------------------------------------

export async function requestSupplement(deps: DossierDeps, actor: Actor, code: string, input: SupplementRequestInput): Promise<FormDoc> {
  const at = new Date(deps.clock.now());
  return staffTransition(deps, actor, code, 'requestSupplement', async (q, d, to, { version }) => {
    const max = version.supplement.maxRequests.value;
    if (max !== null && d.supplementCount >= max) {
      throw new Conflict(
        `hồ sơ ${code} đã được yêu cầu bổ sung ${d.supplementCount} lần, tối đa ${max} lần theo phiên bản ${version.version} (${version.supplement.maxRequests.source}) ` +
          `(dossier ${code} was already asked to supplement ${d.supplementCount} time(s); rule version ${version.version} allows ${max})`,
        { dossierCode: code, supplementCount: d.supplementCount, maxRequests: max },
      );
    }
    const r = await insertSupplementRequest(q, {
      code,
      at,
      by: actor.username,
      agencyCode: actor.agencyCode ?? null,
      reasons: input.reasons,
      items: input.items,
      legalBasis: input.legalBasis,
    });
    if (!(await moveStatus(q, code, [d.status], to, at, { supplement_count: d.supplementCount + 1 })))
      throw illegal('requestSupplement', code, d.status, [d.status]);
    await insertEvent(q, {
      code,
      at,
      from: d.status,
      to,
      actor,
      reason: input.reasons.join('; '),
      payload: { requestId: r.id, items: input.items, legalBasis: input.legalBasis, clock: version.supplement.clock.value },
    });
    await deps.sla.pauseDossier(q, code, {
      at,
      reason: input.reasons.join('; '),
      requestedBy: actor.username,
      legalBasis: input.legalBasis,
    });
    const ctx = await formContext(q, deps, { ...d, status: to }, [actor.username]);
    const requesterAgency = actor.agencyCode ? (await agenciesByCode(q, [actor.agencyCode])).get(actor.agencyCode) : undefined;
    const form = form02(ctx, r, { agency: requesterAgency, username: actor.username });
    await insertForm(q, { code, form: '02', at, by: actor.username, data: form });
    await auditAction(q, actor, code, 'dossier.supplement_requested', at, {
      requestId: r.id,
      reasons: input.reasons,
      items: input.items,
      legalBasis: input.legalBasis,
      clock: version.supplement.clock.value,
      number: d.supplementCount + 1,
    });
    // Named by its request and number: a second notice (Construction Law art. 102) is its own news.
    await notifyApplicant(deps, q, d, 'dossier.supplement_requested', at, {
      form: '02',
      requestId: r.id,
      number: d.supplementCount + 1,
      items: input.items.map((i) => i.name),
    });
    return form;
  });
}

/**
 * The citizen (with the code and the secret) — or a counter officer on their behalf — hands in
 * what was asked. Resumes the clock per the version's policy ('pause': the rest of the time;
 * 'restart': the whole limit from now, with a new appointment and new step due dates).
 */
export async function supplement(
  deps: DossierDeps,
  code: string,
  secret: string | undefined,
  input: SupplementInput,
  actor?: Actor,
  address?: string,
): Promise<DossierRow> {
  const at = new Date(deps.clock.now());
  let d: DossierRow | undefined;
  if (actor) {
    d = await visibleDossier(deps.db, actor, code);
    checkMayAct(actor, ['counter', 'admin']);
  } else {
    // Same answer (and work) for an unknown code and a wrong secret, throttled: lookup.ts.
    d = await applicantDossier(deps, code, secret ?? '', address);
  }
  const who: Actor = actor ?? { username: 'nguoi-nop-ho-so', role: 'system' };
  const { procedure, version } = versionOf(deps.catalog, d);
  const after = await deps.db.tx(async (q) => {
    const now = (await findDossier(q, code, true))!;
    const to = transition('supplement', code, now.status);
    const open = await openSupplementRequest(q, code);
    if (!open) throw new Conflict(`hồ sơ ${code} không có yêu cầu bổ sung nào đang chờ (no open supplement request)`);
    await answerSupplementRequest(q, open.id, at, { ...input, by: who.username });
    const mode = version.supplement.clock.value;
    const { dueAt } = await deps.sla.resumeDossier(q, code, { at, mode });
    if (mode === 'restart') {
      const offsets = await offsetsOf(deps.catalog, procedure, version);
      const consulted = Array.isArray(now.data.intake.consultedAgencies) ? (now.data.intake.consultedAgencies as string[]) : undefined;
      const dueDates = dueDatesVariable(offsets, at, dueAt, (l, s, c) => deps.sla.dueDate(l, s, c), version.cutOff ?? undefined, consulted);
      await moveAppointment(q, now, { appointmentAt: dueAt, dueDates, at });
    } else if (dueAt.getTime() !== now.appointmentAt.getTime()) {
      await moveAppointment(q, now, { appointmentAt: dueAt, at });
    }
    if (now.processInstanceKey && version.process.messages.some((m) => m.name === SUPPLEMENTED_MESSAGE)) {
      await oweMessage(q, code, {
        name: SUPPLEMENTED_MESSAGE,
        correlationKey: code,
        messageId: `${code}:supplemented:${now.supplementCount}`,
        timeToLive: 86_400_000,
        variables: { supplementedAt: at.toISOString() },
      });
    }
    if (!(await moveStatus(q, code, [now.status], to, at))) throw illegal('supplement', code, now.status, [now.status]);
    await insertEvent(q, {
      code,
      at,
      from: now.status,
      to,
      actor: who,
      reason: input.note ?? null,
      payload: { requestId: open.id, documents: input.documents ?? [], clock: mode, appointmentAt: dueAt.toISOString() },
    });
    await auditAction(q, who, code, 'dossier.supplemented', at, {
      requestId: open.id,
      documents: (input.documents ?? []).map((x) => x.code ?? x.name),
      clock: mode,
      previousAppointmentAt: now.appointmentAt.toISOString(),
      appointmentAt: dueAt.toISOString(),
    });
    return (await findDossier(q, code))!;
  });

  // After the commit: the process gets its new due dates, then the message it may wait for.
  await tellProcesses(deps, [code]);
  return after;
}

/** The message a process may wait for (declare it in procedure.json `process.messages` to receive it). */
export const SUPPLEMENTED_MESSAGE = 'dossier-supplemented';

// ---- refuse / stop ----------------------------------------------------------------------------

export async function refuse(deps: DossierDeps, actor: Actor, code: string, input: DecisionInput): Promise<FormDoc> {
  return endDossier(deps, actor, code, input, 'refuse');
}

export async function stop(deps: DossierDeps, actor: Actor, code: string, input: DecisionInput): Promise<FormDoc> {
  return endDossier(deps, actor, code, input, 'stop');
}

/**
 * Refusal (form 03) and stop (form 05): the dossier leaves every inbox and its process is
 * cancelled. A refusal is a decision given, so the dossier clock is stopped and judged (early,
 * on time, late); a stop is not a result, so the clock is cancelled and not judged.
 */
async function endDossier(deps: DossierDeps, actor: Actor, code: string, input: DecisionInput, name: 'refuse' | 'stop'): Promise<FormDoc> {
  const at = new Date(deps.clock.now());
  const { form, key } = await staffTransition(deps, actor, code, name, async (q, d, to) => {
    const outcome = name === 'refuse' ? 'refused' : 'stopped';
    if (
      !(await moveStatus(q, code, [d.status], to, at, {
        result: JSON.stringify({ outcome, reason: input.reason, legalBasis: input.legalBasis, at: at.toISOString(), by: actor.username }),
        done_at: at.toISOString(),
      }))
    ) {
      throw illegal(name, code, d.status, [d.status]);
    }
    await insertEvent(q, { code, at, from: d.status, to, actor, reason: input.reason, payload: { legalBasis: input.legalBasis } });
    await deps.tasks?.cancelOpenTasks(q, code, at, staff(actor));
    if (name === 'refuse') {
      // Judged on the dossier clock; the steps it cut short are withdrawn, not judged.
      await deps.sla.cancelSteps(q, code, at);
      await deps.sla.stopDossier(q, code, at);
    } else await deps.sla.cancelDossier(q, code, at);
    const ctx = await formContext(q, deps, { ...d, status: to }, [actor.username]);
    const form = name === 'refuse' ? form03(ctx, { at, by: actor.username, ...input }) : form05(ctx, { at, by: actor.username, ...input });
    await insertForm(q, { code, form: name === 'refuse' ? '03' : '05', at, by: actor.username, data: form });
    await auditAction(q, actor, code, name === 'refuse' ? 'dossier.refused' : 'dossier.stopped', at, {
      reason: input.reason,
      legalBasis: input.legalBasis,
      from: d.status,
    });
    await notifyApplicant(deps, q, d, `dossier.${outcome}`, at, { form: form.form });
    return { form, key: d.processInstanceKey };
  });
  if (key) await cancelInstance(deps, key, code);
  return form;
}

/**
 * Cancels an instance, tolerating one that already ended: true when it is gone (now or before);
 * false when the engine failed, which is logged and left to reconcile.
 */
export async function cancelInstance(deps: DossierDeps, key: string, code: string): Promise<boolean> {
  try {
    await deps.engine.cancelProcessInstance(key);
    return true;
  } catch (e) {
    if (e instanceof NotFound || e instanceof Conflict) return true;
    deps.log.warn({ err: e, dossierCode: code, processInstanceKey: key }, 'cancelling the process failed; reconcile will retry');
    return false;
  }
}

// ---- apology ----------------------------------------------------------------------------------

/** Form 04: the dossier will be late; an apology and a new appointment, counted by the calendar. */
export async function apologize(deps: DossierDeps, actor: Actor, code: string, input: ApologyInput): Promise<FormDoc> {
  checkActor(actor);
  const at = new Date(deps.clock.now());
  const issued = await deps.db.tx(async (q) => {
    const d = await visibleDossier(q, actor, code, true);
    checkMayAct(actor);
    if (!APOLOGY_FROM.includes(d.status)) throw illegal('apologize', code, d.status, APOLOGY_FROM);
    const { newDueAt } = await deps.sla.extendDossier(q, code, { at, extra: input.extra, reason: input.reason, actor: actor.username });
    await moveAppointment(q, d, { appointmentAt: newDueAt, at, event: { actor, reason: input.reason, payload: { apology: true, extra: input.extra } } });
    const ctx = await formContext(q, deps, { ...d, appointmentAt: newDueAt }, [actor.username]);
    const form = form04(ctx, {
      at,
      by: actor.username,
      reason: input.reason,
      previousAppointment: d.appointmentAt,
      newAppointment: newDueAt,
      extra: input.extra,
    });
    await insertForm(q, { code, form: '04', at, by: actor.username, data: form });
    await auditAction(q, actor, code, 'dossier.apologized', at, {
      reason: input.reason,
      extra: input.extra,
      previousAppointmentAt: d.appointmentAt.toISOString(),
      appointmentAt: newDueAt.toISOString(),
    });
    await notifyApplicant(deps, q, d, 'dossier.apologized', at, { form: '04', appointmentAt: newDueAt.toISOString() });
    return form;
  });
  // After the commit: the process's appointmentAt follows the new appointment.
  await tellProcesses(deps, [code]);
  return issued;
}

// ---- return -----------------------------------------------------------------------------------
