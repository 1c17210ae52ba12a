/**
 * Feature: Camunda user tasks over /v2/user-tasks (Camunda 8.8 REST shapes) — search and read a
 * `zeebe:userTask`, assign and unassign it, change its schedule, candidates and priority, complete
 * it with variables (the process moves on), read its form and the variables it sees. Only
 * administrators act on them; auditors read; everyone else is refused.
 */
import type { Role } from '../../src/http/auth.js';
import { camundaUserTask, chain, definitions, end, named, proc, processXml, start as startEvent, subProcess } from '../support/bpmn.js';
import { call, deploy, startTestService, tokenFor, type TestService } from './support.js';

/** start → review (a Camunda user task with assignment, schedule, priority, form, headers) → end. */
const REVIEW = definitions(
  named(
    'Xét duyệt',
    proc(
      'xet-duyet',
      startEvent('s'),
      camundaUserTask('review', {
        name: 'Xem xét',
        assignee: '=reviewer',
        candidateGroups: 'ubnd-xa, cong-an-xa',
        dueDate: '2026-12-01T10:00:00Z',
        priority: '70',
        formId: 'review-form',
        headers: { buoc: 'xem-xet' },
      }),
      end('e'),
      ...chain('s', 'review', 'e'),
    ),
  ),
);

/** A user task without a form, in a sub-process; both map a variable the process holds too. */
const NOTE = processXml(
  'ghi-chu',
  startEvent('s'),
  subProcess(
    'sub',
    [
      startEvent('ss'),
      camundaUserTask('note', { name: 'Ghi chú', candidateUsers: '=nguoiNhan', inputs: { ghiChu: '="trong"' } }),
      end('se'),
      ...chain('ss', 'note', 'se'),
    ],
    { inputs: { capDo: '=2' } },
  ),
  end('e'),
  ...chain('s', 'sub', 'e'),
);

const FORM = { id: 'review-form', type: 'default', components: [{ key: 'ketQua', label: 'Kết quả', type: 'textfield' }] };

/** An unknown but valid key. */
const UNKNOWN = '4503599627370495';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
  const r = await deploy(s.url, [
    { name: 'review.bpmn', xml: REVIEW },
    { name: 'review.form', xml: JSON.stringify(FORM) },
    { name: 'note.bpmn', xml: NOTE },
  ]);
  if (r.status !== 200) throw new Error(`deployment refused: ${JSON.stringify(r.body)}`);
});
afterAll(async () => {
  await s.close();
});

async function start(processDefinitionId: string, variables: Record<string, unknown>): Promise<string> {
  const r = await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId, variables });
  expect(r.status).toBe(200);
  return r.body.processInstanceKey as string;
}

/** The one user task of an instance. */
async function taskOf(processInstanceKey: string): Promise<any> {
  const r = await call(s.url, 'POST', '/v2/user-tasks/search', { filter: { processInstanceKey } });
  expect(r.status).toBe(200);
  expect(r.body.page.totalItems).toBe(1);
  return r.body.items[0];
}

const search = async (filter: Record<string, unknown>) => (await call(s.url, 'POST', '/v2/user-tasks/search', { filter })).body;
const get = async (key: string) => (await call(s.url, 'GET', `/v2/user-tasks/${key}`)).body;
const as = async (role: Role) => ({
  authorization: `Bearer ${await tokenFor({ username: `u-${role}`, role, agencyCode: role === 'officer' || role === 'counter' ? 'ubnd-xa.a' : null })}`,
});

