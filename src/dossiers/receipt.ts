/**
 * Receiving a dossier (counter or online): validate, pick the rule version in force at receipt,
 * compute the appointment and the step due dates, give the dossier its code and lookup secret,
 * start its process, start its SLA clock, issue form 01.
 *
 * TRANSACTIONS. The engine runs each command in its own transaction (and on Zeebe, on another
 * machine), so a receipt is three steps around it, with `domain.dossier_intakes` as its journal:
 *
 *   T1 (one tx)  code from the day's sequence · journal 'starting' · the dossier row ('received',
 *                no instance yet) · dossier_events · form 01 · audit 'dossier.received'
 *   E            CreateProcessInstance(dossierCode, dueDates, …)          — the engine's own tx
 *   T2 (one tx)  dossier.process_instance_key · the dossier SLA clock · journal 'received'
 *
 *   - E fails (engine refused or unreachable) → T3 undoes T1: the form, events and dossier row
 *     are deleted (nothing else refers to them yet: no instance, so no inbox task), the journal
 *     says 'failed' with the reason and the audit log 'dossier.receipt_failed'; the caller gets
 *     the error and no form 01. The code is never reused: the journal explains the gap.
 *   - T2 fails → the dossier is received (form 01 is in hand) and its process runs; T2 is
 *     retried, and `recoverIntakes` (reconcile) finishes any receipt still 'starting' later.
 *   - a crash between E and T2 → the journal still says 'starting'. Recovery adopts the instance
 *     from the inbox row its first user task left (every catalog process starts with one), or
 *     starts the process again when there is none; and should a second instance ever run for
 *     one dossier, reconcile cancels every instance that is not the dossier's own. So no
 *     orphan instance survives and no dossier is left without its process.
 *
 * The dossier row exists before its process does, so the inbox always finds the dossier of a
 * task, whatever the order in which workers run.
 */
import { appendAudit } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Variables } from '../engine/port.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { ruleVersionAt, type LoadedProcedure, type RuleVersion } from '../procedures/index.js';
import { hashSecret, newLookupSecret, nextDossierCode } from './code.js';
import { checkMayAct, offsetsOf, RETURN_STEP, returnStep, versionOf, type DossierDeps } from './context.js';
import { dueDatesVariable, isoVn } from './due-dates.js';
import { form01 } from './forms/build.js';
import { OPEN } from './lifecycle.js';
import type { FormDoc } from './forms/model.js';
import type { Intake } from './intake/validate.js';
import {
  agenciesByCode,
  findAgency,
  findDossier,
  fullNames,
  insertDossier,
  insertEvent,
  insertForm,
  journalFinish,
  journalStart,
  staleIntakes,
} from './store.js';
import type { Actor, AgencyRow, Channel, DossierData, DossierRow } from './types.js';

export interface ReceiveRequest {
  procedureCode: string;
  channel: Channel;
  /** The one-stop section receiving it; default: the counter officer's own agency. */
  receivingAgency?: string;
  intake: unknown;
}

export interface Receipt {
  dossier: DossierRow;
  /** Form 01 as printed for the applicant: the only place the lookup secret ever appears. */
  form01: FormDoc;
  lookupSecret: string;
}

/** Who receives when nobody is signed in: the public portal (online filing). */
export const PORTAL: Actor = { username: 'cong-dich-vu-cong', role: 'system' };

