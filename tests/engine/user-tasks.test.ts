/**
 * Feature: Camunda user tasks — Zeebe 8.8 ("User tasks", `zeebe:userTask`): activating the
 * element creates a user task, not a job; its assignment, candidates, schedule and priority are
 * evaluated at creation; it is assigned, updated and completed by commands of its own; a task
 * whose element is terminated is canceled; a form linked by id is the latest version deployed
 * when the task is created, and a missing form is an incident.
 */
import { BpmnValidationError } from '../../src/bpmn/index.js';
import type { UserTaskHint } from '../../src/engine/port.js';
import { Conflict, Invalid, NotFound } from '../../src/errors.js';
import { camundaUserTask, chain, end, processXml, serviceTask, start, timerBoundary, userTask } from '../support/bpmn.js';
import { HOUR, rejection, useEngine } from '../support/engine.js';

const h = useEngine();

interface TaskView {
  key: string;
  state: string;
  element_id: string;
  name: string | null;
  assignee: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  due_date: string | null;
  follow_up_date: string | null;
  priority: number;
  form_key: string | null;
  external_form_reference: string | null;
  custom_headers: Record<string, string>;
  completed: boolean;
}

async function tasks(processInstanceKey: string): Promise<TaskView[]> {
  const { rows } = await h.db.query<TaskView>(
    `select key::text, state, element_id, name, assignee, candidate_groups, candidate_users, priority, form_key::text,
            external_form_reference, custom_headers, completed_at is not null as completed,
            to_char(due_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as due_date,
            to_char(follow_up_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as follow_up_date
       from engine.user_tasks where process_instance_key = $1 order by key`,
    [processInstanceKey],
  );
  return rows;
}

async function onlyTask(processInstanceKey: string): Promise<TaskView> {
  const all = (await tasks(processInstanceKey)).filter((t) => t.state === 'CREATED');
  expect(all).toHaveLength(1);
  return all[0];
}

const FORM = (version: string) =>
  JSON.stringify({ id: 'review-form', type: 'default', components: [{ key: 'approved', label: `Đồng ý (${version})`, type: 'checkbox' }] });

/** review (a Camunda user task) → after (a job) */
const reviewProcess = (o: Parameters<typeof camundaUserTask>[1] = {}) =>
  processXml(
    'p',
    start('s'),
    camundaUserTask('review', { name: 'Xem xét hồ sơ', ...o }),
    serviceTask('after', 'after'),
    end('e'),
    ...chain('s', 'review', 'after', 'e'),
  );

describe('Feature: a Camunda user task is created when its element activates', () => {
  test('Scenario: the assignment, candidates, schedule, priority and headers are evaluated at creation, and no job is created', async () => {
    await h.deploy(
      reviewProcess({
        assignee: '=officer',
        candidateGroups: '=["ubnd-xa", "cong-an-xa"]',
        candidateUsers: 'an, binh',
        dueDate: '=due',
        followUpDate: '2026-12-01T08:00:00Z',
        priority: '=if urgent then 90 else 40',
        headers: { step: 'review' },
      }),
    );
    const key = await h.start('p', { officer: 'can-bo-1', due: '2026-12-03T10:00:00Z', urgent: true });

    const t = await onlyTask(key);
    expect(t).toMatchObject({
      state: 'CREATED',
      element_id: 'review',
      name: 'Xem xét hồ sơ',
      assignee: 'can-bo-1',
      candidate_groups: ['ubnd-xa', 'cong-an-xa'],
      candidate_users: ['an', 'binh'],
      due_date: '2026-12-03T10:00:00Z',
      follow_up_date: '2026-12-01T08:00:00Z',
      priority: 90,
      custom_headers: { step: 'review' },
      completed: false,
    });
    expect(await h.jobs(key)).toEqual([]);
    expect((await h.instance(key)).active).toEqual(['review']);
    expect(await h.countEvents('USER_TASK', 'CREATED', key)).toBe(1);
  });

  test("Scenario: without a priority the task has Camunda's default, 50; without assignment nobody is assigned", async () => {
    await h.deploy(reviewProcess());
    const t = await onlyTask(await h.start('p'));
    expect(t).toMatchObject({ priority: 50, assignee: null, candidate_groups: [], candidate_users: [], due_date: null });
  });

  test('Scenario: an expression that does not give what it must stops the step with an incident, and no task', async () => {
    await h.deploy(reviewProcess({ priority: '=level' }));
    const key = await h.start('p', { level: 250 });
    expect(await tasks(key)).toEqual([]);
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'review' });
    expect(incident.errorMessage).toContain('0 to 100');
  });

  test('Scenario: a job-worker user task (no zeebe:userTask) is still a job, for the models that use them', async () => {
    await h.deploy(processXml('p', start('s'), userTask('review', { candidateGroups: 'ubnd-xa' }), end('e'), ...chain('s', 'review', 'e')));
    const key = await h.start('p');
    expect(await tasks(key)).toEqual([]);
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['io.camunda.zeebe:userTask']);
  });
});

