/**
 * Finding dossiers without their code — by the applicant's citizen ID (CCCD) or by the days they
 * were received — within the one visibility rule (visibility.ts): an officer finds only what
 * their agency received or holds or held a step of, as on every other route.
 */
import type { Queryable } from '../db/index.js';
import { Invalid } from '../errors.js';
import type { DossierHit } from './api-types.js';
import { maskId } from './forms/format.js';
import { statusVi } from './lifecycle.js';
import type { Actor } from './types.js';
import { visibleSql } from './visibility.js';

export type { DossierHit } from './api-types.js';

export interface DossierSearch {
  /** The applicant's 12-digit citizen ID. */
  citizenId?: string;
  /** Received from this day to that one, both inclusive, YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

const DAY_MS = 86_400_000;

export async function searchDossiers(
  db: Queryable,
  actor: Actor,
  s: DossierSearch,
): Promise<{ items: DossierHit[]; page: number; pageSize: number; total: number }> {
  if (!s.citizenId && !s.from && !s.to) {
    throw new Invalid('cần số định danh (CCCD) của người nộp hoặc khoảng ngày tiếp nhận (give citizenId, or from and to)', [
      { parameter: 'citizenId', message: 'citizenId, or from and to, is required' },
    ]);
  }
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = [visibleSql(actor, p)];
  if (s.citizenId) where.push(`d.applicant->>'citizenId' = ${p(s.citizenId)}`);
  if (s.from) where.push(`d.received_at >= ${p(vnMidnight(s.from).toISOString())}::timestamptz`);
  if (s.to) where.push(`d.received_at < ${p(new Date(vnMidnight(s.to).getTime() + DAY_MS).toISOString())}::timestamptz`);
  const page = s.page ?? 1;
  const pageSize = s.pageSize ?? 50;
  const w = where.join(' and ');
  const [{ rows }, count] = await Promise.all([
    db.query<{
      code: string;
      procedureCode: string;
      status: string;
      channel: string;
      receivingAgency: string;
      receivedAt: Date;
      appointmentAt: Date;
      applicant: { fullName?: string; citizenId?: string };
    }>(
      `select d.code, d.procedure_code as "procedureCode", d.status, d.channel, d.receiving_agency as "receivingAgency",
              d.received_at as "receivedAt", d.appointment_at as "appointmentAt", d.applicant
         from domain.dossiers d where ${w} order by d.received_at desc, d.code limit ${pageSize} offset ${(page - 1) * pageSize}`,
      params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from domain.dossiers d where ${w}`, params),
  ]);
  return {
    items: rows.map((r) => ({
      code: r.code,
      procedureCode: r.procedureCode,
      status: r.status,
      statusVi: statusVi(r.status as Parameters<typeof statusVi>[0]),
      channel: r.channel,
      receivingAgency: r.receivingAgency,
      receivedAt: new Date(r.receivedAt).toISOString(),
      appointmentAt: new Date(r.appointmentAt).toISOString(),
      applicant: { fullName: r.applicant.fullName ?? '', citizenId: maskId(r.applicant.citizenId) },
    })),
    page,
    pageSize,
    total: count.rows[0].n,
  };
}

/** 'YYYY-MM-DD' → the instant that day starts in Asia/Ho_Chi_Minh. */
function vnMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - 7 * 3_600_000);
}
