/**
 * Feature: the inbox as officials use it — what each role sees, claim / unclaim / assign /
 * complete and who may do them, the decision checked against the task's schema.
 *
 * Another agency's task is reported as not found (404), never as forbidden: the inbox does not
 * reveal that it exists. Auditors see everything and change nothing (403).
 */
import { waitFor } from '../support/engine.js';
import { T0, USERS, at, failure, seedDossier, seedTask, useInbox } from './support.js';

const h = useInbox();
const ids = (p: { items: Array<{ id: string }> }) => p.items.map((t) => t.id);

describe('Feature: listing the inbox', () => {
  test('Scenario: an officer sees the open tasks of their agency only, soonest due first, undated last, in stable pages with the total', async () => {
    const d1 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(48) });
    const d2 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(2) });
    const none = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: null });
    const tie1 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(24) });
    const tie2 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(24) });
    const claimed = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(30), assignee: 'ca2' });
    await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(1), state: 'completed', assignee: 'ca1' });
    await seedTask(h.db, { agencyCode: 'ca.ba-dinh', dueAt: at(1) });
    await seedTask(h.db, { agencyCode: 'bhxh.01', agencyKind: 'bhxh', dueAt: at(1) });

    const all = await h.tasks.list(USERS.ca1);
    expect(ids(all)).toEqual([d2, tie1, tie2, claimed, d1, none]);
    expect(all).toMatchObject({ total: 6, page: 1, pageSize: 50 });

    const p1 = await h.tasks.list(USERS.ca1, { pageSize: 4 });
    const p2 = await h.tasks.list(USERS.ca1, { pageSize: 4, page: 2 });
    expect([...ids(p1), ...ids(p2)]).toEqual(ids(all));
    expect(p2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(ids(await h.tasks.list(USERS.ca1, { pageSize: 4, page: 3 }))).toEqual([]);

    // the police of another commune see only theirs
    expect((await h.tasks.list(USERS.cabd)).total).toBe(1);
  });

  test('Scenario: filters — assigned to me, unassigned, due soon, overdue, procedure, dossier, completed', async () => {
    h.clock.set(T0);
    await seedDossier(h.db, 'HS-1');
    await seedDossier(h.db, 'HS-2', 'death-registration-group');
    const overdue = await seedTask(h.db, {
      agencyCode: 'ca.phuc-xa',
      dueAt: at(-3),
      dossierCode: 'HS-1',
      procedureCode: 'birth-registration-group',
    });
    const soon = await seedTask(h.db, {
      agencyCode: 'ca.phuc-xa',
      dueAt: at(5),
      assignee: 'ca1',
      dossierCode: 'HS-2',
      procedureCode: 'death-registration-group',
    });
    const later = await seedTask(h.db, {
      agencyCode: 'ca.phuc-xa',
      dueAt: at(100),
      assignee: 'ca2',
      dossierCode: 'HS-1',
      procedureCode: 'birth-registration-group',
    });
    const done1 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', state: 'completed', assignee: 'ca1', completedAt: at(-10) });
    const done2 = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', state: 'completed', assignee: 'ca2', completedAt: at(-1) });

    expect(ids(await h.tasks.list(USERS.ca1, { assignedToMe: true }))).toEqual([soon]);
    expect(ids(await h.tasks.list(USERS.ca1, { unassigned: true }))).toEqual([overdue]);
    expect(ids(await h.tasks.list(USERS.ca1, { state: 'claimed' }))).toEqual([soon, later]);
    expect(ids(await h.tasks.list(USERS.ca1, { dueSoon: 24 }))).toEqual([soon]);
    expect(ids(await h.tasks.list(USERS.ca1, { overdue: true }))).toEqual([overdue]);
    expect(ids(await h.tasks.list(USERS.ca1, { procedure: 'birth-registration-group' }))).toEqual([overdue, later]);
    expect(ids(await h.tasks.list(USERS.ca1, { dossierCode: 'HS-2' }))).toEqual([soon]);
    expect(ids(await h.tasks.list(USERS.ca1, { state: 'completed' }))).toEqual([done2, done1]);
    expect(ids(await h.tasks.list(USERS.ca1, { state: 'completed', assignedToMe: true }))).toEqual([done1]);
    // time moves: what was due soon is now overdue
    h.clock.set(T0 + 6 * 3_600_000);
    expect(ids(await h.tasks.list(USERS.ca1, { overdue: true }))).toEqual([overdue, soon]);
  });

  test('Scenario: auditors and admins see every agency (and may narrow to one); counter staff only their counter’s steps; someone unknown nothing', async () => {
    const a = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dueAt: at(1) });
    const b = await seedTask(h.db, { agencyCode: 'mc.phuc-xa', agencyKind: 'mot-cua-xa', dueAt: at(2) });
    const c = await seedTask(h.db, { agencyCode: 'bhxh.01', agencyKind: 'bhxh', dueAt: at(3) });
    expect(ids(await h.tasks.list(USERS.tt1))).toEqual([a, b, c]);
    expect(ids(await h.tasks.list(USERS.ad1, { agencyCode: 'bhxh.01' }))).toEqual([c]);
    expect(ids(await h.tasks.list(USERS.mc1))).toEqual([b]);
    // an officer asking for another agency gets nothing of it
    expect(ids(await h.tasks.list(USERS.ca1, { agencyCode: 'bhxh.01' }))).toEqual([]);
    expect((await h.tasks.list({ username: 'x', role: 'officer', agencyCode: null })).total).toBe(0);
    await expect(h.tasks.list(undefined as any)).rejects.toMatchObject({ name: 'Unauthenticated' });
  });

  test('Scenario: the totals the database keeps per agency and state agree with the rows after every kind of change', async () => {
    const counted = async () => (await h.db.query(`select agency_code, agency_kind, state, n::int from domain.task_counts where n <> 0 order by 1, 2, 3`)).rows;
    const actual = async () =>
      (
        await h.db.query(
          `select agency_code, coalesce(agency_kind, '') as agency_kind, state, count(*)::int as n from domain.tasks group by 1, 2, 3 order by 1, 2, 3`,
        )
      ).rows;
    h.startServiceWorkers();
    const { code } = await h.receive();
    await h.inbox();
    expect(await counted()).toEqual(await actual());
    const [first] = await h.rows();
    await h.tasks.claim(USERS.tp1, first.id);
    await h.tasks.complete(USERS.tp1, first.id, { outcome: 'approved' });
    await waitFor('the linked steps', async () => {
      await h.inbox();
      return (await h.rows()).length === 3;
    });
    const police = (await h.tasks.list(USERS.ca1)).items[0];
    await h.tasks.assign(USERS.ca1, police.id, 'ca2');
    expect(await counted()).toEqual(await actual());
    expect((await h.tasks.list(USERS.ca1)).total).toBe(1);
    await h.db.tx((q) => h.tasks.cancelOpenTasks(q, code, new Date(T0)));
    await seedTask(h.db, { agencyCode: 'mc.phuc-xa', agencyKind: 'mot-cua-xa' });
    await h.db.query(`delete from domain.tasks where agency_code = 'mc.phuc-xa'`);
    expect(await counted()).toEqual(await actual());
    expect((await h.tasks.list(USERS.ca1)).total).toBe(0);
    expect((await h.tasks.list(USERS.ca1, { state: 'cancelled' })).total).toBe(1);
    await h.db.query(`truncate domain.tasks cascade`);
    expect(await counted()).toEqual([]);
  });

  test('Scenario: paging parameters out of range are the caller’s mistake (400)', async () => {
    await expect(h.tasks.list(USERS.ca1, { page: 0 })).rejects.toMatchObject({ name: 'Invalid' });
    await expect(h.tasks.list(USERS.ca1, { pageSize: 500 })).rejects.toMatchObject({ name: 'Invalid' });
    await expect(h.tasks.list(USERS.ca1, { dueSoon: -1 })).rejects.toMatchObject({ name: 'Invalid' });
  });
});