describe('Feature: completing, assigning and updating a user task', () => {
  test('Scenario: completing it completes the element with the variables, and the task is kept as COMPLETED', async () => {
    await h.deploy(reviewProcess());
    const key = await h.start('p');
    const t = await onlyTask(key);

    await h.engine.completeUserTask({ userTaskKey: t.key, variables: { approved: true } });

    expect((await h.instance(key)).active).toEqual(['after']);
    expect((await h.instance(key)).variables).toMatchObject({ approved: true });
    expect((await tasks(key))[0]).toMatchObject({ state: 'COMPLETED', completed: true });
    // Completed: it cannot be completed, assigned or updated again.
    expect(await rejection(h.engine.completeUserTask({ userTaskKey: t.key }))).toBeInstanceOf(NotFound);
    expect(await rejection(h.engine.assignUserTask({ userTaskKey: t.key, assignee: 'x' }))).toBeInstanceOf(NotFound);
    const events = (await h.events(key)).filter((e) => e.valueType === 'USER_TASK').map((e) => e.intent);
    expect(events).toEqual(['CREATED', 'COMPLETED']);
  });

  test('Scenario: completions sent together all commit; a stale or unknown key among them is refused alone', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        camundaUserTask('sign', { mi: { inputCollection: '=agencies', inputElement: 'agency' }, candidateGroups: '=agency' }),
        end('e'),
        ...chain('s', 'sign', 'e'),
      ),
    );
    const agencies = ['ubnd-xa', 'cong-an-xa', 'bhxh', 'thue', 'dat-dai', 'xay-dung'];
    const one = await h.start('p', { agencies });
    const other = await h.start('p', { agencies: ['bhxh', 'thue'] });
    const [first, ...rest] = await tasks(one);
    await h.engine.completeUserTask({ userTaskKey: first.key });

    // Every completion at once: the tasks of two instances, the one completed above, a key of nothing.
    const keys = [...rest, ...(await tasks(other))].map((t) => t.key);
    const outcomes = await Promise.allSettled([
      ...keys.map((k) => h.engine.completeUserTask({ userTaskKey: k, variables: { signed: k } })),
      h.engine.completeUserTask({ userTaskKey: first.key }),
      h.engine.completeUserTask({ userTaskKey: '9007199254740000' }),
    ]);

    expect(outcomes.slice(0, keys.length).map((o) => o.status)).toEqual(keys.map(() => 'fulfilled'));
    const refused = outcomes.slice(keys.length).map((o) => (o.status === 'rejected' ? (o.reason as Error) : undefined));
    expect(refused[0]).toBeInstanceOf(NotFound);
    expect(refused[0]?.message).toMatch(/it is completed/);
    expect(refused[1]).toBeInstanceOf(NotFound);
    expect((await h.instance(one)).state).toBe('COMPLETED');
    expect((await h.instance(other)).state).toBe('COMPLETED');
    expect((await tasks(one)).map((t) => t.state)).toEqual(agencies.map(() => 'COMPLETED'));
    expect(await h.countEvents('USER_TASK', 'COMPLETED', one)).toBe(agencies.length);
  });

  test("Scenario: a listener hears of a task's creation with its candidate groups, and of its completion", async () => {
    await h.engine.start();
    await h.deploy(reviewProcess({ candidateGroups: 'ubnd-xa, cong-an-xa' }));
    const heard: [string, UserTaskHint][] = [];
    const waiters: (() => void)[] = [];
    const off = h.engine.onUserTaskChanged((key, hint) => {
      heard.push([key, hint]);
      waiters.splice(0).forEach((w) => w());
    });
    const hearing = async (n: number) => {
      while (heard.length < n) await new Promise<void>((r) => waiters.push(r));
    };
    try {
      const t = await onlyTask(await h.start('p'));
      await hearing(1);
      await h.engine.completeUserTask({ userTaskKey: t.key });
      await hearing(2);
      expect(heard).toEqual([
        [t.key, { state: 'CREATED', candidateGroups: ['ubnd-xa', 'cong-an-xa'] }],
        [t.key, { state: 'COMPLETED' }],
      ]);
    } finally {
      off();
    }
  });

  test('Scenario: assign, reassign, refuse to override, unassign', async () => {
    await h.deploy(reviewProcess());
    const key = await h.start('p');
    const t = await onlyTask(key);

    await h.engine.assignUserTask({ userTaskKey: t.key, assignee: 'an' });
    expect((await onlyTask(key)).assignee).toBe('an');
    const refused = await rejection(h.engine.assignUserTask({ userTaskKey: t.key, assignee: 'binh', allowOverride: false }));
    expect(refused).toBeInstanceOf(Conflict);
    expect(refused.message).toContain("'an'");
    expect((await onlyTask(key)).assignee).toBe('an');
    await h.engine.assignUserTask({ userTaskKey: t.key, assignee: 'binh' });
    expect((await onlyTask(key)).assignee).toBe('binh');
    await h.engine.unassignUserTask(t.key);
    expect((await onlyTask(key)).assignee).toBeNull();
    expect(await rejection(h.engine.assignUserTask({ userTaskKey: t.key, assignee: '  ' }))).toBeInstanceOf(Invalid);
    expect(await h.countEvents('USER_TASK', 'ASSIGNED', key)).toBe(3);
    // None of it moved the token.
    expect((await h.instance(key)).active).toEqual(['review']);
  });

  test('Scenario: an update changes only the fields of the changeset; null clears a date', async () => {
    await h.deploy(reviewProcess({ dueDate: '2026-12-03T10:00:00Z', candidateGroups: 'ubnd-xa', priority: '30' }));
    const key = await h.start('p');
    const t = await onlyTask(key);

    await h.engine.updateUserTask({ userTaskKey: t.key, changeset: { followUpDate: '2026-12-02T09:00:00+07:00', priority: 80 }, action: 'escalate' });
    expect(await onlyTask(key)).toMatchObject({
      due_date: '2026-12-03T10:00:00Z',
      follow_up_date: '2026-12-02T02:00:00Z',
      priority: 80,
      candidate_groups: ['ubnd-xa'],
    });
    await h.engine.updateUserTask({ userTaskKey: t.key, changeset: { dueDate: null, candidateGroups: ['bhxh'] } });
    expect(await onlyTask(key)).toMatchObject({ due_date: null, priority: 80, candidate_groups: ['bhxh'] });

    expect(await rejection(h.engine.updateUserTask({ userTaskKey: t.key, changeset: { priority: 101 } }))).toBeInstanceOf(Invalid);
    expect(await rejection(h.engine.updateUserTask({ userTaskKey: t.key, changeset: { dueDate: 'tomorrow' } }))).toBeInstanceOf(Invalid);
    const updated = (await h.events(key)).filter((e) => e.valueType === 'USER_TASK' && e.intent === 'UPDATED');
    expect(updated[0].payload).toMatchObject({ action: 'escalate', changedAttributes: ['follow_up_date', 'priority'] });
  });

  test('Scenario: a key that names no user task is NotFound', async () => {
    expect(await rejection(h.engine.completeUserTask({ userTaskKey: '2251799813685999' }))).toBeInstanceOf(NotFound);
    expect(await rejection(h.engine.assignUserTask({ userTaskKey: 'abc', assignee: 'an' }))).toBeInstanceOf(NotFound);
  });
});

