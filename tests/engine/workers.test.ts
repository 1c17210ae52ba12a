/**
 * Feature: in-process job workers (engine.createWorker), with the Camunda SDK's semantics:
 * woken by new jobs (LISTEN/NOTIFY, no polling delay), one terminal action per job, a throwing
 * handler fails the job with one retry less, close() drains the jobs in hand.
 *
 * Every worker here polls only once a minute, so a test that finishes in seconds proves the
 * notification woke it.
 */
import type { ActivatedJob, JobWorker, WorkerOptions } from '../../src/engine/port.js';
import { chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { announceChange } from '../support/changes.js';
import { useEngine, waitFor } from '../support/engine.js';

const h = useEngine();
const NO_POLLING = 60_000;

function worker(type: string, handler: WorkerOptions['handler'], more: Partial<WorkerOptions> = {}): JobWorker {
  return h.engine.createWorker({ type, handler, pollInterval: NO_POLLING, ...more });
}

const oneTask = (retries = 3) => processXml('p', start('s'), serviceTask('t', 'work', { retries }), end('e'), ...chain('s', 't', 'e'));

const completed = (key: string) => async () => (await h.instance(key)).state === 'COMPLETED';

describe('Feature: in-process workers', () => {
  beforeEach(async () => {
    await h.engine.start();
  });

  test('Scenario: three workers complete a chain of three tasks, each woken by the job created before it', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('receive', 'receive'),
        serviceTask('assess', 'assess'),
        serviceTask('notify', 'notify'),
        end('e'),
        ...chain('s', 'receive', 'assess', 'notify', 'e'),
      ),
    );
    const order: string[] = [];
    for (const type of ['receive', 'assess', 'notify']) {
      worker(type, (job) => {
        order.push(job.type);
        return Promise.resolve({ [`${type}Done`]: true });
      });
    }
    const key = await h.start('p');
    await waitFor('the instance to complete', completed(key), 3_000);
    expect(order).toEqual(['receive', 'assess', 'notify']);
    expect((await h.instance(key)).variables).toEqual({ receiveDone: true, assessDone: true, notifyDone: true });
  }, 10_000);

  test('Scenario: a handler that calls job.complete() itself is not completed twice', async () => {
    await h.deploy(oneTask());
    const errors: unknown[] = [];
    worker('work', async (job) => job.complete({ by: 'handler' }), { onError: (e) => errors.push(e) });
    const key = await h.start('p');
    await waitFor('the instance to complete', completed(key), 3_000);
    expect((await h.instance(key)).variables).toEqual({ by: 'handler' });
    expect(errors).toEqual([]);
    const jobEvents = (await h.events(key)).filter((e) => e.valueType === 'JOB').map((e) => e.intent);
    expect(jobEvents).toEqual(['CREATED', 'ACTIVATED', 'COMPLETED']);
  }, 10_000);

  test('Scenario: "a handler that throws fails the job with retries - 1"; the retry is handed out again and can succeed', async () => {
    await h.deploy(oneTask(3));
    const seenRetries: number[] = [];
    worker('work', (job) => {
      seenRetries.push(job.retries);
      if (seenRetries.length === 1) return Promise.reject(new Error('registry timeout'));
      return Promise.resolve({ ok: true });
    });
    const key = await h.start('p');
    await waitFor('the instance to complete', completed(key), 3_000);
    expect(seenRetries).toEqual([3, 2]);
    const failed = (await h.events(key)).filter((e) => e.valueType === 'JOB' && e.intent === 'FAILED');
    expect(failed).toEqual([expect.objectContaining({ payload: expect.objectContaining({ retries: 2, errorMessage: 'registry timeout' }) })]);
  }, 10_000);

  test('Scenario: a handler that always throws uses up the retries and raises JOB_NO_RETRIES with its message', async () => {
    await h.deploy(oneTask(3));
    let calls = 0;
    worker('work', () => {
      calls++;
      return Promise.reject(new Error('malformed dossier'));
    });
    const key = await h.start('p');
    await waitFor('an incident', async () => (await h.incidents(key)).length > 0, 3_000);
    expect(calls).toBe(3);
    expect(await h.incidents(key)).toEqual([expect.objectContaining({ state: 'ACTIVE', errorType: 'JOB_NO_RETRIES', errorMessage: 'malformed dossier' })]);
  }, 10_000);

  test('Scenario: "concurrency" bounds the jobs a worker holds at once', async () => {
    await h.deploy(oneTask());
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) keys.push(await h.start('p'));
    const busy: Array<() => void> = [];
    let released = false;
    worker(
      'work',
      () =>
        released
          ? Promise.resolve()
          : new Promise<void>((done) => {
              busy.push(done);
              announceChange();
            }),
      { concurrency: 2 },
    );
    try {
      // Six jobs wait, but the worker takes only two while its handlers are busy
      await waitFor('two busy handlers', () => busy.length === 2, 3_000);
      const { rows } = await h.db.query(`select count(*)::int as n from engine.jobs where state = 'ACTIVATED'`);
      expect(rows[0].n).toBe(2);

      // Letting the handlers finish, it works through the rest, never more than two at a time
      await waitFor(
        'all six instances to complete',
        async () => {
          expect(busy.length).toBeLessThanOrEqual(2);
          busy.splice(0).forEach((done) => done());
          for (const k of keys) if (!(await completed(k)())) return false;
          return true;
        },
        5_000,
      );
    } finally {
      released = true;
      busy.splice(0).forEach((done) => done());
    }
  }, 10_000);

  test('Scenario: "close() stops activating and waits for the jobs in hand to finish"', async () => {
    await h.deploy(oneTask());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started: ActivatedJob | undefined;
    const w = worker('work', async (job) => {
      started = job;
      announceChange();
      await gate;
      return { finished: true };
    });
    const key = await h.start('p');
    await waitFor('the handler to start', () => started !== undefined, 3_000);

    // When the worker is closed while its handler is still busy
    let closed = false;
    const closing = w.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    // Then close() has not returned yet
    expect(closed).toBe(false);
    // And when the handler finishes, its job is completed before close() returns
    release();
    await closing;
    expect(await h.instance(key)).toMatchObject({ state: 'COMPLETED', variables: { finished: true } });

    // And a job created after close() is left for others
    const later = await h.start('p');
    const job = await h.activateOne('work');
    expect(job.processInstanceKey).toBe(later);
  }, 10_000);
});
