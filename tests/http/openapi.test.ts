/**
 * Feature: the API describes itself from what runs — every route, its roles, and the very JSON
 * Schema that validates its body — as OpenAPI 3.1 at /api/openapi.json, browsable at /api/docs;
 * responses carry helmet's headers; oversized bodies are refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentName } from '../../src/http/openapi.js';
import { schemasDir } from '../../src/http/validate.js';
import { call } from './support.js';
import { startApiService, type ApiService } from './api-support.js';

let s: ApiService;
let doc: any;
beforeAll(async () => {
  s = await startApiService();
  doc = (await s.as('anonymous', 'GET', '/api/openapi.json')).body;
});
afterAll(async () => {
  await s?.close();
});

describe('Scenario: the OpenAPI document', () => {
  test('Given the running service, when anyone fetches /api/openapi.json, then it is OpenAPI 3.1 with the JWT scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('lienthong');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }));
  });

  test('Given the routes of this room and of /v2, when listed, then each is there with its roles', () => {
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/audit/verify'].get['x-roles']).toEqual(['auditor', 'admin']);
    expect(doc.paths['/api/dossiers/{code}/trace'].get.parameters).toEqual([
      { name: 'code', in: 'path', required: true, schema: { type: 'string' } },
      expect.objectContaining({ name: 'include', in: 'query', schema: { enum: ['xml'] } }),
    ]);
    expect(doc.paths['/api/audit'].get.parameters.map((p: any) => p.name)).toEqual(['dossier', 'actor', 'action', 'from', 'to', 'page', 'pageSize']);
    expect(doc.paths['/v2/deployments'].post['x-roles']).toEqual(['designer', 'admin']);
    expect(doc.paths['/v2/jobs/{jobKey}/completion'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    const ids = Object.values(doc.paths).flatMap((item: any) => Object.values(item).map((op: any) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('Given a route that validates its body, when documented, then its requestBody references the same schema file, embedded with its $id', () => {
    const refs: string[] = [];
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        const ref = op.requestBody?.content['application/json'].schema.$ref;
        if (ref) refs.push(ref);
      }
    }
    expect(refs).toEqual(expect.arrayContaining(['#/components/schemas/api.auth-login', '#/components/schemas/v2.job-activation']));
    for (const ref of refs) {
      const schema = doc.components.schemas[ref.split('/').pop()!];
      expect(schema).toBeDefined();
      const file = join(schemasDir(), schema.$id.replace('lienthong:/schemas/', ''));
      expect(schema).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    }
    // The files a body schema refers to travel with it.
    expect(doc.components.schemas['v2.common'].$id).toBe('lienthong:/schemas/v2/common.json');
    expect(componentName('lienthong:/schemas/api/auth-login.json')).toBe('api.auth-login');
  });

  test('Given /api/docs, when opened, then a page without any CDN loads its script from the same origin, and the script reads the document', async () => {
    const page = await call(s.url, 'GET', '/api/docs', undefined, { authorization: '' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('<script src="/api/docs/viewer.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    const js = await call(s.url, 'GET', '/api/docs/viewer.js', undefined, { authorization: '' });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.body).toContain("fetch('/api/openapi.json')");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('Scenario: protective headers and limits', () => {
  test('Given any response, when it leaves, then helmet headers are set and the framework is not named', async () => {
    const r = await call(s.url, 'GET', '/healthz');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  test('Given a JSON body over 1 MB under /api, when posted, then 413 in the one error shape', async () => {
    const r = await call(s.url, 'POST', '/api/auth/login', { username: 'a', password: 'x'.repeat(1024 * 1024 + 1) }, { authorization: '' });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: 'PayloadTooLarge', message: expect.any(String) });
  });

  test('Given malformed JSON, when posted to login, then 400, never 500', async () => {
    const r = await call(s.url, 'POST', '/api/auth/login', '{"username": ', { authorization: '' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Invalid');
  });
});
