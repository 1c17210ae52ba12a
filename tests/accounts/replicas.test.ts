/**
 * Feature: what the accounts room keeps holds across processes. Login throttling lives in
 * PostgreSQL: it survives a restart (a new service on the same database) and two services on one
 * database count failures together. A session ended in one replica is refused at once there and,
 * in the other, once its few seconds of cache have passed (moved on a ManualClock, not waited).
 */
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { call, testConfig } from '../http/support.js';
import { login, seedRegistry } from '../http/api-support.js';
import { openTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
const clock = new ManualClock();
const started: Service[] = [];
const start = async () => {
  const svc = await startService(testConfig(), { db: t.db, logger: pino({ level: 'silent' }), clock });
  started.push(svc);
  return svc;
};
beforeAll(async () => {
  t = await openTestDb();
  await seedRegistry(t);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await t?.close();
});

test('Given five failed sign-ins, when the service restarts on the same database, then the sixth attempt is still refused with 429', async () => {
  const first = await start();
  for (let i = 0; i < 5; i++) expect((await login(first.url, 'canbo.a', `sai-${i}`)).status).toBe(401);
  await first.close();
  const second = await start();
  const r = await login(second.url, 'canbo.a');
  expect(r.status).toBe(429);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  // A window later (the service's clock, moved), it may sign in again.
  clock.advance(15 * 60_000 + 1);
  expect((await login(second.url, 'canbo.a')).status).toBe(200);
});

test('Given two services on one database, when failures are spread over both, then both refuse the next attempt', async () => {
  const [a, b] = [await start(), await start()];
  for (let i = 0; i < 3; i++) expect((await login(a.url, 'canbo.b', `sai-${i}`)).status).toBe(401);
  for (let i = 0; i < 2; i++) expect((await login(b.url, 'canbo.b', `sai-b-${i}`)).status).toBe(401);
  expect((await login(a.url, 'canbo.b')).status).toBe(429);
  expect((await login(b.url, 'canbo.b')).status).toBe(429);
  expect((await t.db.query(`select count(*)::int as n from domain.login_failures where kind = 'username' and key = 'canbo.b'`)).rows[0].n).toBe(5);
});

test('Given a token used on two replicas, when one ends the session, then that one refuses it at once and the other within its cache time', async () => {
  clock.advance(60 * 60_000); // past the throttle windows of the tests above
  const [a, b] = [await start(), await start()];
  const token = (await login(a.url, 'motcua.a')).body.token as string;
  const auth = { authorization: `Bearer ${token}` };
  expect((await call(a.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(200);
  expect((await call(b.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(200); // b caches the version now
  expect((await call(a.url, 'POST', '/api/auth/logout', undefined, auth)).status).toBe(204);
  expect((await call(a.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(401);
  expect((await call(b.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(200); // b's cached version, for at most 5 s
  clock.advance(5_000);
  expect((await call(b.url, 'GET', '/api/auth/me', undefined, auth)).status).toBe(401);
});
