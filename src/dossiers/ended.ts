/**
 * Dossiers whose process ended while the dossier still waited for it (reconcile, sync.ts): one
 * whose process completed after its result was handed back through the inbox is returned; one
 * whose process ended without reaching the return step — the land procedure's unpaid-tax timer —
 * is stopped by the process (form 05, the reason and legal basis read from the model).
 *
 * Two ways to find them. A full pass asks the engine about every waiting dossier's instance, 200
 * dossiers at a time: O(open dossiers), reading only their keys. A recent pass asks the engine for
 * root instances of the catalog's processes that ended in the last `endedWithinMs` and settles the
 * waiting dossiers among them: O(instances ended lately), through migration 028's index on
 * `ended_at`. The background loop runs recent passes, and a full one at its start and every few
 * minutes, so a pass missed (the service down, the engine unreachable) is caught up.
 */
import { appendAudit } from '../audit/index.js';
import type { ExecutableProcess } from '../bpmn/index.js';
import type { ProcessInstanceItem } from '../engine/queries.js';
import type { RuleVersion } from '../procedures/index.js';
import { lastCompletedTaskOf } from '../tasks/index.js';
import { formContext } from './actions.js';
import { eachCatalogRootPage, processOf, returnStep, versionOf, type DossierDeps } from './context.js';
import { form05 } from './forms/build.js';
import { OPEN, type DossierStatus } from './lifecycle.js';
import { notifyApplicant } from './notices.js';
import { recordReturn } from './return.js';
import { dossierInstances, findDossier, insertEvent, insertForm, moveStatus } from './store.js';
import type { Actor, DossierRow } from './types.js';

const SYSTEM: Actor = { username: 'lienthong.dossiers', role: 'system' };

/** The dossier statuses that still wait for their process. */
const WAITING: DossierStatus[] = [...OPEN, 'done'];

export async function settleEndedProcesses(
  deps: DossierDeps,
  opts: { batch?: number; endedWithinMs?: number },
): Promise<{ stopped: number; returned: number }> {
  const out = { stopped: 0, returned: 0 };
  const settle = async (code: string, pi: ProcessInstanceItem) => {
    try {
      const d = await findDossier(deps.db, code);
      if (!d || !WAITING.includes(d.status)) return;
      const r = await settleEnded(deps, d, pi);
      if (r === 'stopped') out.stopped++;
      if (r === 'returned') out.returned++;
    } catch (e) {
      deps.log.warn({ err: e, dossierCode: code }, 'could not settle a dossier whose process ended');
    }
  };
  if (opts.endedWithinMs !== undefined) {
    for (const [code, pi] of await endedLately(deps, opts.endedWithinMs)) await settle(code, pi);
    return out;
  }
  const batch = opts.batch ?? 200;
  let after = '';
  for (;;) {
    const ds = await dossierInstances(
      deps.db,
      `d.status = any($1::text[]) and d.process_instance_key is not null and d.code > $2`,
      [WAITING, after],
      `order by d.code limit ${batch}`,
    );
    if (!ds.length) break;
    after = ds[ds.length - 1].code;
    const ended = await instancesIn(
      deps,
      ds.map((d) => d.processInstanceKey!),
      ['COMPLETED', 'TERMINATED'],
    );
    for (const { code, processInstanceKey } of ds) {
      const pi = ended.get(processInstanceKey!);
      if (pi) await settle(code, pi);
    }
    if (ds.length < batch) break;
  }
  return out;
}

/** The waiting dossiers whose root instance ended in the last `withinMs`, each with its instance. */
async function endedLately(deps: DossierDeps, withinMs: number): Promise<[string, ProcessInstanceItem][]> {
  const since = new Date(deps.clock.now() - withinMs).toISOString();
  const out: [string, ProcessInstanceItem][] = [];
  await eachCatalogRootPage(deps, { state: { $in: ['COMPLETED', 'TERMINATED'] }, endDate: { $gte: since } }, async (items) => {
    const byKey = new Map(items.map((pi) => [pi.processInstanceKey, pi]));
    const ds = await dossierInstances(deps.db, `d.status = any($1::text[]) and d.process_instance_key = any($2::bigint[])`, [WAITING, [...byKey.keys()]]);
    for (const d of ds) out.push([d.code, byKey.get(d.processInstanceKey!)!]);
  });
  return out;
}

/** The instances among `keys` in one of `states`, by key. */
export async function instancesIn(deps: DossierDeps, keys: string[], states: ProcessInstanceItem['state'][]): Promise<Map<string, ProcessInstanceItem>> {
  const out = new Map<string, ProcessInstanceItem>();
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    const r = await deps.queries!.searchProcessInstances({
      filter: { processInstanceKey: { $in: slice }, state: { $in: states } },
      page: { limit: slice.length },
    });
    for (const pi of r.items) out.set(pi.processInstanceKey, pi);
  }
  return out;
}

