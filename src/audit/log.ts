/**
 * Appending to and verifying the hash-chained audit log. An entry is appended in the caller's
 * transaction, so a domain action and its audit row commit together or not at all; appends are
 * serialised by a transaction-scoped advisory lock, so the chain has no forks.
 */
import type { Queryable } from '../db/index.js';
import type { AuditRow, BrokenAt, VerifyResult } from './api-types.js';
import { canonicalJson, sha256 } from './canonical.js';

export type { AuditRow, BrokenAt, VerifyResult } from './api-types.js';

export const GENESIS = '0'.repeat(64);
const CHAIN_LOCK = 7_345_102_001; // any constant; names the audit chain's advisory lock

export interface AuditEntry {
  actor: string;
  role: string;
  agency?: string | null;
  dossierCode?: string | null;
  action: string;
  payload?: Record<string, unknown>;
  /** Defaults to now. */
  at?: Date;
}

/** What the hash covers: every column but the hash itself. */
function content(r: Omit<AuditRow, 'hash'>): string {
  return canonicalJson({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    role: r.role,
    agency: r.agency,
    dossierCode: r.dossierCode,
    action: r.action,
    payload: r.payload,
    prevHash: r.prevHash,
  });
}

export function hashRow(r: Omit<AuditRow, 'hash'>): string {
  return sha256(content(r));
}

export async function appendAudit(q: Queryable, e: AuditEntry): Promise<AuditRow> {
  await q.query(`select pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
  const { rows: last } = await q.query<{ seq: string; hash: string }>(
    // Qualified: a bare `seq` in ORDER BY would name the text output column and sort '9' after '10'.
    `select seq::text, hash from domain.audit_log order by audit_log.seq desc limit 1`,
  );
  const row: Omit<AuditRow, 'hash'> = {
    seq: String(BigInt(last[0]?.seq ?? '0') + 1n),
    at: (e.at ?? new Date()).toISOString(),
    actor: e.actor,
    role: e.role,
    agency: e.agency ?? null,
    dossierCode: e.dossierCode ?? null,
    action: e.action,
    // Stored as jsonb, which does not keep key order: the hash is over canonical JSON anyway.
    payload: JSON.parse(JSON.stringify(e.payload ?? {})) as Record<string, unknown>,
    prevHash: last[0]?.hash ?? GENESIS,
  };
  const hash = hashRow(row);
  await q.query(
    `insert into domain.audit_log (seq, at, actor, role, agency, dossier_code, action, payload, prev_hash, hash)
     values ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [row.seq, row.at, row.actor, row.role, row.agency, row.dossierCode, row.action, JSON.stringify(row.payload), row.prevHash, hash],
  );
  return { ...row, hash };
}

const SELECT = `select seq::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, role, agency,
  dossier_code as "dossierCode", action, payload, prev_hash as "prevHash", hash from domain.audit_log`;

export async function auditForDossier(q: Queryable, dossierCode: string): Promise<AuditRow[]> {
  const { rows } = await q.query<AuditRow>(`${SELECT} where dossier_code = $1 order by audit_log.seq`, [dossierCode]);
  return rows;
}

export interface VerifyOptions {
  /** Start after this row, whose hash is `prevHash` (a previous batch's `lastSeq` and `lastHash`). Default: the chain's start. */
  after?: string;
  prevHash?: string;
  /** Check at most this many rows, then answer with `done: false`. Default: the whole chain. */
  limit?: number;
  /** Rows read per query. */
  batch?: number;
}

/**
 * Walks the chain in order, recomputing every hash; names the first broken row. Whole, or in
 * batches (`after`, `prevHash`, `limit`) so a long chain can be checked with progress: batch k+1
 * starts from batch k's `lastSeq` and `lastHash`, which batch k verified.
 */
export async function verifyAudit(q: Queryable, opts: VerifyOptions | number = {}): Promise<VerifyResult> {
  const o = typeof opts === 'number' ? { batch: opts } : opts;
  const batch = o.batch ?? 5000;
  let prev = o.prevHash ?? GENESIS;
  let after = o.after ?? '0';
  let checked = 0;
  let expectedSeq = BigInt(after) + 1n;
  const broken = (r: AuditRow, b: Omit<BrokenAt, 'seq' | 'row'>): VerifyResult => ({
    ok: false,
    rowsChecked: checked,
    brokenAt: { seq: r.seq, ...b, row: { at: r.at, actor: r.actor, action: r.action, dossierCode: r.dossierCode } },
    lastHash: prev,
    lastSeq: String(expectedSeq - 1n),
    done: true,
  });
  for (;;) {
    const want = o.limit === undefined ? batch : Math.min(batch, o.limit - checked);
    if (want <= 0) return { ok: true, rowsChecked: checked, lastHash: prev, lastSeq: after, done: false };
    const { rows } = await q.query<AuditRow>(`${SELECT} where seq > $1 order by audit_log.seq limit $2`, [after, want]);
    for (const r of rows) {
      checked++;
      if (BigInt(r.seq) !== expectedSeq) {
        return broken(r, { reason: `row ${expectedSeq} is missing`, kind: 'missing', expected: String(expectedSeq), found: r.seq });
      }
      if (r.prevHash !== prev) {
        return broken(r, { reason: 'its link to the previous row does not match', kind: 'link', expected: prev, found: r.prevHash });
      }
      const hash = hashRow(r);
      if (hash !== r.hash) {
        return broken(r, { reason: 'its content does not match its hash (altered)', kind: 'content', expected: r.hash, found: hash });
      }
      prev = r.hash;
      expectedSeq++;
    }
    if (rows.length < want) break;
    after = rows[rows.length - 1].seq;
  }
  return { ok: true, rowsChecked: checked, lastHash: prev, lastSeq: String(expectedSeq - 1n), done: true };
}

/** The chain's length as its last row numbers it (rows are numbered 1, 2, … without gaps). */
export async function auditLength(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: string | null }>(`select max(seq)::text as n from domain.audit_log`);
  return Number(rows[0].n ?? 0);
}
