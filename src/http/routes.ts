/**
 * The route table, read from Express's own router stack: every route's method, full path and
 * the markers its handlers carry (`requireRole`'s roles, `publicRoute`, `validBody`'s schema,
 * `describeRoute`'s summary). The OpenAPI document, the startup guard check and the
 * authorization-matrix test all read it, so a new route is documented, guarded and tested
 * without anyone listing it again.
 */
import type { Express, RequestHandler } from 'express';
import { isPublicMarker, rolesOf, type Role } from './auth.js';
import { bodySchemaOf, type SchemaRegistry } from './validate.js';

export interface QueryParamDoc {
  description?: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  query?: Record<string, QueryParamDoc>;
  /** 'json' (default) or another media type the success response uses ('text/html'…). */
  produces?: string;
}

export interface RouteInfo {
  method: string;
  /** Express syntax, mount prefixes included: '/api/dossiers/:code/trace'. */
  path: string;
  /** From `requireRole`: the roles allowed (empty: any signed-in user); undefined: no such guard. */
  roles?: readonly Role[];
  public: boolean;
  body?: { schemaId: string; schemas: SchemaRegistry };
  doc?: RouteDoc;
  /** Whether the guard (`requireRole` / `publicRoute`) is the route's first handler. */
  guardFirst: boolean;
}

/** A handler that does nothing but describe its route for the OpenAPI document. */
export function describeRoute(doc: RouteDoc): RequestHandler {
  const handler: RequestHandler = (_req, _res, next) => next();
  Object.defineProperty(handler, 'routeDoc', { value: Object.freeze(doc) });
  return handler;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown; method?: string }[] };
  handle: unknown;
  rawPath?: unknown;
  slash?: boolean;
}

export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  return out;
}

function walk(stack: Layer[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of paths(layer.route.path)) {
        const handlers = layer.route.stack.map((l) => l.handle);
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all' && layer.route!.methods[m]);
        for (const method of methods) out.push(describe(method.toUpperCase(), join(prefix, path), handlers));
      }
      continue;
    }
    const sub = (layer.handle as { stack?: Layer[] } | undefined)?.stack;
    if (Array.isArray(sub)) {
      for (const path of layer.slash ? [''] : paths(layer.rawPath)) walk(sub, join(prefix, path), out);
    }
  }
}

function describe(method: string, path: string, handlers: unknown[]): RouteInfo {
  const info: RouteInfo = { method, path, public: false, guardFirst: false };
  handlers.forEach((h, i) => {
    const roles = rolesOf(h);
    if (roles) info.roles = roles;
    if (isPublicMarker(h)) info.public = true;
    if ((roles || isPublicMarker(h)) && i === firstRealHandler(handlers)) info.guardFirst = true;
    const body = bodySchemaOf(h);
    if (body) info.body = body;
    const doc = (h as { routeDoc?: RouteDoc }).routeDoc;
    if (doc) info.doc = doc;
  });
  return info;
}

/** Index of the first handler that is not a pure description. */
function firstRealHandler(handlers: unknown[]): number {
  const i = handlers.findIndex((h) => !(h as { routeDoc?: unknown }).routeDoc);
  return i < 0 ? 0 : i;
}

function paths(p: unknown): string[] {
  if (typeof p === 'string') return [p];
  if (Array.isArray(p)) return p.flatMap(paths);
  return []; // a RegExp path cannot be listed; none is used
}

function join(prefix: string, path: string): string {
  const p = (prefix + (path === '/' ? '' : path)).replace(/\/+/g, '/');
  return p === '' ? '/' : p;
}

/** Express path → OpenAPI path: '/a/:code/b' → '/a/{code}/b'. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The names of a path's parameters, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

/** Routes under `prefixes` with neither `requireRole` nor `publicRoute`: a build error. */
export function unguardedRoutes(routes: RouteInfo[], prefixes: string[]): RouteInfo[] {
  return routes.filter((r) => prefixes.some((p) => r.path === p || r.path.startsWith(p + '/')) && !r.public && !r.roles);
}
