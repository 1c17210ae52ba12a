/**
 * POST /api/auth/login { username, password } → { token, expiresAt, user }
 * POST /api/auth/logout → 204, the browser's session cookie cleared and, when signed in, every
 *   token of the user ended (the account's token version raised; audited)
 * GET  /api/auth/me → the signed-in user as the token says
 *
 * Passwords are checked with scrypt (security/passwords.ts). A wrong username and a wrong
 * password get the same 401 and take the same time (an unknown user is checked against a dummy
 * hash), so the answer does not tell which usernames exist. Failures are throttled per username
 * and per address, in PostgreSQL (accounts/login-throttle.ts). Every attempt is an audit row — 'auth.login' or
 * 'auth.login_failed' with the reason — never with the password.
 */
import { Router, type Request, type Response } from 'express';
import { appendAudit } from '../audit/index.js';
import { credentialsOf, endSessions, type AccountsContext, type LoginThrottle } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import { TooManyRequests, Unauthenticated } from '../errors.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import { publicRoute, requireRole, type Principal, type Role, type TokenService } from './auth.js';
import { clearSession } from './session.js';
import { describeRoute } from './routes.js';
import { schemaId, validBody, type SchemaRegistry } from './validate.js';

export interface LoginDeps {
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> } & Queryable;
  tokens: TokenService;
  throttle: LoginThrottle;
  /** Sign-out ends the user's sessions through it. */
  accounts: AccountsContext;
  schemas: SchemaRegistry;
  /** The service's clock (ms since the epoch): audit rows are stamped with it. */
  now: () => number;
}

const WRONG = 'tên đăng nhập hoặc mật khẩu không đúng (wrong username or password)';

// Checked when the username is unknown, so that answer costs what a wrong password costs.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword('lienthong: no such user'));

export function authRouter(deps: LoginDeps): Router {
  const router = Router();

  router.post(
    '/auth/login',
    publicRoute({ signIn: true }),
    describeRoute({
      summary: 'Đăng nhập: trả về mã xác thực (JWT) mang vai trò và cơ quan (sign in: a signed token with role and agency)',
    }),
    validBody(deps.schemas, schemaId('api/auth-login.json')),
    async (req, res) => {
      const { username, password } = req.body as { username: string; password: string };
      const { user, token, expiresAt } = await signIn(deps, req, res, username, password);
      res.json({ token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user });
    },
  );

  router.post(
    '/auth/logout',
    publicRoute({ signIn: true }),
    describeRoute({ summary: 'Đăng xuất: xoá phiên của trình duyệt (sign out: ends the browser session cookie)' }),
    async (req, res) => {
      clearSession(req, res);
      const user = req.user;
      if (user) {
        // Every token of the user ends, not only this browser's cookie (an API client has no session to end here).
        const ended = user.clientId ? false : await endSessions(deps.accounts, user.username);
        await audit(deps, { actor: user.username, role: user.role, agency: user.agencyCode }, 'auth.logout', {
          ip: clientIp(req),
          requestId: req.id,
          sessionsEnded: ended,
        });
      }
      res.status(204).end();
    },
  );

  router.get('/auth/me', requireRole(), describeRoute({ summary: 'Người dùng đang đăng nhập (the signed-in user)' }), (req, res) => {
    res.json(req.user);
  });

  return router;
}

export interface SignedIn {
  user: { username: string; fullName: string; role: Role; agencyCode: string | null };
  token: string;
  expiresAt: Date;
}

/**
 * Checks a username and password (throttled, audited) and issues a token; the API's login and
 * the browser's /login form both come here. Throws `Unauthenticated` or `TooManyRequests`.
 */
export async function signIn(
  deps: Omit<LoginDeps, 'schemas' | 'accounts'>,
  req: Request,
  res: Response,
  username: string,
  password: string,
): Promise<SignedIn> {
  const ip = clientIp(req);
  const wait = await deps.throttle.retryAfterSeconds({ username }, ip);
  if (wait > 0) {
    await audit(deps, { actor: username, role: 'anonymous', agency: null }, 'auth.login_failed', {
      reason: 'rate_limited',
      ip,
      requestId: req.id,
    });
    res.setHeader('Retry-After', String(wait));
    throw new TooManyRequests(`đăng nhập sai quá nhiều lần, hãy thử lại sau ${wait} giây (too many failed logins; retry after ${wait} s)`, {
      retryAfterSeconds: wait,
    });
  }

  const user = await credentialsOf(deps.db, username);
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummy()), false);
  if (!user || !ok || !user.active) {
    await deps.throttle.failed({ username }, ip);
    const reason = !user ? 'unknown_user' : !ok ? 'wrong_password' : 'inactive';
    const who = user ? { actor: user.username, role: user.role, agency: user.agencyCode } : { actor: username, role: 'anonymous', agency: null };
    await audit(deps, who, 'auth.login_failed', { reason, ip, requestId: req.id });
    throw new Unauthenticated(WRONG);
  }

  await deps.throttle.succeeded({ username });
  const principal: Principal = { username: user.username, role: user.role, agencyCode: user.agencyCode, fullName: user.fullName };
  const { token, expiresAt } = await deps.tokens.issue(principal, user.tokenVersion);
  await audit(deps, { actor: user.username, role: user.role, agency: user.agencyCode }, 'auth.login', {
    ip,
    expiresAt: expiresAt.toISOString(),
    requestId: req.id,
  });
  return { user: { username: user.username, fullName: user.fullName, role: user.role, agencyCode: user.agencyCode }, token, expiresAt };
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

async function audit(
  deps: Pick<LoginDeps, 'db' | 'now'>,
  who: { actor: string; role: string; agency: string | null },
  action: 'auth.login' | 'auth.login_failed' | 'auth.logout',
  payload: Record<string, unknown>,
): Promise<void> {
  await deps.db.tx((q) => appendAudit(q, { ...who, action, payload, at: new Date(deps.now()) }));
}
