/**
 * The dossier code and the citizen's lookup secret.
 *
 * Code: `<AGENCY>-<YYMMDD>-<NNNN>`, the structure of Thông tư 01/2018/TT-VPCP, Điều 19
 * (`V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`: the receiving agency's identifier under QCVN
 * 102:2016/BTTTT, the day of receipt, the 4-digit sequence of the day). Thông tư 03/2025/TT-VPCP
 * replaced that circular; its code structure has not been checked here, so the same structure is
 * kept. `<AGENCY>` is the agency's electronic identifier when the agency row has one, otherwise
 * its code upper-cased with '.' → '-' (e.g. `MOT-CUA-XA-PHUC-XA-260212-0001`); migration 008 makes
 * that prefix unique among agencies. YYMMDD is the day of receipt in Asia/Ho_Chi_Minh; the
 * sequence comes from domain.dossier_sequences, one row per agency and day, incremented by one
 * upsert — concurrent receipts at one counter queue on that row and never share a number.
 *
 * Secret: 12 characters from Crockford's base-32 alphabet (no I, L, O, U: nothing to misread),
 * printed in three groups (`7KQM-2XWP-R9HD`, 60 random bits). It is shown once, on form 01, and
 * stored only as an scrypt hash. Lookup normalises case, spaces, dashes and the look-alikes
 * Crockford defines (O→0, I/L→1).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { Conflict } from '../errors.js';
import { hashPassword, SECRET_COST, verifyPassword } from '../security/passwords.js';

export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9.-]{0,62}-\d{6}-\d{4}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_PER_DAY = 9999;

export interface CodeAgency {
  code: string;
  identifier: string | null;
}

export function codePrefix(agency: CodeAgency): string {
  return agency.identifier ?? agency.code.toUpperCase().replace(/\./g, '-');
}

/** 'YYMMDD' of the day an instant falls on in Vietnam. */
export function yymmdd(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(2, 10).replace(/-/g, '');
}

export function formatCode(prefix: string, day: string, n: number): string {
  return `${prefix}-${day}-${String(n).padStart(4, '0')}`;
}

/** The next code of `agency` for the day of `at`, in the caller's transaction. */
export async function nextDossierCode(q: Queryable, agency: CodeAgency, at: Date): Promise<string> {
  const day = new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const { rows } = await q.query<{ last: number }>(
    `insert into domain.dossier_sequences (agency_code, day, last) values ($1, $2::date, 1)
     on conflict (agency_code, day) do update set last = domain.dossier_sequences.last + 1
     returning last`,
    [agency.code, day],
  );
  const n = rows[0].last;
  if (n > MAX_PER_DAY) {
    throw new Conflict(
      `cơ quan ${agency.code} đã tiếp nhận ${MAX_PER_DAY} hồ sơ trong ngày ${day}: mã hồ sơ chỉ có 4 chữ số thứ tự (the 4-digit daily sequence is exhausted)`,
    );
  }
  return formatCode(codePrefix(agency), yymmdd(at), n);
}

/** A new lookup secret, as printed: `XXXX-XXXX-XXXX`. */
export function newLookupSecret(): string {
  const bytes = randomBytes(12);
  let s = '';
  for (let i = 0; i < 12; i++) s += CROCKFORD[bytes[i] & 31];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** What the citizen typed, as the canonical 12 characters (Crockford's decoding rules). */
export function normaliseSecret(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashSecret(secret: string): Promise<string> {
  return hashPassword(normaliseSecret(secret), SECRET_COST);
}

/**
 * Whether `typed` is the secret `hash` was made of. A malformed secret is still checked (and
 * fails), so every wrong secret costs one scrypt: the time taken tells nothing (dossiers/lookup.ts).
 */
export async function verifySecret(typed: string, hash: string): Promise<boolean> {
  const s = normaliseSecret(typed);
  const wellFormed = /^[0-9A-HJKMNP-TV-Z]{12}$/.test(s);
  const ok = await verifyPassword(wellFormed ? s : '000000000000', hash);
  return wellFormed && ok;
}
