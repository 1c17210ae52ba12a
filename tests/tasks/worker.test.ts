/**
 * Feature: the inbox worker turns user-task jobs into inbox rows.
 *
 * Zeebe delivers a job at least once; the inbox persists the row keyed by the job key before it
 * takes the job for a long lease, so a crash never loses a step (the short activation timeout
 * re-delivers it) and a re-delivery never duplicates one.
 */
import { USER_TASK_JOB_TYPE } from '../../src/bpmn/index.js';
import { chain, end, processXml, start, userTask } from '../support/bpmn.js';
import { waitFor } from '../support/engine.js';
import { T0, USERS, useInbox } from './support.js';

// The job-worker path: leases, activation timeouts and incidents belong to user-task jobs.
const h = useInbox({}, { userTasks: 'job' });
const MINUTE = 60_000;
const DAY = 86_400_000;

async function jobDeadline(jobKey: string): Promise<number | null> {
  const { rows } = await h.db.query(`select state, (extract(epoch from deadline) * 1000)::float8 as d from engine.jobs where key = $1`, [jobKey]);
  return rows[0]?.d ?? null;
}

describe('Feature: one inbox row per user-task job', () => {
  test('Scenario: the first step of a birth dossier lands in the justice office of its commune, with its clock and a handover record', async () => {
    const { code, instanceKey } = await h.receive();
    expect(await h.inbox()).toBe(1);
    const [task] = await h.rows();
    expect(task).toMatchObject({
      dossierCode: code,
      procedureCode: 'birth-registration-group',
      processInstanceKey: instanceKey,
      elementId: 'birthRegistration',
      name: expect.stringContaining('khai sinh'),
      agencyCode: 'tp.phuc-xa',
      agencyKind: 'ubnd-xa.tu-phap-ho-tich',
      candidateGroups: ['ubnd-xa.tu-phap-ho-tich'],
      state: 'open',
      assignee: null,
      variables: {},
    });
    expect(task.dueAt).toEqual(expect.any(String));
    // the step clock: 1 working day for the justice officer (procedure.json, version 2025.07)
    const step = (await h.sla.clocks(h.db, code)).find((c) => c.kind === 'step')!;
    expect(step).toMatchObject({
      taskId: task.id,
      agencyCode: 'tp.phuc-xa',
      step: 'birthRegistration',
      limit: { value: 1, unit: 'working_days' },
      state: 'running',
    });
    // the handover: from the counter that received it to the justice office
    const [created] = await h.audit('task.created');
    expect(created).toMatchObject({
      dossierCode: code,
      agency: 'tp.phuc-xa',
      payload: {
        taskId: task.id,
        from: { agencyCode: 'mc.phuc-xa', step: 'reception' },
        to: { agencyCode: 'tp.phuc-xa', step: 'birthRegistration' },
      },
    });
    expect(h.hooked.map((t) => t.id)).toEqual([task.id]);
  });

  test('Scenario: after the commune decides, the police of the same commune and the provincial BHXH get the next steps, handed over from the justice office', async () => {
    h.startServiceWorkers();
    const { code } = await h.receive();
    await h.inbox();
    const [first] = await h.rows();
    await h.tasks.complete(USERS.tp1, first.id, { outcome: 'approved' });
    await waitFor('the linked steps to be created', async () => {
      await h.inbox();
      return (await h.rows()).length === 3;
    });
    const rows = await h.rows();
    const byElement = Object.fromEntries(rows.map((t) => [t.elementId, t]));
    // Ba Đình also has a commune police (ca.ba-dinh): the dossier's commune decides.
    expect(byElement.residenceRegistration).toMatchObject({ agencyCode: 'ca.phuc-xa', agencyKind: 'cong-an-xa', state: 'open' });
    expect(byElement.healthInsuranceCard).toMatchObject({ agencyCode: 'bhxh.01', agencyKind: 'bhxh', state: 'open' });
    const handovers = (await h.audit('task.created')).filter((a) => a.payload.step !== 'birthRegistration');
    expect(handovers.map((a) => [a.payload.from.agencyCode, a.payload.from.step, a.payload.to.agencyCode]).sort()).toEqual([
      ['tp.phuc-xa', 'birthRegistration', 'bhxh.01'],
      ['tp.phuc-xa', 'birthRegistration', 'ca.phuc-xa'],
    ]);
    const steps = (await h.sla.clocks(h.db, code)).filter((c) => c.kind === 'step').map((c) => [c.step, c.agencyCode, c.state]);
    expect(steps.sort()).toEqual([
      ['birthRegistration', 'tp.phuc-xa', 'met_early'],
      ['healthInsuranceCard', 'bhxh.01', 'running'],
      ['residenceRegistration', 'ca.phuc-xa', 'running'],
    ]);
  });

  test('Scenario: a crash before the row is committed loses nothing — the job times out, comes back, and becomes exactly one row', async () => {
    // Given a hook that fails once (the process "crashes" inside the transaction)
    let calls = 0;
    h.setHook(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('crash before commit')) : Promise.resolve();
    });
    const { code } = await h.receive();
    // When the worker takes the job and its transaction fails
    expect(await h.inbox()).toBe(1);
    // Then nothing of the step was written, and the job keeps its short activation timeout
    expect(await h.rows()).toEqual([]);
    expect(await h.audit('task.created')).toEqual([]);
    expect(await h.sla.clocks(h.db, code)).toEqual([]);
    const [job] = (await h.db.query(`select key::text, state, worker from engine.jobs where type = $1`, [USER_TASK_JOB_TYPE])).rows;
    expect(job.state).toBe('ACTIVATED');
    expect(await jobDeadline(job.key)).toBe(T0 + MINUTE);
    // and it is not handed out again while reserved
    expect(await h.inbox()).toBe(0);
    // When the activation timeout passes
    h.clock.advance(MINUTE + 1);
    await h.engine.tick();
    expect(await h.inbox()).toBe(1);
    // Then the re-delivered job is exactly one row, with one clock, one audit row, one hook call
    const rows = await h.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0].jobKey).toBe(job.key);
    expect(await h.audit('task.created')).toHaveLength(1);
    expect((await h.sla.clocks(h.db, code)).filter((c) => c.kind === 'step')).toHaveLength(1);
    expect(calls).toBe(2);
    expect(h.errors).toEqual([expect.objectContaining({ message: 'crash before commit' })]);
    // and only now holds the long lease
    expect(await jobDeadline(job.key)).toBe(T0 + MINUTE + 1 + 30 * DAY);
    expect(rows[0].leaseUntil).toBe(new Date(T0 + MINUTE + 1 + 30 * DAY).toISOString());
  });

  test('Scenario: the lease is extended only after the row is committed', async () => {
    const seen: number[] = [];
    h.setHook(async (q, t) => {
      const { rows } = await q.query(`select (extract(epoch from deadline) * 1000)::float8 as d from engine.jobs where key = $1`, [t.jobKey]);
      seen.push(rows[0].d);
    });
    await h.receive();
    await h.inbox();
    const [task] = await h.rows();
    // inside the transaction: still the 60 s activation timeout
    expect(seen).toEqual([T0 + MINUTE]);
    // after the commit: the 30-day lease
    expect(await jobDeadline(task.jobKey!)).toBe(T0 + 30 * DAY);
  });

  test('Scenario: a crash after the commit but before the lease: the re-delivered job inserts nothing and only gets its lease', async () => {
    const { code } = await h.receive();
    // Given a job activated and persisted by a worker that then died before extending the lease
    const [job] = await h.engine.activateJobs({ type: USER_TASK_JOB_TYPE, worker: 'dead-worker', maxJobsToActivate: 10, timeout: MINUTE });
    expect((await h.worker.persist(job)).created).toBe(true);
    expect(await jobDeadline(job.key)).toBe(T0 + MINUTE);
    // When its timeout passes and it is delivered again
    h.clock.advance(MINUTE + 1);
    await h.engine.tick();
    expect(await h.inbox()).toBe(1);
    // Then still one row, one clock, one audit row, one hook call — and the lease
    expect(await h.rows()).toHaveLength(1);
    expect(await h.audit('task.created')).toHaveLength(1);
    expect((await h.sla.clocks(h.db, code)).filter((c) => c.kind === 'step')).toHaveLength(1);
    expect(h.hooked).toHaveLength(1);
    expect(await jobDeadline(job.key)).toBe(T0 + MINUTE + 1 + 30 * DAY);
  });

  test('Scenario: a process of no dossier (a designer trying a draft) still gets a row, its candidate group as agency and its variables', async () => {
    await h.deploy(
      processXml('draft', start(), userTask('check', { candidateGroups: 'cong-an-xa', dueDate: '=due' }), end(), ...chain('start', 'check', 'end')),
      'draft.bpmn',
    );
    const key = await h.start('draft', { due: '2026-01-07T10:00:00Z', applicantName: 'Nguyễn Văn A' });
    await h.inbox();
    const [t] = await h.rows();
    expect(t).toMatchObject({
      dossierCode: null,
      processInstanceKey: key,
      bpmnProcessId: 'draft',
      agencyCode: 'cong-an-xa',
      agencyKind: 'cong-an-xa',
      name: 'check',
      dueAt: '2026-01-07T10:00:00.000Z',
      variables: { due: '2026-01-07T10:00:00Z', applicantName: 'Nguyễn Văn A' },
    });
    // designers see their drafts' tasks; no officer of a real agency does
    expect((await h.tasks.list(USERS.tk1)).items.map((x) => x.id)).toEqual([t.id]);
    expect((await h.tasks.list(USERS.ca1)).total).toBe(0);
  });

  test('Scenario: a task pre-assigned in the BPMN starts claimed by that person', async () => {
    await h.deploy(
      processXml('assigned', start(), userTask('t', { candidateGroups: 'cong-an-xa', assignee: 'ca1' }), end(), ...chain('start', 't', 'end')),
      'a.bpmn',
    );
    await h.start('assigned');
    await h.inbox();
    expect((await h.rows())[0]).toMatchObject({ state: 'claimed', assignee: 'ca1', claimedAt: new Date(T0).toISOString() });
  });

  test('Scenario: no office of the task’s kind in the dossier’s commune → an incident naming what to add, no row', async () => {
    // Ba Đình has no justice office in the registry
    const { instanceKey } = await h.receive({ commune: 'ba-dinh' });
    await h.inbox();
    expect(h.errors).toEqual([expect.objectContaining({ name: 'AgencyNotFound' })]);
    expect(await h.rows()).toEqual([]);
    const [incident] = await h.incidents(instanceKey);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorType: 'JOB_NO_RETRIES', elementId: 'birthRegistration' });
    expect(incident.errorMessage).toMatch(/ubnd-xa\.tu-phap-ho-tich/);
    expect(incident.errorMessage).toMatch(/ba-dinh/);
  });
});

