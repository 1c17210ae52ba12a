/**
 * Feature: the trace of a dossier shows every step — agency, who, handed over when, SLA state —
 * and the diagram's element states; only those entitled see it.
 *
 * Every row the trace reads is one the service wrote as its users worked: on the whole service
 * (the shipped processes, the demo registry, the inbox worker, the service-task workers) running
 * on a ManualClock, the one-stop counter of xã Hòa Bình receives a birth-group dossier on Monday
 * 05/01/2026 at 09:00 (Hà Nội); the inbox hands the birth registration to the commune's
 * civil-status officer, who claims it at 10:00 and completes it at 11:30 — early, its limit is one
 * working day; the inbox then hands the residence registration to the commune police and the
 * health-insurance card to social insurance, both still open. The clock moves only between the
 * officer's actions, and only once the inbox has written the task it waits for.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig, type Reply } from './support.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { openInboxTask } from '../support/inbox.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter], // received the dossier
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer], // the first step's agency
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  otherPolice: ['congan.tan-an', DEMO_PASSWORDS.officer], // another commune's agency, no step
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
  admin: ['quantri', DEMO_PASSWORDS.admin],
  designer: ['thietke', DEMO_PASSWORDS.designer],
} as const;
type Person = keyof typeof PEOPLE;

/** 09:00 on Monday 05/01/2026 in Hà Nội. */
const clock = new ManualClock(Date.UTC(2026, 0, 5, 2, 0));
/** A time of that day in Hà Nội. */
const at = (hhmm: string) => Date.parse(`2026-01-05T${hhmm}:00+07:00`);

let t: TestDb;
let svc: Service;
const tokens: Partial<Record<Person, string>> = {};
const as = (who: Person | 'anonymous', method: string, path: string, body?: unknown): Promise<Reply> =>
  call(svc.url, method, path, body, { authorization: who === 'anonymous' ? '' : `Bearer ${tokens[who]}` });

interface Story {
  code: string;
  processInstanceKey: string;
  decided: { id: string }; // the birth registration, completed
  residence: { id: string }; // open at the police
  insurance: { id: string }; // open at social insurance
}
let f: Story;

/** The open task of `code` at `elementId` in `who`'s inbox, once the inbox worker has written it. */
function inboxTask(who: Person, code: string, elementId: string): Promise<{ id: string }> {
  return openInboxTask((path) => as(who, 'GET', path), PEOPLE[who][0], code, elementId);
}

function expectStatus(r: Reply, status: number, what: string): void {
  expect({ what, status: r.status, body: r.status === status ? undefined : r.body }).toEqual({ what, status, body: undefined });
}

beforeAll(async () => {
  t = await openTestDb();
  // Tokens last a working day of the service's clock (the default), as the officers' sign-ins do.
  const config = testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true, jwtTtlSeconds: 8 * 3600 });
  svc = await startService(config, { db: t.db, logger: pino({ level: 'silent' }), clock });
  for (const [who, [username, password]] of Object.entries(PEOPLE)) {
    const r = await call(svc.url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status} ${JSON.stringify(r.body)}`);
    tokens[who as Person] = r.body.token;
  }

  const received = await as('counter', 'POST', '/api/dossiers', {
    procedureCode: 'birth-registration-group',
    channel: 'counter',
    intake: birthIntake(),
  });
  expectStatus(received, 201, 'the counter receives at 09:00');
  const code: string = received.body.dossier.code;
  const decided = await inboxTask('civil', code, 'birthRegistration');
  clock.set(at('10:00'));
  expectStatus(await as('civil', 'POST', `/api/tasks/${decided.id}/claim`, {}), 200, 'the civil-status officer claims at 10:00');
  clock.set(at('11:30'));
  expectStatus(
    await as('civil', 'POST', `/api/tasks/${decided.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } }),
    200,
    'the civil-status officer completes at 11:30',
  );
  const residence = await inboxTask('police', code, 'residenceRegistration');
  const insurance = await inboxTask('insurance', code, 'healthInsuranceCard');
  f = { code, processInstanceKey: received.body.dossier.processInstanceKey, decided, residence, insurance };
}, 120_000);
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

