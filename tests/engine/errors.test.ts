/**
 * Feature: BPMN errors, as Zeebe documents them ("Error events"): thrown by an error end event
 * or a job's ThrowError command, caught by the first error boundary event in the scope
 * hierarchy that matches the code (a specific code before a catch-all), across call
 * activities; uncaught, an UNHANDLED_ERROR_EVENT incident.
 */
import { callActivity, chain, definitions, end, errorBoundary, errorEnd, flow, proc, processXml, serviceTask, start, subProcess } from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

/** start → verify (job) → end, with error boundaries on verify, each leading to `on-<id>` (job). */
const verifyWith = (...boundaries: Array<{ id: string; code?: string }>) =>
  processXml(
    'p',
    start('s'),
    serviceTask('verify', 'verify'),
    end('e'),
    ...boundaries.flatMap((b) => [
      errorBoundary(b.id, 'verify', b.code),
      serviceTask(`on_${b.id}`, `on-${b.id}`),
      end(`end_${b.id}`),
      ...chain(b.id, `on_${b.id}`, `end_${b.id}`),
    ]),
    ...chain('s', 'verify', 'e'),
  );

describe('Feature: catching an error', () => {
  test("Scenario: an error end event inside a sub-process is caught by an error boundary event on the sub-process ('An error is caught by the first event in the scope hierarchy matching the error code')", async () => {
    // Given a sub-process whose check ends in an error end event REJECTED, and a boundary for REJECTED on it
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('review', [start('rs'), serviceTask('check', 'check'), errorEnd('reject', 'REJECTED'), ...chain('rs', 'check', 'reject')]),
        serviceTask('issue', 'issue'),
        end('e'),
        errorBoundary('rejected', 'review', 'REJECTED'),
        serviceTask('notifyRefusal', 'notify-refusal'),
        end('refused'),
        ...chain('s', 'review', 'issue', 'e'),
        ...chain('rejected', 'notifyRefusal', 'refused'),
      ),
    );
    const key = await h.start('p');

    // When the check completes and the error end event is reached
    await h.completeOne('check');

    // Then the sub-process is terminated and the boundary path is taken, with no incident
    const i = await h.instance(key);
    expect(i.active).toEqual(['notifyRefusal']);
    expect(i.hasIncident).toBe(false);
    expect(await h.incidents(key)).toEqual([]);
    expect(await h.elementEnds(key)).toEqual(
      expect.arrayContaining([
        ['review', 'ELEMENT_TERMINATED'],
        ['rejected', 'ELEMENT_COMPLETED'],
      ]),
    );
    expect((await h.elementEnds(key)).map(([id]) => id)).not.toContain('issue');
  });

  test("Scenario: a job's ThrowError is caught by the boundary event with that error code ('If the error is thrown for a job, the associated task is terminated first')", async () => {
    // Given verify has boundaries for INVALID_DOCS and FEE_UNPAID
    await h.deploy(verifyWith({ id: 'invalid', code: 'INVALID_DOCS' }, { id: 'unpaid', code: 'FEE_UNPAID' }));
    const key = await h.start('p');
    const job = await h.activateOne('verify');

    // When the worker throws FEE_UNPAID
    await h.engine.throwError({ jobKey: job.key, errorCode: 'FEE_UNPAID', errorMessage: 'lệ phí chưa nộp' });

    // Then the task is terminated, its job gone, and the FEE_UNPAID path taken
    expect((await h.instance(key)).active).toEqual(['on_unpaid']);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['on-unpaid']);
    expect(await h.elementEnds(key)).toContainEqual(['verify', 'ELEMENT_TERMINATED']);
    await expect(h.engine.completeJob({ jobKey: job.key })).rejects.toThrow(/not found/);
  });

  test("Scenario: 'A catch event with an empty errorCode will catch all thrown errors'", async () => {
    await h.deploy(verifyWith({ id: 'any' }));
    const key = await h.start('p');
    const job = await h.activateOne('verify');
    await h.engine.throwError({ jobKey: job.key, errorCode: 'SOMETHING_NOBODY_MODELLED' });
    expect((await h.instance(key)).active).toEqual(['on_any']);
    expect(await h.incidents(key)).toEqual([]);
  });

  test("Scenario: 'it is possible to define both an error catch event with an errorCode and one without … the error catch event that matches the errorCode is prioritized'", async () => {
    // Given verify has a catch-all boundary (listed first) and one for FEE_UNPAID
    await h.deploy(verifyWith({ id: 'any' }, { id: 'unpaid', code: 'FEE_UNPAID' }));
    const a = await h.start('p');
    const b = await h.start('p');
    const jobs = await h.activate('verify');
    const ja = jobs.find((j) => j.processInstanceKey === a)!;
    const jb = jobs.find((j) => j.processInstanceKey === b)!;

    // When one instance throws FEE_UNPAID and the other another code
    await h.engine.throwError({ jobKey: ja.key, errorCode: 'FEE_UNPAID' });
    await h.engine.throwError({ jobKey: jb.key, errorCode: 'INVALID_DOCS' });

    // Then FEE_UNPAID went to its own boundary, the other code to the catch-all
    expect((await h.instance(a)).active).toEqual(['on_unpaid']);
    expect((await h.instance(b)).active).toEqual(['on_any']);
  });

  test("Scenario: the nearest scope catches first — 'At each scope, the error is either caught, or propagated to the parent scope'", async () => {
    // Given a task inside a sub-process; the task catches X, the sub-process catches X and Y
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('sub', [
          start('ss'),
          serviceTask('work', 'work'),
          end('se'),
          errorBoundary('taskX', 'work', 'X'),
          end('taskXEnd'),
          ...chain('ss', 'work', 'se'),
          flow('taskX', 'taskXEnd'),
        ]),
        serviceTask('after', 'after'),
        end('e'),
        errorBoundary('subX', 'sub', 'X'),
        errorBoundary('subY', 'sub', 'Y'),
        serviceTask('onSubX', 'on-sub-x'),
        serviceTask('onSubY', 'on-sub-y'),
        end('e2'),
        end('e3'),
        ...chain('s', 'sub', 'after', 'e'),
        ...chain('subX', 'onSubX', 'e2'),
        ...chain('subY', 'onSubY', 'e3'),
      ),
    );
    const x = await h.start('p');
    const y = await h.start('p');
    const jobs = await h.activate('work');
    const jx = jobs.find((j) => j.processInstanceKey === x)!;
    const jy = jobs.find((j) => j.processInstanceKey === y)!;

    // When X is thrown in one instance and Y in the other
    await h.engine.throwError({ jobKey: jx.key, errorCode: 'X' });
    await h.engine.throwError({ jobKey: jy.key, errorCode: 'Y' });

    // Then X was caught on the task (the sub-process goes on and completes), Y on the sub-process
    expect((await h.instance(x)).active).toEqual(['after']);
    expect(await h.elementEnds(x)).toContainEqual(['taskX', 'ELEMENT_COMPLETED']);
    expect((await h.instance(y)).active).toEqual(['onSubY']);
    expect(await h.elementEnds(y)).toContainEqual(['sub', 'ELEMENT_TERMINATED']);
  });

  test("Scenario: 'If the process instance is created via call activity, the error can also be caught in the calling parent process instance' — the child instance is terminated", async () => {
    // Given a parent whose call activity has a boundary for CHILD_FAILED; the child's task throws it
    await h.deploy(
      definitions(
        proc(
          'parent',
          start('s'),
          callActivity('call', 'child'),
          end('e'),
          errorBoundary('failed', 'call', 'CHILD_FAILED'),
          serviceTask('recover', 'recover'),
          end('recovered'),
          ...chain('s', 'call', 'e'),
          ...chain('failed', 'recover', 'recovered'),
        ),
        proc(
          'child',
          start('cs'),
          serviceTask('childWork', 'child-work'),
          serviceTask('childMore', 'child-more'),
          end('ce'),
          ...chain('cs', 'childWork', 'childMore', 'ce'),
        ),
      ),
    );
    const parent = await h.start('parent');
    const [child] = await h.children(parent);
    const job = await h.activateOne('child-work');

    // When the child's worker throws CHILD_FAILED
    await h.engine.throwError({ jobKey: job.key, errorCode: 'CHILD_FAILED' });

    // Then the parent took the boundary path, and the child instance is terminated with its jobs
    expect((await h.instance(parent)).active).toEqual(['recover']);
    expect((await h.instance(child.key)).state).toBe('TERMINATED');
    expect(await h.jobs(child.key)).toEqual([]);
    expect(await h.incidents(child.key)).toEqual([]);
    expect(await h.elementEnds(parent)).toContainEqual(['call', 'ELEMENT_TERMINATED']);
  });

  test("Scenario: 'All error variables are merged into the error catch event … can be merged into the process instance by defining an output mapping at the error catch event'", async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('verify', 'verify'),
        end('e'),
        errorBoundary('unpaid', 'verify', 'FEE_UNPAID', { outputs: { missingFee: '=amount' } }),
        end('e2'),
        ...chain('s', 'verify', 'e'),
        flow('unpaid', 'e2'),
      ),
    );
    const key = await h.start('p');
    const job = await h.activateOne('verify');
    await h.engine.throwError({ jobKey: job.key, errorCode: 'FEE_UNPAID', variables: { amount: 50_000 } });
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(i.variables.missingFee).toBe(50_000);
  });
});

