/**
 * Feature: variables follow Zeebe's scoping, propagation and input/output mapping rules.
 * (docs.camunda.io › Concepts › Variables: "Variable propagation", "Input/output variable mappings")
 */
import { chain, end, processXml, serviceTask, start, type JobTaskOptions } from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

/** start → one service task of type `work` → end. */
function oneTask(o: JobTaskOptions = {}): string {
  return processXml('p', start('s'), serviceTask('t', 'work', o), end('e'), ...chain('s', 't', 'e'));
}

describe('Feature: variable propagation', () => {
  test('Scenario: "job variables are merged into the process instance" — existing ones updated, new ones created in the root scope', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p', { status: 'received', dossier: 'D1' });
    await h.completeOne('work', { status: 'processed', receiptNo: 'BN-0001' });
    expect((await h.instance(key)).variables).toEqual({ status: 'processed', dossier: 'D1', receiptNo: 'BN-0001' });
  });

  test('Scenario: "a variable propagates to the nearest scope that holds a variable of that name" — a local input variable keeps the job value inside the task', async () => {
    // Given a task whose input mapping creates a local variable `note`, shadowing the root one
    await h.deploy(oneTask({ inputs: { note: '="draft"' } }));
    const key = await h.start('p', { note: 'original' });
    // When the job completes with `note` and a new `decision`
    const job = await h.activateOne('work');
    expect(job.variables.note).toBe('draft');
    await h.engine.completeJob({ jobKey: job.key, variables: { note: 'final', decision: 'approve' } });
    // Then `note` was merged into the task's own scope (and left with it); `decision` reached the root
    expect((await h.instance(key)).variables).toEqual({ note: 'original', decision: 'approve' });
  });

  test('Scenario: setVariables on the instance creates or updates root variables; with local=true on a task they stay in the task', async () => {
    await h.deploy(oneTask());
    const key = await h.start('p', { a: 1 });
    const first = await h.activateOne('work', { timeout: 1_000 });
    await h.engine.setVariables({ elementInstanceKey: key, variables: { a: 2, b: 3 } });
    await h.engine.setVariables({ elementInstanceKey: first.elementInstanceKey, variables: { scratch: 'x' }, local: true });
    expect((await h.instance(key)).variables).toEqual({ a: 2, b: 3 });
    // The task sees its local variable (after its reservation lapses, the job is handed out again)
    h.clock.advance(1_001);
    const again = await h.activateOne('work');
    expect(again.variables).toEqual({ a: 2, b: 3, scratch: 'x' });
    await h.engine.completeJob({ jobKey: again.key });
    expect((await h.instance(key)).variables).toEqual({ a: 2, b: 3 });
  });
});

describe('Feature: input mappings', () => {
  test('Scenario: "input mappings create local variables" — visible to the job, not leaking into the process', async () => {
    await h.deploy(
      oneTask({
        inputs: {
          fee: '=amount * 0.1',
          applicantName: '=applicant.name',
          channel: 'counter', // static value: a string
        },
      }),
    );
    const key = await h.start('p', { amount: 200000, applicant: { name: 'Lê Thị C', id: '001' } });
    const job = await h.activateOne('work');
    expect(job.variables).toEqual({
      amount: 200000,
      applicant: { name: 'Lê Thị C', id: '001' },
      fee: 20000,
      applicantName: 'Lê Thị C',
      channel: 'counter',
    });
    await h.engine.completeJob({ jobKey: job.key });
    expect((await h.instance(key)).variables).toEqual({ amount: 200000, applicant: { name: 'Lê Thị C', id: '001' } });
  });

  test('Scenario: a later input mapping sees an earlier one', async () => {
    await h.deploy(oneTask({ inputs: { base: '=amount', doubled: '=base * 2' } }));
    await h.start('p', { amount: 21 });
    expect((await h.activateOne('work')).variables).toMatchObject({ base: 21, doubled: 42 });
  });

  test('Scenario: "an input mapping to a nested target (a.b) creates a new context" — it is not merged with the outer variable of that name', async () => {
    // Zeebe (VariableMappingTransformer): a nested input target builds a fresh context; only
    // output mappings merge into an existing object.
    await h.deploy(oneTask({ inputs: { 'dossier.step': '="review"' } }));
    await h.start('p', { dossier: { code: 'D1', owner: 'A' } });
    expect((await h.activateOne('work')).variables.dossier).toEqual({ step: 'review' });
  });

  test('Scenario: input mappings to nested targets build one context', async () => {
    await h.deploy(oneTask({ inputs: { 'notice.to': '=email', 'notice.form': '="01"' } }));
    await h.start('p', { email: 'a@example.vn' });
    expect((await h.activateOne('work')).variables.notice).toEqual({ to: 'a@example.vn', form: '01' });
  });
});

describe('Feature: output mappings', () => {
  test('Scenario: "with output mappings, only the mapped variables leave the element"', async () => {
    await h.deploy(oneTask({ outputs: { receipt: '=receiptNo' } }));
    const key = await h.start('p', { dossier: 'D1' });
    await h.completeOne('work', { receiptNo: 'BN-0001', internalTrace: 'xyz' });
    expect((await h.instance(key)).variables).toEqual({ dossier: 'D1', receipt: 'BN-0001' });
  });

  test('Scenario: output mappings see the job variables and the local input variables', async () => {
    await h.deploy(oneTask({ inputs: { rate: '=0.1' }, outputs: { fee: '=amount * rate', paid: '=paid' } }));
    const key = await h.start('p', { amount: 300000 });
    await h.completeOne('work', { paid: true });
    expect((await h.instance(key)).variables).toEqual({ amount: 300000, fee: 30000, paid: true });
  });

  test('Scenario: "an output mapping to a nested target (a.b) is merged into the existing object"', async () => {
    await h.deploy(oneTask({ outputs: { 'dossier.status': '=result', 'dossier.decidedBy': '=officer' } }));
    const key = await h.start('p', { dossier: { code: 'D1', status: 'received' } });
    await h.completeOne('work', { result: 'approved', officer: 'an.nv' });
    expect((await h.instance(key)).variables).toEqual({ dossier: { code: 'D1', status: 'approved', decidedBy: 'an.nv' } });
  });

  test('Scenario: an output mapping to a nested target creates the object when there is none', async () => {
    await h.deploy(oneTask({ outputs: { 'result.code': '=code' } }));
    const key = await h.start('p');
    await h.completeOne('work', { code: 200 });
    expect((await h.instance(key)).variables).toEqual({ result: { code: 200 } });
  });
});

describe('Feature: fetching variables on activation', () => {
  test('Scenario: "fetchVariable: only the listed variables are sent to the worker"', async () => {
    await h.deploy(oneTask());
    await h.start('p', { a: 1, b: { big: 'x'.repeat(100) }, c: 'three' });
    const job = await h.activateOne('work', { fetchVariable: ['a', 'c', 'notThere'] });
    expect(job.variables).toEqual({ a: 1, c: 'three' });
  });
});
