/**
 * The shape of the dossier room's HTTP answers, shared with the browser app (src/web imports it
 * with `import type`): the public status (views.ts), the search hits (search.ts) and the parts of
 * the trace (trace.ts) that the server and the pages write alike. Instants are ISO 8601 strings,
 * as they travel in JSON.
 *
 * This file must import nothing (at most `import type` from other such dependency-free files, as
 * engine/queries.ts): the web app type-checks it with DOM libs and without Node's types.
 */
import type { VariableChangeItem } from '../engine/queries.js';
import type { ClockLimit } from '../sla/api-types.js';

/**
 * A dossier's status: the states of the lifecycle (lifecycle.ts `STATUSES`, which must list the
 * same values; views.ts checks that the two agree).
 */
export type DossierStatus = 'received' | 'in_progress' | 'supplement_requested' | 'supplemented' | 'done' | 'refused' | 'stopped' | 'returned';

// ---- the public status (GET /api/dossiers/{code} with the lookup secret) -----------------------

/**
 * What the holder of the code and the secret sees: the status, the appointment, the agencies'
 * steps (which agency, which step, when — never which official), what to supplement. No
 * username or official's name is in it: the applicant's own name and masked ID only.
 */
export interface PublicStatus {
  code: string;
  /** `case`: the dossier's case of its rule version (a detached house…), when it has one. */
  procedure: { code: string; name: string; nameEn: string; case?: { code: string; name: string } };
  status: DossierStatus;
  statusVi: string;
  applicant: { fullName: string; citizenId: string };
  /** The one-stop section that received the dossier (where the result is collected). */
  receivingAgency: { code: string; name: string };
  receivedAt: string;
  appointmentAt: string;
  /** The steps the agencies finished, in order. */
  steps: PublicStep[];
  /** Where the dossier is now: the steps handed over and not finished. */
  current: PublicStep[];
  /** What to hand in, while a supplement request is open; `agencyName`: the agency that asked. */
  supplement: {
    requestedAt: string;
    agencyName: string | null;
    reasons: string[];
    items: { name: string; note?: string }[];
    legalBasis: string;
  } | null;
  result: { outcome: string; reason?: string } | null;
  returnedAt: string | null;
}

export interface PublicStep {
  agencyName: string;
  stepName: string;
  /** When the agency received the step. */
  since: string;
  /** When it finished it (null: still with it). */
  finishedAt: string | null;
}

// ---- finding dossiers (GET /api/dossiers?citizenId|from&to) ------------------------------------

/** What every staff answer about a dossier carries: a search hit, and the staff view (GET /api/dossiers/{code}). */
export interface DossierSummary {
  code: string;
  procedureCode: string;
  status: string;
  statusVi: string;
  channel: string;
  receivingAgency: string;
  receivedAt: string;
  appointmentAt: string;
}

export interface DossierHit extends DossierSummary {
  applicant: { fullName: string; citizenId: string };
}

// ---- the trace (GET /api/dossiers/{code}/trace) --------------------------------------------------
// trace.ts checks that its answer, once JSON, has this shape (`TraceAnswerIsTrace`).

/** The trace as the pages read it (trace.ts answers more: the status events, a clock's pauses and extensions). */
export interface Trace {
  dossier: {
    code: string;
    procedureCode: string;
    ruleVersion: string;
    /** The dossier's case of its rule version (e.g. 'Nhà ở riêng lẻ'), or null. */
    caseName: string | null;
    status: string;
    channel: string;
    receivingAgency: string;
    receivingAgencyName: string | null;
    receivedAt: string;
    receivedBy: string | null;
    appointmentAt: string;
    processInstanceKey: string | null;
    doneAt: string | null;
    returnedAt: string | null;
  };
  steps: TraceStep[];
  clocks: TraceClock[];
  audit: TraceAuditRow[];
  timeline: TimelineEntry[];
  diagram: DiagramState[];
  /** Full names of the officials named by username, by username. */
  people: Record<string, string>;
  variables: TraceVariableChange[];
}

/** How a stopped clock ended against its statutory due instant. */
export type Verdict = 'early' | 'on_time' | 'late';

export interface TraceClock {
  id: string;
  kind: 'dossier' | 'step';
  agencyCode: string | null;
  step: string | null;
  limit: ClockLimit;
  state: string;
  startedAt: string;
  dueAt: string;
  statutoryDueAt: string;
  stoppedAt: string | null;
  result: Verdict | null;
  /** Working hours past the statutory due instant (negative: before it); null while within time. */
  overrunHours: number | null;
}

/** One inbox step of the dossier: who held it, when, and its step clock. */
export interface TraceStep {
  taskId: string;
  elementId: string;
  name: string;
  agencyCode: string;
  agencyName: string | null;
  state: string;
  handedOverAt: string;
  claimedBy: string | null;
  claimedAt: string | null;
  completedBy: string | null;
  completedAt: string | null;
  dueAt: string | null;
  sla: TraceClock | null;
}

/** One row of the audit log about the dossier. */
export interface TraceAuditRow {
  seq: string;
  at: string;
  actor: string | null;
  role: string | null;
  agency: string | null;
  action: string;
  payload: Record<string, unknown> | null;
}

/** What a value becomes in JSON as far as its types go: every Date an ISO 8601 string. */
export type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

export interface TimelineEntry {
  at: string;
  kind: 'status' | 'handover' | 'claim' | 'complete' | 'audit';
  actor: string | null;
  agencyCode: string | null;
  what: string;
  taskId?: string;
  seq?: string;
}

/** Where one process instance stands: what a bpmn-js overlay colours. */
export interface DiagramState {
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionKey: string;
  processDefinitionVersion: number;
  /** The deployed BPMN XML (asked for with `?include=xml`). */
  xml?: string;
  state: string;
  /** The instance whose call activity started it; null for the dossier's own. */
  parentProcessInstanceKey: string | null;
  /** That call activity's element id in the parent's diagram; null for the dossier's own. */
  calledBy: string | null;
  active: string[];
  completed: string[];
  terminated: string[];
  takenSequenceFlows: string[];
  incidents: { elementId: string; errorType: string; errorMessage: string }[];
}

/**
 * One change of a process variable: the engine's VARIABLE record (engine/queries.ts, itself only
 * types) without its tenant, with the inbox task whose completion made it, that task's completer
 * and its agency (null when no inbox task did).
 */
export type TraceVariableChange = Omit<VariableChangeItem, 'tenantId'> & {
  taskId: string | null;
  person: string | null;
  agencyCode: string | null;
};

/** The procedure of a dossier in the staff view: its names, and the dossier's case when it has one. */
export interface StaffProcedure {
  code: string;
  name: { vi: string; en: string };
  case?: { code: string; name: { vi: string; en: string } };
}
