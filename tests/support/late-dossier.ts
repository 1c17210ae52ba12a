/**
 * A running service with the demo registry, its people signed in, and the dossier of issue 13's
 * page tests: a birth registration whose civil-status and social-insurance steps are done at once
 * and whose police step asks for a supplement, then finishes ten days later — the service's clock
 * moved, nothing slept.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig } from '../http/support.js';
import { waitFor } from './changes.js';
import { openTestDb, type TestDb } from './db.js';

export const DAY = 24 * 3_600_000;
export const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  policeTanAn: ['congan.tan-an', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
} as const;
export type Person = keyof typeof PEOPLE;

/** The people of the scenario over a running service whose clock the caller moves. */
export interface People {
  clock: ManualClock;
  as(who: Person, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  signInAll(): Promise<void>;
}

export interface World extends People {
  t: TestDb;
  service: Service;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const clock = new ManualClock();
  const t = await openTestDb();
  const service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock,
  });
  const w: World = {
    t,
    service,
    ...peopleOf(service.url, clock),
    async close() {
      await service.close();
      await t.close();
    },
  };
  await w.signInAll();
  return w;
}

/** The scenario's people, signing in to the service at `url` (the screenshots script uses it too). */
export function peopleOf(url: string, clock: ManualClock): People {
  const tokens: Partial<Record<Person, string>> = {};
  return {
    clock,
    as: (who, method, path, body) => call(url, method, path, body, { authorization: `Bearer ${tokens[who]}` }),
    // Again after the clock moves by days: a session lasts a working day.
    async signInAll() {
      for (const [who, [username, password]] of Object.entries(PEOPLE)) {
        const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
        if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status}`);
        tokens[who as Person] = r.body.token;
      }
    },
  };
}

/** The body of a successful answer; otherwise an error naming the step, the status and the body. */
export async function expectOk(r: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const x = await r;
  if (x.status >= 300) throw new Error(`${what}: HTTP ${x.status} ${JSON.stringify(x.body)}`);
  return x.body;
}

/**
 * The open task of the dossier at `elementId` once `who`'s inbox lists it (the inbox worker writes
 * it on its own, after the engine). Not support/inbox.ts: the screenshots script, built without
 * Jest's types, uses this file too (its database announces its writes as the tests' do).
 */
async function openInboxTask(w: People, who: Person, code: string, elementId: string): Promise<any> {
  let task: any;
  await waitFor(
    `${elementId} of ${code} in the inbox of ${PEOPLE[who][0]}`,
    async () => {
      const r = await w.as(who, 'GET', `/api/tasks?state=open&dossierCode=${encodeURIComponent(code)}`);
      task = r.body.items?.find((x: any) => x.elementId === elementId);
      return !!task;
    },
    20_000,
  );
  return task;
}

async function claimAndComplete(w: People, who: Person, code: string, elementId: string): Promise<void> {
  const task = await openInboxTask(w, who, code, elementId);
  await expectOk(w.as(who, 'POST', `/api/tasks/${task.id}/claim`, {}), `${who} claims ${elementId}`);
  await expectOk(
    w.as(who, 'POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } }),
    `${who} completes ${elementId}`,
  );
}

/** The dossier late at the police (10 days), on time at the civil-status and social-insurance offices. */
export async function lateDossier(w: People): Promise<{ code: string; citizenId: string }> {
  const intake = birthIntake();
  const received = await expectOk(
    w.as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake }),
    'receive',
  );
  const code = received.dossier.code as string;
  await claimAndComplete(w, 'civil', code, 'birthRegistration');
  await claimAndComplete(w, 'insurance', code, 'healthInsuranceCard');
  await openInboxTask(w, 'police', code, 'residenceRegistration');
  await expectOk(
    w.as('police', 'POST', `/api/dossiers/${code}/supplement-requests`, {
      reasons: ['Thiếu bản sao giấy chứng sinh'],
      items: [{ name: 'Giấy chứng sinh (bản sao)' }],
      legalBasis: 'Luật Hộ tịch 2014, Điều 16',
    }),
    'the police asks for a supplement',
  );
  await expectOk(
    w.as('counter', 'POST', `/api/dossiers/${code}/supplements`, { documents: [{ name: 'Giấy chứng sinh (bản sao)' }] }),
    'the counter supplies it',
  );
  w.clock.advance(10 * DAY);
  await w.signInAll();
  await claimAndComplete(w, 'police', code, 'residenceRegistration');
  return { code, citizenId: intake.applicant.citizenId as string };
}
