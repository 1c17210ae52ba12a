/**
 * GET /api/dossiers/{code}/trace — everything an inspector needs to reconstruct a dossier:
 *
 * - `steps`: one per agency step (inbox task): agency, handed over at (the task's creation),
 *   who claimed it and when, who completed it and when, and its SLA clock (state, due, met
 *   early / on time / late);
 * - `clocks`: the dossier's own clock (the appointment on form 01) and every step clock;
 * - `events`: the dossier's status changes (domain.dossier_events);
 * - `audit`: the dossier's rows of the hash-chained audit log;
 * - `timeline`: all of the above as one list in time order;
 * - `diagram`: for each process instance (the dossier's, then called ones) the element ids that
 *   are completed, active or terminated, the sequence flows taken and open incidents — what a
 *   bpmn-js overlay colours.
 *
 * It lives in http/ because it reads the SLA room (clock states) as well as the database; the
 * audit room may import only db.
 *
 * Who: admins and auditors (an auditor's read is itself audited: audit.ts, auditPersonalDataReads);
 * officers and counter staff only for a dossier their agency received or holds a step of —
 * otherwise 404, so another agency cannot learn that the dossier exists.
 */
import { Router, type Request } from 'express';
import { auditForDossier, type AuditRow } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { Invalid, NotFound } from '../errors.js';
import type { ClockView } from '../sla/index.js';
import { requireRole, type Principal } from './auth.js';
import { describeRoute } from './routes.js';

export interface ClockReader {
  clocks(q: Queryable, dossierCode: string): Promise<ClockView[]>;
}

export interface TraceDeps {
  db: Queryable & { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> };
  sla: ClockReader;
}

export function traceRouter(deps: TraceDeps): Router {
  const router = Router();
  router.get(
    '/dossiers/:code/trace',
    requireRole('officer', 'counter', 'auditor', 'admin'),
    describeRoute({ summary: 'Dòng thời gian của hồ sơ: từng bước, cơ quan, người xử lý, thời điểm, trạng thái hạn (trace of a dossier)' }),
    async (req, res) => {
      const code = dossierCode(req);
      res.json(await deps.db.tx((q) => buildTrace(q, deps.sla, req.user!, code)));
    },
  );
  return router;
}

export function dossierCode(req: Request): string {
  const v = req.params.code;
  if (typeof v !== 'string' || !/^[A-Za-z0-9.\-_]{1,64}$/.test(v)) {
    throw new Invalid(`mã hồ sơ không hợp lệ (not a dossier code): ${JSON.stringify(v)}`, [{ parameter: 'code', value: v }]);
  }
  return v;
}

interface DossierRow {
  code: string;
  procedureCode: string;
  ruleVersion: string;
  status: string;
  channel: string;
  receivingAgency: string;
  receivedAt: Date;
  receivedBy: string | null;
  appointmentAt: Date;
  processInstanceKey: string | null;
  doneAt: Date | null;
  returnedAt: Date | null;
}

/** The dossier if `user` may see it; NotFound otherwise (also when it does not exist). */
export async function visibleDossier(q: Queryable, user: Principal, code: string): Promise<DossierRow> {
  const { rows } = await q.query<DossierRow>(
    `select d.code, d.procedure_code as "procedureCode", d.rule_version as "ruleVersion", d.status, d.channel,
            d.receiving_agency as "receivingAgency", d.received_at as "receivedAt", d.received_by as "receivedBy",
            d.appointment_at as "appointmentAt", d.process_instance_key::text as "processInstanceKey",
            d.done_at as "doneAt", d.returned_at as "returnedAt"
       from domain.dossiers d
      where d.code = $1
        and ($2::text in ('admin', 'auditor')
             or ($2::text in ('officer', 'counter') and $3::text is not null
                 and (d.receiving_agency = $3 or exists (select 1 from domain.tasks t where t.dossier_code = d.code and t.agency_code = $3))))`,
    [code, user.role, user.agencyCode],
  );
  if (!rows.length) throw new NotFound(`không tìm thấy hồ sơ ${code} (no such dossier)`);
  return rows[0];
}

type Met = 'early' | 'on_time' | 'late';
const MET: Record<string, Met> = { met_early: 'early', met_on_time: 'on_time', met_late: 'late' };

