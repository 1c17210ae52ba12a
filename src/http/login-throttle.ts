/**
 * Login throttling: after `max` failed logins within `windowMs` for one username, or from one
 * IP address, further attempts are refused (429 with Retry-After) until the oldest failure
 * leaves the window. A successful login clears the username's failures.
 *
 * Kept in memory, on purpose and with known limits: it costs nothing per request and needs no
 * table, but a restart forgets it and several processes behind a load balancer each count on
 * their own (an attacker gets `max` tries per process). The whole of lienthong runs as one
 * process today; move it to a table when that changes. The IP limit is higher than the username
 * limit because a commune office puts all its officials behind one address.
 *
 * Memory is bounded: at most `maxKeys` keys per kind; beyond that the oldest are forgotten.
 */

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

class Window {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly maxKeys: number,
  ) {}

  /** ms until `key` may try again; 0 when it may now. */
  wait(key: string, now: number): number {
    const list = this.recent(key, now);
    if (list.length < this.rule.max) return 0;
    return list[list.length - this.rule.max] + this.rule.windowMs - now;
  }

  fail(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    if (list.length > this.rule.max) list.splice(0, list.length - this.rule.max);
    this.failures.delete(key); // re-inserted last: Map order is then oldest-touched first
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) this.evict(now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.rule.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private evict(now: number): void {
    for (const [k, list] of this.failures) {
      if (list[list.length - 1] <= now - this.rule.windowMs) this.failures.delete(k);
    }
    for (const k of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(k);
    }
  }
}

export class LoginThrottle {
  private readonly byUser: Window;
  private readonly byIp: Window;

  constructor(
    rules: ThrottleRules = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
    maxKeys = 100_000,
  ) {
    this.byUser = new Window(rules.perUsername, maxKeys);
    this.byIp = new Window(rules.perIp, maxKeys);
  }

  /** Seconds until this username from this address may try again; 0 when it may now. */
  retryAfterSeconds(username: string, ip: string): number {
    const t = this.now();
    const ms = Math.max(this.byUser.wait(norm(username), t), this.byIp.wait(ip, t));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  failed(username: string, ip: string): void {
    const t = this.now();
    this.byUser.fail(norm(username), t);
    this.byIp.fail(ip, t);
  }

  succeeded(username: string): void {
    this.byUser.clear(norm(username));
  }
}

const norm = (username: string) => username.trim().toLowerCase();
