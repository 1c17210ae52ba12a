/**
 * The one typed client of lienthong's HTTP API for every page. The browser's session is an
 * HttpOnly cookie the page never sees; every request sends the app's header
 * (`X-Requested-With: lienthong`), without which the server refuses a cookie-authenticated write
 * (CSRF). A 401 means the session ended (signed out elsewhere, expired): back to /login, with the
 * page the user was on, so signing in again returns there.
 */
import type { DiagramState, TimelineEntry, TraceVariableChange } from '../../dossiers/api-types';

export interface Problem {
  elementId?: string;
  elementType?: string;
  rule?: string;
  category?: 'error' | 'warn';
  message: string;
  resourceName?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details?: { problems?: Problem[]; [k: string]: unknown },
  ) {
    super(message);
  }
}

export function toLogin(reason: 'expired' | 'signedOut' = 'expired'): void {
  const q = new URLSearchParams(reason === 'expired' ? { next: location.pathname + location.search, reason } : { signedOut: '1' });
  location.assign(`/login?${q}`);
}

export async function request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders, 'X-Requested-With': 'lienthong', Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (res.status === 401) {
    toLogin('expired');
    throw new ApiError(401, 'Unauthenticated', 'Phiên đăng nhập đã hết hạn');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const b = (json ?? {}) as { error?: string; message?: string; details?: ApiError['details'] };
    throw new ApiError(res.status, b.error ?? 'Error', b.message ?? `HTTP ${res.status}`, b.details);
  }
  return (json ?? text) as T;
}

export async function requestText(path: string): Promise<string> {
  const res = await fetch(path, { headers: { 'X-Requested-With': 'lienthong' }, credentials: 'same-origin' });
  if (res.status === 401) {
    toLogin('expired');
    throw new ApiError(401, 'Unauthenticated', 'Phiên đăng nhập đã hết hạn');
  }
  if (!res.ok) throw new ApiError(res.status, 'Error', `HTTP ${res.status}`);
  return res.text();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// --- the engine (Camunda 8 REST v2 shapes) ---------------------------------------------------

export interface ProcessDefinition {
  processDefinitionKey: string;
  processDefinitionId: string;
  name?: string | null;
  version: number;
  versionTag?: string | null;
  resourceName: string;
  tenantId: string;
}

export interface SearchPage<T> {
  items: T[];
  page: { totalItems: number };
}

export const engine = {
  definitions: (filter: Record<string, unknown> = {}, limit = 1000) =>
    request<SearchPage<ProcessDefinition>>('POST', '/v2/process-definitions/search', {
      filter,
      sort: [{ field: 'processDefinitionId' }, { field: 'version', order: 'DESC' }],
      page: { limit },
    }),
  xml: (key: string) => requestText(`/v2/process-definitions/${encodeURIComponent(key)}/xml`),
  deploy: (fileName: string, xml: string) => {
    const form = new FormData();
    form.append('resources', new Blob([xml], { type: 'application/xml' }), fileName);
    return request<DeploymentResponse>('POST', '/v2/deployments', form);
  },
};

export interface DeploymentResponse {
  deploymentKey: string;
  deployments: Array<{
    processDefinition: {
      processDefinitionId: string;
      processDefinitionVersion: number;
      processDefinitionKey: string;
      resourceName: string;
    };
  }>;
  warnings?: Problem[];
}

export const auth = {
  logout: () => request<undefined>('POST', '/api/auth/logout'),
};

// --- the procedure catalog and the designer's element templates -------------------------------

export interface TimeLimit {
  value: number;
  /** calendar_days: a statutory total only ("20 ngày", counted as the Civil Code counts days). */
  unit: 'working_days' | 'working_hours' | 'calendar_days';
  source?: string;
  confirmed?: boolean;
  note?: string;
}

export interface CatalogStep {
  id: string;
  elementId: string;
  name: { vi: string; en?: string };
  limit: TimeLimit;
}

export interface CatalogVersion {
  version: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  legalBasis?: Array<{ document: string; title?: { vi: string; en?: string } }>;
  process: { bpmnProcessId: string; file: string; jobTypes?: string[]; messages?: unknown[]; [k: string]: unknown };
  agencies: Array<{ code: string; name: { vi: string; en?: string }; level?: string; steps: CatalogStep[] }>;
  totalLimit: TimeLimit;
  [k: string]: unknown;
}

export interface CatalogEntry {
  procedure: { code: string; name: { vi: string; en?: string }; [k: string]: unknown };
  version: CatalogVersion;
  versions?: Array<{ version: string; effectiveFrom: string; effectiveTo: string | null; inForce?: boolean }>;
}

export const catalog = {
  byProcess: (bpmnProcessId: string) => request<CatalogEntry>('GET', `/api/procedures/by-process/${encodeURIComponent(bpmnProcessId)}`),
  elementTemplates: () => request<unknown[]>('GET', '/api/element-templates'),
};

// --- the trace of a dossier (GET /api/dossiers/{code}/trace) ------------------------------------

export type Verdict = 'early' | 'on_time' | 'late';

export interface TraceClock {
  id: string;
  kind: 'dossier' | 'step';
  agencyCode: string | null;
  step: string | null;
  limit: TimeLimit;
  state: string;
  startedAt: string;
  dueAt: string;
  statutoryDueAt: string;
  stoppedAt: string | null;
  result: Verdict | null;
  /** Working hours past the statutory due instant (negative: before it); null while within time. */
  overrunHours: number | null;
}

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

/** The trace's timeline, diagrams and variable changes as the server writes them (dossiers/api-types.ts). */
export type { TraceVariableChange };
export type TraceTimelineEntry = TimelineEntry;
export type TraceDiagram = DiagramState;

export interface TraceAuditRow {
  seq: string;
  at: string;
  actor: string | null;
  role: string | null;
  agency: string | null;
  action: string;
  payload: Record<string, unknown> | null;
}

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
  timeline: TraceTimelineEntry[];
  diagram: TraceDiagram[];
  /** Full names of the officials named by username, by username. */
  people: Record<string, string>;
  variables: TraceVariableChange[];
}

export const dossiers = {
  trace: (code: string) => request<Trace>('GET', `/api/dossiers/${encodeURIComponent(code)}/trace?include=xml`),
};
