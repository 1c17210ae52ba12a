/**
 * The trace of a dossier (GET /api/dossiers/{code}/trace): everything an inspector needs to
 * reconstruct it —
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
 *   bpmn-js overlay colours — and the definition it ran (its BPMN XML with `{ xml: true }`);
 * - `variables`: every change of every process variable of those instances, oldest first, with
 *   the element, job or user task and command that made it, and the person when an inbox task's
 *   completion did (the engine's VARIABLE records);
 * - `people`: the full name of each official the parts above name by username.
 *
 * Each part is read from the room that owns it: the dossier and its events here, the steps
 * through the inbox's functions (tasks room), the clocks through the SLA room, the audit rows
 * through the audit room, and the diagram through the engine's read port (`EngineQueries`), so it
 * works over any engine that implements the port. Who may read it: the one rule of
 * visibility.ts (an auditor's read is itself audited by the HTTP layer, http/personal-data.ts);
 * what they see: auditors the values in clear, everyone else with citizen ID and phone numbers
 * masked in events, audit payloads and variables.
 */
import { agenciesByCode, fullNames } from '../accounts/index.js';
import { auditForDossier, type AuditRow } from '../audit/index.js';
import type { SearchResult } from '../engine/queries.js';
import { NotFound } from '../errors.js';
import { maskDeep } from '../security/personal-data.js';
import type { ClockView } from '../sla/index.js';
import { tasksOfDossier } from '../tasks/index.js';
import type { DiagramState, Jsonified, TimelineEntry, Trace as TraceJson, TraceVariableChange, Verdict } from './api-types.js';
import { versionOf, type DossierDeps, type DossierQueries } from './context.js';
import { statusVi, type DossierStatus } from './lifecycle.js';
import { eventsOf } from './store.js';
import type { Actor } from './types.js';
import { visibleDossier } from './visibility.js';

export type { DiagramState, TimelineEntry, TraceVariableChange } from './api-types.js';

const MET: Record<string, Verdict> = { met_early: 'early', met_on_time: 'on_time', met_late: 'late' };

/**
 * Working hours from the statutory due instant to the stop (or to `now` for a clock still running
 * past it): negative is early, positive late; null for a clock running within its time.
 */
function overrunHours(sla: Pick<DossierDeps['sla'], 'workingHoursBetween'>, c: ClockView, now: Date): number | null {
  const running = c.state === 'running' || c.state === 'at_risk' || c.state === 'overdue';
  const end = c.stoppedAt ?? (running && now > c.statutoryDueAt ? now : null);
  if (!end || c.state === 'cancelled') return null;
  return Math.round(sla.workingHoursBetween(c.statutoryDueAt, end) * 100) / 100;
}

function clockJson(c: ClockView, overrun: number | null = null) {
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
    /** Working hours past the statutory due instant (negative: before it); docs/sla.md. */
    overrunHours: overrun,
    pauses: c.pauses,
    extensions: c.extensions,
  };
}

export type Trace = Awaited<ReturnType<typeof trace>>;

/**
 * The answer, once JSON, is the shape the pages read (api-types.ts `Trace`): a field renamed or
 * retyped here and not there fails the type-check.
 */
export type TraceAnswerIsTrace = Assignable<Jsonified<Trace>, TraceJson>;
type Assignable<A extends B, B> = A;

export interface TraceOptions {
  /** Each diagram with the deployed BPMN XML of its definition. */
  xml?: boolean;
}