describe('Feature: claim, unclaim, assign', () => {
  test('Scenario: an officer claims an open task of their agency; a colleague then cannot; claiming twice is claiming once', async () => {
    const id = await seedTask(h.db, { agencyCode: 'ca.phuc-xa' });
    expect(await h.tasks.claim(USERS.ca1, id)).toMatchObject({ state: 'claimed', assignee: 'ca1', claimedAt: new Date(T0).toISOString() });
    expect(await h.tasks.claim(USERS.ca1, id)).toMatchObject({ state: 'claimed', assignee: 'ca1' });
    const e = await failure(h.tasks.claim(USERS.ca2, id));
    expect(e).toMatchObject({ name: 'Conflict', details: { assignee: 'ca1' } });
    expect((await h.audit('task.claimed')).map((a) => [a.actor, a.role, a.payload.taskId])).toEqual([['ca1', 'officer', id]]);
  });

  test('Scenario: another agency’s officer gets 404 for every action on a task; an auditor 403 for changes and the task for reads', async () => {
    const id = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dossierCode: await seedDossier(h.db, 'HS-1') });
    for (const act of [
      () => h.tasks.get(USERS.cabd, id),
      () => h.tasks.claim(USERS.cabd, id),
      () => h.tasks.unclaim(USERS.cabd, id),
      () => h.tasks.assign(USERS.cabd, id, 'cabd'),
      () => h.tasks.complete(USERS.cabd, id, { outcome: 'approved' }),
      () => h.tasks.claim(USERS.mc1, id), // counter staff: not a counter step
      () => h.tasks.claim(USERS.tk1, id), // designer: a dossier's task is not a draft's
    ]) {
      expect(await failure(act())).toMatchObject({ name: 'NotFound' });
    }
    expect(await h.tasks.get(USERS.tt1, id)).toMatchObject({ id });
    for (const act of [() => h.tasks.claim(USERS.tt1, id), () => h.tasks.complete(USERS.tt1, id, { outcome: 'approved' })]) {
      expect(await failure(act())).toMatchObject({ name: 'Forbidden' });
    }
    // a key that cannot exist is not found either (never a database error)
    expect(await failure(h.tasks.get(USERS.ca1, 'abc'))).toMatchObject({ name: 'NotFound' });
    expect(await failure(h.tasks.claim(USERS.ca1, '99999999999999999999'))).toMatchObject({ name: 'NotFound' });
    expect(await h.audit()).toEqual([]);
  });

  test('Scenario: only the assignee (or an admin) gives a task back', async () => {
    const id = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', assignee: 'ca1' });
    expect(await failure(h.tasks.unclaim(USERS.ca2, id))).toMatchObject({ name: 'Forbidden' });
    expect(await h.tasks.unclaim(USERS.ca1, id)).toMatchObject({ state: 'open', assignee: null, claimedAt: null });
    expect(await h.tasks.unclaim(USERS.ca1, id)).toMatchObject({ state: 'open' });
    await h.tasks.claim(USERS.ca2, id);
    expect(await h.tasks.unclaim(USERS.ad1, id)).toMatchObject({ state: 'open' });
    expect((await h.audit('task.unclaimed')).map((a) => a.actor)).toEqual(['ca1', 'ad1']);
  });

  test('Scenario: a task is assigned to a colleague of its agency, never to someone of another agency; a claimed task only by its assignee or an admin', async () => {
    const id = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dossierCode: await seedDossier(h.db, 'HS-1') });
    expect(await h.tasks.assign(USERS.ca1, id, 'ca2')).toMatchObject({ state: 'claimed', assignee: 'ca2' });
    const wrong = await failure(h.tasks.assign(USERS.ca2, id, 'cabd'));
    expect(wrong).toMatchObject({ name: 'Invalid', details: [{ instancePath: '/username' }] });
    expect(await failure(h.tasks.assign(USERS.ca2, id, 'nobody'))).toMatchObject({ name: 'Invalid' });
    // ca1 no longer holds it: cannot hand it around
    expect(await failure(h.tasks.assign(USERS.ca1, id, 'ca1'))).toMatchObject({ name: 'Conflict', details: { assignee: 'ca2' } });
    expect(await h.tasks.assign(USERS.ca2, id, 'ca1')).toMatchObject({ assignee: 'ca1' });
    expect(await h.tasks.assign(USERS.ad1, id, 'ca2')).toMatchObject({ assignee: 'ca2' });
    expect((await h.audit('task.assigned')).map((a) => [a.actor, a.payload.from, a.payload.to])).toEqual([
      ['ca1', null, 'ca2'],
      ['ca2', 'ca2', 'ca1'],
      ['ad1', 'ca1', 'ca2'],
    ]);
  });
});

