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
 *     the error and no form 01. The code is never reused: the journal explains the gap. An engine
 *     that timed out may have started the instance all the same: reconcile cancels that orphan
 *     (strays.ts).
 *   - T2 fails → the dossier is received (form 01 is in hand) and its process runs; T2 is
 *     retried, and `recoverIntakes` (reconcile) finishes any receipt still 'starting' later.
 *   - a crash between E and T2 → the journal still says 'starting'. Recovery adopts the instance
 *     from the inbox row its first user task left (every catalog process starts with one), else
 *     the live instance the engine holds with the dossier's code, or starts the process again
 *     when there is none; and should a second instance ever run for
 *     one dossier, reconcile cancels every instance that is not the dossier's own. So no
 *     orphan instance survives and no dossier is left without its process.
 *
 * The dossier row exists before its process does, so the inbox always finds the dossier of a
 * task, whatever the order in which workers run.
 */
import { findAgency } from '../accounts/index.js';
import { appendAudit } from '../audit/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { caseFor, ruleVersionAt, withCase, type RuleVersion } from '../procedures/index.js';
import { hashSecret, newLookupSecret, nextDossierCode } from './code.js';
import { checkMayAct, offsetsOf, RETURN_STEP, returnStep, versionOf, type DossierDeps } from './context.js';
import { dueDatesVariable } from './due-dates.js';
import type { FormDoc } from './forms/model.js';
import type { Intake } from './intake/validate.js';
import { buildForm01, finishReceipt, recoverIntake, startProcess } from './receipt-steps.js';
import { findDossier, insertDossier, insertEvent, insertForm, intakeByKey, journalFinish, journalStart, type KeyedIntake } from './store.js';
import type { Actor, Channel, DossierData, DossierRow } from './types.js';

export interface ReceiveRequest {
  procedureCode: string;
  channel: Channel;
  /** The one-stop section receiving it; default: the counter officer's own agency. */
  receivingAgency?: string;
  intake: unknown;
  /**
   * The caller's key for this receipt (HTTP `Idempotency-Key`): a request sent again with the same
   * key, at the same section, gets the dossier the first one received — not a second dossier.
   */
  idempotencyKey?: string;
}

export interface Receipt {
  dossier: DossierRow;
  /** Form 01 as printed for the applicant: the only place the lookup secret ever appears. */
  form01: FormDoc;
  lookupSecret: string;
  /**
   * The key named a receipt made before: this is that dossier (its receipt finished if it had
   * been interrupted), with a new lookup secret — the first answer never reached the caller, or
   * its secret is void now.
   */
  repeated?: boolean;
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
  deps.intake.check(procedure.code, version, req.intake, { receivedAt: at });
  // The case (a detached house…) decides the limits and who receives: read the version through it from here on.
  version = withCase(version, caseFor(version, req.intake as Record<string, unknown>)?.code);
  const back = returnStep(version);
  if (!back)
    throw new Conflict(`${procedure.code} ${version.version} has no '${RETURN_STEP}' step: the dossier room could not tell when its dossiers are done`);

  const agencyCode = req.receivingAgency ?? actor?.agencyCode ?? undefined;
  if (!agencyCode) throw bad('/receivingAgency', 'cần chọn bộ phận một cửa tiếp nhận hồ sơ', 'name the one-stop section receiving the dossier');
  const agency = await findAgency(deps.db, agencyCode);
  if (!agency) throw bad('/receivingAgency', `không có cơ quan '${agencyCode}'`, `no agency '${agencyCode}'`);
  if (agency.kind !== back.agencyKind) {
    const kase = version.appliedCase ? ` (${version.appliedCase.name.vi})` : '';
    throw bad(
      '/receivingAgency',
      `${agency.name} không tiếp nhận thủ tục này${kase}: cần bộ phận loại '${back.agencyKind}'`,
      `${agency.code} does not receive this procedure${version.appliedCase ? ` (${version.appliedCase.name.en})` : ''}: a '${back.agencyKind}' section does`,
    );
  }
  if (actor?.role === 'counter' && actor.agencyCode !== agency.code) {
    throw new Forbidden(`cán bộ ${actor.username} chỉ tiếp nhận hồ sơ tại ${actor.agencyCode} (counter staff receive only at their own section)`);
  }