export async function receive(deps: DossierDeps, actor: Actor | undefined, req: ReceiveRequest): Promise<Receipt> {
  const at = new Date(deps.clock.now());
  const who = actor ?? PORTAL;
  if (!actor && req.channel !== 'online') {
    throw new Forbidden('chỉ cán bộ một cửa mới tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính (only counter staff receive counter and postal dossiers)');
  }
  if (actor) checkMayAct(actor, ['counter', 'admin']);

  const procedure = deps.catalog.find(req.procedureCode);
  if (!procedure) throw bad('/procedureCode', `không có thủ tục '${req.procedureCode}'`, `no procedure '${req.procedureCode}' in the catalog`);
  let version: RuleVersion;
  try {
    version = ruleVersionAt(procedure, at);
  } catch (e) {
    if (e instanceof NotFound) throw new Conflict(e.message, { procedureCode: procedure.code });
    throw e;
  }
  if (!version.channels.includes(req.channel)) {
    throw bad(
      '/channel',
      `phiên bản ${version.version} không nhận hồ sơ qua kênh '${req.channel}'`,
      `rule version ${version.version} does not accept the channel '${req.channel}' (accepts ${version.channels.join(', ')})`,
    );
  }
  const back = returnStep(version);
  if (!back)
    throw new Conflict(`${procedure.code} ${version.version} has no '${RETURN_STEP}' step: the dossier room could not tell when its dossiers are done`);

  const agencyCode = req.receivingAgency ?? actor?.agencyCode ?? undefined;
  if (!agencyCode) throw bad('/receivingAgency', 'cần chọn bộ phận một cửa tiếp nhận hồ sơ', 'name the one-stop section receiving the dossier');
  const agency = await findAgency(deps.db, agencyCode);
  if (!agency) throw bad('/receivingAgency', `không có cơ quan '${agencyCode}'`, `no agency '${agencyCode}'`);
  if (agency.kind !== back.agencyKind) {
    throw bad(
      '/receivingAgency',
      `${agency.name} không tiếp nhận thủ tục này: cần bộ phận loại '${back.agencyKind}'`,
      `${agency.code} does not receive this procedure: a '${back.agencyKind}' section does`,
    );
  }
  if (actor?.role === 'counter' && actor.agencyCode !== agency.code) {
    throw new Forbidden(`cán bộ ${actor.username} chỉ tiếp nhận hồ sơ tại ${actor.agencyCode} (counter staff receive only at their own section)`);
  }

  deps.intake.check(procedure.code, version, req.intake, { receivedAt: at });
  const { applicant, ...rest } = req.intake as Intake;

  const cutOff = version.cutOff ?? undefined;
  const appointmentAt = deps.sla.dueDate({ value: version.totalLimit.value, unit: version.totalLimit.unit }, at, cutOff);
  const consulted = Array.isArray(rest.consultedAgencies) ? (rest.consultedAgencies as string[]) : undefined;
  const dueDates = dueDatesVariable(
    await offsetsOf(deps.catalog, procedure, version),
    at,
    appointmentAt,
    (l, s, c) => deps.sla.dueDate(l, s, c),
    cutOff,
    consulted,
  );
  const data: DossierData = { intake: rest, dueDates };

  // scrypt is slow on purpose: outside the transaction.
  const secret = newLookupSecret();
  const secretHash = await hashSecret(secret);

  // ---- T1 ----
  const dossier = await deps.db.tx(async (q) => {
    const code = await nextDossierCode(q, agency, at);
    await journalStart(q, { code, procedureCode: procedure.code, agency: agency.code, at });
    await insertDossier(q, {
      code,
      procedureCode: procedure.code,
      ruleVersion: version.version,
      channel: req.channel,
      receivingAgency: agency,
      applicant,
      data,
      lookupSecretHash: secretHash,
      receivedAt: at,
      receivedBy: actor ? actor.username : null,
      appointmentAt,
    });
    await insertEvent(q, {
      code,
      at,
      from: null,
      to: 'received',
      actor: who,
      reason: null,
      payload: { channel: req.channel, ruleVersion: version.version, appointmentAt: appointmentAt.toISOString() },
    });
    const d = (await findDossier(q, code))!;
    const form = await buildForm01(q, deps, d, procedure, version, agency);
    await insertForm(q, { code, form: '01', at, by: who.username, data: form });
    await appendAudit(q, {
      actor: who.username,
      role: who.role,
      agency: agency.code,
      dossierCode: code,
      action: 'dossier.received',
      at,
      // No personal data here: the audit log is append-only and cannot be erased.
      payload: {
        procedureCode: procedure.code,
        ruleVersion: version.version,
        channel: req.channel,
        appointmentAt: appointmentAt.toISOString(),
        documents: rest.documents.map((x) => x.code),
      },
    });
    return d;
  });

  // ---- E ----
  let instanceKey: string;
  try {
    instanceKey = await startProcess(deps, procedure, version, dossier);
  } catch (e) {
    await undoReceipt(deps, dossier, who, e).catch((err: unknown) =>
      deps.log.error({ err, dossierCode: dossier.code }, 'could not undo a receipt whose process did not start'),
    );
    throw e;
  }

  // ---- T2 ----
  await finishReceipt(deps, dossier, version, instanceKey).catch(async (e: unknown) => {
    deps.log.warn({ err: e, dossierCode: dossier.code }, 'finishing the receipt failed; retrying once (reconcile retries later)');
    await finishReceipt(deps, dossier, version, instanceKey).catch((err: unknown) =>
      deps.log.error({ err, dossierCode: dossier.code }, 'receipt left unfinished for reconcile'),
    );
  });

  const printed = await deps.db.tx(async (q) => buildForm01(q, deps, dossier, procedure, version, agency, secret));
  const now = (await findDossier(deps.db, dossier.code)) ?? dossier;
  return { dossier: now, form01: printed, lookupSecret: secret };
}

