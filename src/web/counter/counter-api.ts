/** The counter's part of the HTTP API client: the catalog, intake schemas, receipt, search, hand-back. */
import type { StaffProcedure } from '../../dossiers/api-types';
import { ApiError, request } from '../shared/api';
import type { JsonSchema } from './schema';

export interface ProcedureItem {
  code: string;
  name: { vi: string; en?: string };
  field?: { code: string; vi: string; en?: string };
  versions: Array<{ version: string; inForce?: boolean }>;
}

/** One problem of a refused request: a JSON pointer into the body's intake and the reason in Vietnamese. */
export interface FieldProblem {
  path: string;
  messageVi: string;
}

export interface ReceivedDossier {
  dossier: { code: string; status: string; appointmentAt: string; receivedAt: string; [k: string]: unknown };
  lookupSecret: string;
}

export interface CounterTask {
  id: string;
  elementId: string;
  name: string;
  agencyCode: string;
  /** The agency's name (null: not in the registry). */
  agencyName: string | null;
  state: string;
  assignee: string | null;
  dueAt: string | null;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
}

export interface CounterDossier {
  code: string;
  status: string;
  statusVi: string;
  channel: string;
  receivingAgency: string;
  applicant: { fullName: string; citizenId?: string; phone?: string; [k: string]: unknown };
  receivedAt: string;
  appointmentAt: string;
  returnedAt?: string | null;
  procedure: StaffProcedure;
  tasks: CounterTask[];
}

export interface DossierHit {
  code: string;
  procedureCode: string;
  status: string;
  statusVi: string;
  receivedAt: string;
  appointmentAt: string;
  applicant: { fullName: string; citizenId: string };
}

const enc = encodeURIComponent;

export const counterApi = {
  procedures: () => request<{ today: string; items: ProcedureItem[] }>('GET', '/api/procedures'),
  intakeSchema: (code: string) => request<JsonSchema>('GET', `/api/procedures/${enc(code)}/intake-schema`),
  /** `key`: one per intake form filled, so pressing again after a lost answer is not a second dossier. */
  receive: (procedureCode: string, intake: unknown, key: string) =>
    request<ReceivedDossier>('POST', '/api/dossiers', { procedureCode, channel: 'counter', intake }, { 'Idempotency-Key': key }),
  dossier: (code: string) => request<CounterDossier>('GET', `/api/dossiers/${enc(code)}`),
  byCitizen: (citizenId: string) => request<{ items: DossierHit[]; total: number }>('GET', `/api/dossiers?citizenId=${enc(citizenId)}`),
  handBack: (code: string, note?: string) => request<{ status: string }>('POST', `/api/dossiers/${enc(code)}/return`, note ? { note } : {}),
};

/** A fresh receipt key (crypto.getRandomValues: also where randomUUID is not, on plain http). */
export function newReceiptKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The printable form 01 of a dossier as issued (a reprint: without the lookup secret). */
export const form01Url = (code: string) => `/api/dossiers/${enc(code)}/forms/01?format=html`;

/**
 * Form 01 with the lookup secret printed on it, in a new tab: the receipt's copy, which only the
 * counter can ask for while it holds the secret (the header, never the address bar).
 */
export function printForm01(code: string, secret: string): void {
  const tab = window.open('', '_blank');
  void fetch(form01Url(code), { headers: { 'X-Lookup-Secret': secret }, credentials: 'same-origin' })
    .then(async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const html = await res.text();
      if (tab) tab.location.href = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    })
    .catch(() => {
      if (tab) tab.location.href = form01Url(code); // the copy as issued, at least
    });
}

/** The field problems of an error's details: `details` is the list itself, or `{ problems }`. */
export function fieldProblems(details: unknown): FieldProblem[] {
  const list: unknown = Array.isArray(details) ? details : (details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(list)) return [];
  return (list as Partial<FieldProblem>[])
    .filter((p): p is FieldProblem => !!p && typeof p.path === 'string' && typeof p.messageVi === 'string')
    .map((p) => ({ path: p.path, messageVi: p.messageVi }));
}

/** An error in words for the counter: the server's message without its English part, never a bare code. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const vi = e.message.replace(/\s*\((?=[^()]*[a-z])[^()]*\)\s*$/, '').trim();
    if (e.status === 404) return vi || 'Không tìm thấy.';
    if (e.status === 403) return vi || 'Tài khoản không có quyền thực hiện việc này.';
    if (e.status >= 500) return 'Hệ thống đang gặp sự cố, vui lòng thử lại sau.';
    return vi || 'Yêu cầu không thực hiện được.';
  }
  return 'Không kết nối được với máy chủ, vui lòng thử lại.';
}