describe('Feature: completing a task', () => {
  async function firstTask() {
    const d = await h.receive();
    await h.inbox();
    const [t] = await h.rows();
    return { ...d, task: t };
  }

  test('Scenario: the decision completes the job with its fields as variables, stops the step clock and is audited', async () => {
    const { code, instanceKey, task } = await firstTask();
    await h.tasks.claim(USERS.tp1, task.id);
    h.clock.advance(2 * 3_600_000);
    const done = await h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved', note: 'Đủ điều kiện' });
    expect(done).toMatchObject({
      state: 'completed',
      completedBy: 'tp1',
      assignee: 'tp1',
      decision: { outcome: 'approved', note: 'Đủ điều kiện' },
    });
    expect(done.completedAt).toBe(new Date(T0 + 2 * 3_600_000).toISOString());
    expect((await h.instance(instanceKey)).variables).toMatchObject({ outcome: 'approved', note: 'Đủ điều kiện' });
    const step = (await h.sla.clocks(h.db, code)).find((c) => c.taskId === task.id)!;
    expect(step.state).toBe('met_early');
    const [audit] = await h.audit('task.completed');
    expect(audit).toMatchObject({
      actor: 'tp1',
      role: 'officer',
      dossierCode: code,
      payload: { taskId: task.id, decision: { outcome: 'approved' }, stepResult: 'met_early' },
    });
    // the inbox no longer lists it; the completed view does
    expect((await h.tasks.list(USERS.tp1)).total).toBe(0);
    expect(ids(await h.tasks.list(USERS.tp1, { state: 'completed' }))).toEqual([task.id]);
  });

  test('Scenario: an unclaimed task may be completed directly (the completer takes it); a task claimed by a colleague may not', async () => {
    const { task } = await firstTask();
    await h.db.query(`insert into domain.users (username, full_name, password_hash, role, agency_code) values ('tp2', 'tp2', 'x', 'officer', 'tp.phuc-xa')`);
    await h.tasks.claim({ username: 'tp2', role: 'officer', agencyCode: 'tp.phuc-xa' }, task.id);
    const e = await failure(h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' }));
    expect(e).toMatchObject({ name: 'Conflict', details: { assignee: 'tp2' } });
    await h.tasks.unclaim({ username: 'tp2', role: 'officer', agencyCode: 'tp.phuc-xa' }, task.id);
    expect(await h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' })).toMatchObject({ state: 'completed', assignee: 'tp1' });
    expect(await failure(h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' }))).toMatchObject({
      name: 'Conflict',
      details: { state: 'completed', completedBy: 'tp1' },
    });
  });

  test('Scenario: a decision that does not match the task’s schema is refused (400) naming the path, and changes nothing', async () => {
    const { instanceKey, task } = await firstTask();
    const missing = await failure(h.tasks.complete(USERS.tp1, task.id, { note: 'thiếu kết quả' }));
    expect(missing).toMatchObject({ name: 'Invalid', details: [{ instancePath: '/decision/outcome', message: 'is required' }] });
    const wrongValue = await failure(h.tasks.complete(USERS.tp1, task.id, { outcome: 'maybe' }));
    expect(wrongValue.details).toEqual([expect.objectContaining({ instancePath: '/decision/outcome', message: expect.stringContaining('"approved"') })]);
    const extra = await failure(h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved', hacked: true }));
    expect(extra.details).toEqual([expect.objectContaining({ instancePath: '/decision/hacked' })]);
    expect(await failure(h.tasks.complete(USERS.tp1, task.id, 'approved'))).toMatchObject({ name: 'Invalid' });
    expect((await h.tasks.get(h.db, task.id)).state).toBe('open');
    expect(await h.activeElements(instanceKey)).toEqual(['birthRegistration']);
    expect(await h.audit('task.completed')).toEqual([]);
  });

  test('Scenario: a task with its own form (the construction permit decision) is checked against it: a refusal needs its reason', async () => {
    expect((await h.tasks.decisions.formFor({ formKey: null, bpmnProcessId: 'construction-permit', elementId: 'permitDecision' })).formId).toBe(
      'construction-permit.permitDecision',
    );
    expect((await h.tasks.decisions.formFor({ formKey: null, bpmnProcessId: 'nobody', elementId: 'x' })).formId).toBe('lienthong-default-decision');
    const target = { formKey: null, bpmnProcessId: 'construction-permit', elementId: 'permitDecision' };
    // The reason is hidden (and dropped) unless the permit is refused, as the form shows it.
    expect(await h.tasks.decisions.check(target, { decision: 'granted', permitNumber: '12/GPXD', reason: 'x' })).toEqual({
      decision: 'granted',
      permitNumber: '12/GPXD',
    });
    const e: any = await h.tasks.decisions.check(target, { decision: 'refused' }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      name: 'Invalid',
      details: [expect.objectContaining({ instancePath: '/decision/reason', message: 'is required' })],
    });
  });

  test('Scenario: the process moved on without the task (its instance was cancelled): completing it is a Conflict and the task leaves the inbox', async () => {
    const { instanceKey, task } = await firstTask();
    await h.engine.cancelProcessInstance(instanceKey);
    const e = await failure(h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' }));
    expect(e).toMatchObject({ name: 'Conflict', details: { state: 'cancelled' } });
    expect((await h.tasks.get(h.db, task.id)).state).toBe('cancelled');
    expect(await h.audit('task.withdrawn')).toHaveLength(1);
  });

  test('Scenario: a crash between the engine’s completion and the inbox’s: the sweep finishes it from the decision kept in the row', async () => {
    const { code, instanceKey, task } = await firstTask();
    // Given a completion begun and sent to the engine, then the process died before recording it
    await h.db.query(
      `update domain.tasks set state = 'completing', completed_by = 'tp1', decision = '{"outcome":"approved"}', completing_at = $2 where id = $1`,
      [task.id, new Date(T0).toISOString()],
    );
    await h.engine.completeUserTask({ userTaskKey: task.userTaskKey!, variables: { outcome: 'approved' } });
    // When the sweep runs a while later
    h.clock.advance(5 * 60_000);
    expect(await h.worker.sweep()).toMatchObject({ finished: 1 });
    // Then the task is completed once, its clock stopped, the audit marks the recovery
    expect(await h.tasks.get(h.db, task.id)).toMatchObject({ state: 'completed', completedBy: 'tp1', assignee: 'tp1' });
    expect((await h.sla.clocks(h.db, code)).find((c) => c.taskId === task.id)!.state).not.toBe('running');
    expect((await h.audit('task.completed'))[0]).toMatchObject({ payload: { recovered: true, completedBy: 'tp1' } });
    const completions = (await h.events(instanceKey)).filter((ev) => ev.valueType === 'USER_TASK' && ev.intent === 'COMPLETED');
    expect(completions).toHaveLength(1);
  });

  test('Scenario: a crash after the guard but before the engine heard of it: the sweep completes the job with the kept decision', async () => {
    const { instanceKey, task } = await firstTask();
    await h.db.query(
      `update domain.tasks set state = 'completing', completed_by = 'tp1', decision = '{"outcome":"rejected","note":"x"}', completing_at = $2 where id = $1`,
      [task.id, new Date(T0).toISOString()],
    );
    h.clock.advance(5 * 60_000);
    expect(await h.worker.sweep()).toMatchObject({ finished: 1 });
    expect(await h.tasks.get(h.db, task.id)).toMatchObject({ state: 'completed' });
    expect((await h.instance(instanceKey)).variables).toMatchObject({ outcome: 'rejected', note: 'x' });
  });
});

describe('Feature: the dossier room cancels its open tasks', () => {
  test('Scenario: a refused dossier’s unfinished tasks are cancelled and audited; finished ones stay', async () => {
    await seedDossier(h.db, 'HS-9');
    const open = await seedTask(h.db, { agencyCode: 'ca.phuc-xa', dossierCode: 'HS-9' });
    const claimed = await seedTask(h.db, { agencyCode: 'bhxh.01', agencyKind: 'bhxh', dossierCode: 'HS-9', assignee: 'bh1' });
    const done = await seedTask(h.db, { agencyCode: 'tp.phuc-xa', dossierCode: 'HS-9', state: 'completed', assignee: 'tp1' });
    const gone = await h.db.tx((q) => h.tasks.cancelOpenTasks(q, 'HS-9', new Date(T0), USERS.mc1));
    expect(gone.map((t) => [t.id, t.state])).toEqual([
      [open, 'cancelled'],
      [claimed, 'cancelled'],
    ]);
    expect((await h.tasks.get(h.db, done)).state).toBe('completed');
    expect((await h.audit('task.cancelled')).map((a) => [a.actor, a.payload.taskId])).toEqual([
      ['mc1', open],
      ['mc1', claimed],
    ]);
    expect(await failure(h.tasks.claim(USERS.ca1, open))).toMatchObject({ name: 'Conflict', details: { state: 'cancelled' } });
  });
});