/** The trace of `code` as `actor` may see it; NotFound outside the visibility rule. */
export async function trace(deps: Pick<DossierDeps, 'db' | 'sla' | 'queries' | 'clock' | 'catalog'>, actor: Actor, code: string, opts: TraceOptions = {}) {
  // The dossier room's, the inbox's, the SLA room's and the audit log's rows in one transaction;
  // the engine's read side afterwards (on PGlite's single connection a read beside an open
  // transaction would wait for it).
  const { dossier, tasks, events, clocks, audit, people, agencyName } = await deps.db.tx(async (q) => {
    const dossier = await visibleDossier(q, actor, code);
    const tasks = await tasksOfDossier(q, code);
    const events = (await eventsOf(q, code))
      .map(({ payload: _payload, ...e }) => e)
      .sort((x, y) => x.at.getTime() - y.at.getTime() || (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
    const clocks = await deps.sla.clocks(q, code);
    const audit = await auditForDossier(q, code);
    const agencyCodes = [dossier.receivingAgency, ...tasks.map((t) => t.agencyCode), ...events.map((e) => e.agencyCode)].filter((c): c is string => !!c);
    const agencies = await agenciesByCode(q, [...new Set(agencyCodes)]);
    const people = await fullNames(q, [
      dossier.receivedBy,
      ...events.map((e) => e.actor),
      ...tasks.flatMap((t) => [t.assignee, t.completedBy]),
      ...audit.map((a) => a.actor),
    ]);
    return { dossier, tasks, events, clocks, audit, people, agencyName: new Map([...agencies].map(([c, a]) => [c, a.name])) };
  });

  const now = new Date(deps.clock.now());
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
      sla: c ? clockJson(c, overrunHours(deps.sla, c, now)) : null,
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
      what: statusChange(e.fromStatus, e.toStatus, e.reason),
    });
  }
  for (const t of tasks) {
    timeline.push({
      at: iso(t.createdAt),
      kind: 'handover',
      actor: null,
      agencyCode: t.agencyCode,
      what: `chuyển đến ${agencyName.get(t.agencyCode) ?? t.agencyCode}: ${t.name}`,
      taskId: t.id,
    });
    if (t.claimedAt)
      timeline.push({
        at: iso(t.claimedAt),
        kind: 'claim',
        actor: t.assignee,
        agencyCode: t.agencyCode,
        what: `nhận xử lý: ${t.name}`,
        taskId: t.id,
      });
    if (t.completedAt)
      timeline.push({
        at: iso(t.completedAt),
        kind: 'complete',
        actor: t.completedBy,
        agencyCode: t.agencyCode,
        what: `hoàn thành: ${t.name}`,
        taskId: t.id,
      });
  }
  for (const a of audit) timeline.push({ at: a.at, kind: 'audit', actor: a.actor, agencyCode: a.agency, what: a.action, seq: a.seq });
  // At one instant: a step completes before the next is handed over; audit rows come last.
  const order: Record<TimelineEntry['kind'], number> = { status: 0, complete: 1, handover: 2, claim: 3, audit: 4 };
  timeline.sort((x, y) => x.at.localeCompare(y.at) || order[x.kind] - order[y.kind]);

  const diagram = dossier.processInstanceKey ? await diagramStates(engineQueries(deps), dossier.processInstanceKey, opts) : [];
  const byTaskKey = new Map<string, (typeof tasks)[number]>();
  for (const t of tasks) {
    if (t.jobKey) byTaskKey.set(`job:${t.jobKey}`, t);
    if (t.userTaskKey) byTaskKey.set(`userTask:${t.userTaskKey}`, t);
  }
  const variables = (
    await variableChanges(
      engineQueries(deps),
      diagram.map((d) => d.processInstanceKey),
    )
  ).map((v): TraceVariableChange => {
    const task = (v.userTaskKey && byTaskKey.get(`userTask:${v.userTaskKey}`)) || (v.jobKey && byTaskKey.get(`job:${v.jobKey}`)) || undefined;
    return { ...v, taskId: task?.id ?? null, person: task?.completedBy ?? null, agencyCode: task?.agencyCode ?? null };
  });

  // Auditors read in clear (and the HTTP layer audits the read); anyone else sees citizen ID and
  // phone numbers masked wherever a reason, a note, an audit payload or a variable quoted them.
  const clear = actor.role === 'auditor' || actor.role === 'system';
  const shown = <T>(x: T): T => (clear ? x : (maskDeep(x) as T));
  return {
    dossier: {
      code: dossier.code,
      procedureCode: dossier.procedureCode,
      ruleVersion: dossier.ruleVersion,
      caseName: dossier.caseCode ? (versionOf(deps.catalog, dossier).version.appliedCase?.name.vi ?? dossier.caseCode) : null,
      status: dossier.status,
      channel: dossier.channel,
      receivingAgency: dossier.receivingAgency,
      receivedAt: dossier.receivedAt,
      receivedBy: dossier.receivedBy,
      appointmentAt: dossier.appointmentAt,
      processInstanceKey: dossier.processInstanceKey,
      doneAt: dossier.doneAt,
      returnedAt: dossier.returnedAt,
      receivingAgencyName: agencyName.get(dossier.receivingAgency) ?? null,
    },
    steps,
    clocks: clocks.map((c) => clockJson(c, overrunHours(deps.sla, c, now))),
    events: shown(events),
    audit: shown(audit.map(auditJson)),
    timeline: shown(timeline),
    diagram,
    variables: shown(variables),
    /** The full name of each staff account the trace names (by username); the system and API clients have none. */
    people: Object.fromEntries(people),
  };
}

function auditJson(a: AuditRow) {
  return { seq: a.seq, at: a.at, actor: a.actor, role: a.role, agency: a.agency, action: a.action, payload: a.payload };
}

function engineQueries(deps: Pick<DossierDeps, 'queries'>): DiagramQueries {
  if (!deps.queries) throw new Error("the dossier room was built without the engine's read side (DossierServiceOptions.queries): the trace needs it");
  return deps.queries;
}