function clockJson(c: ClockView) {
  return {
    id: c.id,
    kind: c.kind,
    agencyCode: c.agencyCode,
    step: c.step,
    limit: c.limit,
    state: c.state,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    statutoryDueAt: c.statutoryDueAt,
    stoppedAt: c.stoppedAt,
    result: MET[c.state] ?? null,
    pauses: c.pauses,
    extensions: c.extensions,
  };
}

interface TaskRow {
  id: string;
  elementId: string;
  name: string;
  agencyCode: string;
  agencyKind: string | null;
  state: string;
  assignee: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  completedAt: Date | null;
  completedBy: string | null;
  dueAt: Date | null;
}

interface EventRow {
  id: string;
  at: Date;
  fromStatus: string | null;
  toStatus: string;
  actor: string;
  agencyCode: string | null;
  reason: string | null;
}

export interface TimelineEntry {
  at: string;
  kind: 'status' | 'handover' | 'claim' | 'complete' | 'audit';
  actor: string | null;
  agencyCode: string | null;
  what: string;
  taskId?: string;
  seq?: string;
}

export async function buildTrace(q: Queryable, sla: ClockReader, user: Principal, code: string) {
  const dossier = await visibleDossier(q, user, code);
  const { rows: tasks } = await q.query<TaskRow>(
    `select id::text, element_id as "elementId", name, agency_code as "agencyCode", agency_kind as "agencyKind", state,
            assignee, created_at as "createdAt", claimed_at as "claimedAt", completed_at as "completedAt",
            completed_by as "completedBy", due_at as "dueAt"
       from domain.tasks where dossier_code = $1 order by created_at, id`,
    [code],
  );
  const { rows: events } = await q.query<EventRow>(
    `select id::text, at, from_status as "fromStatus", to_status as "toStatus", actor, agency_code as "agencyCode", reason
       from domain.dossier_events where dossier_code = $1 order by at, id`,
    [code],
  );
  const clocks = await sla.clocks(q, code);
  const audit = await auditForDossier(q, code);
  const agencyCodes = [...new Set([dossier.receivingAgency, ...tasks.map((t) => t.agencyCode), ...events.map((e) => e.agencyCode)].filter(Boolean))];
  const { rows: agencyRows } = await q.query<{ code: string; name: string }>(`select code, name from domain.agencies where code = any($1::text[])`, [agencyCodes]);
  const agencyName = new Map(agencyRows.map((a) => [a.code, a.name]));

  const stepClock = new Map(clocks.filter((c) => c.kind === 'step' && c.taskId).map((c) => [c.taskId!, c]));
  const steps = tasks.map((t) => {
    const c = stepClock.get(t.id);
    return {
      taskId: t.id,
      elementId: t.elementId,
      name: t.name,
      agencyCode: t.agencyCode,
      agencyName: agencyName.get(t.agencyCode) ?? null,
      state: t.state,
      handedOverAt: t.createdAt,
      claimedBy: t.assignee,
      claimedAt: t.claimedAt,
      completedBy: t.completedBy,
      completedAt: t.completedAt,
      dueAt: c?.dueAt ?? t.dueAt,
      sla: c ? clockJson(c) : null,
    };
  });

  const timeline: TimelineEntry[] = [];
  const iso = (d: Date | string) => new Date(d).toISOString();
  for (const e of events) {
    timeline.push({
      at: iso(e.at),
      kind: 'status',
      actor: e.actor,
      agencyCode: e.agencyCode,
      what: `${e.fromStatus ?? '∅'} → ${e.toStatus}${e.reason ? ` (${e.reason})` : ''}`,
    });
  }
  for (const t of tasks) {
    timeline.push({ at: iso(t.createdAt), kind: 'handover', actor: null, agencyCode: t.agencyCode, what: `chuyển đến ${agencyName.get(t.agencyCode) ?? t.agencyCode}: ${t.name}`, taskId: t.id });
    if (t.claimedAt) timeline.push({ at: iso(t.claimedAt), kind: 'claim', actor: t.assignee, agencyCode: t.agencyCode, what: `nhận xử lý: ${t.name}`, taskId: t.id });
    if (t.completedAt) timeline.push({ at: iso(t.completedAt), kind: 'complete', actor: t.completedBy, agencyCode: t.agencyCode, what: `hoàn thành: ${t.name}`, taskId: t.id });
  }
  for (const a of audit) timeline.push({ at: a.at, kind: 'audit', actor: a.actor, agencyCode: a.agency, what: a.action, seq: a.seq });
  // At one instant: a step completes before the next is handed over; audit rows come last.
  const order: Record<TimelineEntry['kind'], number> = { status: 0, complete: 1, handover: 2, claim: 3, audit: 4 };
  timeline.sort((x, y) => x.at.localeCompare(y.at) || order[x.kind] - order[y.kind]);

  return {
    dossier: { ...dossier, receivingAgencyName: agencyName.get(dossier.receivingAgency) ?? null },
    steps,
    clocks: clocks.map(clockJson),
    events,
    audit: audit.map(auditJson),
    timeline,
    diagram: dossier.processInstanceKey ? await diagramStates(q, dossier.processInstanceKey) : [],
  };
}

