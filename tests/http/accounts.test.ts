/**
 * Feature: sessions that end, and the administrator's accounts routes. Signing out, deactivating
 * a user, changing their role or agency, and resetting their password end their tokens on the
 * very next request; every change is audited; bad input is a 400 naming the field and changes
 * nothing; only administrators may call these routes.
 */
import { ManualClock } from '../../src/clock.js';
import { call } from './support.js';
import { login, PASSWORD, startApiService, type ApiService } from './api-support.js';

let s: ApiService;
const clock = new ManualClock();
beforeAll(async () => {
  s = await startApiService({ clock });
});
afterAll(async () => {
  await s?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) => call(s.url, 'GET', '/api/auth/me', undefined, bearer(token));
const tokenOf = async (username: string, password = PASSWORD) => {
  const r = await login(s.url, username, password);
  expect(r.status).toBe(200);
  return r.body.token as string;
};
const admin = (method: string, path: string, body?: unknown) => s.as('admin', method, path, body);
const auditActions = async () => (await s.t.db.query(`select action, actor, payload from domain.audit_log order by seq`)).rows;

describe('Scenario: a token stops working at once', () => {
  test('Given two sessions of an officer, when she signs out of one, then both tokens are refused on the next request', async () => {
    const a = await tokenOf('canbo.a');
    const b = await tokenOf('canbo.a');
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);
    const out = await call(s.url, 'POST', '/api/auth/logout', undefined, bearer(a));
    expect(out.status).toBe(204);
    for (const t of [a, b]) {
      const r = await me(t);
      expect(r.status).toBe(401);
      expect(r.body.message).toContain('session has ended');
    }
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'auth.logout', actor: 'canbo.a', payload: expect.objectContaining({ sessionsEnded: true }) });
    expect((await me(await tokenOf('canbo.a'))).status).toBe(200); // signing in again works
  });

  test('Given an officer signed in, when an administrator deactivates her, then her token is refused on the next request and she cannot sign in', async () => {
    const t = await tokenOf('canbo.b');
    expect((await call(s.url, 'GET', '/api/tasks', undefined, bearer(t))).status).toBe(200);
    const r = await admin('PATCH', '/api/users/canbo.b', { active: false });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ username: 'canbo.b', active: false });
    const next = await call(s.url, 'GET', '/api/tasks', undefined, bearer(t));
    expect(next.status).toBe(401);
    expect((await login(s.url, 'canbo.b')).status).toBe(401);
    expect((await auditActions()).at(-2)).toMatchObject({
      action: 'account.user_changed',
      actor: 'quantri',
      payload: { username: 'canbo.b', changes: { active: { from: true, to: false } }, sessionsEnded: true },
    });
    expect((await admin('PATCH', '/api/users/canbo.b', { active: true })).status).toBe(200);
    expect((await login(s.url, 'canbo.b')).status).toBe(200);
  });

  test('Given a counter officer signed in, when her role or agency changes, then the old token is refused and a new sign-in carries the new role', async () => {
    const t = await tokenOf('motcua.a');
    expect((await admin('PATCH', '/api/users/motcua.a', { role: 'officer', agencyCode: 'ubnd-xa.a' })).status).toBe(200);
    expect((await me(t)).status).toBe(401);
    const t2 = await tokenOf('motcua.a');
    expect((await me(t2)).body).toMatchObject({ role: 'officer', agencyCode: 'ubnd-xa.a' });
    expect((await admin('PATCH', '/api/users/motcua.a', { agencyCode: 'ubnd-xa.b' })).status).toBe(200);
    expect((await me(t2)).status).toBe(401);
    // A change of name alone ends nothing.
    const t3 = await tokenOf('motcua.a');
    expect((await admin('PATCH', '/api/users/motcua.a', { fullName: 'Phạm Thị Cửa Mới' })).status).toBe(200);
    expect((await me(t3)).status).toBe(200);
    expect((await admin('PATCH', '/api/users/motcua.a', { role: 'counter', agencyCode: 'mot-cua-xa.a', fullName: 'Phạm Thị Cửa' })).status).toBe(200);
  });

  test('Given a designer signed in, when an administrator resets her password, then her token is refused, the old password fails and the new one works', async () => {
    const t = await tokenOf('thietke');
    const r = await admin('POST', '/api/users/thietke/password', { password: 'mat-khau-moi-2026' });
    expect(r.status).toBe(204);
    expect((await me(t)).status).toBe(401);
    expect((await login(s.url, 'thietke')).status).toBe(401);
    expect((await login(s.url, 'thietke', 'mat-khau-moi-2026')).status).toBe(200);
    const row = (await auditActions()).find((a) => a.action === 'account.password_reset');
    expect(row).toMatchObject({ actor: 'quantri', payload: { username: 'thietke', sessionsEnded: true } });
    expect(JSON.stringify(await auditActions())).not.toContain('mat-khau-moi-2026');
    expect((await admin('POST', '/api/users/thietke/password', { password: PASSWORD })).status).toBe(204);
  });
});

