/**
 * The OpenAPI 3.1 document of the whole service, generated from what actually runs: the route
 * table (routes.ts, read from Express's router) and the JSON Schemas `validBody` checks. A
 * request body's schema in the document is the very file that validates it (embedded under
 * components.schemas with its own `$id`, so its relative `$ref`s resolve as they do in ajv).
 * Roles appear as `x-roles` and in the description; public routes have `security: []`.
 *
 *   GET /api/openapi.json   the document
 *   GET /api/docs           a small page listing paths, methods, roles and schemas (docs.ts)
 */
import { Router, type Express } from 'express';
import { publicRoute } from './auth.js';
import { describeRoute, listRoutes, openApiPath, pathParams, type RouteInfo } from './routes.js';
import type { SchemaRegistry } from './validate.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** `lienthong:/schemas/v2/job-activation.json` → `v2.job-activation` */
export function componentName(schemaId: string): string {
  return schemaId
    .replace(/^lienthong:\/schemas\//, '')
    .replace(/\.json$/, '')
    .replace(/\//g, '.')
    .replace(/[^A-Za-z0-9._-]/g, '_');
}

const ERROR_BODY = {
  type: 'object',
  description: 'Every error: the typed error name, a message (Vietnamese, English in brackets), details (ajv paths…).',
  properties: { error: { type: 'string' }, message: { type: 'string' }, details: {} },
  required: ['error', 'message'],
};

export function buildOpenApi(routes: RouteInfo[], info: OpenApiInfo): Record<string, unknown> {
  const registries = new Set<SchemaRegistry>();
  for (const r of routes) if (r.body) registries.add(r.body.schemas);
  const schemas: Record<string, unknown> = { ErrorBody: ERROR_BODY };
  for (const reg of registries) for (const [id, s] of reg.schemasById()) schemas[componentName(id)] = s;

  const paths: Record<string, Record<string, unknown>> = {};
  const opIds = new Set<string>();
  for (const r of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const method = r.method.toLowerCase();
    if (method === 'head' || method === 'options') continue;
    const p = openApiPath(r.path);
    const guarded = r.path.startsWith('/api/') || r.path.startsWith('/v2/');
    const open = r.public || !guarded;
    const op: Record<string, unknown> = {
      operationId: operationId(r, opIds),
      summary: r.doc?.summary ?? `${r.method} ${r.path}`,
      tags: [tag(r.path)],
      security: open ? [] : [{ bearerAuth: [] }],
      responses: {
        '200': { description: 'thành công (success)', content: { [r.doc?.produces ?? 'application/json']: {} } },
        '4XX': {
          description: 'yêu cầu bị từ chối (refused: invalid, unauthenticated, forbidden, not found, conflict…)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        },
      },
    };
    const roles = open ? undefined : (r.roles ?? []);
    if (roles) {
      op['x-roles'] = roles;
      op.description = [r.doc?.description, `Vai trò / roles: ${roles.length ? roles.join(', ') : 'any signed-in user'}.`].filter(Boolean).join('\n\n');
    } else if (r.doc?.description) op.description = r.doc.description;
    const params: Record<string, unknown>[] = pathParams(r.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    for (const [name, q] of Object.entries(r.doc?.query ?? {})) {
      params.push({
        name,
        in: 'query',
        required: q.required ?? false,
        ...(q.description ? { description: q.description } : {}),
        schema: q.schema,
      });
    }
    if (params.length) op.parameters = params;
    if (r.body) {
      op.requestBody = {
        required: false,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${componentName(r.body.schemaId)}` } } },
      };
    }
    (paths[p] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info,
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login → token' } },
    },
  };
}

function tag(path: string): string {
  const seg = path.split('/').filter(Boolean);
  if (seg[0] === 'v2') return 'engine (v2)';
  if (seg[0] === 'api') return seg[1] ?? 'api';
  return 'service';
}

function operationId(r: RouteInfo, used: Set<string>): string {
  const words = r.path
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? 'by-' + s.slice(1) : s))
    .join('-');
  const base = (r.method.toLowerCase() + '-' + words).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}${i}`;
  used.add(id);
  return id;
}

/** GET /openapi.json (under /api): built on first request, once every router is mounted. */
export function openApiRouter(app: Express, info: OpenApiInfo): Router {
  const router = Router();
  let doc: string | undefined;
  router.get('/openapi.json', publicRoute(), describeRoute({ summary: 'Tài liệu OpenAPI 3.1 của dịch vụ (this document)' }), (_req, res) => {
    doc ??= JSON.stringify(buildOpenApi(listRoutes(app), info));
    res.type('application/json').send(doc);
  });
  return router;
}
