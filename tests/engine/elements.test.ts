/**
 * Feature: the BPMN elements of the embedded subset behave as they do on Zeebe.
 */
import { NotFound } from '../../src/errors.js';
import {
  businessRuleTask,
  chain,
  end,
  parallelGateway,
  processXml,
  scriptTask,
  sendTask,
  serviceTask,
  start,
  terminateEnd,
  userTask,
  type NodeItem,
} from '../support/bpmn.js';
import { rejection, useEngine } from '../support/engine.js';

const h = useEngine();

describe('Feature: start and end events', () => {
  test('Scenario: none start → none end completes the instance at once, keeping its variables', async () => {
    await h.deploy(processXml('p', start('s'), end('e'), ...chain('s', 'e')));
    const key = await h.start('p', { dossier: 'H01.01-250101-0001' });
    expect(await h.instance(key)).toMatchObject({ state: 'COMPLETED', variables: { dossier: 'H01.01-250101-0001' }, hasIncident: false });
  });

  test('Scenario: "a terminate end event terminates every other active element and completes the instance"', async () => {
    // Given a process forking into a branch ending in a terminate end event and a branch waiting for a job
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('quick', 'quick'),
        serviceTask('slow', 'slow'),
        terminateEnd('stop'),
        end('e'),
        ...chain('s', 'fork', 'quick', 'stop'),
        ...chain('fork', 'slow', 'e'),
      ),
    );
    const key = await h.start('p');
    const slow = await h.activateOne('slow');
    // When the quick branch reaches the terminate end event
    await h.completeOne('quick');
    // Then the instance is completed (not terminated), nothing holds a token, and the slow job is gone
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.activeElements(key)).toEqual([]);
    expect(await rejection(h.engine.completeJob({ jobKey: slow.key }))).toBeInstanceOf(NotFound);
    const events = await h.events(key);
    expect(events).toContainEqual(expect.objectContaining({ elementId: 'slow', intent: 'ELEMENT_TERMINATED' }));
    expect(events).not.toContainEqual(expect.objectContaining({ elementId: 'e' }));
    expect(events.at(-1)).toMatchObject({ elementId: 'p', intent: 'ELEMENT_COMPLETED' });
  });
});

describe('Feature: terminate end event and incidents', () => {
  test('Scenario: "terminating an element resolves its incidents" — a terminate end event clears an incident on another branch', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('broken', 'broken'),
        serviceTask('decide', 'decide'),
        terminateEnd('stop'),
        end('e'),
        ...chain('s', 'fork', 'broken', 'e'),
        ...chain('fork', 'decide', 'stop'),
      ),
    );
    const key = await h.start('p');
    const broken = await h.activateOne('broken');
    await h.engine.failJob({ jobKey: broken.key, retries: 0, errorMessage: 'unreachable agency' });
    expect(await h.instance(key)).toMatchObject({ hasIncident: true });

    await h.completeOne('decide');
    expect(await h.instance(key)).toMatchObject({ state: 'COMPLETED', hasIncident: false });
    expect((await h.incidents(key)).map((i) => i.state)).toEqual(['RESOLVED']);
  });
});

describe('Feature: tasks worked by job workers (zeebe:taskDefinition)', () => {
  const kinds: Array<[string, (id: string, type: string) => NodeItem]> = [
    ['service task', serviceTask],
    ['send task', sendTask],
    ['script task', scriptTask],
    ['business rule task', businessRuleTask],
  ];

  test.each(kinds)('Scenario: a %s creates a job of its type; completing the job completes the instance', async (_kind, make) => {
    await h.deploy(processXml('p', start('s'), make('t', 'issue-notice'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p', { dossier: 'D1' });
    const job = await h.activateOne('issue-notice');
    expect(job).toMatchObject({
      type: 'issue-notice',
      elementId: 't',
      processInstanceKey: key,
      bpmnProcessId: 'p',
      variables: { dossier: 'D1' },
    });
    expect((await h.instance(key)).state).toBe('ACTIVE');
    await h.engine.completeJob({ jobKey: job.key });
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: "a job type may be a FEEL expression" — it is evaluated when the task is entered', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', '="fee-" + province'), end('e'), ...chain('s', 't', 'e')));
    await h.start('p', { province: 'hanoi' });
    expect((await h.activateOne('fee-hanoi')).type).toBe('fee-hanoi');
  });

  test('Scenario: "retries default to 3"; static and FEEL retries are honoured', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('plain', 'plain'),
        serviceTask('fixed', 'fixed', { retries: 7 }),
        serviceTask('computed', 'computed', { retries: '=maxRetries * 2' }),
        ...chain('s', 'fork', 'plain'),
        ...chain('fork', 'fixed'),
        ...chain('fork', 'computed'),
      ),
    );
    await h.start('p', { maxRetries: 5 });
    expect((await h.activateOne('plain')).retries).toBe(3);
    expect((await h.activateOne('fixed')).retries).toBe(7);
    expect((await h.activateOne('computed')).retries).toBe(10);
  });

  test('Scenario: "a job type expression that fails raises an incident (EXTRACT_VALUE_ERROR)"; set the variable, resolve, and the job is created', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', '=kind'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p');
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorType: 'EXTRACT_VALUE_ERROR', elementId: 't', jobKey: null });
    const { rows } = await h.db.query(`select count(*)::int as n from engine.jobs`);
    expect(rows[0].n).toBe(0);

    await h.engine.setVariables({ elementInstanceKey: key, variables: { kind: 'stamp' } });
    await h.engine.resolveIncident(incident.key);
    await h.completeOne('stamp');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: zeebe:taskHeaders reach the worker as customHeaders', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('t', 'notify', { headers: { template: 'form-01', channel: 'sms', 'ghi-chú': 'Giấy tiếp nhận' } }),
        end('e'),
        ...chain('s', 't', 'e'),
      ),
    );
    await h.start('p');
    expect((await h.activateOne('notify')).customHeaders).toEqual({ template: 'form-01', channel: 'sms', 'ghi-chú': 'Giấy tiếp nhận' });
  });
});