describe('Scenario: the administrator manages users and agencies', () => {
  test('Given an administrator, when she adds an agency and an officer of it, then both are listed, audited, and the officer can sign in', async () => {
    const agency = await admin('POST', '/api/agencies', {
      code: 'cong-an-xa.c',
      kind: 'cong-an-xa',
      name: 'Công an xã C',
      level: 'commune',
      provinceCode: '99',
      communeCode: '99003',
    });
    expect(agency.status).toBe(201);
    expect(agency.body).toMatchObject({ code: 'cong-an-xa.c', parentCode: null, identifier: null });
    const user = await admin('POST', '/api/users', {
      username: 'congan.c',
      fullName: 'Lý Văn Công',
      password: 'mat-khau-cong-an-c',
      role: 'officer',
      agencyCode: 'cong-an-xa.c',
    });
    expect(user.status).toBe(201);
    expect(user.body).toEqual({
      username: 'congan.c',
      fullName: 'Lý Văn Công',
      role: 'officer',
      agencyCode: 'cong-an-xa.c',
      active: true,
      createdAt: new Date(clock.now()).toISOString(),
    });
    expect(JSON.stringify(user.body)).not.toContain('mat-khau');
    expect((await login(s.url, 'congan.c', 'mat-khau-cong-an-c')).status).toBe(200);
    const changed = await admin('PATCH', '/api/agencies/cong-an-xa.c', { parentCode: 'ubnd-xa.a', placeName: 'C', identifier: '000.01.33.H99' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ parentCode: 'ubnd-xa.a', placeName: 'C', identifier: '000.01.33.H99' });
    const list = await admin('GET', '/api/users');
    expect(list.body.items.map((u: { username: string }) => u.username)).toContain('congan.c');
    expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/i);
    expect((await admin('GET', '/api/agencies')).body.items.map((a: { code: string }) => a.code)).toContain('cong-an-xa.c');
    const actions = (await auditActions()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['account.agency_created', 'account.user_created', 'account.agency_changed']));
    expect(JSON.stringify(await auditActions())).not.toContain('mat-khau-cong-an-c');
  });

  test.each([
    ['POST', '/api/users', { username: 'x.y', fullName: 'X', password: 'mat-khau-dai-du', role: 'officer' }, 'agencyCode'],
    ['POST', '/api/users', { username: 'x.y', fullName: 'X', password: 'mat-khau-dai-du', role: 'officer', agencyCode: 'khong-co' }, 'agencyCode'],
    ['POST', '/api/users', { username: 'X Y', fullName: 'X', password: 'mat-khau-dai-du', role: 'admin' }, 'username'],
    ['POST', '/api/users', { username: 'x.y', fullName: 'X', password: 'ngan', role: 'admin' }, 'password'],
    ['POST', '/api/users', { username: 'x.y', fullName: 'X', password: 'mat-khau-dai-du', role: 'worker' }, 'role'],
    ['POST', '/api/users', { username: 'x.y', fullName: 'X', password: 'mat-khau-dai-du', role: 'designer', agencyCode: 'ubnd-xa.a' }, 'agencyCode'],
    ['PATCH', '/api/users/canbo.a', {}, ''],
    ['PATCH', '/api/users/canbo.a', { role: 'counter', agencyCode: 'khong-co' }, 'agencyCode'],
    ['PATCH', '/api/users/canbo.a', { active: 'no' }, 'active'],
    ['PATCH', '/api/users/Not%20A%20Name', { active: false }, 'username'],
    ['POST', '/api/users/canbo.a/password', { password: 'short' }, 'password'],
    ['POST', '/api/agencies', { code: 'a.b', kind: 'kk', name: 'N', level: 'commune', provinceCode: '99' }, 'communeCode'],
    ['POST', '/api/agencies', { code: 'a.b', kind: 'kk', name: 'N', level: 'town', provinceCode: '99' }, 'level'],
    ['PATCH', '/api/agencies/ubnd-xa.a', { parentCode: 'ubnd-xa.a' }, 'parentCode'],
    ['PATCH', '/api/agencies/ubnd-xa.a', { parentCode: 'khong-co' }, 'parentCode'],
    ['PATCH', '/api/agencies/ubnd-xa.a', { identifier: 'UBND-XA-A' }, 'QCVN 102:2016/BTTTT'],
    ['POST', '/api/agencies', { code: 'a.b', kind: 'kk', name: 'N', level: 'province', provinceCode: '99', identifier: '000.00.1.H99' }, 'identifier'],
  ])('Given %s %s with a bad body, when sent by an administrator, then 400 names %s and nothing changes', async (method, path, body, field) => {
    const before = await s.t.db
      .query(`select (select count(*) from domain.audit_log)::int as audit, (select json_agg(u order by username) from domain.users u) as users,
                                              (select json_agg(a order by code) from domain.agencies a) as agencies`);
    const r = await admin(method, path, body);
    expect(r.status).toBe(400);
    if (field) expect(JSON.stringify(r.body)).toContain(field);
    const after = await s.t.db
      .query(`select (select count(*) from domain.audit_log)::int as audit, (select json_agg(u order by username) from domain.users u) as users,
                                             (select json_agg(a order by code) from domain.agencies a) as agencies`);
    expect(after.rows).toEqual(before.rows);
  });

  test('Given a user or agency that exists, when created again, then 409; an unknown one changed is 404', async () => {
    expect((await admin('POST', '/api/users', { username: 'canbo.a', fullName: 'X', password: 'mat-khau-dai-du', role: 'admin' })).status).toBe(409);
    expect((await admin('PATCH', '/api/users/khong-co', { active: false })).status).toBe(404);
    expect((await admin('POST', '/api/users/khong-co/password', { password: 'mat-khau-dai-du' })).status).toBe(404);
    expect((await admin('PATCH', '/api/agencies/khong-co', { name: 'X' })).status).toBe(404);
  });

  test('Given an administrator, when she deactivates or demotes herself, then 409 and she stays an administrator', async () => {
    expect((await admin('PATCH', '/api/users/quantri', { active: false })).status).toBe(409);
    expect((await admin('PATCH', '/api/users/quantri', { role: 'auditor' })).status).toBe(409);
    expect((await admin('GET', '/api/users')).status).toBe(200);
  });

  test('Given any other role, when it calls the accounts routes, then 403 and nothing changes', async () => {
    // The scenarios above ended these callers' sessions.
    for (const caller of ['designer', 'officerA', 'counter'] as const) await s.signInAgain(caller);
    for (const caller of ['designer', 'officerA', 'counter', 'auditor'] as const) {
      expect((await s.as(caller, 'GET', '/api/users')).status).toBe(403);
      expect((await s.as(caller, 'POST', '/api/users', { username: 'z.z', fullName: 'Z', password: 'mat-khau-dai-du', role: 'admin' })).status).toBe(403);
      expect((await s.as(caller, 'PATCH', '/api/users/canbo.a', { active: false })).status).toBe(403);
      expect((await s.as(caller, 'POST', '/api/clients', { clientId: 'zz', name: 'Z', roles: ['admin'] })).status).toBe(403);
    }
    expect((await s.as('anonymous', 'GET', '/api/users')).status).toBe(401);
    expect((await s.t.db.query(`select 1 from domain.users where username = 'z.z'`)).rows).toEqual([]);
    expect((await login(s.url, 'canbo.a')).status).toBe(200);
  });
});
