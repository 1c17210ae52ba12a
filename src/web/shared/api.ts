/**
 * The one typed client of lienthong's HTTP API for every page. The browser's session is an
 * HttpOnly cookie the page never sees; every request sends the app's header
 * (`X-Requested-With: lienthong`), without which the server refuses a cookie-authenticated write
 * (CSRF). A 401 means the session ended (signed out elsewhere, expired): back to /login, with the
 * page the user was on, so signing in again returns there.
 */
import type { ProcessDefinitionItem } from '../../engine/queries';
import type { DeploymentAnswer, DeploymentProblemJson, SearchPage } from '../../http/v2/api-types';
import type { ProcessProcedure, RuleVersion, StatutoryLimit, Step } from '../../procedures/types';
import type { DiagramState, TimelineEntry, Trace, TraceAuditRow, TraceClock, TraceStep, TraceVariableChange, Verdict } from '../../dossiers/api-types';

/** A problem of a deployment, as the API answers it (http/v2/api-types.ts). */
export type Problem = DeploymentProblemJson;

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

/** A deployed process definition, as the engine's reads answer it (engine/query-types.ts). */
export type ProcessDefinition = ProcessDefinitionItem;

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

/** POST /v2/deployments: what each file became, and the lint's warnings (http/v2/api-types.ts). */
export type DeploymentResponse = DeploymentAnswer;

export const auth = {
  logout: () => request<undefined>('POST', '/api/auth/logout'),
};

// --- the procedure catalog and the designer's element templates -------------------------------

/** A step's limit, or a version's statutory total (which may count calendar days). */
export type TimeLimit = StatutoryLimit;
export type CatalogStep = Step;
export type CatalogVersion = RuleVersion;
/** GET /api/procedures/by-process/{id}: the procedure, its version in force on `today` (else the newest), all its versions. */
export type CatalogEntry = ProcessProcedure & { today: string };

export const catalog = {
  byProcess: (bpmnProcessId: string) => request<CatalogEntry>('GET', `/api/procedures/by-process/${encodeURIComponent(bpmnProcessId)}`),
  elementTemplates: () => request<unknown[]>('GET', '/api/element-templates'),
};

// --- the trace of a dossier (GET /api/dossiers/{code}/trace) ------------------------------------

/** The trace as the server writes it (dossiers/api-types.ts, which trace.ts is checked against). */
export type { Trace, TraceAuditRow, TraceClock, TraceStep, TraceVariableChange, Verdict };
export type TraceTimelineEntry = TimelineEntry;
export type TraceDiagram = DiagramState;

export const dossiers = {
  trace: (code: string) => request<Trace>('GET', `/api/dossiers/${encodeURIComponent(code)}/trace?include=xml`),
};