describe('Feature: script tasks evaluated by the engine (zeebe:script)', () => {
  test('Scenario: the FEEL expression result is stored in the resultVariable, no job is created', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        scriptTask('fee', { expression: '=sum(for f in fees return f.amount)', resultVariable: 'total' }),
        end('e'),
        ...chain('s', 'fee', 'e'),
      ),
    );
    const key = await h.start('p', { fees: [{ amount: 50000 }, { amount: 20000 }] });
    const inst = await h.instance(key);
    expect(inst.state).toBe('COMPLETED');
    expect(inst.variables.total).toBe(70000);
    const { rows } = await h.db.query(`select count(*)::int as n from engine.jobs`);
    expect(rows[0].n).toBe(0);
  });
});

describe('Feature: user tasks as Zeebe job-based user tasks', () => {
  const USER_TASK = 'io.camunda.zeebe:userTask';

  test('Scenario: a user task is a job of type "io.camunda.zeebe:userTask" carrying assignment and schedule as headers (static values)', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        userTask('review', {
          assignee: 'nguyen.van.a',
          candidateGroups: 'ubnd-xa, cong-an',
          dueDate: '2026-02-01T10:00:00+07:00',
          headers: { step: 'thẩm định' },
        }),
        end('e'),
        ...chain('s', 'review', 'e'),
      ),
    );
    const key = await h.start('p');
    const job = await h.activateOne(USER_TASK);
    expect(job.elementId).toBe('review');
    expect(job.customHeaders['io.camunda.zeebe:assignee']).toBe('nguyen.van.a');
    expect(JSON.parse(job.customHeaders['io.camunda.zeebe:candidateGroups'])).toEqual(['ubnd-xa', 'cong-an']);
    expect(Date.parse(job.customHeaders['io.camunda.zeebe:dueDate'])).toBe(Date.parse('2026-02-01T10:00:00+07:00'));
    expect(job.customHeaders.step).toBe('thẩm định');
    await h.engine.completeJob({ jobKey: job.key, variables: { approved: true } });
    expect(await h.instance(key)).toMatchObject({ state: 'COMPLETED', variables: { approved: true } });
  });

  test('Scenario: "a job-based user task\'s job has 1 retry"', async () => {
    await h.deploy(processXml('p', start('s'), userTask('review'), end('e'), ...chain('s', 'review', 'e')));
    await h.start('p');
    expect((await h.activateOne(USER_TASK)).retries).toBe(1);
  });

  test('Scenario: assignee, candidate groups and due date given as FEEL are evaluated against the instance variables', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        userTask('review', {
          assignee: '=officer',
          candidateGroups: '=[agency, "so-xay-dung"]',
          dueDate: '=date and time(receivedAt) + duration("P2D")',
        }),
        end('e'),
        ...chain('s', 'review', 'e'),
      ),
    );
    await h.start('p', { officer: 'tran.thi.b', agency: 'ubnd-xa-an-khanh', receivedAt: '2026-01-05T09:00:00+07:00' });
    const job = await h.activateOne(USER_TASK);
    expect(job.customHeaders['io.camunda.zeebe:assignee']).toBe('tran.thi.b');
    expect(JSON.parse(job.customHeaders['io.camunda.zeebe:candidateGroups'])).toEqual(['ubnd-xa-an-khanh', 'so-xay-dung']);
    expect(Date.parse(job.customHeaders['io.camunda.zeebe:dueDate'])).toBe(Date.parse('2026-01-07T09:00:00+07:00'));
  });
});
