/**
 * The auditor's API, typed for the pages: finding dossiers (GET /api/dossiers), the audit log and
 * its batched verify (/api/audit), the on-time reports (/api/reports). Over `request` (api.ts).
 */
import type { AuditRow, VerifyResult } from '../../audit/api-types';
import type { DossierHit } from '../../dossiers/api-types';
import type { BehindItem, ClockResult, GroupBy, OnTimeRow, OpenRow } from '../../reports/api-types';
import { request } from './api';

export type { DossierHit, BehindItem, ClockResult, GroupBy, OnTimeRow, OpenRow };

/** A row of the audit log (audit/api-types.ts). */
export type AuditLogRow = AuditRow;

/** One batch of the chain's verification, with the chain's length (`total`) for the progress. */
export type VerifyBatch = VerifyResult & { total: number };

const qs = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const dossierSearch = (q: { citizenId?: string; from?: string; to?: string; page?: number }) =>
  request<Paged<DossierHit>>('GET', `/api/dossiers?${qs(q)}`);

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

export const audit = {
  search: (q: AuditQuery) => request<Paged<AuditLogRow>>('GET', `/api/audit?${qs({ ...q })}`),
  verifyBatch: (after: { seq: string; hash: string } | null, limit: number) =>
    request<VerifyBatch>('GET', `/api/audit/verify?${qs({ after: after?.seq, prevHash: after?.hash, limit })}`),
};

export type PeriodKind = 'month' | 'quarter' | '6months' | '9months' | '12months';

export interface PeriodQuery {
  year: number;
  period: PeriodKind;
  index?: number;
  convention: 'calendar' | 'nd09';
}

export interface OnTimeAnswer {
  period: { label: string; from: string; to: string; firstDay: string; lastDay: string };
  groupBy: GroupBy;
  kind: 'step' | 'dossier';
  agencyCode: string | null;
  rows: OnTimeRow[];
  total: OnTimeRow;
}

const periodQs = (p: PeriodQuery, groupBy: GroupBy) =>
  qs({ year: p.year, period: p.period, index: p.period === 'month' || p.period === 'quarter' ? p.index : undefined, convention: p.convention, groupBy });

export const reports = {
  onTime: (p: PeriodQuery, groupBy: GroupBy) => request<OnTimeAnswer>('GET', `/api/reports/on-time?${periodQs(p, groupBy)}`),
  open: (p: PeriodQuery, groupBy: GroupBy) => request<{ rows: OpenRow[]; total: OpenRow }>('GET', `/api/reports/open?${periodQs(p, groupBy)}`),
  behind: (p: PeriodQuery, groupBy: GroupBy, key: string, result: ClockResult) =>
    request<{ items: BehindItem[]; total: number }>('GET', `/api/reports/on-time/dossiers?${periodQs(p, groupBy)}&${qs({ key, result })}`),
};
