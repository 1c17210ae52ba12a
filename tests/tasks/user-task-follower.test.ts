/**
 * Feature: Camunda user tasks reach the inbox. The procedures' steps are Camunda user tasks
 * (`zeebe:userTask`), not jobs: the inbox follows the engine's user tasks and keeps exactly one
 * row per task — created once however often it hears of it, completed when the task is completed
 * elsewhere, withdrawn when the process no longer waits for it — and a dossier received while the
 * procedures still had job-worker user tasks finishes on them.
 */
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { NotFound } from '../../src/errors.js';
import { waitFor } from '../support/engine.js';
import { asJobWorkerTasks, USERS, useInbox } from './support.js';

const h = useInbox();

const clockOf = async (code: string, taskId: string) => (await h.sla.clocks(h.db, code)).find((c) => c.taskId === taskId);

describe('Feature: one inbox row per Camunda user task', () => {
  test('Scenario: the task becomes one row with its step clock and audit, however many times the inbox hears of it', async () => {
    const { code, instanceKey } = await h.receive();
    await h.inbox();
    await h.inbox();
    await h.worker.sweep();

    const rows = await h.rows();
    expect(rows).toHaveLength(1);
    const [task] = rows;
    const [ut] = (await new EmbeddedEngineQueries(h.db).searchUserTasks({ filter: { processInstanceKey: instanceKey } })).items;
    expect(task).toMatchObject({
      userTaskKey: ut.userTaskKey,
      jobKey: null,
      dossierCode: code,
      agencyCode: 'tp.phuc-xa',
      elementId: 'birthRegistration',
      state: 'open',
    });
    expect(await clockOf(code, task.id)).toMatchObject({ state: 'running', step: expect.any(String) });
    const created = await h.audit('task.created');
    expect(created).toHaveLength(1);
    expect(created[0].payload).toMatchObject({ userTaskKey: ut.userTaskKey, elementId: 'birthRegistration' });
    expect(h.hooked).toHaveLength(1);
  });

  test('Scenario: the row’s transaction failed (the hook threw): nothing is written, and the next round writes it once', async () => {
    let fail = true;
    h.setHook(() => (fail ? Promise.reject(new Error('database blinked')) : Promise.resolve()));
    const { code } = await h.receive();
    await h.inbox();
    expect(await h.rows()).toEqual([]);
    expect(await h.audit('task.created')).toEqual([]);
    expect(h.errors).toHaveLength(1);

    fail = false;
    await h.inbox();
    const rows = await h.rows();
    expect(rows).toHaveLength(1);
    expect((await h.sla.clocks(h.db, code)).filter((c) => c.kind === 'step')).toHaveLength(1);
  });

  test('Scenario: an inbox started after the task was created (the service was down) finds it', async () => {
    const { instanceKey } = await h.receive();
    await h.inbox(); // the first round of this worker: every open task is looked at
    expect((await h.rows()).map((r) => r.processInstanceKey)).toEqual([instanceKey]);
  });

  test('Scenario: the engine’s hint brings the change without waiting for a poll or a sweep', async () => {
    await h.engine.start();
    h.worker.start();
    const { code } = await h.receive();
    await waitFor('the inbox row of the new task', async () => (await h.rows()).length === 1);
    const [task] = await h.rows();
    // Completed outside the inbox (an administrator through /v2/user-tasks)
    await h.engine.completeUserTask({ userTaskKey: task.userTaskKey!, variables: {} });
    await waitFor('the row to be completed', async () => (await h.tasks.get(h.db, task.id)).state === 'completed');
    expect((await clockOf(code, task.id))!.state).not.toBe('running');
  });
});

