/**
 * Feature: jobs are delivered, retried, timed out and cancelled as Zeebe does it.
 * (docs.camunda.io › Concepts › Job workers; Incidents)
 */
import { Conflict, Invalid, NotFound } from '../../src/errors.js';
import { chain, end, parallelGateway, processXml, serviceTask, start } from '../support/bpmn.js';
import { rejection, useEngine } from '../support/engine.js';

const h = useEngine();

const oneTask = (type = 'work', retries = 3) => processXml('p', start('s'), serviceTask('t', type, { retries }), end('e'), ...chain('s', 't', 'e'));

async function jobRow(key: string) {
  const { rows } = await h.db.query(`select state, retries, error_message from engine.jobs where key = $1`, [key]);
  return rows[0];
}

describe('Feature: activating jobs', () => {
  test('Scenario: "activate up to maxJobsToActivate jobs of the requested type" — no more, and no other type', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', '=kind'), end('e'), ...chain('s', 't', 'e')));
    for (let i = 0; i < 3; i++) await h.start('p', { kind: 'stamp', n: i });
    await h.start('p', { kind: 'sign' });

    const first = await h.activate('stamp', { maxJobsToActivate: 2 });
    expect(first).toHaveLength(2);
    expect(first.every((j) => j.type === 'stamp')).toBe(true);
    const rest = await h.activate('stamp', { maxJobsToActivate: 10 });
    expect(rest).toHaveLength(1);
    expect(await h.activate('stamp')).toEqual([]);
    expect((await h.activate('sign')).map((j) => j.type)).toEqual(['sign']);
  });

  test('Scenario: an activated job carries its worker, retries and deadline', async () => {
    await h.deploy(oneTask('work', 5));
    const key = await h.start('p');
    const job = await h.activateOne('work', { worker: 'counter-01', timeout: 30_000 });
    expect(job).toMatchObject({
      type: 'work',
      worker: 'counter-01',
      retries: 5,
      deadline: h.clock.now() + 30_000,
      processInstanceKey: key,
      elementId: 't',
      bpmnProcessId: 'p',
      processDefinitionVersion: 1,
    });
  });

  test('Scenario: "a job is activated by one worker at a time" — two concurrent activations never get the same job', async () => {
    await h.deploy(oneTask());
    for (let i = 0; i < 20; i++) await h.start('p', { n: i });
    const batches = await Promise.all([1, 2, 3, 4].map((w) => h.activate('work', { worker: `w${w}`, maxJobsToActivate: 20 })));
    const keys = batches.flat().map((j) => j.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(20);
  });

  test('Scenario: a bad activation request is Invalid', async () => {
    expect(await rejection(h.activate('work', { maxJobsToActivate: 0 }))).toBeInstanceOf(Invalid);
    expect(await rejection(h.activate('work', { timeout: 0 }))).toBeInstanceOf(Invalid);
    expect(await rejection(h.activate(''))).toBeInstanceOf(Invalid);
  });
});

describe('Feature: completing jobs', () => {
  test('Scenario: "a job can be completed once" — a second completion is NotFound', async () => {
    await h.deploy(oneTask());
    await h.start('p');
    const job = await h.completeOne('work');
    expect(await rejection(h.engine.completeJob({ jobKey: job.key }))).toBeInstanceOf(NotFound);
  });

  test('Scenario: completing a job that never existed is NotFound', async () => {
    for (const jobKey of ['2251799813685999', 'abc', '']) {
      expect(await rejection(h.engine.completeJob({ jobKey }))).toBeInstanceOf(NotFound);
    }
  });
});

describe('Feature: failing jobs and retries', () => {
  test('Scenario: "a failed job with retries left is activatable again, after the retry back-off"', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    // When the worker fails it with 2 retries left and a back-off of 10 s
    await h.engine.failJob({ jobKey: job.key, retries: 2, errorMessage: 'agency API down', retryBackOff: 10_000 });
    // Then it is not handed out during the back-off
    expect(await h.activate('work')).toEqual([]);
    h.clock.advance(9_999);
    expect(await h.activate('work')).toEqual([]);
    // And it is after the back-off, with the retries the worker gave
    h.clock.advance(1);
    const again = await h.activateOne('work');
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(2);
    expect(await h.incidents(key)).toEqual([]);
  });

  test('Scenario: "a job failed with no retries left raises an incident (JOB_NO_RETRIES)" and is not activatable', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'certificate expired' });

    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({
      state: 'ACTIVE',
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'certificate expired',
      elementId: 't',
      elementInstanceKey: job.elementInstanceKey,
      jobKey: job.key,
    });
    expect(await h.instance(key)).toMatchObject({ state: 'ACTIVE', hasIncident: true });
    h.clock.advance(3_600_000);
    expect(await h.activate('work')).toEqual([]);
  });

  test('Scenario: "update the job retries, then resolve the incident" — the job is activatable again and completes', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'boom' });
    const [incident] = await h.incidents(key);

    await h.engine.updateJobRetries(job.key, 2);
    expect(await h.activate('work')).toEqual([]); // still waiting for the incident to be resolved
    await h.engine.resolveIncident(incident.key);

    const again = await h.activateOne('work');
    expect(again).toMatchObject({ key: job.key, retries: 2 });
    await h.engine.completeJob({ jobKey: again.key, variables: { done: true } });
    expect(await h.instance(key)).toMatchObject({ state: 'COMPLETED', hasIncident: false, variables: { done: true } });
    expect((await h.incidents(key))[0].state).toBe('RESOLVED');
  });

  test('Scenario: "resolving a job incident while the job has no retries left is rejected — update the retries first"', async () => {
    // Zeebe (IncidentResolveProcessor): "Expected to resolve incident …, but job … has no retries
    // left. Please update the job retries and retry resolving the incident" (INVALID_STATE).
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0 });
    const [incident] = await h.incidents(key);

    expect(await rejection(h.engine.resolveIncident(incident.key))).toBeInstanceOf(Conflict);
    expect((await h.incidents(key))[0].state).toBe('ACTIVE');
    expect(await h.activate('work')).toEqual([]);
  });

  test('Scenario: "variables given with a failure are set in the local scope of the task" — the retry sees them, the process does not', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p', { dossier: 'D1' });
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 2, variables: { lastError: 'timeout', attempt: 1 } });
    const again = await h.activateOne('work');
    expect(again.variables).toEqual({ dossier: 'D1', lastError: 'timeout', attempt: 1 });
    await h.engine.completeJob({ jobKey: again.key });
    expect((await h.instance(key)).variables).toEqual({ dossier: 'D1' });
  });

  test('Scenario: "an error thrown by a worker that no error event catches raises an incident (UNHANDLED_ERROR_EVENT)"', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.throwError({ jobKey: job.key, errorCode: 'DOSSIER_INCOMPLETE', errorMessage: 'missing land certificate' });
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorType: 'UNHANDLED_ERROR_EVENT', elementId: 't' });
    expect(incident.errorMessage).toContain('DOSSIER_INCOMPLETE');
    expect(await h.activate('work')).toEqual([]);
  });

  test('Scenario: resolving an incident twice is NotFound', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0 });
    const [incident] = await h.incidents(key);
    await h.engine.updateJobRetries(job.key, 1);
    await h.engine.resolveIncident(incident.key);
    expect(await rejection(h.engine.resolveIncident(incident.key))).toBeInstanceOf(NotFound);
  });
});

