/**
 * The birth group (khai sinh – thường trú – BHYT) end to end over HTTP, as its users do it, on a
 * whole service started by `open` (the shipped processes, the demo registry, the inbox worker, the
 * service-task workers, the SLA clocks):
 *
 *   the counter officer of xã Hòa Bình signs in and receives the dossier (form 01)
 *   → the commune justice officer claims and completes the birth registration
 *   → the commune police and the social insurance officers complete their steps in parallel
 *   → the counter returns the result;
 *
 * then the trace shows every step, actor and time, form 06 lists each hand-over, another
 * commune's officer sees none of it, the citizen sees the status only with the secret, the
 * inspector's reads are logged, and the audit chain verifies.
 *
 * The service runs on a ManualClock from Monday 05/01/2026, 09:00 in Hà Nội; each officer's
 * action moves it five minutes on (the sign-in tokens last an hour of it), so every time in the
 * trace is the clock's, never the wall's. Run on the embedded engine (birth-group.e2e.test.ts) and
 * on the Zeebe adapter over the wire (birth-group.zeebe.e2e.test.ts): the same scenario, the same
 * answers.
 */
import type { Db } from '../../src/db/index.js';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { ManualClock } from '../../src/clock.js';
import { waitFor } from '../support/engine.js';
import { openInboxTask } from '../support/inbox.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call } from './support.js';

/** The service under test: its URL and database, and how to stop it. */
export interface BirthGroupHost {
  url: string;
  db: Db;
  close(): Promise<void>;
}

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  otherPolice: ['congan.tan-an', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
} as const;
type Who = keyof typeof PEOPLE;

