/**
 * Sessions that end: every token carries its subject's token version (`ver`), and every request
 * checks it against the account's row — `domain.users` for people, `domain.api_clients` for
 * programs. Signing out, deactivating, a change of role or agency, a password reset or a secret
 * rotation raise the version, so every token issued before is refused.
 *
 * The rows are cached for `ttlMs` (default 5 s, on the service's clock) so a busy worker does not
 * cost a query per call; the process that makes a change drops the entry at once (`forget`), and
 * other replicas see it within `ttlMs`.
 *
 * A token naming a subject that has no row and carrying no version is one minted with the
 * service's key outside a sign-in (tests do); it is let through, since whoever holds the key can
 * sign anything. Tokens the service issues always carry a version, and accounts are deactivated,
 * never deleted.
 */
import type { Queryable } from '../db/index.js';
import { Unauthenticated } from '../errors.js';

export type SubjectKind = 'user' | 'client';

interface Entry {
  version: number | null;
  active: boolean;
  until: number;
}

export const REVOKED = 'phiên đăng nhập đã kết thúc, hãy đăng nhập lại (this session has ended: sign in again)';
const INACTIVE = 'tài khoản đã bị khoá (the account is deactivated)';

export class Sessions {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Resolves when a token of `kind`/`id` with version `ver` is still good; throws `Unauthenticated` otherwise. */
  async check(kind: SubjectKind, id: string, ver: number | undefined): Promise<void> {
    const e = await this.entry(kind, id);
    if (e.version === null) {
      if (ver === undefined) return;
      throw new Unauthenticated(REVOKED);
    }
    if (!e.active) throw new Unauthenticated(INACTIVE);
    if (ver !== e.version) throw new Unauthenticated(REVOKED);
  }

  /** Drops the cached row of an account this process just changed. */
  forget(kind: SubjectKind, id: string): void {
    this.cache.delete(`${kind}:${id}`);
  }

  private async entry(kind: SubjectKind, id: string): Promise<Entry> {
    const key = `${kind}:${id}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit;
    const sql =
      kind === 'user'
        ? `select token_version as version, active from domain.users where username = $1`
        : `select token_version as version, active from domain.api_clients where client_id = $1`;
    const { rows } = await this.db.query<{ version: number; active: boolean }>(sql, [id]);
    const e: Entry = { version: rows[0]?.version ?? null, active: rows[0]?.active ?? false, until: now + this.ttlMs };
    this.cache.delete(key);
    this.cache.set(key, e);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return e;
  }
}