describe('Feature: leases and the sweep', () => {
  test('Scenario: a task still open after 23 days gets its lease renewed for another 30 days', async () => {
    await h.receive();
    await h.inbox();
    const [t] = await h.rows();
    h.clock.advance(20 * DAY);
    expect(await h.worker.sweep()).toEqual({ renewed: 0, finished: 0, withdrawn: 0 });
    h.clock.advance(3 * DAY + 1);
    expect(await h.worker.sweep()).toEqual({ renewed: 1, finished: 0, withdrawn: 0 });
    expect(await jobDeadline(t.jobKey!)).toBe(T0 + 53 * DAY + 1);
    expect((await h.tasks.get(h.db, t.id)).leaseUntil).toBe(new Date(T0 + 53 * DAY + 1).toISOString());
  });

  test('Scenario: a lease that ran out anyway (service down for weeks): the job comes back and is simply leased again', async () => {
    await h.receive();
    await h.inbox();
    h.clock.advance(31 * DAY);
    await h.engine.tick();
    expect(await h.inbox()).toBe(1);
    expect(await h.rows()).toHaveLength(1);
    expect(await h.audit('task.created')).toHaveLength(1);
  });

  test('Scenario: the process no longer waits for a task (its instance was cancelled): the sweep withdraws it from the inbox', async () => {
    const { code, instanceKey } = await h.receive();
    await h.inbox();
    const [t] = await h.rows();
    await h.engine.cancelProcessInstance(instanceKey);
    h.clock.advance(24 * DAY);
    expect(await h.worker.sweep()).toEqual({ renewed: 0, finished: 0, withdrawn: 1 });
    expect((await h.tasks.get(h.db, t.id)).state).toBe('cancelled');
    expect((await h.audit('task.withdrawn'))[0]).toMatchObject({ dossierCode: code, payload: { taskId: t.id, noticedBy: 'lease' } });
    expect((await h.tasks.list(USERS.tp1)).total).toBe(0);
  });
});