describe('Feature: unhandled errors', () => {
  test("Scenario: 'When an error is thrown and not caught, an incident (i.e. Unhandled error event) is raised … attached to … the task of the processed job'", async () => {
    // Given verify only catches INVALID_DOCS
    await h.deploy(verifyWith({ id: 'invalid', code: 'INVALID_DOCS' }));
    const key = await h.start('p');
    const job = await h.activateOne('verify');

    // When the worker throws FEE_UNPAID
    await h.engine.throwError({ jobKey: job.key, errorCode: 'FEE_UNPAID', errorMessage: 'fee missing' });

    // Then an UNHANDLED_ERROR_EVENT incident stands on verify, and the job is disabled
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'verify', jobKey: job.key });
    expect(incident.errorMessage).toContain('FEE_UNPAID');
    const i = await h.instance(key);
    expect(i.hasIncident).toBe(true);
    expect(i.active).toEqual(['verify']);
    expect(await h.activate('verify')).toEqual([]);
  });

  test("Scenario: 'When you resolve the incident attached to a task, it ignores the error, re-enables the job, and allows it to be activated and completed by a job worker once again'", async () => {
    // Given an unhandled job error
    await h.deploy(verifyWith());
    const key = await h.start('p');
    const job = await h.activateOne('verify');
    await h.engine.throwError({ jobKey: job.key, errorCode: 'FEE_UNPAID' });
    const [incident] = await h.incidents(key);

    // When the incident is resolved
    await h.engine.resolveIncident(incident.key);

    // Then the same job can be activated and completed, and the process goes on
    const again = await h.activateOne('verify');
    expect(again.key).toBe(job.key);
    await h.engine.completeJob({ jobKey: again.key });
    const i = await h.instance(key);
    expect(i.state).toBe('COMPLETED');
    expect(i.hasIncident).toBe(false);
    expect((await h.incidents(key))[0].state).toBe('RESOLVED');
  });

  test('Scenario: an error end event nobody catches raises UNHANDLED_ERROR_EVENT on the end event', async () => {
    await h.deploy(processXml('p', start('s'), errorEnd('reject', 'REJECTED'), flow('s', 'reject')));
    const key = await h.start('p');
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'reject', jobKey: null });
    expect((await h.instance(key)).state).toBe('ACTIVE');
  });

  test('Scenario: an error thrown in a called child that no scope up the call hierarchy catches raises the incident in the child, where it was thrown', async () => {
    await h.deploy(
      definitions(
        proc('parent', start('s'), callActivity('call', 'child'), end('e'), ...chain('s', 'call', 'e')),
        proc('child', start('cs'), serviceTask('childWork', 'child-work'), end('ce'), ...chain('cs', 'childWork', 'ce')),
      ),
    );
    const parent = await h.start('parent');
    const [child] = await h.children(parent);
    const job = await h.activateOne('child-work');
    await h.engine.throwError({ jobKey: job.key, errorCode: 'CHILD_FAILED' });

    expect((await h.incidents(child.key)).map((i) => [i.errorType, i.elementId])).toEqual([['UNHANDLED_ERROR_EVENT', 'childWork']]);
    expect(await h.incidents(parent)).toEqual([]);
    expect((await h.instance(parent)).active).toEqual(['call']);
    expect((await h.instance(child.key)).state).toBe('ACTIVE');
  });
});
