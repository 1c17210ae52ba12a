/**
 * The steps of a receipt after T1 (receipt.ts): E, the dossier's process started
 * (`startProcess`, with the variables the dossier provides); T2, the instance linked and the
 * dossier clock started (`finishReceipt`, `linkInstance` — also run by the inbox hook when the
 * first task comes before T2); form 01 as printed; and the recovery of receipts left 'starting'.
 */
import { firstTasksOf } from '../tasks/index.js';
import { agenciesByCode, fullNames } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import type { Variables } from '../engine/port.js';
import { Conflict, NotFound } from '../errors.js';
import type { LoadedProcedure, RuleVersion } from '../procedures/index.js';
import { versionOf, type DossierDeps } from './context.js';
import { isoVn } from './due-dates.js';
import { form01 } from './forms/build.js';
import type { FormDoc } from './forms/model.js';
import { OPEN } from './lifecycle.js';
import { notifyApplicant } from './notices.js';
import { findDossier, journalFinish, staleIntakes } from './store.js';
import type { AgencyRow, DossierRow } from './types.js';

export async function buildForm01(
  q: Queryable,
  deps: DossierDeps,
  d: DossierRow,
  procedure: LoadedProcedure,
  version: RuleVersion,
  agency: AgencyRow,
  secret?: string,
): Promise<FormDoc> {
  const parents = await agenciesByCode(q, agency.parentCode ? [agency.parentCode] : []);
  const names = await fullNames(q, [d.receivedBy]);
  return form01(
    { dossier: d, procedure, version, agency, parent: agency.parentCode ? parents.get(agency.parentCode) : undefined, names },
    { secret, lookupUrl: deps.lookupUrl },
  );
}

/** The variable that tells the process the dossier's case (procedure.json `cases`): its code, or null. */
export const CASE_VARIABLE = 'dossierCase';

/** The variables the process expects from the dossier (processes/README.md; `providedBy: dossier`). */
export function processVariables(version: RuleVersion, d: Pick<DossierRow, 'code' | 'applicant' | 'appointmentAt' | 'data'>): Variables {
  const v: Variables = {
    dossierCode: d.code,
    dueDates: d.data.dueDates,
    applicantName: d.applicant.fullName,
    appointmentAt: isoVn(d.appointmentAt),
  };
  for (const pv of version.process.variables) {
    if (pv.providedBy !== 'dossier' || pv.name in v) continue;
    if (pv.name === CASE_VARIABLE) {
      v[pv.name] = version.appliedCase?.code ?? null;
      continue;
    }
    const fromIntake = (d.data.intake as Record<string, unknown>)[pv.name];
    if (fromIntake !== undefined) {
      v[pv.name] = fromIntake;
      continue;
    }
    const threshold = (version.thresholds ?? []).find((t) => t.code === pv.name);
    if (threshold && pv.type === 'duration') {
      const unit = { calendar_days: 'D', months: 'M', years: 'Y' }[threshold.unit as string];
      if (unit) {
        v[pv.name] = `P${threshold.value}${unit}`;
        continue;
      }
    }
    if (pv.required) throw new Error(`${version.process.bpmnProcessId} ${version.version}: the dossier cannot provide the required variable '${pv.name}'`);
  }
  return v;
}

/**
 * Creates the process instance of the dossier's own rule version: the definition deployed from
 * the version's BPMN file (newest deployment of that file), or the latest of the process id
 * when the engine's read side is not at hand.
 */
export async function startProcess(deps: DossierDeps, procedure: LoadedProcedure, version: RuleVersion, d: DossierRow): Promise<string> {
  const variables = processVariables(version, d);
  let processDefinitionKey: string | undefined;
  if (deps.queries) {
    const found = await deps.queries.searchProcessDefinitions({
      filter: { processDefinitionId: version.process.bpmnProcessId, resourceName: `${procedure.code}/${version.process.file}` },
      sort: [{ field: 'version', order: 'DESC' }],
      page: { limit: 1 },
    });
    processDefinitionKey = found.items[0]?.processDefinitionKey;
  }
  const created = await deps.engine.createProcessInstance(
    processDefinitionKey ? { processDefinitionKey, variables } : { bpmnProcessId: version.process.bpmnProcessId, variables },
  );
  return created.processInstanceKey;
}

/** T2: links the instance, starts the dossier SLA clock, closes the journal entry. Idempotent. */
export async function finishReceipt(deps: DossierDeps, d: DossierRow, version: RuleVersion, instanceKey: string): Promise<void> {
  await deps.db.tx(async (q) => {
    const now = await findDossier(q, d.code, true);
    if (!now) throw new NotFound(`dossier ${d.code} vanished`);
    await linkInstance(deps, q, now, version, instanceKey);
  });
}

/**
 * T2's work in the caller's transaction (the dossier row locked): the instance linked, the
 * dossier clock started from the receipt, the journal closed. Also run by the inbox hook when
 * the dossier's first task arrives before T2 did (a crash between E and T2), so the dossier's
 * clock runs from then on rather than from the reconciler's pass minutes later.
 */