describe('Feature: a user task whose element ends otherwise is canceled', () => {
  test('Scenario: an interrupting timer boundary event cancels the task', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        camundaUserTask('review'),
        timerBoundary('late', 'review', { duration: 'PT1H' }),
        end('e'),
        end('lateEnd'),
        ...chain('s', 'review', 'e'),
        ...chain('late', 'lateEnd'),
      ),
    );
    const key = await h.start('p');
    const t = await onlyTask(key);
    await h.advance(2 * HOUR);

    expect((await tasks(key))[0]).toMatchObject({ state: 'CANCELED', completed: true });
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await rejection(h.engine.completeUserTask({ userTaskKey: t.key }))).toBeInstanceOf(NotFound);
  });

  test('Scenario: cancelling the instance cancels its tasks', async () => {
    await h.deploy(reviewProcess());
    const key = await h.start('p');
    await h.engine.cancelProcessInstance(key);
    expect((await tasks(key)).map((t) => t.state)).toEqual(['CANCELED']);
    expect(await h.countEvents('USER_TASK', 'CANCELED', key)).toBe(1);
  });

  test('Scenario: a parallel multi-instance user task makes one task per item', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        camundaUserTask('sign', { mi: { inputCollection: '=agencies', inputElement: 'agency' }, candidateGroups: '=agency' }),
        end('e'),
        ...chain('s', 'sign', 'e'),
      ),
    );
    const key = await h.start('p', { agencies: ['cong-an-xa', 'bhxh'] });
    const open = await tasks(key);
    expect(open.map((t) => t.candidate_groups)).toEqual([['cong-an-xa'], ['bhxh']]);
    for (const t of open) await h.engine.completeUserTask({ userTaskKey: t.key });
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: forms', () => {
  test('Scenario: a deployment of several forms versions each on its own: unchanged ones keep theirs', async () => {
    const form = (id: string, label: string) => ({
      name: `${id}.form`,
      content: JSON.stringify({ id, type: 'default', components: [{ key: 'x', label, type: 'textfield' }] }),
    });
    const first = await h.engine.deployResources([form('a', 'A'), form('b', 'B')]);
    const second = await h.engine.deployResources([form('b', 'B'), form('a', 'A, đã sửa'), form('c', 'C')]);
    const versions = (d: typeof first) => d.forms.map((f) => [f.formId, f.version]);
    expect(versions(first)).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(versions(second)).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 1],
    ]);
    expect(second.forms[0].formKey).toBe(first.forms[1].formKey);
    expect(new Set([...first.forms, ...second.forms].map((f) => f.formKey)).size).toBe(4);
  });

  test('Scenario: a task links the latest version of its form deployed when it is created', async () => {
    const first = await h.engine.deployResources([{ name: 'review.form', content: FORM('1') }]);
    expect(first.forms).toEqual([{ formId: 'review-form', version: 1, formKey: expect.any(String), resourceName: 'review.form' }]);
    // The same form again is not a new version.
    const again = await h.engine.deployResources([{ name: 'review.form', content: FORM('1') }]);
    expect(again.forms[0]).toEqual(first.forms[0]);
    await h.deploy(reviewProcess({ formId: 'review-form' }));
    const k1 = await h.start('p');
    const second = await h.engine.deployResources([{ name: 'review.form', content: FORM('2') }]);
    expect(second.forms[0].version).toBe(2);
    const k2 = await h.start('p');

    expect((await onlyTask(k1)).form_key).toBe(first.forms[0].formKey);
    expect((await onlyTask(k2)).form_key).toBe(second.forms[0].formKey);
  });

  test('Scenario: a form that is not deployed stops the step with an incident; deploying it and resolving the incident creates the task', async () => {
    await h.deploy(reviewProcess({ formId: 'review-form' }));
    const key = await h.start('p');
    expect(await tasks(key)).toEqual([]);
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ errorType: 'FORM_NOT_FOUND', elementId: 'review' });
    expect(incident.errorMessage).toContain("'review-form'");

    const { forms } = await h.engine.deployResources([{ name: 'review.form', content: FORM('1') }]);
    await h.engine.resolveIncident(incident.key);
    expect((await onlyTask(key)).form_key).toBe(forms[0].formKey);
    expect(await h.countEvents('PROCESS_INSTANCE', 'ELEMENT_ACTIVATED', key)).toBe(3); // process, start, review
  });

  test('Scenario: an external form reference is evaluated and kept as written', async () => {
    await h.deploy(reviewProcess({ externalReference: '="https://forms.example/review/" + code' }));
    const key = await h.start('p', { code: 'H01' });
    expect((await onlyTask(key)).external_form_reference).toBe('https://forms.example/review/H01');
  });

  test('Scenario: a form that is not a JSON object with an id is refused, and nothing is deployed', async () => {
    const e = await rejection(
      h.engine.deployResources([
        { name: 'bad.form', content: '{"components": []}' },
        { name: 'p.bpmn', content: reviewProcess() },
      ]),
    );
    expect(e).toBeInstanceOf(Invalid);
    expect(e.message).toContain("'bad.form'");
    expect((await h.db.query(`select count(*)::int as n from engine.definitions`)).rows[0].n).toBe(0);
  });
});

