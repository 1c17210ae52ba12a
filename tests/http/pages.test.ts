/**
 * Feature: people sign in through a page and stay signed in with a cookie their scripts cannot
 * read; pages are only for the roles they serve; a write that comes from another site is refused.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { testConfig } from './support.js';

let t: TestDb;
let service: Service;
beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes') }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await service?.close();
  await t?.close();
});

const url = (p: string) => service.url + p;

async function signIn(username: string, password: string, next?: string): Promise<Response> {
  const body = new URLSearchParams({ username, password, ...(next ? { next } : {}) });
  return fetch(url('/login'), { method: 'POST', body, redirect: 'manual' });
}

function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('lienthong_session='));
  if (!set) throw new Error('no session cookie');
  return set.split(';')[0];
}

describe('Scenario: signing in through /login', () => {
  test('the form has the inputs username and password and a submit button, in Vietnamese', async () => {
    const res = await fetch(url('/login'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<input name="username"');
    expect(html).toContain('name="password" type="password"');
    expect(html).toContain('<button type="submit">Đăng nhập</button>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('a right password sets an HttpOnly SameSite=Strict cookie and goes to the page asked for', async () => {
    const res = await signIn('thietke', DEMO_PASSWORDS.designer, '/designer/birth-registration-group');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/designer/birth-registration-group');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('lienthong_session='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Path=\//);

    const me = await fetch(url('/api/auth/me'), { headers: { cookie: sessionCookie(res) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'thietke', role: 'designer' });
  });

  test('without a page asked for, each role lands on its home: the designer on /designer, an officer on /', async () => {
    expect((await signIn('thietke', DEMO_PASSWORDS.designer)).headers.get('location')).toBe('/designer');
    expect((await signIn('thanhtra', DEMO_PASSWORDS.auditor)).headers.get('location')).toBe('/');
  });

  test('a next that leaves the site is ignored', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      expect((await signIn('thietke', DEMO_PASSWORDS.designer, next)).headers.get('location')).toBe('/designer');
    }
  });

  test('a wrong password shows the form again with a Vietnamese error, and sets no cookie', async () => {
    const res = await signIn('thietke', 'sai-mat-khau');
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('lienthong_session='))).toBe(false);
    expect(await res.text()).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
  });
});

describe('Scenario: pages need the right person', () => {
  test('no session: a page redirects to /login with the page to come back to', async () => {
    const res = await fetch(url('/designer/birth-registration-group'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdesigner%2Fbirth-registration-group');
  });

  test('an expired or forged session: back to /login, saying it expired', async () => {
    const res = await fetch(url('/designer'), { redirect: 'manual', headers: { cookie: 'lienthong_session=not.a.token' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdesigner&reason=expired');
  });

  test('an officer may not open the designer (403 page), and sees the shell with name, role and agency on the home page', async () => {
    const cookie = sessionCookie(await signIn('xaydung', DEMO_PASSWORDS.officer));
    const denied = await fetch(url('/designer'), { headers: { cookie } });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('Không được phép');

    const home = await fetch(url('/'), { headers: { cookie } });
    const html = await home.text();
    expect(home.status).toBe(200);
    expect(html).toContain('Cán bộ xử lý');
    expect(html).toContain('Sở Xây dựng');
    expect(html).not.toContain('href="/designer"');
  });

  test('the designer page carries its hashed bundle, served with a year-long immutable cache', async () => {
    const cookie = sessionCookie(await signIn('thietke', DEMO_PASSWORDS.designer));
    const html = await (await fetch(url('/designer'), { headers: { cookie } })).text();
    const src = /<script type="module" src="(\/assets\/designer-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const asset = await fetch(url(src!));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect((await fetch(url('/assets/designer-NOSUCHFILE.js'))).status).toBe(404);
  });
});

describe('Scenario: a cookie-authenticated write needs the app header (CSRF)', () => {
  test('without X-Requested-With the write is refused and nothing is deployed; with it, it goes through', async () => {
    const cookie = sessionCookie(await signIn('thietke', DEMO_PASSWORDS.designer));
    const body = () => {
      const form = new FormData();
      form.append('resources', new Blob(['<not-bpmn/>']), 'x.bpmn');
      return form;
    };
    const forged = await fetch(url('/v2/deployments'), { method: 'POST', body: body(), headers: { cookie } });
    expect(forged.status).toBe(403);
    expect((await forged.json()).message).toContain('CSRF');

    const fromApp = await fetch(url('/v2/deployments'), {
      method: 'POST',
      body: body(),
      headers: { cookie, 'x-requested-with': 'lienthong' },
    });
    expect(fromApp.status).toBe(400); // reached the deployment: the file is not BPMN
  });

  test('signing out clears the cookie; the old page then redirects to /login', async () => {
    const cookie = sessionCookie(await signIn('thietke', DEMO_PASSWORDS.designer));
    const out = await fetch(url('/api/auth/logout'), { method: 'POST', headers: { cookie, 'x-requested-with': 'lienthong' } });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('lienthong_session='))!;
    expect(cleared).toMatch(/Max-Age=0/);
    const rows = await t.db.query(`select actor from domain.audit_log where action = 'auth.logout'`);
    expect(rows.rows.map((r: any) => r.actor)).toContain('thietke');
  });
});
