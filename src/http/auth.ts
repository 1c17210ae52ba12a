/**
 * Who is calling, and may they call this route.
 *
 * - `authenticate` (global): a `Authorization: Bearer <JWT>` header (programs) or, without one,
 *   the session cookie (people's browsers, session.ts) becomes `req.user`. A bad or expired
 *   token does not stop the request here — a public route (login, the citizen's lookup) must
 *   still work with a stale token in the browser — it is remembered, and `requireRole` answers
 *   401 with the reason. A cookie-authenticated write without the app's header is refused (403,
 *   CSRF) by the guard, so no page of another site can make a signed-in browser act.
 * - `requireRole(...roles)` (per route, first handler): 401 without a valid token, 403 when the
 *   role is not listed (no roles listed: any signed-in user). Auditors are read-only: a request
 *   other than GET/HEAD by an auditor is refused unless the route lists 'auditor' itself (the
 *   POST searches of /v2, which read). The same holds on public routes (publicRoute).
 * - `publicRoute()` marks a route anyone may call. Every /api and /v2 route must carry one of the
 *   two markers: `checkRouteGuards` refuses to build an app where one has neither, so a new
 *   route cannot be left open by forgetting.
 *
 * Tokens (HS256, jose) carry username, role and agency and expire after `ttlSeconds`; they also
 * carry the account's token version (`ver`), which `verify` checks against the account on every
 * request (accounts/sessions.ts, cached a few seconds): signing out, deactivation, a change of role
 * or agency, a password reset or a client's new secret end every token issued before. API
 * clients' tokens (`kind: 'client'`, from POST /oauth/token) carry their roles and, for a worker,
 * the job types it may work (`jt`); their principal's username is `client:<id>`.
 */
import type { Request, RequestHandler } from 'express';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role, type Sessions } from '../accounts/index.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import { hasAppHeader, sessionToken } from './session.js';

/** The roles of docs/api.md, and 'worker' for API clients that work jobs (accounts/roles.ts). */
export { ROLES, type Role };

/** The signed-in user, as route handlers read it from `req.user`. */
export interface Principal {
  username: string;
  role: Role;
  /** Officers and counter staff belong to one agency; others have none. */
  agencyCode: string | null;
  fullName?: string;
  /** An API client's id (then `username` is `client:<id>`); absent for people. */
  clientId?: string;
  /** Every role an API client holds (`role` is the first); people hold `role` alone. */
  roles?: readonly Role[];
  /** The only job types an API client may activate and complete; absent or null: any. */
  jobTypes?: readonly string[] | null;
}

/** The roles a principal holds. */
export function rolesHeld(u: Principal): readonly Role[] {
  return u.roles?.length ? u.roles : [u.role];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `authenticate` from a valid bearer token. */
      user?: Principal;
      /** Why the bearer token given was refused (answered by `requireRole`). */
      authProblem?: string;
      /** The principal came from the session cookie (a browser), not an Authorization header. */
      viaCookie?: boolean;
      /** The request id (x-request-id), set by the request logger. */
      id?: string;
      /** The matched route's pattern ('/api/tasks/:id'), recorded by the route's guard for logs and metrics. */
      routePath?: string;
    }
  }
}

const ISSUER = 'lienthong';
const AUDIENCE = 'lienthong-api';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenService {
  /** A token for `user`; `version`: the account's token version (every sign-in gives it). */
  issue(user: Principal, version?: number): Promise<IssuedToken>;
  /** The principal of a valid token; throws `Unauthenticated` (with the reason) otherwise. */
  verify(token: string): Promise<Principal>;
}

export interface TokenServiceOptions {
  /** The key (≥ 32 bytes). */
  secret: string | Uint8Array;
  /** Lifetime of an issued token, seconds. */
  ttlSeconds: number;
  /**
   * The clock tokens are issued and checked by, ms since the epoch (default: the system clock).
   * Tests give the service's clock and move it past a token's expiry instead of waiting.
   */
  now?: () => number;
  /** Checks every token's version against its account (accounts/sessions.ts). Absent: not checked. */
  sessions?: Pick<Sessions, 'check'>;
}

export function createTokenService(opts: TokenServiceOptions): TokenService {
  const key = typeof opts.secret === 'string' ? new TextEncoder().encode(opts.secret) : opts.secret;
  if (key.length < 32) throw new Error('the token key must be at least 32 bytes');
  const clock = opts.now ?? Date.now;
  const verified = new Map<string, { user: Principal; sub: string; ver: number | undefined; expMs: number; nbfMs: number }>();
  return {
    async issue(user, version) {
      const now = Math.floor(clock() / 1000);
      const exp = now + opts.ttlSeconds;
      const claims: Record<string, unknown> = { role: user.role, agency: user.agencyCode };
      if (user.fullName) claims.name = user.fullName;
      if (version !== undefined) claims.ver = version;
      if (user.clientId) {
        claims.kind = 'client';
        claims.roles = rolesHeld(user);
        if (user.jobTypes) claims.jt = user.jobTypes;
      }
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.clientId ?? user.username)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      // A token verified before is the same answer until it expires: its signature is not checked
      // again (the HMAC and the claims parse were ~10 % of a gRPC job completion's CPU); its
      // account's version still is, on every call.
      const known = verified.get(token);
      if (known && clock() < known.expMs && clock() >= known.nbfMs) {
        await opts.sessions?.check(known.user.clientId ? 'client' : 'user', known.sub, known.ver);
        return { ...known.user };
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(clock()),
        }));
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw new Unauthenticated('phiên đăng nhập đã hết hạn, hãy đăng nhập lại (the token has expired)');
        throw new Unauthenticated('mã xác thực không hợp lệ (invalid token)');
      }
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !payload.sub || !ROLES.includes(role)) {
        throw new Unauthenticated('mã xác thực không hợp lệ (invalid token)');
      }
      const agency = typeof payload.agency === 'string' && payload.agency ? payload.agency : null;
      const ver = typeof payload.ver === 'number' ? payload.ver : undefined;
      let user: Principal;
      if (payload.kind === 'client') {
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role)) : [role];
        const jt = Array.isArray(payload.jt) ? payload.jt.filter((t): t is string => typeof t === 'string') : null;
        user = { username: `client:${payload.sub}`, role, agencyCode: null, clientId: payload.sub, roles, jobTypes: jt };
      } else {
        user = { username: payload.sub, role, agencyCode: agency };
        if (typeof payload.name === 'string') user.fullName = payload.name;
      }
      await opts.sessions?.check(user.clientId ? 'client' : 'user', payload.sub, ver);
      if (typeof payload.exp === 'number') {
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
        verified.set(token, {
          user: { ...user },
          sub: payload.sub,
          ver,
          expMs: payload.exp * 1000,
          nbfMs: typeof payload.nbf === 'number' ? payload.nbf * 1000 : 0,
        });
      }
      return user;
    },
  };
}

