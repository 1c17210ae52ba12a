/**
 * Login throttling in PostgreSQL (`domain.login_failures`), so it survives a restart and holds
 * across replicas on one database: after `max` failed sign-ins within `windowMs` for one
 * username (or one API client), or from one address, further attempts are refused (429 with
 * Retry-After) until the oldest failure leaves the window. A success clears the username's
 * failures (not the address's). The address limit is higher than the username limit because a
 * commune office puts all its officials behind one address.
 *
 * Rows older than the longest window are deleted as failures are written, so the table holds at
 * most a window's worth of failures.
 */
import type { Queryable } from '../db/index.js';

export interface ThrottleRule {
  max: number;
  windowMs: number;
}

export interface ThrottleRules {
  perUsername: ThrottleRule;
  perIp: ThrottleRule;
}

export const DEFAULT_THROTTLE: ThrottleRules = {
  perUsername: { max: 5, windowMs: 15 * 60_000 },
  perIp: { max: 20, windowMs: 15 * 60_000 },
};

/** Who is signing in: a person's username or an API client's id. */
export type Principal = { username: string } | { clientId: string };

export class LoginThrottle {
  constructor(
    private readonly db: Queryable,
    private readonly rules: ThrottleRules = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this principal from this address may try again; 0 when it may now. */
  async retryAfterSeconds(who: Principal, ip: string): Promise<number> {
    const t = this.now();
    const [kind, key] = keyOf(who);
    const ms = Math.max(await this.wait(kind, key, this.rules.perUsername, t), await this.wait('ip', ip, this.rules.perIp, t));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async failed(who: Principal, ip: string): Promise<void> {
    const t = this.now();
    const [kind, key] = keyOf(who);
    const oldest = t - Math.max(this.rules.perUsername.windowMs, this.rules.perIp.windowMs);
    await this.db.query(
      `with gone as (delete from domain.login_failures where at <= $4)
       insert into domain.login_failures (kind, key, at) values ($1, $2, $5), ('ip', $3, $5)`,
      [kind, key, ip, new Date(oldest), new Date(t)],
    );
  }

  async succeeded(who: Principal): Promise<void> {
    const [kind, key] = keyOf(who);
    await this.db.query(`delete from domain.login_failures where kind = $1 and key = $2`, [kind, key]);
  }

  /** ms until `key` may try again under `rule`; 0 when it may now. */
  private async wait(kind: string, key: string, rule: ThrottleRule, now: number): Promise<number> {
    const { rows } = await this.db.query<{ at: Date }>(
      `select at from domain.login_failures where kind = $1 and key = $2 and at > $3 order by at desc limit $4`,
      [kind, key, new Date(now - rule.windowMs), rule.max],
    );
    if (rows.length < rule.max) return 0;
    return new Date(rows[rows.length - 1].at).getTime() + rule.windowMs - now;
  }
}

function keyOf(who: Principal): ['username' | 'client', string] {
  return 'username' in who ? ['username', who.username.trim().toLowerCase()] : ['client', who.clientId];
}
