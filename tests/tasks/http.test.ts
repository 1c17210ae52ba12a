/**
 * Feature: /api/tasks over real HTTP, through createApp as main.ts builds it: signed tokens
 * (http/auth.ts), the one error mapper, the schemas.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { createApp } from '../../src/http/app.js';
import { createTokenService } from '../../src/http/auth.js';
import { tasksRouter } from '../../src/http/tasks.js';
import type { Actor } from '../../src/tasks/index.js';
import { call } from '../http/support.js';
import { USERS, seedDossier, seedTask, useInbox, at } from './support.js';

const h = useInbox();
const SECRET = 'tasks-http-test-secret-of-32-bytes!!';
const tokens = createTokenService({ secret: SECRET, ttlSeconds: 3600 });
let server: Server;
let base: string;

beforeEach(async () => {
  const app = createApp({
    engine: h.engine,
    queries: new EmbeddedEngineQueries(h.db),
    db: h.db,
    auth: { secret: SECRET },
    api: [tasksRouter({ tasks: h.tasks })],
  });
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const as = async (u: Actor) => ({
  authorization: `Bearer ${(await tokens.issue({ username: u.username, role: u.role, agencyCode: u.agencyCode ?? null })).token}`,
});
const get = async (u: Actor | null, path: string) => call(base, 'GET', path, undefined, u ? await as(u) : {});
const post = async (u: Actor | null, path: string, body?: unknown) => call(base, 'POST', path, body, u ? await as(u) : {});

async function firstTask() {
  const d = await h.receive();
  await h.inbox();
  const [t] = await h.rows();
  return { ...d, task: t };
}

describe('Feature: the inbox over HTTP', () => {
  test('Scenario: an official lists, claims and completes their step; the process moves on', async () => {
    const { instanceKey, task } = await firstTask();
    const list = await get(USERS.tp1, '/api/tasks');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 50, items: [{ id: task.id, state: 'open', agencyCode: 'tp.phuc-xa' }] });
    expect(list.body.items[0]).not.toHaveProperty('variables');
    expect(list.body.items[0]).not.toHaveProperty('leaseUntil');

    const one = await get(USERS.tp1, `/api/tasks/${task.id}`);
    expect(one).toMatchObject({ status: 200, body: { id: task.id, jobKey: task.jobKey, variables: {} } });
    // The task's Camunda form, as the engine linked it (zeebe:formDefinition formId).
    expect((await get(USERS.tp1, `/api/tasks/${task.id}/form`)).body).toMatchObject({
      formId: 'birth-registration-group.birthRegistration',
      formKey: expect.stringMatching(/^\d+$/),
      version: 1,
      schema: { id: 'birth-registration-group.birthRegistration', components: expect.arrayContaining([expect.objectContaining({ key: 'outcome' })]) },
    });

    expect(await post(USERS.tp1, `/api/tasks/${task.id}/claim`)).toMatchObject({
      status: 200,
      body: { state: 'claimed', assignee: 'tp1' },
    });
    const done = await post(USERS.tp1, `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Hồ sơ hợp lệ' } });
    expect(done).toMatchObject({ status: 200, body: { state: 'completed', completedBy: 'tp1' } });
    expect(await h.activeElements(instanceKey)).not.toContain('birthRegistration');
  });

  test('Scenario: filters and paging in the query string', async () => {
    const dossier = await seedDossier(h.db, 'HS-1');
    for (let i = 0; i < 7; i++)
      await seedTask(h.db, {
        agencyCode: 'ca.phuc-xa',
        dueAt: at(i - 2),
        dossierCode: i < 3 ? dossier : null,
        procedureCode: i < 3 ? 'birth-registration-group' : null,
      });
    const page2 = await get(USERS.ca1, '/api/tasks?page=2&pageSize=3');
    expect(page2.body).toMatchObject({ total: 7, page: 2, pageSize: 3 });
    expect(page2.body.items).toHaveLength(3);
    expect((await get(USERS.ca1, '/api/tasks?overdue=true')).body.total).toBe(2);
    expect((await get(USERS.ca1, '/api/tasks?dueSoon=2')).body.total).toBe(2);
    expect((await get(USERS.ca1, '/api/tasks?dossierCode=HS-1&unassigned=true')).body.total).toBe(3);
    expect((await get(USERS.ca1, '/api/tasks?procedure=birth-registration-group&assignedToMe=true')).body.total).toBe(0);
    expect((await get(USERS.ca1, '/api/tasks?state=completed')).body).toMatchObject({ total: 0, items: [] });
  });

  test('Scenario: bad query strings and bodies are 400 with the path of what is wrong — never a 500, and nothing changes', async () => {
    const { task } = await firstTask();
    const cases: Array<[string, string, unknown, string]> = [
      ['GET', '/api/tasks?page=0', undefined, '/page'],
      ['GET', '/api/tasks?pageSize=201', undefined, '/pageSize'],
      ['GET', '/api/tasks?pageSize=abc', undefined, '/pageSize'],
      ['GET', '/api/tasks?state=done', undefined, '/state'],
      ['GET', '/api/tasks?overdue=yes', undefined, '/overdue'],
      ['GET', '/api/tasks?dueSoon=-5', undefined, '/dueSoon'],
      ['GET', '/api/tasks?page=1&page=2', undefined, '/page'],
      ['GET', '/api/tasks?sort=due', undefined, ''],
      ['POST', `/api/tasks/${task.id}/complete`, {}, ''],
      ['POST', `/api/tasks/${task.id}/complete`, { decision: 'approved' }, '/decision'],
      ['POST', `/api/tasks/${task.id}/complete`, { decision: {} }, '/decision/outcome'],
      ['POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved' }, extra: 1 }, ''],
      ['POST', `/api/tasks/${task.id}/claim`, { now: true }, ''],
      ['POST', `/api/tasks/${task.id}/assign`, {}, ''],
      ['POST', `/api/tasks/${task.id}/assign`, { username: 7 }, '/username'],
      ['POST', `/api/tasks/${task.id}/assign`, { username: 'cabd' }, '/username'],
    ];
    for (const [method, path, body, where] of cases) {
      const r = await call(base, method, path, body, await as(USERS.tp1));
      expect({ path, body, status: r.status }).toEqual({ path, body, status: 400 });
      expect(r.body).toMatchObject({ error: 'Invalid', message: expect.any(String) });
      expect(r.body.details.map((d: { instancePath: string }) => d.instancePath)).toContain(where);
    }
    for (const path of ['/api/tasks/abc', '/api/tasks/0', '/api/tasks/99999999999999999999']) {
      expect((await get(USERS.tp1, path)).status).toBe(400);
    }
    const malformed = await call(base, 'POST', `/api/tasks/${task.id}/complete`, '{"decision": ', await as(USERS.tp1));
    expect(malformed).toMatchObject({ status: 400, body: { error: 'Invalid' } });
    expect((await h.tasks.get(h.db, task.id)).state).toBe('open');
    expect(await h.audit('task.completed')).toEqual([]);
  });

  test('Scenario: without a user every route is 401; another agency’s officer gets 404; an auditor reads but gets 403 on changes', async () => {
    const { task } = await firstTask();
    expect((await get(null, '/api/tasks')).status).toBe(401);
    expect((await post(null, `/api/tasks/${task.id}/claim`)).status).toBe(401);
    expect((await get(USERS.cabd, `/api/tasks/${task.id}`)).status).toBe(404);
    expect((await post(USERS.cabd, `/api/tasks/${task.id}/claim`)).status).toBe(404);
    expect((await post(USERS.cabd, `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved' } })).status).toBe(404);
    expect((await get(USERS.cabd, '/api/tasks')).body.total).toBe(0);
    expect((await get(USERS.tt1, `/api/tasks/${task.id}`)).status).toBe(200);
    const forbidden = await post(USERS.tt1, `/api/tasks/${task.id}/claim`);
    expect(forbidden).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect((await get(USERS.tp1, '/api/tasks/123456')).status).toBe(404);
  });

  test('Scenario: two officers press “complete” at once → 200 and 409, one completion in the engine', async () => {
    await h.db.query(`insert into domain.users (username, full_name, password_hash, role, agency_code) values ('tp2', 'tp2', 'x', 'officer', 'tp.phuc-xa')`);
    const { instanceKey, task } = await firstTask();
    const [a, b] = await Promise.all([
      post(USERS.tp1, `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved' } }),
      post({ username: 'tp2', role: 'officer', agencyCode: 'tp.phuc-xa' }, `/api/tasks/${task.id}/complete`, {
        decision: { outcome: 'approved' },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body).toMatchObject({ error: 'Conflict' });
    const completions = (await h.events(instanceKey)).filter((e) => e.valueType === 'USER_TASK' && e.intent === 'COMPLETED');
    expect(completions).toHaveLength(1);
  });

  test('Scenario: assign and unclaim over HTTP', async () => {
    const id = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dossierCode: await seedDossier(h.db, 'HS-2') });
    expect(await post(USERS.ca1, `/api/tasks/${id}/assign`, { username: 'ca2' })).toMatchObject({
      status: 200,
      body: { assignee: 'ca2', state: 'claimed' },
    });
    expect((await post(USERS.ca1, `/api/tasks/${id}/unclaim`)).status).toBe(403);
    expect(await post(USERS.ca2, `/api/tasks/${id}/unclaim`, {})).toMatchObject({ status: 200, body: { state: 'open', assignee: null } });
  });
});
