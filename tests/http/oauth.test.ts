/**
 * Feature: machine clients. An administrator creates an API client (its secret shown once,
 * stored hashed); the client gets a bearer token from POST /oauth/token with OAuth 2 client
 * credentials, as Camunda's clients send them; /v2 takes the token; a worker client works only
 * its job types; deactivating a client or rotating its secret ends its tokens at once; errors
 * have RFC 6749's shape; no secret is ever stored or logged in clear.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { call, deploy, serviceTaskProcess } from './support.js';
import { startApiService, type ApiService } from './api-support.js';

let s: ApiService;
const logs: string[] = [];
const clock = new ManualClock();
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  s = await startApiService({ clock, logger: pino({ level: 'debug' }, sink) });
});
afterAll(async () => {
  await s?.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
async function tokenRequest(body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) {
  const res = await fetch(`${s.url}/oauth/token`, { method: 'POST', body, headers });
  const json: any = await res.json();
  return { status: res.status, body: json, headers: res.headers };
}
async function createClient(body: Record<string, unknown>): Promise<string> {
  const r = await s.as('admin', 'POST', '/api/clients', body);
  expect(r.status).toBe(201);
  return r.body.clientSecret as string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const secrets: string[] = [];

describe('Scenario: a client gets a token', () => {
  test('Given a new API client, when created, then its secret is shown once, stored only hashed, and never listed', async () => {
    const r = await s.as('admin', 'POST', '/api/clients', { clientId: 'app-one', name: 'Ứng dụng một', roles: ['designer', 'worker'], jobTypes: ['type-a'] });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ clientId: 'app-one', roles: ['designer', 'worker'], jobTypes: ['type-a'], active: true, createdBy: 'quantri' });
    const secret = r.body.clientSecret as string;
    secrets.push(secret);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const row = (await s.t.db.query(`select secret_hash from domain.api_clients where client_id = 'app-one'`)).rows[0];
    expect(row.secret_hash).toMatch(/^\$scrypt\$/);
    expect(row.secret_hash).not.toContain(secret);
    const list = await s.as('admin', 'GET', '/api/clients');
    expect(list.body.items.map((c: any) => c.clientId)).toEqual(expect.arrayContaining(['app-one', 'demo-worker', 'demo-app']));
    expect(JSON.stringify(list.body)).not.toMatch(/secret/i);
    const audited = (await s.t.db.query(`select payload from domain.audit_log where action = 'account.client_created' and payload->>'clientId' = 'app-one'`))
      .rows;
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain(secret);
  });

  test('Given its id and secret form-encoded (and an audience, as the SDK sends), when it asks for a token, then a Bearer token that /v2 takes', async () => {
    const r = await tokenRequest(form({ audience: 'zeebe.camunda.io', client_id: 'app-one', client_secret: secrets[0], grant_type: 'client_credentials' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    const topology = await call(s.url, 'GET', '/v2/topology', undefined, bearer(r.body.access_token));
    expect(topology.status).toBe(200);
    const me = await call(s.url, 'GET', '/api/auth/me', undefined, bearer(r.body.access_token));
    expect(me.body).toMatchObject({ username: 'client:app-one', clientId: 'app-one', roles: ['designer', 'worker'], jobTypes: ['type-a'] });
    // A designer role: it may list definitions, but never start instances (admin only).
    expect((await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'x' }, bearer(r.body.access_token))).status).toBe(403);
  });

  test('Given the id and secret in a Basic header (RFC 6749 §2.3.1, as zbctl may send), when asked, then a token too', async () => {
    const basic = Buffer.from(`app-one:${encodeURIComponent(secrets[0])}`).toString('base64');
    const r = await tokenRequest(form({ grant_type: 'client_credentials' }), {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
  });

  test.each([
    [
      'JSON instead of a form',
      JSON.stringify({ grant_type: 'client_credentials', client_id: 'app-one', client_secret: 'x' }),
      'application/json',
      400,
      'invalid_request',
    ],
    ['no grant_type', form({ client_id: 'app-one', client_secret: 'x' }), undefined, 400, 'invalid_request'],
    ['another grant type', form({ grant_type: 'password', client_id: 'app-one', client_secret: 'x' }), undefined, 400, 'unsupported_grant_type'],
    ['no client_id', form({ grant_type: 'client_credentials', client_secret: 'x' }), undefined, 400, 'invalid_request'],
    ['no client_secret', form({ grant_type: 'client_credentials', client_id: 'app-one' }), undefined, 400, 'invalid_request'],
    ['client_id twice', 'grant_type=client_credentials&client_id=a&client_id=b&client_secret=x', undefined, 400, 'invalid_request'],
    [
      'a body over 16 kB',
      form({ grant_type: 'client_credentials', client_id: 'app-one', client_secret: 'x'.repeat(20_000) }),
      undefined,
      400,
      'invalid_request',
    ],
    ['a wrong secret', form({ grant_type: 'client_credentials', client_id: 'app-one', client_secret: 'sai' }), undefined, 401, 'invalid_client'],
    ['an unknown client', form({ grant_type: 'client_credentials', client_id: 'khong-co', client_secret: 'sai' }), undefined, 401, 'invalid_client'],
  ])('Given %s, when asked for a token, then %#: the RFC 6749 error', async (_what, body, type, status, error) => {
    const r = await tokenRequest(body, { 'content-type': type ?? 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error, error_description: expect.any(String) });
  });

  test('Given a wrong secret and an unknown client, when refused, then the two answers are the same', async () => {
    const wrong = await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'app-one', client_secret: 'sai' }));
    const unknown = await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'khong-co-nua', client_secret: 'sai' }));
    expect(wrong.body).toEqual(unknown.body);
  });
});

describe('Scenario: a worker token works only its job types', () => {
  test('Given a worker of type-a, when it activates or acts on jobs of another type, then 403; its own type works', async () => {
    await createClient({ clientId: 'worker-a', name: 'Worker A', roles: ['worker'], jobTypes: ['type-a'] });
    const secret = (await s.as('admin', 'POST', '/api/clients/worker-a/secret')).body.clientSecret as string;
    secrets.push(secret);
    const token = (await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'worker-a', client_secret: secret }))).body.access_token as string;
    expect(
      (
        await deploy(s.url, [
          { name: 'a.bpmn', xml: serviceTaskProcess('proc-a', 'type-a') },
          { name: 'b.bpmn', xml: serviceTaskProcess('proc-b', 'type-b') },
        ])
      ).status,
    ).toBe(200);
    for (const id of ['proc-a', 'proc-b']) expect((await s.as('admin', 'POST', '/v2/process-instances', { processDefinitionId: id })).status).toBe(200);

    const other = await call(
      s.url,
      'POST',
      '/v2/jobs/activation',
      { type: 'type-b', timeout: 60_000, maxJobsToActivate: 5, requestTimeout: -1 },
      bearer(token),
    );
    expect(other.status).toBe(403);
    expect(other.body.message).toContain('type-b');
    const mine = await call(s.url, 'POST', '/v2/jobs/activation', { type: 'type-a', timeout: 60_000, maxJobsToActivate: 5, requestTimeout: -1 }, bearer(token));
    expect(mine.status).toBe(200);
    expect(mine.body.jobs).toHaveLength(1);

    const bJob = (await s.as('admin', 'POST', '/v2/jobs/activation', { type: 'type-b', timeout: 60_000, maxJobsToActivate: 5, requestTimeout: -1 })).body
      .jobs[0];
    for (const [method, path, body] of [
      ['POST', `/v2/jobs/${bJob.jobKey}/completion`, {}],
      ['POST', `/v2/jobs/${bJob.jobKey}/failure`, { retries: 1 }],
      ['POST', `/v2/jobs/${bJob.jobKey}/error`, { errorCode: 'x' }],
      ['PATCH', `/v2/jobs/${bJob.jobKey}`, { changeset: { retries: 5 } }],
    ] as const) {
      expect({ path, status: (await call(s.url, method, path, body, bearer(token))).status }).toEqual({ path, status: 403 });
    }
    expect((await call(s.url, 'POST', `/v2/jobs/${mine.body.jobs[0].jobKey}/completion`, {}, bearer(token))).status).toBe(204);
    // The worker role reaches nothing else.
    expect((await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'proc-a' }, bearer(token))).status).toBe(403);
    expect((await call(s.url, 'GET', '/api/tasks', undefined, bearer(token))).status).toBe(403);
    expect((await call(s.url, 'GET', '/api/users', undefined, bearer(token))).status).toBe(403);
  });
});

describe('Scenario: a client token ends at once', () => {
  test('Given a client token in use, when its secret is rotated, then the token and the old secret are refused and the new secret works', async () => {
    const secret = await createClient({ clientId: 'rotating', name: 'R', roles: ['auditor'] });
    const token = (await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'rotating', client_secret: secret }))).body.access_token as string;
    expect((await call(s.url, 'GET', '/v2/topology', undefined, bearer(token))).status).toBe(200);
    const rotated = await s.as('admin', 'POST', '/api/clients/rotating/secret');
    expect(rotated.status).toBe(200);
    secrets.push(secret, rotated.body.clientSecret);
    expect((await call(s.url, 'GET', '/v2/topology', undefined, bearer(token))).status).toBe(401);
    expect((await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'rotating', client_secret: secret }))).status).toBe(401);
    expect((await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'rotating', client_secret: rotated.body.clientSecret }))).status).toBe(200);
  });

  test('Given a client token in use, when the client is deactivated, then the token is refused on the next request and no new one is issued', async () => {
    const secret = await createClient({ clientId: 'leaving', name: 'L', roles: ['worker'] });
    secrets.push(secret);
    const token = (await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'leaving', client_secret: secret }))).body.access_token as string;
    expect((await call(s.url, 'GET', '/v2/topology', undefined, bearer(token))).status).toBe(200);
    const r = await s.as('admin', 'POST', '/api/clients/leaving/deactivation');
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect((await call(s.url, 'GET', '/v2/topology', undefined, bearer(token))).status).toBe(401);
    expect((await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'leaving', client_secret: secret }))).status).toBe(401);
    const actions = (await s.t.db.query(`select action from domain.audit_log where payload->>'clientId' = 'leaving' order by seq`)).rows.map((x) => x.action);
    expect(actions).toEqual(['account.client_created', 'account.client_deactivated']);
  });

  test.each([
    [{ clientId: 'X', name: 'x', roles: ['worker'] }, 'clientId'],
    [{ clientId: 'ok-id', name: 'x', roles: ['officer'] }, 'roles'],
    [{ clientId: 'ok-id', name: 'x', roles: [] }, 'roles'],
    [{ clientId: 'ok-id', name: 'x', roles: ['worker'], jobTypes: [] }, 'jobTypes'],
    [{ clientId: 'ok-id', roles: ['worker'] }, 'name'],
  ])('Given a bad client %j, when created, then 400 names %s and nothing is stored', async (body, field) => {
    const r = await s.as('admin', 'POST', '/api/clients', body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain(field);
    expect((await s.t.db.query(`select 1 from domain.api_clients where client_id = 'ok-id'`)).rows).toEqual([]);
  });

  test('Given an unknown client, when deactivated or rotated, then 404', async () => {
    expect((await s.as('admin', 'POST', '/api/clients/khong-co/deactivation')).status).toBe(404);
    expect((await s.as('admin', 'POST', '/api/clients/khong-co/secret')).status).toBe(404);
  });
});

test('Given everything above, when the logs and the database are read, then no secret appears in clear', async () => {
  expect(secrets.length).toBeGreaterThanOrEqual(4);
  const dump =
    JSON.stringify((await s.t.db.query(`select * from domain.api_clients`)).rows) + JSON.stringify((await s.t.db.query(`select * from domain.audit_log`)).rows);
  const all = logs.join('');
  expect(all.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(all).not.toContain(secret);
    expect(all).not.toContain(encodeURIComponent(secret));
    expect(dump).not.toContain(secret);
  }
});
