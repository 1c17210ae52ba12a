/**
 * Feature: staff sign in with a username and password and get a signed token carrying their
 * role and agency; wrong credentials reveal nothing; repeated failures are throttled; tokens
 * expire; every attempt is audited without the password.
 *
 * The services run on a ManualClock (tokens, the throttle's window): time passes only when a
 * test moves it.
 */
import { ManualClock } from '../../src/clock.js';
import { LoginThrottle } from '../../src/accounts/index.js';
import { call, tokenFor } from './support.js';
import { login, PASSWORD, startApiService, USERS, type ApiService } from './api-support.js';

let s: ApiService;
const serviceClock = new ManualClock();
beforeAll(async () => {
  s = await startApiService({ clock: serviceClock });
});
afterAll(async () => {
  await s?.close();
});

const auditRows = async (action: string) =>
  (await s.t.db.query(`select actor, role, agency, action, payload, at from domain.audit_log where action = $1 order by seq`, [action])).rows;

describe('Scenario: signing in', () => {
  test('Given an officer with the right password, when she signs in, then she gets a token with her role and agency, and it opens the API', async () => {
    const r = await login(s.url, 'canbo.a');
    expect(r.status).toBe(200);
    expect(r.body.user).toEqual({ username: 'canbo.a', fullName: 'Trần Văn An', role: 'officer', agencyCode: 'ubnd-xa.a' });
    expect(r.body.token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'canbo.a', role: 'officer', agency: 'ubnd-xa.a' });
    expect(claims.exp - claims.iat).toBe(3600); // testConfig's JWT_TTL_SECONDS
    expect(Date.parse(r.body.expiresAt)).toBe(claims.exp * 1000);

    const me = await call(s.url, 'GET', '/api/auth/me', undefined, { authorization: `Bearer ${r.body.token}` });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'canbo.a', role: 'officer', agencyCode: 'ubnd-xa.a' });

    const audited = (await auditRows('auth.login')).filter((a) => a.actor === 'canbo.a');
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.at(-1)).toMatchObject({
      role: 'officer',
      agency: 'ubnd-xa.a',
      payload: expect.objectContaining({ ip: expect.any(String) }),
    });
    // Stamped on the service's clock, as every other audit row
    expect(new Date(audited.at(-1).at).getTime()).toBe(serviceClock.now());
  });

  test('Given a wrong password or an unknown username, when signing in, then both get the same 401 and both are audited without the password', async () => {
    const wrong = await login(s.url, 'canbo.b', 'sai-mat-khau');
    const unknown = await login(s.url, 'khong-ton-tai', 'sai-mat-khau');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ error: 'Unauthenticated', message: expect.stringContaining('wrong username or password') });

    const failed = await auditRows('auth.login_failed');
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'canbo.b', role: 'officer', payload: expect.objectContaining({ reason: 'wrong_password' }) }),
        expect.objectContaining({
          actor: 'khong-ton-tai',
          role: 'anonymous',
          payload: expect.objectContaining({ reason: 'unknown_user' }),
        }),
      ]),
    );
    const all = JSON.stringify((await s.t.db.query(`select payload from domain.audit_log`)).rows);
    expect(all).not.toContain('sai-mat-khau');
    expect(all).not.toContain(PASSWORD);
  });

  test('Given a deactivated user, when she signs in with the right password, then 401 like any wrong password', async () => {
    await s.t.db.query(`insert into domain.users (username, full_name, password_hash, role, agency_code, active)
      select 'nghiviec', 'Đã Nghỉ', password_hash, 'officer', 'ubnd-xa.a', false from domain.users where username = 'canbo.a'`);
    const r = await login(s.url, 'nghiviec');
    expect(r.status).toBe(401);
    expect((await auditRows('auth.login_failed')).some((a) => a.actor === 'nghiviec' && a.payload.reason === 'inactive')).toBe(true);
  });

  test('Given a login body that breaks its schema, when sent, then 400 names the field and nothing is audited', async () => {
    const before = (await s.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n;
    const r = await call(s.url, 'POST', '/api/auth/login', { username: 'canbo.a' }, { authorization: '' });
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([expect.objectContaining({ instancePath: '', message: expect.stringContaining('password') })]);
    const extra = await call(s.url, 'POST', '/api/auth/login', { username: 'canbo.a', password: 'x', role: 'admin' }, { authorization: '' });
    expect(extra.status).toBe(400);
    expect((await s.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n).toBe(before);
  });
});