export function birthGroupScenario(open: (clock: ManualClock) => Promise<BirthGroupHost>): void {
  const clock = new ManualClock();
  /** An officer takes five minutes over each action. */
  const work = () => clock.advance(5 * 60_000);
  let host: BirthGroupHost;
  let url: string;
  const tokens: Record<string, string> = {};
  const as = (who: Who, method: string, path: string, body?: unknown) => call(url, method, path, body, { authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    host = await open(clock);
    url = host.url;
    for (const [who, [username, password]] of Object.entries(PEOPLE)) {
      const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
      if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status} ${JSON.stringify(r.body)}`);
      tokens[who] = r.body.token;
    }
  }, 120_000);
  afterAll(async () => {
    await host?.close();
  });

  /** The open task of `code` at `elementId` in `who`'s inbox, once the inbox worker has written it. */
  function inboxTask(who: Who, code: string, elementId: string): Promise<any> {
    return openInboxTask((path) => as(who, 'GET', path), PEOPLE[who][0], code, elementId);
  }

  async function claimAndComplete(who: Who, code: string, elementId: string): Promise<any> {
    const task = await inboxTask(who, code, elementId);
    work();
    const claimed = await as(who, 'POST', `/api/tasks/${task.id}/claim`, {});
    expect({ elementId, status: claimed.status, assignee: claimed.body.assignee }).toEqual({
      elementId,
      status: 200,
      assignee: PEOPLE[who][0],
    });
    work();
    const done = await as(who, 'POST', `/api/tasks/${task.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } });
    expect({ elementId, status: done.status }).toEqual({ elementId, status: 200 });
    return task;
  }

  test('Given the birth group, when the counter, the commune, the police and social insurance each do their part over HTTP, then the dossier is returned and its trace, form 06 and the audit log tell the whole story', async () => {
    // The counter receives the dossier and prints form 01.
    const intake = birthIntake();
    intake.child.birthDate = '2025-12-26'; // ten days before the day of receipt
    const received = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake });
    expect(received.status).toBe(201);
    const code: string = received.body.dossier.code;
    const secret: string = received.body.lookupSecret;
    expect(received.body.form01.form).toBe('01');
    expect(typeof secret).toBe('string');

    // The commune justice officer decides; then the police and social insurance work in parallel.
    await claimAndComplete('civil', code, 'birthRegistration');
    await Promise.all([claimAndComplete('police', code, 'residenceRegistration'), claimAndComplete('insurance', code, 'healthInsuranceCard')]);

    // The result is ready at the counter, which hands it back.
    await inboxTask('counter', code, 'returnResult');
    await waitFor('the dossier to be done', async () => (await as('counter', 'GET', `/api/dossiers/${code}`)).body.status === 'done', 20_000);
    work();
    const returned = await as('counter', 'POST', `/api/dossiers/${code}/return`, { note: 'Công dân đã nhận kết quả' });
    expect(returned.status).toBe(200);
    expect(returned.body.status).toBe('returned');

    // The trace: every step, who, when, on time or not; the diagram fully completed.
    const trace = await as('auditor', 'GET', `/api/dossiers/${code}/trace`);
    expect(trace.status).toBe(200);
    expect(trace.body.dossier).toMatchObject({
      code,
      status: 'returned',
      receivingAgency: 'mot-cua-xa.hoa-binh',
      receivedBy: 'motcua.hoa-binh',
    });
    const steps = trace.body.steps.map((s: any) => ({ step: s.elementId, agency: s.agencyCode, state: s.state, by: s.completedBy }));
    expect(steps[0]).toEqual({
      step: 'birthRegistration',
      agency: 'ubnd-xa.tu-phap-ho-tich.hoa-binh',
      state: 'completed',
      by: 'hotich.hoa-binh',
    });
    // The parallel steps, in whichever order they were handed over.
    expect(steps.slice(1, 3).sort((a: any, b: any) => a.step.localeCompare(b.step))).toEqual([
      { step: 'healthInsuranceCard', agency: 'bhxh.thu-nghiem', state: 'completed', by: 'bhxh' },
      { step: 'residenceRegistration', agency: 'cong-an-xa.hoa-binh', state: 'completed', by: 'congan.hoa-binh' },
    ]);
    expect(steps[3]).toEqual({ step: 'returnResult', agency: 'mot-cua-xa.hoa-binh', state: 'completed', by: 'motcua.hoa-binh' });
    expect(steps).toHaveLength(4);
    for (const s of trace.body.steps) {
      expect(s.agencyName).toEqual(expect.any(String));
      expect(Date.parse(s.handedOverAt)).toBeLessThanOrEqual(Date.parse(s.completedAt));
      if (s.elementId !== 'returnResult') {
        expect(s.claimedBy).toBe(s.completedBy);
        expect(Date.parse(s.claimedAt)).toBeGreaterThanOrEqual(Date.parse(s.handedOverAt));
      }
      if (s.sla) expect(['early', 'on_time', 'late']).toContain(s.sla.result);
    }
    const byStep = Object.fromEntries(trace.body.steps.map((s: any) => [s.elementId, s]));
    // Handed over in order: the parallel steps only after the birth registration was completed.
    expect(Date.parse(byStep.residenceRegistration.handedOverAt)).toBeGreaterThanOrEqual(Date.parse(byStep.birthRegistration.completedAt));
    expect(Date.parse(byStep.healthInsuranceCard.handedOverAt)).toBeGreaterThanOrEqual(Date.parse(byStep.birthRegistration.completedAt));
    expect(Date.parse(byStep.returnResult.handedOverAt)).toBeGreaterThanOrEqual(
      Math.max(Date.parse(byStep.residenceRegistration.completedAt), Date.parse(byStep.healthInsuranceCard.completedAt)),
    );
    const actors = new Set(trace.body.timeline.map((e: any) => e.actor));
    for (const u of ['motcua.hoa-binh', 'hotich.hoa-binh', 'congan.hoa-binh', 'bhxh']) expect(actors).toContain(u);
    const kinds = trace.body.timeline.map((e: any) => e.kind);
    expect(kinds.filter((k: string) => k === 'handover')).toHaveLength(4);
    expect(kinds.filter((k: string) => k === 'claim')).toHaveLength(3);
    expect(trace.body.clocks[0]).toMatchObject({ kind: 'dossier', result: expect.stringMatching(/^(early|on_time|late)$/) });
    const [root] = trace.body.diagram;
    expect(root).toMatchObject({ bpmnProcessId: 'birth-registration-group', state: 'COMPLETED', active: [], terminated: [] });
    expect(root.completed).toEqual(
      expect.arrayContaining([
        'dossierReceived',
        'birthRegistration',
        'handOffBirthData',
        'residenceRegistration',
        'healthInsuranceCard',
        'returnResult',
        'resultReturned',
      ]),
    );
    expect(root.takenSequenceFlows).toEqual(expect.arrayContaining(['toResidenceRegistration', 'toHealthInsuranceCard', 'toEnd']));

    // Form 06 lists each hand-over: agency, when, from whom to whom, result.
    const f06 = await as('counter', 'GET', `/api/dossiers/${code}/forms/06`);
    expect(f06.status).toBe(200);
    expect(f06.body.form).toBe('06');
    const handovers = f06.body.data.steps.map((s: any) => ({ step: s.step, agency: s.agency, at: s.handedOverAt }));
    expect(handovers.map((h: any) => h.step).sort()).toEqual(['birthRegistration', 'healthInsuranceCard', 'residenceRegistration', 'returnResult']);
    for (const s of f06.body.data.steps) {
      expect(s.handedOverAt).toBe(byStep[s.step].handedOverAt);
      expect(s.agency).toBe(byStep[s.step].agencyCode);
      expect(['early', 'on_time', 'late']).toContain(s.result);
    }

    // Nobody else's: another commune's police officer learns nothing; the citizen needs the secret.
    expect((await as('otherPolice', 'GET', `/api/dossiers/${code}`)).status).toBe(404);
    expect((await as('otherPolice', 'GET', `/api/dossiers/${code}/trace`)).status).toBe(404);
    expect((await as('otherPolice', 'GET', `/api/dossiers/${code}/forms/06`)).status).toBe(404);
    expect((await as('otherPolice', 'GET', `/api/tasks/${byStep.residenceRegistration.taskId}`)).status).toBe(404);
    expect((await as('otherPolice', 'GET', `/api/tasks?state=completed&dossierCode=${code}`)).body.items).toEqual([]);
    const anon = (path: string) => call(url, 'GET', path, undefined, { authorization: '' });
    expect([401, 404]).toContain((await anon(`/api/dossiers/${code}`)).status);
    expect((await anon(`/api/dossiers/${code}?secret=SAI-MA`)).status).toBe(404);
    const citizen = await anon(`/api/dossiers/${code}?secret=${encodeURIComponent(secret)}`);
    expect(citizen.status).toBe(200);
    expect(JSON.stringify(citizen.body)).not.toContain(intake.mother.citizenId);

    // The inspector's reads are themselves in the log, and the log verifies.
    expect((await as('auditor', 'GET', `/api/dossiers/${code}`)).status).toBe(200);
    const reads = await host.db.query<{ action: string }>(
      `select action from domain.audit_log where dossier_code = $1 and actor = 'thanhtra' and action = 'audit.read_personal_data' order by seq`,
      [code],
    );
    expect(reads.rows.length).toBeGreaterThanOrEqual(2);
    const verify = await as('auditor', 'GET', '/api/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    const log = await as('auditor', 'GET', `/api/audit?dossier=${code}&pageSize=500`);
    expect(log.body.items.map((r: any) => r.actor)).toEqual(expect.arrayContaining(['motcua.hoa-binh', 'hotich.hoa-binh', 'congan.hoa-binh', 'bhxh']));
  }, 120_000);
}