describe('Feature: job timeouts', () => {
  test('Scenario: "a job not completed before its deadline is activatable again — no retry is spent" and TIMED_OUT is logged', async () => {
    await h.deploy(oneTask('work', 3));
    const key = await h.start('p');
    const job = await h.activateOne('work', { worker: 'slow', timeout: 5_000 });
    // While the reservation holds, nobody else gets it
    h.clock.advance(4_999);
    expect(await h.activate('work', { worker: 'other' })).toEqual([]);
    // When the deadline passes
    h.clock.advance(2);
    const again = await h.activateOne('work', { worker: 'other' });
    // Then the same job goes to the next worker with its retries untouched
    expect(again).toMatchObject({ key: job.key, worker: 'other', retries: 3 });
    const jobEvents = (await h.events(key)).filter((e) => e.valueType === 'JOB').map((e) => e.intent);
    expect(jobEvents).toEqual(['CREATED', 'ACTIVATED', 'TIMED_OUT', 'ACTIVATED']);
  });

  test('Scenario: "updateJobTimeout extends the reservation" — the job is not handed out at the old deadline', async () => {
    await h.deploy(oneTask());
    await h.start('p');
    const job = await h.activateOne('work', { timeout: 5_000 });
    await h.engine.updateJobTimeout(job.key, 60_000);
    h.clock.advance(30_000);
    expect(await h.activate('work')).toEqual([]);
    h.clock.advance(30_001);
    expect((await h.activateOne('work')).key).toBe(job.key);
  });
});

describe('Feature: cancelling an instance', () => {
  test('Scenario: "cancelling an instance cancels its jobs" — they are gone, and completing them is NotFound', async () => {
    await h.deploy(
      processXml('p', start('s'), parallelGateway('fork'), serviceTask('a', 'a'), serviceTask('b', 'b'), ...chain('s', 'fork', 'a'), ...chain('fork', 'b')),
    );
    const key = await h.start('p');
    const a = await h.activateOne('a');
    await h.engine.cancelProcessInstance(key);

    expect((await h.instance(key)).state).toBe('TERMINATED');
    expect(await h.activeElements(key)).toEqual([]);
    expect(await h.activate('b')).toEqual([]);
    expect(await jobRow(a.key)).toBeUndefined();
    expect(await rejection(h.engine.completeJob({ jobKey: a.key }))).toBeInstanceOf(NotFound);
    const terminated = (await h.events(key)).filter((e) => e.intent === 'ELEMENT_TERMINATED').map((e) => e.elementId);
    expect(terminated.sort()).toEqual(['a', 'b', 'p']);
  });

  test('Scenario: "a cancelled instance accepts no command" — cancel again, set variables, fail its job: NotFound', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.cancelProcessInstance(key);

    expect(await rejection(h.engine.cancelProcessInstance(key))).toBeInstanceOf(NotFound);
    expect(await rejection(h.engine.setVariables({ elementInstanceKey: key, variables: { x: 1 } }))).toBeInstanceOf(NotFound);
    expect(await rejection(h.engine.failJob({ jobKey: job.key, retries: 1 }))).toBeInstanceOf(NotFound);
    expect(await rejection(h.engine.updateJobRetries(job.key, 3))).toBeInstanceOf(NotFound);
    expect((await h.instance(key)).state).toBe('TERMINATED');
  });

  test('Scenario: cancelling an instance with an incident resolves the incident', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0 });
    await h.engine.cancelProcessInstance(key);
    expect((await h.incidents(key)).map((i) => i.state)).toEqual(['RESOLVED']);
    expect(await jobRow(job.key)).toBeUndefined();
  });

  test('Scenario: a completed instance cannot be cancelled (NotFound)', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p');
    await h.completeOne('work');
    expect(await rejection(h.engine.cancelProcessInstance(key))).toBeInstanceOf(NotFound);
  });
});