/** Tokens verified lately, per token service (the oldest forgotten first beyond this many). */
const VERIFIED_MAX = 1_000;

/** Global middleware: a valid bearer token or session cookie becomes `req.user`; anything else leaves it unset. */
export function authenticate(tokens: TokenService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const viaCookie = header === undefined || header === '';
    let token: string;
    if (viaCookie) {
      const cookie = sessionToken(req);
      if (cookie === undefined) {
        next();
        return;
      }
      token = cookie;
    } else {
      const m = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(header);
      if (!m) {
        req.authProblem = 'tiêu đề Authorization phải có dạng "Bearer <token>" (Authorization must be "Bearer <token>")';
        next();
        return;
      }
      token = m[1];
    }
    try {
      req.user = await tokens.verify(token);
      if (viaCookie) req.viaCookie = true;
    } catch (e) {
      // Anything but a refused token (the database down while checking its version) is a 5xx.
      if (!(e instanceof Unauthenticated)) {
        next(e);
        return;
      }
      req.authProblem = e.message;
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller must be signed in and hold one of `roles` (none listed: any role). */
export function requireRole(...roles: Role[]): RequestHandler {
  const allowed = Object.freeze([...roles]);
  const handler: RequestHandler = (req, _res, next) => {
    notePath(req);
    check(req, allowed);
    next();
  };
  Object.defineProperty(handler, 'roles', { value: allowed });
  return handler;
}

function check(req: Request, roles: readonly Role[]): void {
  const u = req.user;
  if (!u) throw new Unauthenticated(req.authProblem ?? 'cần đăng nhập (sign in first: send Authorization: Bearer <token>)');
  refuseForgedWrite(req);
  const held = rolesHeld(u);
  if (held.some((r) => roleMayCall(r, roles, req.method))) return;
  if (held.length === 1 && held[0] === 'auditor' && (!roles.length || roles.includes('auditor'))) {
    throw new Forbidden('thanh tra chỉ được xem, không được thay đổi dữ liệu (auditors have read-only access)');
  }
  const named = held.join(', ');
  throw new Forbidden(`vai trò '${named}' không được thực hiện thao tác này (role '${named}' may not do this; allowed: ${roles.join(', ')})`);
}

/**
 * Marks a route anyone may call, signed in or not. Auditors stay read-only here too: a signed-in
 * auditor's write to a public route (filing or supplementing a dossier) is refused, except on
 * routes marked `{ signIn: true }` (the login itself).
 */
export function publicRoute(opts: { signIn?: boolean } = {}): RequestHandler {
  const handler: RequestHandler = (req, _res, next) => {
    notePath(req);
    if (req.user) refuseForgedWrite(req);
    if (!opts.signIn && req.user?.role === 'auditor' && !SAFE_METHODS.has(req.method)) {
      throw new Forbidden('thanh tra chỉ được xem, không được thay đổi dữ liệu (auditors have read-only access)');
    }
    next();
  };
  Object.defineProperty(handler, 'public', { value: true });
  return handler;
}

/** A write authenticated by the browser's cookie alone, without the app's header, may come from another site. */
function refuseForgedWrite(req: Request): void {
  if (req.viaCookie && !SAFE_METHODS.has(req.method) && !hasAppHeader(req)) {
    throw new Forbidden(
      'yêu cầu thay đổi dữ liệu phải gửi từ ứng dụng (X-Requested-With: lienthong) — a cookie-authenticated write needs the app header (CSRF guard)',
    );
  }
}

/** Only here, in the route's own first handler, are baseUrl and route both the matched ones. */
function notePath(req: Request): void {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (path && typeof path === 'string') req.routePath = req.baseUrl + path;
}

/** The roles a `requireRole` handler allows, or undefined for any other handler. */
export function rolesOf(handler: unknown): readonly Role[] | undefined {
  return (handler as { roles?: readonly Role[] } | undefined)?.roles;
}

export function isPublicMarker(handler: unknown): boolean {
  return (handler as { public?: boolean } | undefined)?.public === true;
}

/** Whether `role` passes a route guarded by `roles` for `method` (the same rule as `requireRole`). */
export function roleMayCall(role: Role, roles: readonly Role[], method: string): boolean {
  if (roles.length && !roles.includes(role)) return false;
  if (role === 'auditor' && !SAFE_METHODS.has(method.toUpperCase()) && !roles.includes('auditor')) return false;
  return true;
}