describe('Scenario: reading user tasks', () => {
  test('Given a started instance, when its tasks are searched, then the one task comes with Camunda’s fields and none that is absent', async () => {
    const pi = await start('xet-duyet', { reviewer: 'chuyen-vien-a' });
    const task = await taskOf(pi);
    expect(task).toEqual({
      userTaskKey: expect.stringMatching(/^\d+$/),
      name: 'Xem xét',
      state: 'CREATED',
      assignee: 'chuyen-vien-a',
      elementId: 'review',
      elementInstanceKey: expect.stringMatching(/^\d+$/),
      candidateGroups: ['ubnd-xa', 'cong-an-xa'],
      candidateUsers: [],
      processDefinitionId: 'xet-duyet',
      processDefinitionKey: expect.stringMatching(/^\d+$/),
      processDefinitionVersion: 1,
      processInstanceKey: pi,
      processName: 'Xét duyệt',
      creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      dueDate: '2026-12-01T10:00:00.000Z',
      formKey: expect.stringMatching(/^\d+$/),
      customHeaders: { buoc: 'xem-xet' },
      priority: 70,
      tenantId: '<default>',
    });
    expect(await get(task.userTaskKey)).toEqual(task);
  });

  test('The search filters by state, assignee, candidate group (plain, $in, $like, $neq), priority and sorts by priority', async () => {
    const a = await start('xet-duyet', { reviewer: 'loc-a' });
    const b = await start('ghi-chu', { nguoiNhan: ['loc-b'] });
    const both = { $in: [a, b] };
    const keysOf = (r: any) => r.items.map((t: any) => t.processInstanceKey);

    expect(keysOf(await search({ processInstanceKey: both, state: 'CREATED' })).sort()).toEqual([a, b].sort());
    expect((await search({ processInstanceKey: both, state: 'COMPLETED' })).page.totalItems).toBe(0);
    expect(keysOf(await search({ processInstanceKey: both, assignee: 'loc-a' }))).toEqual([a]);
    expect(keysOf(await search({ processInstanceKey: both, assignee: { $exists: false } }))).toEqual([b]);
    expect(keysOf(await search({ processInstanceKey: both, candidateGroup: 'cong-an-xa' }))).toEqual([a]);
    expect(keysOf(await search({ processInstanceKey: both, candidateGroup: 'cong-an' }))).toEqual([]);
    expect(keysOf(await search({ processInstanceKey: both, candidateGroup: { $in: ['khac', 'ubnd-xa'] } }))).toEqual([a]);
    expect(keysOf(await search({ processInstanceKey: both, candidateGroup: { $like: 'cong-*' } }))).toEqual([a]);
    expect(keysOf(await search({ processInstanceKey: both, candidateGroup: { $neq: 'ubnd-xa' } }))).toEqual([b]);
    expect(keysOf(await search({ processInstanceKey: both, candidateUser: 'loc-b' }))).toEqual([b]);
    expect(keysOf(await search({ processInstanceKey: both, priority: { $gt: 60 } }))).toEqual([a]);

    const sorted = await call(s.url, 'POST', '/v2/user-tasks/search', { filter: { processInstanceKey: both }, sort: [{ field: 'priority', order: 'DESC' }] });
    expect(sorted.body.items.map((t: any) => [t.processInstanceKey, t.priority])).toEqual([
      [a, 70],
      [b, 50],
    ]);
    const paged = await call(s.url, 'POST', '/v2/user-tasks/search', { filter: { processInstanceKey: both }, page: { from: 1, limit: 1 } });
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.page.totalItems).toBe(2);
    // The total is right whether the page is full, the last one, or past the end.
    for (const [page, items] of [
      [{ from: 0, limit: 1 }, 1],
      [{ from: 1, limit: 5 }, 1],
      [{ from: 0, limit: 5 }, 2],
      [{ from: 5, limit: 5 }, 0],
    ] as const) {
      const r = await call(s.url, 'POST', '/v2/user-tasks/search', { filter: { processInstanceKey: both }, page });
      expect({ page, items: r.body.items.length, total: r.body.page.totalItems }).toEqual({ page, items, total: 2 });
    }
  });

  test('An unknown task is a 404 naming its key; a key that is not one is a 400', async () => {
    const r = await call(s.url, 'GET', `/v2/user-tasks/${UNKNOWN}`);
    expect(r.status).toBe(404);
    expect(r.body.message).toContain(UNKNOWN);
    expect((await call(s.url, 'GET', '/v2/user-tasks/abc')).status).toBe(400);
  });

  test('A search with a filter or sort field it does not have, or an unknown state, is a 400 naming it', async () => {
    for (const [body, name] of [
      [{ filter: { processInstanceVariables: [] } }, 'processInstanceVariables'],
      [{ filter: { state: 'OPEN' } }, 'state'],
      [{ sort: [{ field: 'assignee' }] }, 'field'],
      [{ filter: { candidateGroup: { $gt: 'a' } } }, '$gt'],
    ] as const) {
      const r = await call(s.url, 'POST', '/v2/user-tasks/search', body);
      expect({ name, status: r.status }).toEqual({ name, status: 400 });
      expect(JSON.stringify(r.body)).toContain(name);
    }
  });
});

