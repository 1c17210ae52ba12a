/**
 * What readers get: staff see the whole dossier (within the one visibility rule, visibility.ts),
 * the public sees its status with code + secret, and forms 06 and 07 are built from the live
 * records — the inbox's tasks (read through the tasks room), the SLA step clocks and the audit log.
 */
import { agenciesByCode, findAgency } from '../accounts/index.js';
import { appendAudit, auditForDossier } from '../audit/index.js';
import { Invalid, NotFound } from '../errors.js';
import type { ClockView } from '../sla/index.js';
import { firstTasksOf, tasksOfDossier, type TaskRow } from '../tasks/index.js';
import { formContext } from './actions.js';
import { checkActor, returnStep, versionOf, type DossierDeps } from './context.js';
import type { DossierStatus as SharedStatus, PublicStatus, PublicStep } from './api-types.js';
import { form01 } from './forms/build.js';
import { form06, form07, type ControlStep, type RegisterRow, type StepResult } from './forms/registers.js';
import { address, maskId } from './forms/format.js';
import type { FormDoc, FormNo } from './forms/model.js';
import { statusVi, type DossierStatus } from './lifecycle.js';
import { applicantDossier, LOOKUP_NOT_FOUND } from './lookup.js';
import { normaliseSecret, verifySecret } from './code.js';
import { dossiersWhere, eventsOf, latestForm, openSupplementRequest, supplementRequestsOf } from './store.js';
import type { Actor, DossierRow } from './types.js';
import { checkMaySee, visibleDossier, visibleSql } from './visibility.js';

export type { PublicStatus, PublicStep } from './api-types.js';

/** The shared union (api-types.ts) is the lifecycle's, no more and no less. */
type SameStatuses = [SharedStatus] extends [DossierStatus] ? ([DossierStatus] extends [SharedStatus] ? true : false) : false;
const _sameStatuses: SameStatuses = true;

export async function publicStatus(deps: DossierDeps, code: string, secret: string, address?: string): Promise<PublicStatus> {
  const d = await applicantDossier(deps, code, secret, address);
  const { procedure, version } = versionOf(deps.catalog, d);
  const [open, tasks] = await Promise.all([openSupplementRequest(deps.db, d.code), tasksOfDossier(deps.db, d.code)]);
  const shown = tasks.filter((t) => t.state !== 'cancelled');
  const agencies = await agenciesByCode(deps.db, [d.receivingAgency, ...shown.map((t) => t.agencyCode), ...(open?.agencyCode ? [open.agencyCode] : [])]);
  const agencyName = (c: string) => agencies.get(c)?.name ?? c;
  const step = (t: TaskRow): PublicStep => ({
    agencyName: agencyName(t.agencyCode),
    stepName: t.name,
    since: new Date(t.createdAt).toISOString(),
    finishedAt: t.completedAt ? new Date(t.completedAt).toISOString() : null,
  });
  const result = d.result as { outcome?: string; reason?: string } | null;
  return {
    code: d.code,
    procedure: {
      code: procedure.code,
      name: procedure.name.vi,
      nameEn: procedure.name.en,
      ...(version.appliedCase ? { case: { code: version.appliedCase.code, name: version.appliedCase.name.vi } } : {}),
    },
    status: d.status,
    statusVi: statusVi(d.status),
    applicant: { fullName: d.applicant.fullName, citizenId: maskId(d.applicant.citizenId) },
    receivingAgency: { code: d.receivingAgency, name: agencyName(d.receivingAgency) },
    receivedAt: d.receivedAt.toISOString(),
    appointmentAt: d.appointmentAt.toISOString(),
    steps: shown
      .filter((t) => t.state === 'completed' && t.completedAt)
      .sort((a, b) => new Date(a.completedAt!).getTime() - new Date(b.completedAt!).getTime())
      .map(step),
    current: shown.filter((t) => t.state !== 'completed').map(step),
    supplement: open
      ? {
          requestedAt: open.requestedAt.toISOString(),
          agencyName: open.agencyCode ? agencyName(open.agencyCode) : null,
          reasons: open.reasons,
          items: open.items,
          legalBasis: open.legalBasis,
        }
      : null,
    result: result?.outcome ? { outcome: result.outcome, ...(result.outcome !== 'done' && result.reason ? { reason: result.reason } : {}) } : null,
    returnedAt: d.returnedAt?.toISOString() ?? null,
  };
}

/**
 * The staff view: the dossier, its history, its clocks and its steps. An auditor's read of it is
 * logged by the HTTP layer (http/audit.ts, every GET under /api/dossiers).
 */