describe('Feature: a task that ends outside the inbox', () => {
  test('Scenario: completed through /v2/user-tasks → the row is completed, its clock judged, the audit says the inbox holds no decision', async () => {
    const { code } = await h.receive();
    await h.inbox();
    const [task] = await h.rows();
    await h.engine.completeUserTask({ userTaskKey: task.userTaskKey!, variables: {}, action: 'complete' });

    expect(await h.worker.sweep()).toMatchObject({ finished: 1, withdrawn: 0 });
    expect(await h.tasks.get(h.db, task.id)).toMatchObject({ state: 'completed', decision: null });
    expect((await clockOf(code, task.id))!.state).not.toBe('running');
    const [audit] = await h.audit('task.completed');
    expect(audit.payload).toMatchObject({ completedOutsideInbox: true, userTaskKey: task.userTaskKey });
    // Officials can no longer complete it.
    await expect(h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' })).rejects.toMatchObject({ name: 'Conflict' });
  });

  test('Scenario: the instance is cancelled → the task leaves the inbox and its clock is cancelled, not judged', async () => {
    const { code, instanceKey } = await h.receive();
    await h.inbox();
    const [task] = await h.rows();
    await h.engine.cancelProcessInstance(instanceKey);

    expect(await h.worker.sweep()).toMatchObject({ withdrawn: 1 });
    expect((await h.tasks.get(h.db, task.id)).state).toBe('cancelled');
    expect((await clockOf(code, task.id))!.state).toBe('cancelled');
    expect((await h.audit('task.withdrawn'))[0].payload).toMatchObject({ noticedBy: 'engine', userTaskKey: task.userTaskKey });
    await expect(h.engine.completeUserTask({ userTaskKey: task.userTaskKey! })).rejects.toBeInstanceOf(NotFound);
  });

  test('Scenario: claiming, assigning and giving back in the inbox is mirrored on the user task', async () => {
    await h.receive();
    await h.inbox();
    const [task] = await h.rows();
    const queries = new EmbeddedEngineQueries(h.db);
    const assignee = async () => (await queries.getUserTask(task.userTaskKey!)).assignee;
    await h.tasks.claim(USERS.tp1, task.id);
    expect(await assignee()).toBe('tp1');
    await h.tasks.unclaim(USERS.tp1, task.id);
    expect(await assignee()).toBeUndefined();
    await h.tasks.assign(USERS.ad1, task.id, 'tp1');
    expect(await assignee()).toBe('tp1');
  });

  test('Scenario: an official’s completion goes to the user task, and the process moves on', async () => {
    const { instanceKey } = await h.receive();
    await h.inbox();
    const [task] = await h.rows();
    await h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' });

    const { items } = await new EmbeddedEngineQueries(h.db).searchUserTasks({ filter: { processInstanceKey: instanceKey }, sort: [{ field: 'userTaskKey' }] });
    expect(items[0]).toMatchObject({ userTaskKey: task.userTaskKey, state: 'COMPLETED' });
    expect((await h.instance(instanceKey)).variables).toMatchObject({ outcome: 'approved' });
    // The follower hearing of the completion changes nothing.
    await h.worker.sweep();
    expect(await h.audit('task.completed')).toHaveLength(1);
  });
});

describe('Feature: no office of the task’s kind in the dossier’s place', () => {
  test('Scenario: no row and an error naming what to add; once the office exists, the sweep creates the row', async () => {
    await h.db.query(`delete from domain.users where agency_code = 'tp.phuc-xa'`);
    await h.db.query(`delete from domain.agencies where code = 'tp.phuc-xa'`);
    await h.receive();
    await h.inbox();
    expect(await h.rows()).toEqual([]);
    expect(String(h.errors[0])).toMatch(/ubnd-xa\.tu-phap-ho-tich/);

    await h.db.query(
      `insert into domain.agencies (code, kind, name, level, province_code, commune_code)
       values ('tp.phuc-xa', 'ubnd-xa.tu-phap-ho-tich', 'UBND phường Phúc Xá', 'commune', '01', 'phuc-xa')`,
    );
    await h.worker.sweep();
    expect((await h.rows()).map((r) => r.agencyCode)).toEqual(['tp.phuc-xa']);
  });
});

describe('Feature: dossiers received on job-worker user tasks keep their step', () => {
  test('Scenario: the procedures move to Camunda user tasks while a dossier waits at a job-worker step: both dossiers are worked from the inbox', async () => {
    // Given the procedure as it was (job-worker user tasks) and a dossier waiting at its first step
    const jobs = h.catalog.resources().map(asJobWorkerTasks);
    await h.engine.deployResources(jobs);
    const old = await h.receive();
    await h.inbox();
    // When the procedures move to Camunda user tasks (a new version) and a new dossier arrives
    await h.engine.deployResources(h.catalog.resources());
    const neu = await h.receive();
    await h.inbox();

    // Then each dossier has its step in the inbox, one a job, the other a user task
    const rows = await h.rows();
    const oldRow = rows.find((r) => r.dossierCode === old.code)!;
    const newRow = rows.find((r) => r.dossierCode === neu.code)!;
    expect(oldRow).toMatchObject({ jobKey: expect.any(String), userTaskKey: null, state: 'open' });
    expect(newRow).toMatchObject({ jobKey: null, userTaskKey: expect.any(String), state: 'open' });
    // And both complete from the inbox, each process moving on
    for (const r of [oldRow, newRow]) await h.tasks.complete(USERS.tp1, r.id, { outcome: 'approved' });
    for (const d of [old, neu]) expect((await h.instance(d.instanceKey)).active).not.toContain('birthRegistration');
  });
});
