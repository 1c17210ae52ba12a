/**
 * The applicant's door: a dossier code and the lookup secret printed on form 01, from an address.
 * Every public route that takes the secret (the status, a supplement, a withdrawal) comes
 * through `applicantDossier`, which
 *
 * - refuses early (429, TooManyRequests with `retryAfterSeconds`) once `max` lookups failed
 *   within `windowMs` from that address, or for that code from any address — even with the right
 *   secret, until the oldest failure leaves the window;
 * - answers a wrong secret exactly as a code that does not exist: the same NotFound, after the
 *   same work (an scrypt check against a dummy hash when there is no dossier, a malformed secret
 *   still checked, the failure written either way), so neither the answer nor its timing tells
 *   whether a code exists;
 * - clears the code's failures on success (not the address's).
 *
 * Failures live in PostgreSQL (`domain.dossier_lookup_failures`, migration 018), so the limits
 * hold across restarts and replicas on one database; rows older than the longest window are
 * deleted as failures are written. The code is counted as typed (upper-cased), whether or not a
 * dossier has it: locking a code out says nothing about whether it exists.
 */
import type { Queryable } from '../db/index.js';
import { NotFound, TooManyRequests } from '../errors.js';
import { hashSecret, verifySecret } from './code.js';
import type { DossierDeps } from './context.js';
import { findDossier } from './store.js';
import type { DossierRow, LookupRule, LookupThrottleRules } from './types.js';

export type { LookupRule, LookupThrottleRules } from './types.js';

/**
 * Ten failures per address (a commune's public terminal or a family's router is one address,
 * and a citizen mistypes), ten per code, per 15 minutes: a 60-bit secret is out of reach either way.
 */
export const DEFAULT_LOOKUP_THROTTLE: LookupThrottleRules = {
  perAddress: { max: 10, windowMs: 15 * 60_000 },
  perCode: { max: 10, windowMs: 15 * 60_000 },
};

/** The one answer to a wrong secret and to a code that does not exist. */
export const LOOKUP_NOT_FOUND = 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này (no dossier with that code and lookup secret)';

// Checked when no dossier has the code, so that answer costs what a wrong secret costs.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashSecret('LTNO-SUCH-DOSS'));

/**
 * The dossier `code` names if `secret` is its lookup secret; else NotFound (the same for an
 * unknown code) or, after too many failures from `address` or for `code`, TooManyRequests.
 * `address` undefined (a caller inside the service): only the code's limit applies.
 */
export async function applicantDossier(
  deps: Pick<DossierDeps, 'db' | 'clock' | 'lookupThrottle'>,
  code: string,
  secret: string,
  address?: string,
): Promise<DossierRow> {
  const rules = deps.lookupThrottle ?? DEFAULT_LOOKUP_THROTTLE;
  const now = deps.clock.now();
  const codeKey = code.trim().toUpperCase();
  const wait = Math.max(
    await waitMs(deps.db, 'code', codeKey, rules.perCode, now),
    address === undefined ? 0 : await waitMs(deps.db, 'address', address, rules.perAddress, now),
  );
  if (wait > 0) {
    const s = Math.ceil(wait / 1000);
    const minutes = Math.ceil(s / 60);
    throw new TooManyRequests(`Tra cứu sai quá nhiều lần. Vui lòng thử lại sau ${minutes} phút (too many failed lookups; retry after ${s} s)`, {
      retryAfterSeconds: s,
    });
  }
  const d = await findDossier(deps.db, code);
  const ok = await verifySecret(typeof secret === 'string' ? secret : '', d?.lookupSecretHash ?? (await dummy()));
  if (!d || !ok) {
    await failed(deps.db, rules, codeKey, address, now);
    throw new NotFound(LOOKUP_NOT_FOUND);
  }
  await deps.db.query(`delete from domain.dossier_lookup_failures where kind = 'code' and key = $1`, [codeKey]);
  return d;
}

async function failed(q: Queryable, rules: LookupThrottleRules, codeKey: string, address: string | undefined, now: number): Promise<void> {
  const oldest = now - Math.max(rules.perAddress.windowMs, rules.perCode.windowMs);
  const at = new Date(now);
  await q.query(
    `with gone as (delete from domain.dossier_lookup_failures where at <= $1)
     insert into domain.dossier_lookup_failures (kind, key, at)
     select k.kind, k.key, $2 from (values ('code', $3::text), ('address', $4::text)) as k (kind, key) where k.key is not null`,
    [new Date(oldest), at, codeKey, address ?? null],
  );
}

/** ms until `key` may try again under `rule`; 0 when it may now. */
async function waitMs(q: Queryable, kind: 'address' | 'code', key: string, rule: LookupRule, now: number): Promise<number> {
  const { rows } = await q.query<{ at: Date }>(
    `select at from domain.dossier_lookup_failures where kind = $1 and key = $2 and at > $3 order by at desc limit $4`,
    [kind, key, new Date(now - rule.windowMs), rule.max],
  );
  if (rows.length < rule.max) return 0;
  return new Date(rows[rows.length - 1].at).getTime() + rule.windowMs - now;
}
