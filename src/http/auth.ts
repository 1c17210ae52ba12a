/**
 * Authorisation slot for the HTTP API.
 *
 * >>> THIS IS WHERE THE API-SECURITY ISSUE PLUGS JWT IN. <<<
 * Today every request passes: `requireRole` only records which roles a route is meant for, so
 * the wiring (every /v2 route already declares its roles) is in place. When JWT lands, verify
 * the bearer token here, attach the principal (user, roles, agency) to the request, answer
 * `Unauthenticated` (401) without a valid token and `Forbidden` (403) when none of the roles
 * match — both through the one error mapper (http/errors.ts).
 */
import type { RequestHandler } from 'express';

/** DESIGN.md's roles. */
export type Role = 'designer' | 'officer' | 'counter' | 'auditor' | 'admin';

/** Lets the request through when the caller holds one of `roles` (today: always). */
export function requireRole(...roles: Role[]): RequestHandler {
  const handler: RequestHandler = (_req, _res, next) => next();
  Object.defineProperty(handler, 'roles', { value: Object.freeze([...roles]) });
  return handler;
}