describe('Scenario: guessing passwords', () => {
  test('Given five wrong passwords for one username, when a sixth attempt comes — even with the right password — then 429 with Retry-After, and other users are unaffected', async () => {
    for (let i = 0; i < 5; i++) expect((await login(s.url, 'motcua.a', `doan-${i}`)).status).toBe(401);
    const blocked = await login(s.url, 'motcua.a'); // the right password, too late
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('TooManyRequests');
    const retry = Number(blocked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect((await auditRows('auth.login_failed')).some((a) => a.actor === 'motcua.a' && a.payload.reason === 'rate_limited')).toBe(true);
    expect((await login(s.url, 'thanhtra')).status).toBe(200);
  });

  test('Given the throttle, when failures come from one address for many usernames, then the address is blocked too, and a window later it may try again', async () => {
    let now = 1_000_000;
    const t = new LoginThrottle(s.t.db, { perUsername: { max: 5, windowMs: 60_000 }, perIp: { max: 3, windowMs: 60_000 } }, () => now);
    for (const u of ['a', 'b', 'c']) await t.failed({ username: u }, '10.0.0.1');
    expect(await t.retryAfterSeconds({ username: 'd' }, '10.0.0.1')).toBe(60);
    expect(await t.retryAfterSeconds({ username: 'd' }, '10.0.0.2')).toBe(0);
    now += 30_000;
    expect(await t.retryAfterSeconds({ username: 'd' }, '10.0.0.1')).toBe(30);
    now += 30_001;
    expect(await t.retryAfterSeconds({ username: 'd' }, '10.0.0.1')).toBe(0);
  });

  test('Given failures then a success, when the user fails again, then the count started over', async () => {
    const t = new LoginThrottle(s.t.db, { perUsername: { max: 2, windowMs: 60_000 }, perIp: { max: 100, windowMs: 60_000 } }, () => 5_000);
    await t.failed({ username: 'An' }, 'ip-x');
    await t.succeeded({ username: 'an' }); // usernames compare without case
    await t.failed({ username: 'an' }, 'ip-x');
    expect(await t.retryAfterSeconds({ username: 'an' }, 'ip-x')).toBe(0);
    await t.failed({ username: 'an' }, 'ip-x');
    expect(await t.retryAfterSeconds({ username: 'AN' }, 'ip-x')).toBe(60);
  });
});

describe('Scenario: tokens that must not work', () => {
  test('Given a token of a one-second lifetime, when it is used after it expired, then 401 says it expired', async () => {
    const clock = new ManualClock();
    const short = await startApiService({ config: { jwtTtlSeconds: 1 }, clock });
    try {
      const r = await login(short.url, USERS.officerA.username);
      const auth = { authorization: `Bearer ${r.body.token}` };
      expect((await call(short.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(200);
      clock.advance(1_000); // its second has passed
      const late = await call(short.url, 'GET', '/api/auth/me', undefined, auth);
      expect(late.status).toBe(401);
      expect(late.body.message).toContain('expired');
    } finally {
      await short.close();
    }
  });

  test('Given a token with its role changed, signed by another key, malformed, or no Bearer, when used, then 401', async () => {
    const good = (await login(s.url, 'canbo.a')).body.token as string;
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url'), sig].join('.');
    const { createTokenService } = await import('../../src/http/auth.js');
    const otherKey = (await createTokenService({ secret: 'y'.repeat(40), ttlSeconds: 60 }).issue({ username: 'x', role: 'admin', agencyCode: null })).token;
    for (const authorization of [`Bearer ${forged}`, `Bearer ${otherKey}`, 'Bearer abc', `Token ${good}`, good]) {
      const r = await call(s.url, 'GET', '/api/audit/verify', undefined, { authorization });
      expect({ authorization, status: r.status }).toEqual({ authorization, status: 401 });
    }
    // The test helpers' key is the service's: a token minted for an account works like a login's
    // when it carries the account's token version, and not without it.
    const minted = await tokenFor({ username: 'quantri', role: 'admin', agencyCode: null }, 1);
    expect((await call(s.url, 'GET', '/api/audit/verify', undefined, { authorization: `Bearer ${minted}` })).status).toBe(200);
    const unversioned = await tokenFor({ username: 'quantri', role: 'admin', agencyCode: null });
    expect((await call(s.url, 'GET', '/api/audit/verify', undefined, { authorization: `Bearer ${unversioned}` })).status).toBe(401);
  });

  test('Given a stale token in the browser, when the user signs in again, then the login still works (public routes ignore a bad token)', async () => {
    const r = await login(s.url, 'canbo.a', PASSWORD, { authorization: 'Bearer stale.token.value' });
    expect(r.status).toBe(200);
  });
});