describe('Scenario: working a user task', () => {
  test('Assignment sets the assignee; with allowOverride false another assignee is a 409; unassigning clears it', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'chuyen-vien-a' }));
    const path = `/v2/user-tasks/${task.userTaskKey}`;

    expect((await call(s.url, 'POST', `${path}/assignment`, { assignee: 'chuyen-vien-b' })).status).toBe(204);
    expect((await get(task.userTaskKey)).assignee).toBe('chuyen-vien-b');

    const refused = await call(s.url, 'POST', `${path}/assignment`, { assignee: 'chuyen-vien-c', allowOverride: false });
    expect(refused.status).toBe(409);
    expect((await get(task.userTaskKey)).assignee).toBe('chuyen-vien-b');

    expect((await call(s.url, 'DELETE', `${path}/assignee`)).status).toBe(204);
    expect(await get(task.userTaskKey)).not.toHaveProperty('assignee');

    expect((await call(s.url, 'POST', `${path}/assignment`, { assignee: 'chuyen-vien-c', allowOverride: false, action: 'claim' })).status).toBe(204);
    expect((await get(task.userTaskKey)).assignee).toBe('chuyen-vien-c');
  });

  test('An assignment without an assignee, or with an empty one, is a 400 naming it', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    for (const body of [{}, { assignee: '' }, { assignee: 'y', extra: 1 }]) {
      const r = await call(s.url, 'POST', `/v2/user-tasks/${task.userTaskKey}/assignment`, body);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(/assignee|extra/);
    }
    expect((await get(task.userTaskKey)).assignee).toBe('x');
  });

  test('PATCH changes the schedule, candidates and priority; null clears the due date', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    const r = await call(s.url, 'PATCH', `/v2/user-tasks/${task.userTaskKey}`, {
      changeset: { dueDate: null, followUpDate: '2026-12-05T08:00:00+07:00', candidateGroups: ['mot-cua-xa'], candidateUsers: ['an'], priority: 90 },
      action: 'reschedule',
    });
    expect(r.status).toBe(204);
    const after = await get(task.userTaskKey);
    expect(after).not.toHaveProperty('dueDate');
    expect(after).toMatchObject({ followUpDate: '2026-12-05T01:00:00.000Z', candidateGroups: ['mot-cua-xa'], candidateUsers: ['an'], priority: 90 });
    expect((await search({ processInstanceKey: task.processInstanceKey, candidateGroup: 'mot-cua-xa' })).page.totalItems).toBe(1);
    expect((await search({ processInstanceKey: task.processInstanceKey, candidateGroup: 'ubnd-xa' })).page.totalItems).toBe(0);

    // An absent property is unchanged.
    expect((await call(s.url, 'PATCH', `/v2/user-tasks/${task.userTaskKey}`, { changeset: { priority: 10 } })).status).toBe(204);
    expect(await get(task.userTaskKey)).toMatchObject({ followUpDate: '2026-12-05T01:00:00.000Z', candidateGroups: ['mot-cua-xa'], priority: 10 });
  });

  test('A PATCH with a priority out of 0–100, a date that is not one or an unknown property is a 400 naming it, and changes nothing', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    for (const [changeset, name] of [
      [{ priority: 101 }, 'priority'],
      [{ dueDate: 'ngày mai' }, 'dueDate'],
      [{ candidateGroups: 'ubnd-xa' }, 'candidateGroups'],
      [{ assignee: 'y' }, 'assignee'],
    ] as const) {
      const r = await call(s.url, 'PATCH', `/v2/user-tasks/${task.userTaskKey}`, { changeset });
      expect({ name, status: r.status }).toEqual({ name, status: 400 });
      expect(JSON.stringify(r.body)).toContain(name);
    }
    expect(await get(task.userTaskKey)).toEqual(task);
  });

  test('Completion with variables completes the task and the instance, which holds the variables; a second completion is refused', async () => {
    const pi = await start('xet-duyet', { reviewer: 'x' });
    const task = await taskOf(pi);
    const r = await call(s.url, 'POST', `/v2/user-tasks/${task.userTaskKey}/completion`, { variables: { ketQua: 'dat' }, action: 'complete' });
    expect(r.status).toBe(204);

    const done = await get(task.userTaskKey);
    expect(done).toMatchObject({ state: 'COMPLETED', completionDate: expect.stringMatching(/Z$/) });
    expect((await call(s.url, 'GET', `/v2/process-instances/${pi}`)).body.state).toBe('COMPLETED');
    expect((await search({ processInstanceKey: pi, state: 'COMPLETED' })).page.totalItems).toBe(1);

    // The task's element instance is gone: it sees the process's variables, the completion's among them.
    const vars = await call(s.url, 'POST', `/v2/user-tasks/${task.userTaskKey}/variables/search`, {});
    expect(vars.body.items).toContainEqual(
      expect.objectContaining({ name: 'ketQua', value: '"dat"', scopeKey: pi, variableKey: `${pi}-ketQua`, processInstanceKey: pi }),
    );

    const again = await call(s.url, 'POST', `/v2/user-tasks/${task.userTaskKey}/completion`, {});
    expect([404, 409]).toContain(again.status);
  });

  test('A completion whose variables are not an object is a 400 and completes nothing', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    const r = await call(s.url, 'POST', `/v2/user-tasks/${task.userTaskKey}/completion`, { variables: ['ketQua'] });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('variables');
    expect((await get(task.userTaskKey)).state).toBe('CREATED');
  });

  test('Every command on an unknown task is a 404', async () => {
    const path = `/v2/user-tasks/${UNKNOWN}`;
    for (const [method, p, body] of [
      ['POST', `${path}/assignment`, { assignee: 'x' }],
      ['DELETE', `${path}/assignee`, undefined],
      ['PATCH', path, { changeset: { priority: 1 } }],
      ['POST', `${path}/completion`, {}],
      ['GET', `${path}/form`, undefined],
      ['POST', `${path}/variables/search`, {}],
    ] as const) {
      const r = await call(s.url, method, p, body);
      expect({ route: `${method} ${p}`, status: r.status }).toEqual({ route: `${method} ${p}`, status: 404 });
    }
  });
});