function auditJson(a: AuditRow) {
  return { seq: a.seq, at: a.at, actor: a.actor, role: a.role, agency: a.agency, action: a.action, payload: a.payload };
}

export interface DiagramState {
  processInstanceKey: string;
  bpmnProcessId: string;
  state: string;
  /** The call activity (in the parent instance) that started it; null for the dossier's own. */
  parentProcessInstanceKey: string | null;
  active: string[];
  completed: string[];
  terminated: string[];
  takenSequenceFlows: string[];
  incidents: { elementId: string; errorType: string; errorMessage: string }[];
}

const LIVE_INTENTS = new Set(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_TERMINATING']);

/** Element states of a process instance and every instance it called, from engine.events. */
export async function diagramStates(q: Queryable, processInstanceKey: string): Promise<DiagramState[]> {
  const { rows: instances } = await q.query<{ key: string; bpmnProcessId: string; state: string; parent: string | null }>(
    `with recursive tree as (
       select key, bpmn_process_id, state, parent_process_instance_key, 0 as depth from engine.process_instances where key = $1
       union all
       select p.key, p.bpmn_process_id, p.state, p.parent_process_instance_key, tree.depth + 1
         from engine.process_instances p join tree on p.parent_process_instance_key = tree.key
        where tree.depth < 20
     )
     select key::text, bpmn_process_id as "bpmnProcessId", state, parent_process_instance_key::text as parent from tree order by depth, key`,
    [processInstanceKey],
  );
  if (!instances.length) return [];
  const keys = instances.map((i) => i.key);
  // The last event of each element instance says where it stands.
  const { rows: last } = await q.query<{ pik: string; elementId: string; intent: string }>(
    `select distinct on (element_instance_key) process_instance_key::text as pik, element_id as "elementId", intent
       from engine.events
      where process_instance_key = any($1::bigint[]) and value_type = 'PROCESS_INSTANCE'
        and element_type is distinct from 'PROCESS' and element_type is distinct from 'SEQUENCE_FLOW' and element_id is not null
      order by element_instance_key, position desc`,
    [keys],
  );
  const { rows: flows } = await q.query<{ pik: string; elementId: string }>(
    `select distinct process_instance_key::text as pik, element_id as "elementId" from engine.events
      where process_instance_key = any($1::bigint[]) and intent = 'SEQUENCE_FLOW_TAKEN'`,
    [keys],
  );
  const { rows: incidents } = await q.query<{ pik: string; elementId: string; errorType: string; errorMessage: string }>(
    `select process_instance_key::text as pik, element_id as "elementId", error_type as "errorType", error_message as "errorMessage"
       from engine.incidents where process_instance_key = any($1::bigint[]) and state = 'ACTIVE' order by key`,
    [keys],
  );
  return instances.map((i) => {
    const mine = last.filter((e) => e.pik === i.key);
    const ids = (pred: (intent: string) => boolean) => [...new Set(mine.filter((e) => pred(e.intent)).map((e) => e.elementId))].sort();
    return {
      processInstanceKey: i.key,
      bpmnProcessId: i.bpmnProcessId,
      state: i.state,
      parentProcessInstanceKey: i.parent,
      active: ids((x) => LIVE_INTENTS.has(x)),
      completed: ids((x) => x === 'ELEMENT_COMPLETED'),
      terminated: ids((x) => x === 'ELEMENT_TERMINATED'),
      takenSequenceFlows: [...new Set(flows.filter((f) => f.pik === i.key).map((f) => f.elementId))].sort(),
      incidents: incidents.filter((x) => x.pik === i.key).map(({ elementId, errorType, errorMessage }) => ({ elementId, errorType, errorMessage })),
    };
  });
}
