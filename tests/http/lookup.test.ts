/**
 * Feature: the citizen's lookup API (code + the secret of form 01) resists guessing.
 *
 * A wrong secret and a code that does not exist are one answer — same status, same body — on
 * every route that takes the secret (the status, a supplement, a withdrawal). Failures are
 * counted per address and per code (dossiers/lookup.ts, in PostgreSQL): past the limit the
 * answer is 429 with Retry-After and a Vietnamese message, even with the right secret, until the
 * window passes — on the service's clock (a ManualClock moved by the test, nothing slept).
 *
 * The service does not trust X-Forwarded-For (no `trustProxy`), so the address is varied for
 * real: each request leaves from its own loopback address (127.0.0.x, `localAddress`), which the
 * service sees as the caller's address.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_LOOKUP_THROTTLE, DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { waitFor } from '../support/engine.js';
import { openInboxTask } from '../support/inbox.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig } from './support.js';

const clock = new ManualClock();
let t: TestDb;
let svc: Service;
const tokens: Record<string, string> = {};
const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  admin: ['quantri', DEMO_PASSWORDS.admin],
} as const;
type Who = keyof typeof PEOPLE;
const as = (who: Who, method: string, path: string, body?: unknown) => call(svc.url, method, path, body, { authorization: `Bearer ${tokens[who]}` });

const MAX_PER_ADDRESS = DEFAULT_LOOKUP_THROTTLE.perAddress.max;
const MAX_PER_CODE = DEFAULT_LOOKUP_THROTTLE.perCode.max;
const WINDOW = Math.max(DEFAULT_LOOKUP_THROTTLE.perAddress.windowMs, DEFAULT_LOOKUP_THROTTLE.perCode.windowMs);

beforeAll(async () => {
  t = await openTestDb();
  svc = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock,
  });
}, 120_000);

/** Signs the staff in (again: the tests move the clock past a token's hour). */
async function signIn(): Promise<void> {
  for (const [who, [username, password]] of Object.entries(PEOPLE)) {
    const r = await call(svc.url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status}`);
    tokens[who] = r.body.token;
  }
}
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

interface Reply {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** An anonymous request leaving from `address` (a loopback address of its own). */
function from(address: string, method: string, path: string, opts: { body?: unknown; secret?: string } = {}): Promise<Reply> {
  const { port } = new URL(svc.url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress: address,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(opts.secret ? { 'x-lookup-secret': opts.secret } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A birth-group dossier received at the counter: its code and lookup secret. */
async function receive(): Promise<{ code: string; secret: string }> {
  await signIn();
  const r = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() });
  expect(r.status).toBe(201);
  return { code: r.body.dossier.code, secret: r.body.lookupSecret };
}

/** A code of the same shape that no dossier has. */
const unknownOf = (code: string, n = 9999) => code.replace(/-\d{4}$/, `-${String(n).padStart(4, '0')}`);
/** A well-formed secret that is not `secret`. */
const wrongOf = (secret: string) => (secret.startsWith('A') ? 'B' : 'A') + secret.slice(1);

describe('Scenario: a wrong secret answers as an unknown code', () => {
  test('Given a dossier, when the public tries a wrong secret and an unknown code, then each route answers both alike, and nothing tells them apart', async () => {
    const { code, secret } = await receive();
    const unknown = unknownOf(code);
    const wrong = wrongOf(secret);
    // Each pair from an address of its own, so that no address reaches its limit here.
    const A = (n: number) => `127.0.3.${n}`;
    const status = [
      await from(A(1), 'GET', `/api/dossiers/${code}`, { secret: wrong }),
      await from(A(1), 'GET', `/api/dossiers/${unknown}`, { secret: wrong }),
    ];
    const viaQuery = [await from(A(2), 'GET', `/api/dossiers/${code}?secret=${wrong}`), await from(A(2), 'GET', `/api/dossiers/${unknown}?secret=${wrong}`)];
    const malformed = [
      await from(A(3), 'GET', `/api/dossiers/${code}`, { secret: 'sai-ma' }),
      await from(A(3), 'GET', `/api/dossiers/${unknown}`, { secret: 'sai-ma' }),
    ];
    const supplements = [
      await from(A(4), 'POST', `/api/dossiers/${code}/supplements`, { body: { secret: wrong, documents: [{ name: 'Giấy chứng sinh' }] } }),
      await from(A(4), 'POST', `/api/dossiers/${unknown}/supplements`, { body: { secret: wrong, documents: [{ name: 'Giấy chứng sinh' }] } }),
    ];
    const withdrawals = [
      await from(A(5), 'POST', `/api/dossiers/${code}/withdrawal`, { body: { secret: wrong } }),
      await from(A(5), 'POST', `/api/dossiers/${unknown}/withdrawal`, { body: { secret: wrong } }),
    ];
    for (const [known, none] of [status, viaQuery, malformed, supplements, withdrawals]) {
      expect(known.status).toBe(404);
      expect(none.status).toBe(404);
      expect(known.body).toEqual(none.body);
      expect(known.headers['content-length']).toBe(none.headers['content-length']);
    }
    expect(status[0].body).toEqual({ error: 'NotFound', message: expect.stringMatching(/^Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này/) });
    expect(JSON.stringify(status[0].body)).not.toContain(code);

    // The right secret, as printed or as typed (lower case, no dashes), in the header or the query.
    const ok = await from(A(6), 'GET', `/api/dossiers/${code}`, { secret });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.body).toMatchObject({
      code,
      status: expect.stringMatching(/^(received|in_progress)$/),
      appointmentAt: expect.any(String),
      steps: [],
      supplement: null,
    });
    expect((await from(A(6), 'GET', `/api/dossiers/${code}?secret=${secret.toLowerCase().replace(/-/g, '')}`)).status).toBe(200);
  });
});

describe('Scenario: guessing from one address is throttled', () => {
  test(`Given ${MAX_PER_ADDRESS} failures from one address, then it gets 429 with Retry-After even with the right secret, other addresses do not, until the window passes`, async () => {
    const { code, secret } = await receive();
    const B = '127.0.0.3';
    const C = '127.0.0.4';
    // Each failure on another code, so that only the address's limit is reached.
    for (let i = 0; i < MAX_PER_ADDRESS; i++) {
      const r = await from(B, 'GET', `/api/dossiers/${unknownOf(code, 9000 + i)}`, { secret: wrongOf(secret) });
      expect(r.status).toBe(404);
    }
    const refused = await from(B, 'GET', `/api/dossiers/${code}`, { secret });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(WINDOW / 1000);
    expect(refused.body).toEqual({
      error: 'TooManyRequests',
      message: expect.stringMatching(/^Tra cứu sai quá nhiều lần\. Vui lòng thử lại sau \d+ phút/),
      details: { retryAfterSeconds: Number(refused.headers['retry-after']) },
    });
    // The same refusal on the routes that write with the secret.
    expect((await from(B, 'POST', `/api/dossiers/${code}/withdrawal`, { body: { secret } })).status).toBe(429);
    expect((await from(B, 'POST', `/api/dossiers/${code}/supplements`, { body: { secret, documents: [] } })).status).toBe(429);

    // Another address is not held back.
    expect((await from(C, 'GET', `/api/dossiers/${code}`, { secret })).status).toBe(200);

    // Until the oldest failure leaves the window (the service's clock; nothing slept).
    clock.advance(Number(refused.headers['retry-after']) * 1000 - 2000);
    expect((await from(B, 'GET', `/api/dossiers/${code}`, { secret })).status).toBe(429);
    clock.advance(WINDOW);
    expect((await from(B, 'GET', `/api/dossiers/${code}`, { secret })).status).toBe(200);
  });
});

describe('Scenario: guessing one code from many addresses is throttled', () => {
  test(`Given ${MAX_PER_CODE} failures for one code from as many addresses, then that code gets 429 from anywhere — an unknown code just the same — until the window passes`, async () => {
    const { code, secret } = await receive();
    const unknown = unknownOf(code, 9998);
    for (let i = 0; i < MAX_PER_CODE; i++) {
      expect((await from(`127.0.1.${10 + i}`, 'GET', `/api/dossiers/${code}`, { secret: wrongOf(secret) })).status).toBe(404);
      expect((await from(`127.0.1.${10 + i}`, 'GET', `/api/dossiers/${unknown}`, { secret: wrongOf(secret) })).status).toBe(404);
    }
    const fresh = '127.0.2.1';
    const known = await from(fresh, 'GET', `/api/dossiers/${code}`, { secret });
    const none = await from(fresh, 'GET', `/api/dossiers/${unknown}`, { secret });
    expect(known.status).toBe(429);
    expect(none.status).toBe(429);
    expect(known.body).toEqual(none.body);
    expect(known.headers['retry-after']).toBe(none.headers['retry-after']);
    // A counter officer signed in still reaches the dossier (staff are not the public).
    expect((await as('counter', 'GET', `/api/dossiers/${code}`)).status).toBe(200);

    clock.advance(WINDOW);
    expect((await from(fresh, 'GET', `/api/dossiers/${code}`, { secret })).status).toBe(200);
  });
});

describe('Scenario: the public status tells the steps done, never who did them', () => {
  test('Given the civil-status step done, then the status lists it with its agency and date, and no official', async () => {
    const { code, secret } = await receive();
    const task = await openInboxTask((path) => as('civil', 'GET', path), PEOPLE.civil[0], code, 'birthRegistration');
    expect((await as('civil', 'POST', `/api/tasks/${task.id}/claim`, {})).status).toBe(200);
    clock.advance(30 * 60_000);
    expect((await as('civil', 'POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } })).status).toBe(200);

    // The next steps reach their inboxes after the completion, on the inbox worker's own time.
    let r = await from('127.0.0.5', 'GET', `/api/dossiers/${code}`, { secret });
    await waitFor('the next steps handed over', async () => {
      r = await from('127.0.0.5', 'GET', `/api/dossiers/${code}`, { secret });
      return r.body.current?.length > 0;
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('in_progress');
    expect(r.body.receivingAgency.name).toBe('Trung tâm Phục vụ hành chính công xã Hòa Bình');
    expect(r.body.steps).toEqual([
      { agencyName: expect.stringMatching(/\S/), stepName: expect.any(String), since: expect.any(String), finishedAt: new Date(clock.now()).toISOString() },
    ]);
    expect(r.body.current.length).toBeGreaterThan(0);
    const text = JSON.stringify(r.body);
    for (const username of ['hotich.hoa-binh', 'motcua.hoa-binh', 'congan.hoa-binh', 'bhxh']) expect(text).not.toContain(username);
    const fullNames = (await t.db.query<{ full_name: string }>(`select full_name from domain.users`)).rows.map((u) => u.full_name);
    for (const name of fullNames) expect(text).not.toContain(name);
  });
});

describe('Scenario: the appointment the citizen looks up follows a change of the working-day calendar', () => {
  test('Given a dossier received Monday 02/03/2026 09:00 (appointment Monday 09/03 09:00), when the administrator makes Wednesday 04/03 a day off, then the lookup shows Tuesday 10/03 09:00, and again 09/03 once the day is removed', async () => {
    clock.set(new Date('2026-03-02T09:00:00+07:00'));
    const { code, secret } = await receive();
    const appointment = async () => (await from('127.0.0.6', 'GET', `/api/dossiers/${code}`, { secret })).body.appointmentAt;
    expect(await appointment()).toBe('2026-03-09T02:00:00.000Z');
    const body = { kind: 'day_off', reason: 'Nghỉ theo quyết định của tỉnh (thử nghiệm)', source: 'Văn bản thử nghiệm số 02' };
    expect((await as('admin', 'PUT', '/api/calendar/overrides/2026-03-04', body)).status).toBe(200);
    expect(await appointment()).toBe('2026-03-10T02:00:00.000Z');
    expect((await as('admin', 'DELETE', '/api/calendar/overrides/2026-03-04')).status).toBe(204);
    expect(await appointment()).toBe('2026-03-09T02:00:00.000Z');
  });
});