  const key = req.idempotencyKey;
  if (key !== undefined) {
    const prior = await intakeByKey(deps.db, agency.code, key);
    if (prior) return repeatReceipt(deps, who, prior, procedure.code);
  }
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
  let dossier: DossierRow;
  try {
    dossier = await deps.db.tx(async (q) => {
      const code = await nextDossierCode(q, agency, at);
      await journalStart(q, { code, procedureCode: procedure.code, agency: agency.code, at, idempotencyKey: key });
      await insertDossier(q, {
        code,
        procedureCode: procedure.code,
        ruleVersion: version.version,
        caseCode: version.appliedCase?.code ?? null,
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
        payload: {
          channel: req.channel,
          ruleVersion: version.version,
          ...(version.appliedCase ? { case: version.appliedCase.code } : {}),
          appointmentAt: appointmentAt.toISOString(),
        },
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
          ...(version.appliedCase ? { case: version.appliedCase.code } : {}),
          channel: req.channel,
          appointmentAt: appointmentAt.toISOString(),
          documents: rest.documents.map((x) => x.code),
        },
      });
      return d;
    });
  } catch (e) {
    // The same key sent twice at once: the other request's T1 won; this one answers with its dossier.
    const prior = key !== undefined && isUniqueViolation(e) ? await intakeByKey(deps.db, agency.code, key) : undefined;
    if (prior) return repeatReceipt(deps, who, prior, procedure.code);
    throw e;
  }

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

/** T3: the process did not start, so the receipt did not happen; the journal and the audit log keep why. */
async function undoReceipt(deps: DossierDeps, d: DossierRow, who: Actor, cause: unknown): Promise<void> {
  const at = new Date(deps.clock.now());
  const reason = cause instanceof Error ? cause.message : String(cause);
  await deps.db.tx(async (q) => {
    await q.query(`delete from domain.dossier_forms where dossier_code = $1`, [d.code]);
    await q.query(`delete from domain.dossier_events where dossier_code = $1`, [d.code]);
    await q.query(`delete from domain.dossier_agencies where dossier_code = $1`, [d.code]);
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
 * A receipt sent again under its idempotency key: the dossier the first request received, its
 * receipt finished now if it was interrupted, with a new lookup secret (the first answer's, if it
 * ever arrived, is void) and form 01 printed with it. Another procedure under the same key is a
 * Conflict: a key names one receipt.
 */
async function repeatReceipt(deps: DossierDeps, who: Actor, prior: KeyedIntake, procedureCode: string): Promise<Receipt> {
  if (prior.procedureCode !== procedureCode) {
    throw new Conflict(
      `khóa Idempotency-Key đã dùng cho hồ sơ ${prior.code} của thủ tục khác (the Idempotency-Key already names a receipt of another procedure)`,
      { dossierCode: prior.code },
    );
  }
  // Interrupted: finished now if its process is known (its first task), never started twice.
  if (prior.state === 'starting') await recoverIntake(deps, prior.code, { start: false });
  const found = await findDossier(deps.db, prior.code);
  if (!found) throw new Conflict(`hồ sơ ${prior.code} chưa tiếp nhận xong; hãy gửi lại (the first receipt is still being undone; send it again)`);
  const { procedure, version } = versionOf(deps.catalog, found);
  const agency = (await findAgency(deps.db, found.receivingAgency))!;
  const secret = newLookupSecret();
  const secretHash = await hashSecret(secret);
  const at = new Date(deps.clock.now());
  const printed = await deps.db.tx(async (q) => {
    await q.query(`update domain.dossiers set lookup_secret_hash = $2 where code = $1`, [found.code, secretHash]);
    await appendAudit(q, {
      actor: who.username,
      role: who.role,
      agency: found.receivingAgency,
      dossierCode: found.code,
      action: 'dossier.receipt_repeated',
      at,
      payload: { note: 'gửi lại cùng Idempotency-Key: cùng hồ sơ, mã tra cứu mới' },
    });
    return buildForm01(q, deps, found, procedure, version, agency, secret);
  });
  return { dossier: (await findDossier(deps.db, found.code)) ?? found, form01: printed, lookupSecret: secret, repeated: true };
}

/** PostgreSQL's unique_violation, from pg or PGlite. */
function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '23505';
}

function bad(path: string, vi: string, en: string): Invalid {
  return new Invalid(`${vi} (${en})`, [{ path, messageVi: vi, messageEn: en }]);
}
