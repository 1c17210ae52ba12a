/**
 * The whole service with the shipped catalog, on a test database and a ManualClock, and one
 * Chromium (unless `browser: false`), for the page tests (tests/web) and the API tests that need
 * real dossiers: the people of a test signed in through the API, a
 * call as each of them, and the agencies' steps done through the inbox API when a test only
 * needs them done. Registers its own beforeAll/afterAll.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/db/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { call, testConfig, type Reply } from '../http/support.js';
import { launchBrowser } from './browser.js';
import { openTestDb, type TestDb } from './db.js';
import { openInboxTask } from './inbox.js';

export type People<P extends string> = Record<P, readonly [username: string, password: string]>;

export interface WebService<P extends string> {
  readonly url: string;
  readonly browser: Browser;
  readonly db: Db;
  readonly service: Service;
  /** A request as one of the people (their bearer token). */
  as: (who: P, method: string, path: string, body?: unknown) => Promise<Reply>;
  /** Signs everyone in again (a session lasts a working day; tests move the clock by days). */
  signInAll: () => Promise<void>;
  /** The open task of `code` at `elementId` in `who`'s inbox, claimed and completed with `decision`. */
  claimAndComplete: (who: P, code: string, elementId: string, decision?: Record<string, unknown>) => Promise<void>;
}

export function useWebService<P extends string>(people: People<P>, opts: { clock: ManualClock; processesDir?: string; browser?: boolean }): WebService<P> {
  let t: TestDb;
  let service: Service;
  let browser: Browser;
  const tokens = new Map<P, string>();
  const as = (who: P, method: string, path: string, body?: unknown) => call(service.url, method, path, body, { authorization: `Bearer ${tokens.get(who)}` });
  const signInAll = async () => {
    for (const [who, [username, password]] of Object.entries(people) as [P, readonly [string, string]][]) {
      const r = await call(service.url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
      if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status}`);
      tokens.set(who, r.body.token);
    }
  };

  beforeAll(async () => {
    t = await openTestDb();
    const processesDir = opts.processesDir ?? join(process.cwd(), 'processes');
    service = await startService(testConfig({ processesDir, processesDirExplicit: true }), { db: t.db, logger: pino({ level: 'silent' }), clock: opts.clock });
    await signInAll();
    if (opts.browser !== false) browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await t?.close();
  });

  return {
    get url() {
      return service.url;
    },
    get browser() {
      return browser;
    },
    get db() {
      return t.db;
    },
    get service() {
      return service;
    },
    as,
    signInAll,
    claimAndComplete: async (who, code, elementId, decision = { outcome: 'approved', note: 'Đủ điều kiện' }) => {
      const task = await openInboxTask((path) => as(who, 'GET', path), people[who][0], code, elementId);
      await expectOk(as(who, 'POST', `/api/tasks/${task.id}/claim`, {}), `${who} claims ${elementId}`);
      await expectOk(as(who, 'POST', `/api/tasks/${task.id}/complete`, { decision }), `${who} completes ${elementId}`);
    },
  };
}

/** The answer's body, after asserting it is a success (a failure shows what and why). */
export async function expectOk(r: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const x = await r;
  expect({ what, status: x.status < 300 ? 'ok' : x.status, body: x.status < 300 ? undefined : x.body }).toEqual({ what, status: 'ok', body: undefined });
  return x.body;
}