export async function staffView(deps: DossierDeps, actor: Actor, code: string): Promise<Record<string, unknown>> {
  const d = await visibleDossier(deps.db, actor, code);
  const { procedure, version } = versionOf(deps.catalog, d);
  const [events, supplements, clocks, tasks, forms] = await Promise.all([
    eventsOf(deps.db, code),
    supplementRequestsOf(deps.db, code),
    deps.sla.clocks(deps.db, code),
    tasksOfDossier(deps.db, code),
    deps.db.query(
      `select form, max(issued_at) as "issuedAt", count(*)::int as count from domain.dossier_forms where dossier_code = $1 group by form order by form`,
      [code],
    ),
  ]);
  const { lookupSecretHash: _hidden, ...rest } = d;
  const agencies = await agenciesByCode(
    deps.db,
    tasks.map((t) => t.agencyCode),
  );
  return {
    ...rest,
    statusVi: statusVi(d.status),
    procedure: {
      code: procedure.code,
      name: procedure.name,
      ...(version.appliedCase ? { case: { code: version.appliedCase.code, name: version.appliedCase.name } } : {}),
    },
    ruleVersion: { version: version.version, effectiveFrom: version.effectiveFrom, effectiveTo: version.effectiveTo },
    events,
    supplementRequests: supplements,
    clocks,
    tasks: [...tasks]
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .map((t) => ({
        id: t.id,
        elementId: t.elementId,
        name: t.name,
        agencyCode: t.agencyCode,
        agencyName: agencies.get(t.agencyCode)?.name ?? null,
        state: t.state,
        assignee: t.assignee,
        dueAt: t.dueAt,
        createdAt: t.createdAt,
        completedAt: t.completedAt,
        completedBy: t.completedBy,
      })),
    forms: forms.rows,
  };
}

/**
 * Form `no` of a dossier: 01–05 as issued (the stored copy), 06 built now. Form 01 with the
 * dossier's lookup secret (`secret`, which only the counter holds, right after the receipt: the
 * service keeps its hash) is the receipt's own copy, the secret printed on it; a wrong secret is
 * refused as the applicant's door refuses one.
 */
export async function dossierForm(deps: DossierDeps, actor: Actor, code: string, no: FormNo, secret?: string): Promise<FormDoc> {
  const d = await visibleDossier(deps.db, actor, code);
  if (no === '01' && secret !== undefined) {
    if (!(await verifySecret(secret, d.lookupSecretHash))) throw new NotFound(LOOKUP_NOT_FOUND);
    const ctx = await deps.db.tx((q) => formContext(q, deps, d));
    const s = normaliseSecret(secret);
    return form01(ctx, { secret: `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`, lookupUrl: deps.lookupUrl });
  }
  if (no === '06') return controlSlip(deps, d);
  if (no === '07') throw new Invalid('form 07 is the register of an agency: GET /api/registers/07?from&to&agency');
  const stored = await latestForm<FormDoc>(deps.db, code, no);
  if (stored) return stored;
  if (no === '01') {
    const ctx = await deps.db.tx((q) => formContext(q, deps, d));
    return form01(ctx);
  }
  throw new NotFound(`hồ sơ ${code} chưa có mẫu số ${no} (form ${no} was never issued for dossier ${code})`);
}

// ---- 06 ---------------------------------------------------------------------------------------

const RESULT: Record<string, StepResult> = {
  met_early: 'early',
  met_on_time: 'on_time',
  met_late: 'late',
  overdue: 'late',
  cancelled: 'cancelled',
  running: 'in_progress',
  at_risk: 'in_progress',
  paused: 'in_progress',
};

/** Form 06 from the inbox's tasks (who had the dossier when), the step clocks (on time?) and the audit log (who handed it over). */
export async function controlSlip(deps: DossierDeps, d: DossierRow): Promise<FormDoc> {
  return deps.db.tx(async (q) => {
    const tasks = await tasksOfDossier(q, d.code);
    const clocks = await deps.sla.clocks(q, d.code);
    const audit = await auditForDossier(q, d.code);
    const byTask = new Map<string, ClockView>(clocks.filter((c) => c.kind === 'step' && c.taskId).map((c) => [c.taskId!, c]));
    const createdAudit = new Map(audit.filter((a) => a.action === 'task.created').map((a) => [String(a.payload.taskId), a.payload]));
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const agencies = await agenciesByCode(q, [d.receivingAgency, ...tasks.map((t) => t.agencyCode)]);
    const ctx = await formContext(
      q,
      deps,
      d,
      tasks.flatMap((t) => [t.assignee, t.completedBy]),
    );
    const agencyName = (c: string) => agencies.get(c)?.name ?? c;
    const person = (u: string | null | undefined) => (u ? (ctx.names.get(u) ?? u) : '');

    const steps: ControlStep[] = tasks.map((t) => {
      const from = createdAudit.get(t.id)?.from as { agencyCode?: string; taskId?: string | null } | undefined;
      const prev = from?.taskId ? byId.get(from.taskId) : undefined;
      const fromAgency = from?.agencyCode ?? d.receivingAgency;
      const clock = byTask.get(t.id);
      const notes: string[] = [];
      for (const p of clock?.pauses ?? []) {
        notes.push(`Tạm dừng từ ${fmt(p.pausedAt)}${p.resumedAt ? ` đến ${fmt(p.resumedAt)}` : ''}: ${p.reason}`);
      }
      if (t.state === 'cancelled') notes.push('Bước bị hủy');
      const result: StepResult =
        t.state === 'cancelled' ? 'cancelled' : clock ? (RESULT[clock.state] ?? 'in_progress') : t.completedAt ? judgeTask(t) : 'in_progress';
      return {
        agency: t.agencyCode,
        agencyName: agencyName(t.agencyCode),
        step: t.elementId,
        stepName: t.name,
        handedOverAt: new Date(t.createdAt).toISOString(),
        from: { agency: fromAgency, agencyName: agencyName(fromAgency), person: person(prev ? prev.completedBy : d.receivedBy) },
        to: { person: person(t.assignee ?? t.completedBy) },
        dueAt: clock?.dueAt?.toISOString() ?? (t.dueAt ? new Date(t.dueAt).toISOString() : null),
        finishedAt: t.completedAt ? new Date(t.completedAt).toISOString() : null,
        result,
        notes,
      };
    });
    return form06(ctx, steps, new Date(deps.clock.now()));
  });
}

