/**
 * People's browser sessions: the signed token (the same JWT programs send as a bearer token) in
 * an HttpOnly, SameSite=Strict cookie, so page scripts never hold it and no other site can send
 * it. Because a browser attaches the cookie by itself, a cookie-authenticated write must also
 * carry the app's header (`X-Requested-With: lienthong`, which a cross-site form cannot set
 * without a CORS preflight this service never grants): that is the CSRF guard, on top of
 * SameSite=Strict.
 */
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'lienthong_session';
export const APP_HEADER = 'x-requested-with';
export const APP_HEADER_VALUE = 'lienthong';

/** The session token the browser sent, if any. */
export function sessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[SESSION_COOKIE];
  return value || undefined;
}

export function setSession(req: Request, res: Response, token: string, expiresAt: Date, now: number): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: expiresAt,
      maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)),
    }),
  );
}

export function clearSession(req: Request, res: Response): void {
  res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: 0 }));
}

/** Whether a cookie-authenticated request carries the app's header. */
export function hasAppHeader(req: Request): boolean {
  return req.get(APP_HEADER)?.toLowerCase() === APP_HEADER_VALUE;
}
