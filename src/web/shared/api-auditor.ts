/**
 * The auditor's API, typed for the pages: finding dossiers (GET /api/dossiers), the audit log and
 * its batched verify (/api/audit), the on-time reports (/api/reports). Over `request` (api.ts).
 */
import { request } from './api';

const qs = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

export interface DossierHit {
  code: string;
  procedureCode: string;
  status: string;
  statusVi: string;
  channel: string;
  receivingAgency: string;
  receivedAt: string;
  appointmentAt: string;
  applicant: { fullName: string; citizenId: string };
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const dossierSearch = (q: { citizenId?: string; from?: string; to?: string; page?: number }) =>
  request<Paged<DossierHit>>('GET', `/api/dossiers?${qs(q)}`);

export interface AuditLogRow {
  seq: string;
  at: string;
  actor: string;
  role: string;
  agency: string | null;
  dossierCode: string | null;
  action: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  dossier?: string;
  actor?: string;
  action?: string;
  /** Instants (ISO 8601), from inclusive, to exclusive. */
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface VerifyBatch {
  ok: boolean;
  rowsChecked: number;
  lastHash: string;
  lastSeq: string;
  done: boolean;
  total: number;
  brokenAt?: {
    seq: string;
    reason: string;
    kind: 'missing' | 'link' | 'content';
    expected: string;
    found: string;
    row?: { at: string; actor: string; action: string; dossierCode: string | null };
  };
}

export const audit = {
  search: (q: AuditQuery) => request<Paged<AuditLogRow>>('GET', `/api/audit?${qs({ ...q })}`),
  verifyBatch: (after: { seq: string; hash: string } | null, limit: number) =>
    request<VerifyBatch>('GET', `/api/audit/verify?${qs({ after: after?.seq, prevHash: after?.hash, limit })}`),
};

export type GroupBy = 'agency' | 'procedure' | 'channel';
export type PeriodKind = 'month' | 'quarter' | '6months' | '9months' | '12months';
export type ClockResult = 'early' | 'on_time' | 'late' | 'open' | 'overdue';

export interface PeriodQuery {
  year: number;
  period: PeriodKind;
  index?: number;
  convention: 'calendar' | 'nd09';
}

export interface OnTimeRow {
  key: string;
  name: string | null;
  total: number;
  early: number;
  onTime: number;
  late: number;
  earlyRate: number;
  onTimeRate: number;
  lateRate: number;
  withinLimitRate: number;
}

export interface OnTimeAnswer {
  period: { label: string; from: string; to: string; firstDay: string; lastDay: string };
  groupBy: GroupBy;
  kind: 'step' | 'dossier';
  agencyCode: string | null;
  rows: OnTimeRow[];
  total: OnTimeRow;
}

export interface OpenRow {
  key: string;
  name: string | null;
  open: number;
  overdue: number;
}

export interface BehindItem {
  code: string;
  procedureCode: string;
  channel: string;
  receivingAgency: string;
  agencyCode: string | null;
  step: string | null;
  state: string;
  startedAt: string;
  statutoryDueAt: string;
  stoppedAt: string | null;
}

const periodQs = (p: PeriodQuery, groupBy: GroupBy) =>
  qs({ year: p.year, period: p.period, index: p.period === 'month' || p.period === 'quarter' ? p.index : undefined, convention: p.convention, groupBy });

export const reports = {
  onTime: (p: PeriodQuery, groupBy: GroupBy) => request<OnTimeAnswer>('GET', `/api/reports/on-time?${periodQs(p, groupBy)}`),
  open: (p: PeriodQuery, groupBy: GroupBy) => request<{ rows: OpenRow[]; total: OpenRow }>('GET', `/api/reports/open?${periodQs(p, groupBy)}`),
  behind: (p: PeriodQuery, groupBy: GroupBy, key: string, result: ClockResult) =>
    request<{ items: BehindItem[]; total: number }>('GET', `/api/reports/on-time/dossiers?${periodQs(p, groupBy)}&${qs({ key, result })}`),
};