describe('Scenario: the trace of a dossier', () => {
  test('Given a dossier with one step done early and the next ones open, when the officer of its agency reads the trace, then each step names agency, actor and times, with its SLA', async () => {
    const r = await as('civil', 'GET', `/api/dossiers/${f.code}/trace`);
    expect(r.status).toBe(200);
    expect(r.body.dossier).toMatchObject({
      code: f.code,
      status: 'in_progress',
      receivingAgency: 'mot-cua-xa.hoa-binh',
      receivingAgencyName: 'Trung tâm Phục vụ hành chính công xã Hòa Bình',
      receivedBy: 'motcua.hoa-binh',
      receivedAt: '2026-01-05T02:00:00.000Z',
      processInstanceKey: f.processInstanceKey,
    });
    expect(r.body.dossier).not.toHaveProperty('applicant');
    expect(r.body.steps).toEqual([
      expect.objectContaining({
        taskId: f.decided.id,
        elementId: 'birthRegistration',
        agencyCode: 'ubnd-xa.tu-phap-ho-tich.hoa-binh',
        agencyName: 'Ủy ban nhân dân xã Hòa Bình (công chức Tư pháp – Hộ tịch)',
        state: 'completed',
        handedOverAt: '2026-01-05T02:00:00.000Z',
        claimedBy: 'hotich.hoa-binh',
        claimedAt: '2026-01-05T03:00:00.000Z',
        completedBy: 'hotich.hoa-binh',
        completedAt: '2026-01-05T04:30:00.000Z',
        // one working day from Monday 09:00: Tuesday 09:00
        sla: expect.objectContaining({ state: 'met_early', result: 'early', dueAt: '2026-01-06T02:00:00.000Z' }),
      }),
      expect.objectContaining({
        taskId: f.residence.id,
        elementId: 'residenceRegistration',
        agencyCode: 'cong-an-xa.hoa-binh',
        state: 'open',
        handedOverAt: '2026-01-05T04:30:00.000Z',
        claimedBy: null,
        completedAt: null,
        sla: expect.objectContaining({ state: 'running', result: null }),
      }),
      expect.objectContaining({
        taskId: f.insurance.id,
        elementId: 'healthInsuranceCard',
        agencyCode: 'bhxh.thu-nghiem',
        state: 'open',
        handedOverAt: '2026-01-05T04:30:00.000Z',
        claimedBy: null,
        completedAt: null,
        sla: expect.objectContaining({ state: 'running', result: null }),
      }),
    ]);
    expect(r.body.clocks[0]).toMatchObject({ kind: 'dossier', state: 'running', result: null });
    expect(r.body.events.map((e: any) => e.toStatus)).toEqual(['received', 'in_progress']);
    expect(r.body.audit.map((a: any) => a.action)).toEqual([
      'dossier.received',
      'task.created',
      'task.claimed',
      'task.completed',
      'task.created',
      'task.created',
    ]);
    // In Hà Nội time: received 09:00, claimed 10:00, completed and handed on at 11:30.
    expect(
      r.body.timeline.map((e: any) => `${new Date(Date.parse(e.at) + 7 * 3_600_000).toISOString().slice(11, 16)} ${e.kind} ${e.actor ?? e.agencyCode}`),
    ).toEqual([
      '09:00 status motcua.hoa-binh',
      '09:00 status lienthong.inbox',
      '09:00 handover ubnd-xa.tu-phap-ho-tich.hoa-binh',
      '09:00 audit motcua.hoa-binh',
      '09:00 audit lienthong.inbox',
      '10:00 claim hotich.hoa-binh',
      '10:00 audit hotich.hoa-binh',
      '11:30 complete hotich.hoa-binh',
      '11:30 handover cong-an-xa.hoa-binh',
      '11:30 handover bhxh.thu-nghiem',
      '11:30 audit hotich.hoa-binh',
      '11:30 audit lienthong.inbox',
      '11:30 audit lienthong.inbox',
    ]);
    // Each official named is also given by name; the service's own actors are not people.
    expect(r.body.people).toEqual({ 'motcua.hoa-binh': 'Nguyễn Thị Hòa', 'hotich.hoa-binh': 'Lê Thị Hộ' });
  });

  test('Given the process instance, when the trace is read, then the diagram shows the first step completed, the parallel ones active, the flows taken', async () => {
    const r = await as('auditor', 'GET', `/api/dossiers/${f.code}/trace`);
    expect(r.body.diagram).toEqual([
      {
        processInstanceKey: f.processInstanceKey,
        bpmnProcessId: 'birth-registration-group',
        processDefinitionKey: expect.any(String),
        processDefinitionVersion: 1,
        state: 'ACTIVE',
        parentProcessInstanceKey: null,
        calledBy: null,
        active: ['healthInsuranceCard', 'residenceRegistration'],
        completed: ['birthRegistration', 'dossierReceived', 'handOffBirthData', 'splitLinkedSteps'],
        terminated: [],
        takenSequenceFlows: ['toBirthRegistration', 'toHandOff', 'toHealthInsuranceCard', 'toResidenceRegistration', 'toSplit'],
        incidents: [],
      },
    ]);
  });

  test('Given other callers, when they ask for the trace, then: counter of the receiving agency 200, admin 200, officer of another agency 404, designer 403, nobody 401', async () => {
    const path = `/api/dossiers/${f.code}/trace`;
    expect((await as('counter', 'GET', path)).status).toBe(200);
    expect((await as('admin', 'GET', path)).status).toBe(200);
    const other = await as('otherPolice', 'GET', path);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: 'NotFound', message: expect.stringContaining(f.code) });
    // The same answer as for a dossier that does not exist: nothing to learn from it.
    const none = await as('otherPolice', 'GET', '/api/dossiers/KHONG-CO/trace');
    expect(none.body.message.replace('KHONG-CO', f.code)).toBe(other.body.message);
    expect((await as('designer', 'GET', path)).status).toBe(403);
    expect((await as('anonymous', 'GET', path)).status).toBe(401);
    expect((await as('civil', 'GET', '/api/dossiers/bad%20code!/trace')).status).toBe(400);
  });
});