/** A dossier whose process instance ended: returned (the return step was completed) or stopped by the process. */
async function settleEnded(deps: DossierDeps, d: DossierRow, pi: ProcessInstanceItem): Promise<'stopped' | 'returned' | undefined> {
  const { procedure, version } = versionOf(deps.catalog, d);
  const back = returnStep(version);
  if (d.status === 'done') {
    if (pi.state !== 'COMPLETED') return undefined;
    const last = back && (await lastCompletedTaskOf(deps.db, d.code, back.elementId));
    const by: Actor = last?.completedBy ? { username: last.completedBy, role: 'counter', agencyCode: last.agencyCode } : SYSTEM;
    await recordReturn(deps, by, d.code, 'trả kết quả qua hộp việc của bộ phận một cửa');
    return 'returned';
  }
  const def = await processOf(deps.catalog, procedure, version);
  const flows = pi.state === 'COMPLETED' ? (await deps.queries!.getSequenceFlows(pi.processInstanceKey)).map((f) => f.elementId) : [];
  const why = stopReason(def, version, flows, pi.state);
  const at = new Date(pi.endDate ?? deps.clock.now());
  const stopped = await deps.db.tx(async (q) => {
    const now = (await findDossier(q, d.code, true))!;
    if (!OPEN.includes(now.status)) return false;
    const result = { outcome: 'stopped', reason: why.reason, legalBasis: why.legalBasis, at: at.toISOString(), by: 'process' };
    if (!(await moveStatus(q, d.code, [now.status], 'stopped', at, { result: JSON.stringify(result), done_at: at.toISOString() }))) return false;
    await insertEvent(q, {
      code: d.code,
      at,
      from: now.status,
      to: 'stopped',
      actor: SYSTEM,
      reason: why.reason,
      payload: { legalBasis: why.legalBasis, endEvent: why.endEvent, byProcess: true },
    });
    await deps.sla.cancelDossier(q, d.code, at);
    const ctx = await formContext(q, deps, { ...now, status: 'stopped' });
    const form = form05(ctx, { at, by: SYSTEM.username, reason: why.reason, legalBasis: why.legalBasis, byProcess: true });
    await insertForm(q, { code: d.code, form: '05', at, by: SYSTEM.username, data: form });
    await appendAudit(q, {
      actor: SYSTEM.username,
      role: 'system',
      agency: d.receivingAgency,
      dossierCode: d.code,
      action: 'dossier.stopped',
      at,
      payload: { reason: why.reason, legalBasis: why.legalBasis, endEvent: why.endEvent, byProcess: true },
    });
    await notifyApplicant(deps, q, now, 'dossier.stopped', at, { form: '05' });
    return true;
  });
  return stopped ? 'stopped' : undefined;
}

/**
 * Why a process stopped, read from the model: the end event it reached and the event that led
 * there (the timer "Hết hạn nộp thuế"); the legal basis is the threshold the timer reads, when
 * it reads one (`=taxPaymentPeriod` → the version's `taxPaymentPeriod` and its source).
 */
export function stopReason(
  def: ExecutableProcess,
  version: RuleVersion,
  takenFlows: string[],
  state: ProcessInstanceItem['state'],
): { reason: string; legalBasis: string; endEvent: string | null } {
  const basis = `${version.legalBasis[0]?.document ?? 'Quy định của thủ tục'} (phiên bản quy định ${version.version})`;
  if (state === 'TERMINATED') return { reason: 'quy trình giải quyết hồ sơ bị hủy', legalBasis: basis, endEvent: null };
  const taken = new Set(takenFlows);
  const reached = Object.values(def.flows).filter((f) => taken.has(f.id) && def.elements[f.target]?.type === 'endEvent');
  const end = reached.map((f) => def.elements[f.target]).find(Boolean);
  // Walk back along taken flows to the event that caused the stop.
  let trigger: ExecutableProcess['elements'][string] | undefined;
  let cursor = end?.id;
  for (let guard = 0; cursor && guard < 100; guard++) {
    const el = def.elements[cursor];
    if (el && (el.type === 'intermediateCatchEvent' || el.type === 'boundaryEvent')) {
      trigger = el;
      break;
    }
    const inFlow = Object.values(def.flows).find((f) => f.target === cursor && taken.has(f.id));
    cursor = inFlow?.source ?? (el?.attachedTo && el.type === 'boundaryEvent' ? el.attachedTo : undefined);
  }
  const reason = [trigger?.name, end?.name].filter(Boolean).join(': ') || 'quy trình kết thúc mà không có kết quả';
  let legalBasis = basis;
  const ev = trigger?.event;
  if (ev?.kind === 'timer' && 'feel' in ev.timer.expression) {
    const t = (version.thresholds ?? []).find((x) => x.code === (ev.timer.expression as { feel: string }).feel.trim());
    if (t) legalBasis = `${t.name.vi}: ${t.value} ${t.unit === 'calendar_days' ? 'ngày' : t.unit} (${t.source})`;
  }
  return { reason: reason.charAt(0).toLowerCase() + reason.slice(1), legalBasis, endEvent: end?.id ?? null };
}