// ---- the diagram --------------------------------------------------------------------------------

export type DiagramQueries = Pick<
  DossierQueries,
  | 'getProcessInstance'
  | 'searchProcessInstances'
  | 'searchElementInstances'
  | 'getSequenceFlows'
  | 'searchIncidents'
  | 'searchVariableChanges'
  | 'getProcessDefinitionXml'
>;

/** How deep call activities are followed from the dossier's own instance. */
const MAX_DEPTH = 20;
const PAGE = 1_000;

/** Every item of a search, page by page. */
async function all<T>(search: (page: { from: number; limit: number }) => Promise<SearchResult<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let from = 0; ; from += PAGE) {
    const r = await search({ from, limit: PAGE });
    out.push(...r.items);
    if (r.items.length < PAGE || out.length >= r.totalItems) return out;
  }
}

/** Element states of a process instance and of every instance it called, through the engine's read port. */
export async function diagramStates(queries: DiagramQueries, processInstanceKey: string, opts: TraceOptions = {}): Promise<DiagramState[]> {
  let root;
  try {
    root = await queries.getProcessInstance(processInstanceKey);
  } catch (e) {
    if (e instanceof NotFound) return [];
    throw e;
  }
  // The instance tree, level by level (each level in key order), as deep as MAX_DEPTH.
  const instances = [root];
  let level = [root.processInstanceKey];
  for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
    const parents = level;
    const children = await all((page) =>
      queries.searchProcessInstances({
        filter: { parentProcessInstanceKey: { $in: parents } },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        page,
      }),
    );
    instances.push(...children);
    level = children.map((c) => c.processInstanceKey);
  }
  const keys = instances.map((i) => i.processInstanceKey);
  const elements = await all((page) =>
    queries.searchElementInstances({
      filter: { processInstanceKey: { $in: keys } },
      sort: [{ field: 'elementInstanceKey', order: 'ASC' }],
      page,
    }),
  );
  const incidents = await all((page) =>
    queries.searchIncidents({
      filter: { processInstanceKey: { $in: keys }, state: 'ACTIVE' },
      sort: [{ field: 'incidentKey', order: 'ASC' }],
      page,
    }),
  );
  const flows = new Map<string, string[]>();
  for (const k of keys)
    flows.set(
      k,
      (await queries.getSequenceFlows(k)).map((f) => f.elementId),
    );

  const xml = new Map<string, string>();
  if (opts.xml) for (const k of new Set(instances.map((i) => i.processDefinitionKey))) xml.set(k, await queries.getProcessDefinitionXml(k));

  return instances.map((i) => {
    const mine = elements.filter((e) => e.processInstanceKey === i.processInstanceKey);
    const ids = (state: string) => [...new Set(mine.filter((e) => e.state === state).map((e) => e.elementId))].sort();
    return {
      processInstanceKey: i.processInstanceKey,
      bpmnProcessId: i.processDefinitionId,
      processDefinitionKey: i.processDefinitionKey,
      processDefinitionVersion: i.processDefinitionVersion,
      ...(opts.xml ? { xml: xml.get(i.processDefinitionKey) } : {}),
      state: i.state,
      parentProcessInstanceKey: i.parentProcessInstanceKey ?? null,
      calledBy: elements.find((e) => e.elementInstanceKey === i.parentElementInstanceKey)?.elementId ?? null,
      active: ids('ACTIVE'),
      completed: ids('COMPLETED'),
      terminated: ids('TERMINATED'),
      takenSequenceFlows: [...new Set(flows.get(i.processInstanceKey) ?? [])].sort(),
      incidents: incidents
        .filter((x) => x.processInstanceKey === i.processInstanceKey)
        .map(({ elementId, errorType, errorMessage }) => ({ elementId, errorType, errorMessage })),
    };
  });
}

/** Every change of the variables of `keys` (the dossier's instance and those it called), oldest first. */
async function variableChanges(queries: DiagramQueries, keys: string[]) {
  if (!keys.length) return [];
  const changes = await all((page) =>
    queries.searchVariableChanges({ filter: { processInstanceKey: { $in: keys } }, sort: [{ field: 'position', order: 'ASC' }], page }),
  );
  return changes.map(({ tenantId: _tenantId, ...c }) => c);
}

/** A status event as the trace's timeline reads it, in Vietnamese: 'đang giải quyết → chờ bổ sung (lý do)'; the receipt 'đã tiếp nhận'; the status and the reason when it stayed. */
function statusChange(from: DossierStatus | null, to: DossierStatus, reason: string | null): string {
  if (from === to) return `${statusVi(to)}: ${reason ?? 'không đổi trạng thái'}`;
  return `${from ? `${statusVi(from)} → ` : ''}${statusVi(to)}${reason ? ` (${reason})` : ''}`;
}