function judgeTask(t: TaskRow): StepResult {
  if (!t.dueAt || !t.completedAt) return 'on_time';
  const done = new Date(t.completedAt).getTime();
  const due = new Date(t.dueAt).getTime();
  if (done > due) return 'late';
  const day = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
  return day(done) < day(due) ? 'early' : 'on_time';
}

function fmt(d: Date): string {
  const s = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${s.slice(11, 16)} ${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
}

// ---- 07 ---------------------------------------------------------------------------------------

/** Form 07: the register of dossiers `agency` received from `from` to `to` (days in Asia/Ho_Chi_Minh, inclusive). */
export async function register(deps: DossierDeps, actor: Actor, x: { agency?: string; from: string; to: string }): Promise<FormDoc> {
  checkActor(actor);
  checkMaySee(actor);
  const agencyCode = x.agency ?? actor.agencyCode ?? undefined;
  if (!agencyCode)
    throw new Invalid('cần chọn cơ quan (agency is required)', [{ path: '/agency', messageVi: 'cần chọn cơ quan', messageEn: 'agency is required' }]);
  if (x.to < x.from)
    throw new Invalid('to must not be before from', [{ path: '/to', messageVi: 'ngày cuối không được trước ngày đầu', messageEn: 'must not be before from' }]);
  const agency = await findAgency(deps.db, agencyCode);
  if (!agency) throw new NotFound(`không có cơ quan '${agencyCode}' (no agency '${agencyCode}')`);
  // Only the dossiers the caller may see (visibility.ts), of those the agency received.
  const params: unknown[] = [agency.code, x.from, x.to];
  const scope = visibleSql(actor, (v) => `$${params.push(v)}`);
  const rows = await dossiersWhere(
    deps.db,
    `d.receiving_agency = $1 and d.received_at >= ($2::date::timestamp at time zone 'Asia/Ho_Chi_Minh')
       and d.received_at < (($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh') and ${scope}`,
    params,
  );
  const first = await firstTasksOf(
    deps.db,
    rows.map((r) => r.code),
  );
  const names = await agenciesByCode(
    deps.db,
    [...first.values()].map((f) => f.agencyCode),
  );
  const parent = agency.parentCode ? (await agenciesByCode(deps.db, [agency.parentCode])).get(agency.parentCode) : undefined;
  const lines: RegisterRow[] = rows.map((d) => {
    const { procedure, version } = versionOf(deps.catalog, d);
    const f = first.get(d.code);
    const lead = f
      ? (names.get(f.agencyCode)?.name ?? f.agencyCode)
      : (version.agencies.find((a) => a.code !== returnStep(version)?.agencyKind)?.name.vi ?? '');
    const result = d.result as { outcome?: string; reason?: string } | null;
    return {
      code: d.code,
      procedureName: procedure.name.vi,
      sets: 1,
      applicant: d.applicant.fullName,
      address: address(d.applicant.address),
      phone: d.applicant.phone ?? '',
      leadAgency: lead,
      receivedAt: d.receivedAt.toISOString(),
      appointmentAt: d.appointmentAt.toISOString(),
      handedOverAt: f ? f.createdAt : null,
      resultAt: d.doneAt?.toISOString() ?? null,
      returnedAt: d.returnedAt?.toISOString() ?? null,
      status: d.status,
      notes: [statusVi(d.status), result?.outcome && result.outcome !== 'done' && result.reason ? result.reason : ''].filter(Boolean).join(': '),
    };
  });
  if (actor.role === 'auditor') {
    await deps.db.tx((q) =>
      appendAudit(q, {
        actor: actor.username,
        role: actor.role,
        agency: null,
        dossierCode: null,
        action: 'register.read',
        at: new Date(deps.clock.now()),
        payload: { agency: agency.code, from: x.from, to: x.to, rows: lines.length },
      }),
    );
  }
  return form07({ agency, parent, from: x.from, to: x.to, at: new Date(deps.clock.now()), rows: lines });
}