export async function linkInstance(deps: DossierDeps, q: Queryable, d: DossierRow, version: RuleVersion, instanceKey: string): Promise<void> {
  if (d.processInstanceKey && d.processInstanceKey !== instanceKey) {
    throw new Conflict(`dossier ${d.code} already runs process instance ${d.processInstanceKey}`);
  }
  if (!d.processInstanceKey) await q.query(`update domain.dossiers set process_instance_key = $2 where code = $1`, [d.code, instanceKey]);
  if (!(await deps.sla.clocks(q, d.code)).some((c) => c.kind === 'dossier')) {
    await deps.sla.startDossierClock(q, {
      dossierCode: d.code,
      limit: { value: version.totalLimit.value, unit: version.totalLimit.unit },
      startedAt: d.receivedAt,
      cutOff: version.cutOff ?? undefined,
    });
    // Linked only after the agencies finished (recovery of an old receipt): judged when they did.
    if (d.doneAt) await deps.sla.stopDossier(q, d.code, d.doneAt);
    // The applicant hears that the dossier is in, and when the result is due (once: the clock starts once).
    else await notifyApplicant(deps, q, d, 'dossier.received', d.receivedAt, { appointmentAt: d.appointmentAt.toISOString() });
  }
  await journalFinish(q, d.code, 'received', new Date(deps.clock.now()), { key: instanceKey });
}

/**
 * Finishes receipts left 'starting' for longer than `graceMs` (a crash between the engine
 * command and T2): adopts the instance its first inbox task names, or starts the process.
 */
export async function recoverIntakes(deps: DossierDeps, graceMs: number, limit = 100): Promise<number> {
  const before = new Date(deps.clock.now() - graceMs);
  let done = 0;
  for (const { code } of await staleIntakes(deps.db, before, limit)) {
    try {
      if (await recoverIntake(deps, code)) done++;
    } catch (e) {
      deps.log.warn({ err: e, dossierCode: code }, 'could not recover a receipt; will retry');
    }
  }
  return done;
}

/** Finishes one receipt still 'starting'; false when there was no dossier (nothing was received). */
export async function recoverIntake(deps: DossierDeps, code: string, opts: { start?: boolean } = {}): Promise<boolean> {
  const d = await findDossier(deps.db, code);
  if (!d) {
    // T1 never committed its dossier or T3 removed it: nothing was received.
    await deps.db.tx((q) => journalFinish(q, code, 'failed', new Date(deps.clock.now()), { error: 'no dossier row (receipt interrupted)' }));
    return false;
  }
  const { procedure, version } = versionOf(deps.catalog, d);
  let key = d.processInstanceKey;
  // Its first task names the instance the interrupted receipt started; before the task reaches an
  // inbox (its job held by a replica that died), the engine does.
  key ??= (await firstTasksOf(deps.db, [code])).get(code)?.processInstanceKey ?? (await startedInstanceOf(deps, version, code));
  if (!key && !OPEN.includes(d.status)) {
    // Refused or stopped before its process ever started: there is nothing left to start.
    await deps.db.tx((q) => journalFinish(q, code, 'received', new Date(deps.clock.now())));
    return true;
  }
  if (!key && opts.start === false) return false; // its process may be starting still: the first task or recovery links it
  key ??= await startProcess(deps, procedure, version, d);
  await finishReceipt(deps, d, version, key);
  return true;
}

/**
 * The live instance a receipt started for dossier `code`, found by the `dossierCode` it was
 * created with; null when there is none (or no read side to ask). Without it, a receipt whose first
 * task had not reached any inbox within recovery's grace had its process started a second time, and
 * the first ran on as a stray until the reconciler saw one of its tasks open — in a chaos run,
 * minutes, with officers working it (docs/architecture.md, known seam 14).
 */
async function startedInstanceOf(deps: DossierDeps, version: RuleVersion, code: string): Promise<string | null> {
  if (!deps.queries) return null;
  const { items } = await deps.queries.searchVariableChanges({
    filter: { name: 'dossierCode', value: JSON.stringify(code), processDefinitionId: version.process.bpmnProcessId },
    sort: [{ field: 'position' }],
    page: { limit: 20 },
  });
  // Camunda's variable search has no process id filter, so on a cluster the answer may hold
  // another process's variable of that name and value: only a live root instance of the
  // version's process counts.
  const mine = items.filter((v) => v.name === 'dossierCode' && v.value === JSON.stringify(code));
  for (const key of new Set(mine.map((v) => v.processInstanceKey))) {
    const pi = await deps.queries.getProcessInstance(key).catch(() => undefined);
    if (pi?.state === 'ACTIVE' && !pi.parentProcessInstanceKey && pi.processDefinitionId === version.process.bpmnProcessId) return key;
  }
  return null;
}