describe('Feature: what is refused at deploy, naming it', () => {
  const refused = async (xml: string) => {
    const e = await rejection(h.deploy(xml));
    return (e.details?.problems ?? (e instanceof BpmnValidationError ? e.problems : [])).map((p: { message: string }) => p.message).join('; ') || e.message;
  };

  test('Scenario: formKey on a Camunda user task, a priority on a job-worker user task, task listeners', async () => {
    const withFormKey = reviewProcess().replace('<zeebe:userTask/>', '<zeebe:userTask/><zeebe:formDefinition formKey="camunda-forms:bpmn:f"/>');
    expect(await refused(withFormKey)).toContain('not formKey');
    const jobWithPriority = processXml('p', start('s'), userTask('review'), end('e'), ...chain('s', 'review', 'e')).replace(
      '<bpmn:userTask id="review"',
      '<bpmn:userTask id="review"',
    );
    const withPriority = jobWithPriority.replace(
      /(<bpmn:userTask id="review"[^>]*>)/,
      '$1<bpmn:extensionElements><zeebe:priorityDefinition priority="10"/></bpmn:extensionElements>',
    );
    expect(await refused(withPriority)).toContain('Camunda user tasks only');
    const withListener = reviewProcess().replace(
      '<zeebe:userTask/>',
      '<zeebe:userTask/><zeebe:taskListeners><zeebe:taskListener eventType="completing" type="check"/></zeebe:taskListeners>',
    );
    expect(await refused(withListener)).toContain('task listeners');
  });
});