describe('Scenario: the form and the variables of a task', () => {
  test('The form of a task that links one is the deployed form; a task without one answers 204', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    const r = await call(s.url, 'GET', `/v2/user-tasks/${task.userTaskKey}/form`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ formKey: task.formKey, formId: 'review-form', version: 1, schema: expect.any(String), tenantId: '<default>' });
    expect(JSON.parse(r.body.schema)).toEqual(FORM);

    const plain = await taskOf(await start('ghi-chu', { nguoiNhan: ['an'] }));
    expect(plain).not.toHaveProperty('formKey');
    const none = await call(s.url, 'GET', `/v2/user-tasks/${plain.userTaskKey}/form`);
    expect(none.status).toBe(204);
    expect(none.body).toBe('');
  });

  test('The variables a task sees: the innermost scope holding a name wins, each with the scope holding it; filter, sort and page', async () => {
    const pi = await start('ghi-chu', { ghiChu: 'ngoai', capDo: 1, hoTen: 'Nguyễn Văn An', nguoiNhan: ['an'] });
    const task = await taskOf(pi);
    const sub = (await call(s.url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'sub' } })).body.items[0]
      .elementInstanceKey as string;
    const path = `/v2/user-tasks/${task.userTaskKey}/variables/search`;

    const all = await call(s.url, 'POST', path, {});
    expect(all.status).toBe(200);
    const v = (name: string, value: unknown, scopeKey: string) => ({
      variableKey: `${scopeKey}-${name}`,
      name,
      value: JSON.stringify(value),
      isTruncated: false,
      processInstanceKey: pi,
      scopeKey,
      tenantId: '<default>',
    });
    expect(all.body).toEqual({
      items: [v('capDo', 2, sub), v('ghiChu', 'trong', task.elementInstanceKey), v('hoTen', 'Nguyễn Văn An', pi), v('nguoiNhan', ['an'], pi)],
      page: { totalItems: 4 },
    });

    const one = await call(s.url, 'POST', path, { filter: { name: 'ghiChu' } });
    expect(one.body).toEqual({ items: [v('ghiChu', 'trong', task.elementInstanceKey)], page: { totalItems: 1 } });
    const like = await call(s.url, 'POST', path, { filter: { name: { $like: '*o*' } }, sort: [{ field: 'name', order: 'DESC' }], page: { limit: 1 } });
    expect(like.body).toEqual({ items: [v('nguoiNhan', ['an'], pi)], page: { totalItems: 3 } }); // capDo, hoTen, nguoiNhan

    const bad = await call(s.url, 'POST', path, { filter: { value: 'x' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('value');
  });
});

describe('Scenario: who may call', () => {
  test('Auditors read user tasks but act on none; designers, officers and counter staff reach none of the routes', async () => {
    const task = await taskOf(await start('xet-duyet', { reviewer: 'x' }));
    const path = `/v2/user-tasks/${task.userTaskKey}`;
    const auditor = await as('auditor');
    expect((await call(s.url, 'POST', '/v2/user-tasks/search', {}, auditor)).status).toBe(200);
    expect((await call(s.url, 'GET', path, undefined, auditor)).status).toBe(200);
    expect((await call(s.url, 'GET', `${path}/form`, undefined, auditor)).status).toBe(200);
    expect((await call(s.url, 'POST', `${path}/variables/search`, {}, auditor)).status).toBe(200);
    expect((await call(s.url, 'POST', `${path}/assignment`, { assignee: 'thanhtra' }, auditor)).status).toBe(403);
    expect((await call(s.url, 'POST', `${path}/completion`, {}, auditor)).status).toBe(403);

    for (const role of ['designer', 'officer', 'counter'] as const) {
      const h = await as(role);
      expect({ role, status: (await call(s.url, 'POST', '/v2/user-tasks/search', {}, h)).status }).toEqual({ role, status: 403 });
      expect({ role, status: (await call(s.url, 'GET', path, undefined, h)).status }).toEqual({ role, status: 403 });
      expect({ role, status: (await call(s.url, 'POST', `${path}/completion`, {}, h)).status }).toEqual({ role, status: 403 });
    }
    expect((await call(s.url, 'GET', path, undefined, { authorization: '' })).status).toBe(401);
    expect(await get(task.userTaskKey)).toEqual(task);
  });
});
