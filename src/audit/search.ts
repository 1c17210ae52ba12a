/**
 * Searching the audit log: rows by dossier, actor, action (exact, or a prefix ending in '.') and
 * period, oldest first, a page at a time with the total that matched. One transaction, so the
 * page and the total agree.
 */
import type { Queryable } from '../db/index.js';
import type { AuditRow } from './api-types.js';

export interface AuditSearch {
  dossier?: string;
  actor?: string;
  /** 'auth.login', or a prefix ending in '.' ('auth.'). */
  action?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  page: number;
  pageSize: number;
}

export interface AuditPage {
  items: AuditRow[];
  page: number;
  pageSize: number;
  total: number;
}

export async function searchAudit(db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> }, f: AuditSearch): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.dossier) where.push(`dossier_code = ${p(f.dossier)}`);
  if (f.actor) where.push(`actor = ${p(f.actor)}`);
  if (f.action) where.push(f.action.endsWith('.') ? `starts_with(action, ${p(f.action)})` : `action = ${p(f.action)}`);
  if (f.from) where.push(`at >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`at < ${p(f.to)}::timestamptz`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  return db.tx(async (q) => {
    const total = Number((await q.query<{ n: string }>(`select count(*) as n from domain.audit_log ${w}`, params)).rows[0].n);
    const { rows } = await q.query<AuditRow>(
      `select seq::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, role, agency,
              dossier_code as "dossierCode", action, payload, prev_hash as "prevHash", hash
         from domain.audit_log ${w} order by audit_log.seq limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`,
      params,
    );
    return { items: rows, page: f.page, pageSize: f.pageSize, total };
  });
}