async function buildForm01(
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
  const { rows } = await q.query(`select 1 from domain.sla_clocks where dossier_code = $1 and kind = 'dossier' limit 1`, [d.code]);
  if (!rows.length) {
    await deps.sla.startDossierClock(q, {
      dossierCode: d.code,
      limit: { value: version.totalLimit.value, unit: version.totalLimit.unit },
      startedAt: d.receivedAt,
      cutOff: version.cutOff ?? undefined,
    });
    // Linked only after the agencies finished (recovery of an old receipt): judged when they did.
    if (d.doneAt) await deps.sla.stopDossier(q, d.code, d.doneAt);
  }
  await journalFinish(q, d.code, 'received', new Date(deps.clock.now()), { key: instanceKey });
}

/** T3: the process did not start, so the receipt did not happen; the journal and the audit log keep why. */
async function undoReceipt(deps: DossierDeps, d: DossierRow, who: Actor, cause: unknown): Promise<void> {
  const at = new Date(deps.clock.now());
  const reason = cause instanceof Error ? cause.message : String(cause);
  await deps.db.tx(async (q) => {
    await q.query(`delete from domain.dossier_forms where dossier_code = $1`, [d.code]);
    await q.query(`delete from domain.dossier_events where dossier_code = $1`, [d.code]);
    await q.query(`delete from domain.dossiers where code = $1`, [d.code]);
    await journalFinish(q, d.code, 'failed', at, { error: reason.slice(0, 1000) });
    await appendAudit(q, {
      actor: who.username,
      role: who.role,
      agency: d.receivingAgency,
      dossierCode: d.code,
      action: 'dossier.receipt_failed',
      at,
      payload: { reason: reason.slice(0, 500), note: 'quy trình không khởi tạo được; hồ sơ không được tiếp nhận, mã không dùng lại' },
    });
  });
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
      const d = await findDossier(deps.db, code);
      if (!d) {
        // T1 never committed its dossier or T3 removed it: nothing was received.
        await deps.db.tx((q) => journalFinish(q, code, 'failed', new Date(deps.clock.now()), { error: 'no dossier row (receipt interrupted)' }));
        continue;
      }
      const { procedure, version } = versionOf(deps.catalog, d);
      let key = d.processInstanceKey;
      if (!key) {
        const { rows } = await deps.db.query<{ key: string }>(
          `select process_instance_key::text as key from domain.tasks where dossier_code = $1 order by id limit 1`,
          [code],
        );
        key = rows[0]?.key ?? null;
      }
      if (!key && !OPEN.includes(d.status)) {
        // Refused or stopped before its process ever started: there is nothing left to start.
        await deps.db.tx((q) => journalFinish(q, code, 'received', new Date(deps.clock.now())));
        done++;
        continue;
      }
      key ??= await startProcess(deps, procedure, version, d);
      await finishReceipt(deps, d, version, key);
      done++;
    } catch (e) {
      deps.log.warn({ err: e, dossierCode: code }, 'could not recover a receipt; will retry');
    }
  }
  return done;
}

function bad(path: string, vi: string, en: string): Invalid {
  return new Invalid(`${vi} (${en})`, [{ path, messageVi: vi, messageEn: en }]);
}
