/**
 * The workflow port's contract: what every adapter of `WorkflowEngine` + `EngineQueries` must do,
 * with Zeebe's meaning, written against the port alone (no table, no adapter internals). The
 * embedded adapter runs it (contract.embedded.test.ts), and so does the Zeebe adapter, over
 * Zeebe's client protocol (contract.zeebe.test.ts). Each scenario deploys its own process ids, so scenarios do not depend on each other.
 */
import { randomBytes } from 'node:crypto';
import { activateWithLongPolling } from '../../src/engine/long-poll.js';
import type { ActivateJobsRequest, WorkflowEngine } from '../../src/engine/port.js';
import type { EngineQueries } from '../../src/engine/queries.js';
import {
  callActivity,
  camundaUserTask,
  chain,
  definitions,
  end,
  errorBoundary,
  flow,
  messageCatch,
  named,
  node,
  proc,
  processXml,
  serviceTask,
  signalCatch,
  start,
  type NodeItem,
} from '../support/bpmn.js';

export interface EngineUnderTest {
  engine: WorkflowEngine;
  queries: EngineQueries;
  close(): Promise<void>;
}

/**
 * start → work "Xử lý" (job `type`, header agency=ubnd-xa, 3 retries) → end; with `boundaryError`,
 * an error boundary `caught` leading to its own end `handled`; `extra`: more elements of the process.
 */
function jobProcess(id: string, type: string, o: { name?: string; boundaryError?: string; extra?: NodeItem[] } = {}): string {
  const caught = o.boundaryError ? [errorBoundary('caught', 'work', o.boundaryError), end('handled'), flow('caught', 'handled', { id: 'toHandled' })] : [];
  return definitions(
    named(
      o.name ?? id,
      proc(
        id,
        start('start'),
        named('Xử lý', serviceTask('work', type, { retries: 3, headers: { agency: 'ubnd-xa' } })),
        end('end'),
        flow('start', 'work', { id: 'toWork' }),
        flow('work', 'end', { id: 'toEnd' }),
        ...caught,
        ...(o.extra ?? []),
      ),
    ),
  );
}

/** start → `wait` (a catch event) → end. */
function waitingProcess(id: string, wait: NodeItem): string {
  return processXml(id, start('start'), wait, end('end'), flow('start', 'wait', { id: 'toWait' }), flow('wait', 'end', { id: 'toEnd' }));
}

/** start → message catch (`name`, key `=dossierCode`) → end. */
function waitProcess(id: string, name: string): string {
  return waitingProcess(id, messageCatch('wait', name, '=dossierCode'));
}

/** What an adapter may lack of the port's hints (each documented in port.ts as optional). */
export interface AdapterTraits {
  /** False: `onJobCreated` never fires (Zeebe notifies no client); callers poll. Default true. */
  jobNotifications?: boolean;
}

export function workflowEngineContract(adapter: string, open: () => Promise<EngineUnderTest>, traits: AdapterTraits = {}): void {
  describe(`Contract: the workflow port (${adapter})`, () => {
    let e: EngineUnderTest;
    beforeAll(async () => {
      e = await open();
    });
    /** Long polls a failed scenario may leave waiting: ended before the engine closes. */
    const polls: AbortController[] = [];
    afterAll(async () => {
      for (const p of polls) p.abort();
      await e?.close();
    });

    const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
    const deploy = async (name: string, xml: string) => (await e.engine.deployResources([{ name, content: xml }])).processes[0];
    const activateOne = async (type: string) => {
      const jobs = await e.engine.activateJobs({ type, worker: 'contract', maxJobsToActivate: 10, timeout: 60_000 });
      expect(jobs).toHaveLength(1);
      return jobs[0];
    };
    const state = async (key: string) => (await e.queries.getProcessInstance(key)).state;
    /**
     * An instance's variables as the reads see them now: scope key → name → value. The embedded
     * reads list every change (oldest first), Zeebe's each variable's latest value: the last per
     * scope and name is the value either way.
     */
    const variables = async (processInstanceKey: string) => {
      const { items } = await e.queries.searchVariableChanges({ filter: { processInstanceKey } });
      const scopes: Record<string, Record<string, unknown>> = {};
      for (const v of items) (scopes[v.scopeKey] ??= {})[v.name] = JSON.parse(v.value);
      return scopes;
    };

    test('deploy: a process gets version 1; the same content again keeps it; changed content is version 2', async () => {
      const id = unique('contract-deploy');
      const v1 = await deploy(`${id}.bpmn`, jobProcess(id, 'contract.job'));
      expect({ id: v1.bpmnProcessId, version: v1.version }).toEqual({ id, version: 1 });
      expect((await deploy(`${id}.bpmn`, jobProcess(id, 'contract.job'))).version).toBe(1);
      const v2 = await deploy(`${id}.bpmn`, jobProcess(id, 'contract.job', { name: 'đổi tên' }));
      expect(v2.version).toBe(2);
      expect(v2.processDefinitionKey).not.toBe(v1.processDefinitionKey);
      expect(await e.queries.getProcessDefinitionXml(v1.processDefinitionKey)).toContain(`id="${id}"`);
    });

    test('deploy: what the adapter cannot run is refused at deploy, naming the element', async () => {
      const id = unique('contract-refused');
      const xml = jobProcess(id, 'contract.job', { extra: [node('complexGateway', 'odd')] });
      await expect(deploy(`${id}.bpmn`, xml)).rejects.toThrow(/odd/);
    });

    test('a job: activated with the instance variables and headers, completed with new variables, the instance completes', async () => {
      const id = unique('contract-job');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const created = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'X-1' } });
      const job = await activateOne(type);
      expect(job).toMatchObject({
        processInstanceKey: created.processInstanceKey,
        elementId: 'work',
        customHeaders: { agency: 'ubnd-xa' },
        variables: { dossierCode: 'X-1' },
      });
      expect(await e.engine.activateJobs({ type, worker: 'contract', maxJobsToActivate: 10, timeout: 60_000 })).toEqual([]); // reserved
      await e.engine.completeJob({ jobKey: job.key, variables: { outcome: 'approved' } });
      expect(await state(created.processInstanceKey)).toBe('COMPLETED');
      expect((await e.queries.getSequenceFlows(created.processInstanceKey)).map((f) => f.elementId)).toEqual(['toWork', 'toEnd']);
    });

    test('element instances: each activation with its element id, BPMN name, type and state', async () => {
      const id = unique('contract-elements');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id });
      const { items } = await e.queries.searchElementInstances({ filter: { processInstanceKey } });
      const byId = Object.fromEntries(items.map((i) => [i.elementId, i]));
      expect(byId.start).toMatchObject({ type: 'START_EVENT', state: 'COMPLETED' });
      expect(byId.work).toMatchObject({ elementName: 'Xử lý', type: 'SERVICE_TASK', state: 'ACTIVE', hasIncident: false });
      expect(byId.start.elementName).toBeUndefined();
      expect(await e.queries.getElementInstanceStatistics(processInstanceKey)).toEqual([
        { elementId: 'start', active: 0, completed: 1, canceled: 0, incidents: 0 },
        { elementId: 'work', active: 1, completed: 0, canceled: 0, incidents: 0 },
      ]);
    });

    (traits.jobNotifications === false ? test.skip : test)('a created job wakes a listener for its type, which can then activate it', async () => {
      const id = unique('contract-wake');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      let off: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => {
        off = e.engine.onJobCreated((t) => {
          if (t === type) resolve();
        });
      });
      try {
        const created = await e.engine.createProcessInstance({ bpmnProcessId: id });
        await woken;
        expect((await activateOne(type)).processInstanceKey).toBe(created.processInstanceKey);
      } finally {
        off();
      }
    });

    test('long polling: an activation waiting for its type answers with the job created meanwhile', async () => {
      const id = unique('contract-long-poll');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const req: ActivateJobsRequest = { type, worker: 'contract', maxJobsToActivate: 10, timeout: 60_000 };
      // The port has no requestTimeout: long polling is engine/long-poll.ts over the port (what /v2
      // and the gRPC gateway answer with). This engine tells when its first look found nothing.
      const answers: number[] = [];
      let waiting: () => void = () => undefined;
      const firstLookEmpty = new Promise<void>((resolve) => (waiting = resolve));
      const watched = {
        activateJobs: async (r: ActivateJobsRequest) => {
          const jobs = await e.engine.activateJobs(r);
          answers.push(jobs.length);
          if (!jobs.length) waiting();
          return jobs;
        },
        onJobCreated: (listener: (type: string) => void) => e.engine.onJobCreated(listener),
      };
      // The wait outlasts the test's own timeout, so the answer cannot be the look at its end. With job
      // notifications the fallback poll is as long as the wait: only the creation's wake answers in
      // time. Without them (Zeebe notifies no client) the long poll's fallback poll finds the job.
      const poll = new AbortController();
      polls.push(poll);
      const wait = 10 * 60_000;
      const polled = activateWithLongPolling(watched, req, {
        wait,
        pollInterval: traits.jobNotifications === false ? 100 : wait,
        signal: poll.signal,
      });
      await firstLookEmpty;
      const created = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'L-1' } });
      const jobs = await polled;
      expect(answers[0]).toBe(0);
      expect(jobs.map((j) => [j.processInstanceKey, j.elementId, j.variables])).toEqual([[created.processInstanceKey, 'work', { dossierCode: 'L-1' }]]);
      await e.engine.completeJob({ jobKey: jobs[0].key });
      expect(await state(created.processInstanceKey)).toBe('COMPLETED');
    });

    test('long polling: with no job of its type before its request timeout, an activation answers with no jobs', async () => {
      const id = unique('contract-long-poll-empty');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      await e.engine.createProcessInstance({ bpmnProcessId: id }); // a job, of another type than the one asked for
      const jobs = await activateWithLongPolling(
        e.engine,
        { type: `${type}.other`, worker: 'contract', maxJobsToActivate: 10, timeout: 60_000 },
        { wait: 300, pollInterval: 100, signal: new AbortController().signal },
      );
      expect(jobs).toEqual([]);
    });

    test('set variables: global ones land where the name lives (else on the instance), local ones on the element; the next job and the reads see them', async () => {
      const id = unique('contract-variables');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'V-1', fee: 0 } });
      const { items } = await e.queries.searchElementInstances({ filter: { processInstanceKey, elementId: 'work' } });
      expect(items).toHaveLength(1);
      const work = items[0].elementInstanceKey;

      await e.engine.setVariables({ elementInstanceKey: processInstanceKey, variables: { fee: 50_000 } });
      await e.engine.setVariables({ elementInstanceKey: work, variables: { dossierCode: 'V-1-bis', note: 'bổ sung' }, local: true });
      await e.engine.setVariables({ elementInstanceKey: work, variables: { paid: true } }); // not local, held nowhere: the instance's

      const job = await activateOne(type);
      expect(job.variables).toEqual({ dossierCode: 'V-1-bis', fee: 50_000, paid: true, note: 'bổ sung' });
      expect(await variables(processInstanceKey)).toEqual({
        [processInstanceKey]: { dossierCode: 'V-1', fee: 50_000, paid: true },
        [work]: { dossierCode: 'V-1-bis', note: 'bổ sung' },
      });
      await e.engine.completeJob({ jobKey: job.key });
      expect(await state(processInstanceKey)).toBe('COMPLETED');
      await expect(e.engine.setVariables({ elementInstanceKey: processInstanceKey, variables: { fee: 1 } })).rejects.toThrow();
      await expect(e.engine.setVariables({ elementInstanceKey: '2251799813999999', variables: { fee: 1 } })).rejects.toThrow();
    });

    test("an instance is found by a variable's value, as receipt recovery asks for a dossier's code, and instances' codes by their keys", async () => {
      const id = unique('contract-by-value');
      await deploy(`${id}.bpmn`, jobProcess(id, unique('contract.job')));
      const code = unique('H99-261201');
      const mine = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: code } });
      const other = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: `${code}-other` } });
      const { items } = await e.queries.searchVariableChanges({ filter: { name: 'dossierCode', value: JSON.stringify(code) } });
      expect(items.map((v) => [v.processInstanceKey, v.name, v.value])).toEqual([[mine.processInstanceKey, 'dossierCode', JSON.stringify(code)]]);
      // And the other way, as reconcile reads whose instances a page of them are.
      const both = await e.queries.searchVariableChanges({
        filter: { processInstanceKey: { $in: [mine.processInstanceKey, other.processInstanceKey] }, name: 'dossierCode' },
      });
      expect(both.items.map((v) => [v.processInstanceKey, JSON.parse(v.value)]).sort()).toEqual(
        [
          [mine.processInstanceKey, code],
          [other.processInstanceKey, `${code}-other`],
        ].sort(),
      );
    });

    test("root instances of some processes started since a moment, live or ended, as reconcile asks: a call activity's child is not one", async () => {
      const child = unique('contract-child');
      const parent = unique('contract-parent');
      await deploy(`${child}.bpmn`, jobProcess(child, unique('contract.job')));
      await deploy(`${parent}.bpmn`, processXml(parent, start('s'), callActivity('call', child), end('e'), ...chain('s', 'call', 'e')));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: parent });
      const { startDate } = await e.queries.getProcessInstance(processInstanceKey);
      const roots = async (since: { $gte: string } | { $lt: string }) =>
        (
          await e.queries.searchProcessInstances({
            filter: { processDefinitionId: { $in: [parent, child] }, state: 'ACTIVE', startDate: since, parentProcessInstanceKey: { $exists: false } },
            sort: [{ field: 'processInstanceKey', order: 'ASC' }],
            page: { from: 0, limit: 10 },
          })
        ).items.map((pi) => pi.processInstanceKey);
      expect(await roots({ $gte: startDate })).toEqual([processInstanceKey]);
      expect(await roots({ $lt: startDate })).toEqual([]);
      // Ended since then: the parent once cancelled (its child ends with it, not a root).
      await e.engine.cancelProcessInstance(processInstanceKey);
      const ended = await e.queries.searchProcessInstances({
        filter: {
          processDefinitionId: { $in: [parent, child] },
          state: { $in: ['COMPLETED', 'TERMINATED'] },
          endDate: { $gte: startDate },
          parentProcessInstanceKey: { $exists: false },
        },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        page: { from: 0, limit: 10 },
      });
      expect(ended.items.map((pi) => [pi.processInstanceKey, pi.state])).toEqual([[processInstanceKey, 'TERMINATED']]);
    });

    test('a failed job with no retries left is an incident; retries and resolution bring it back', async () => {
      const id = unique('contract-incident');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id });
      const job = await activateOne(type);
      await e.engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'cơ quan thuế không trả lời' });
      const incidents = await e.queries.searchIncidents({ filter: { processInstanceKey } });
      expect(incidents.items).toEqual([expect.objectContaining({ state: 'ACTIVE', elementId: 'work', errorMessage: 'cơ quan thuế không trả lời' })]);
      expect((await e.queries.getProcessInstance(processInstanceKey)).hasIncident).toBe(true);

      await e.engine.updateJobRetries(job.key, 1);
      await e.engine.resolveIncident(incidents.items[0].incidentKey);
      const again = await activateOne(type);
      expect(again.key).toBe(job.key);
      await e.engine.completeJob({ jobKey: again.key });
      expect(await state(processInstanceKey)).toBe('COMPLETED');
    });

    test('a thrown error is caught by the boundary with its code', async () => {
      const id = unique('contract-error');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type, { boundaryError: 'thieu-giay-to' }));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id });
      const job = await activateOne(type);
      await e.engine.throwError({ jobKey: job.key, errorCode: 'thieu-giay-to', errorMessage: 'thiếu giấy tờ' });
      expect(await state(processInstanceKey)).toBe('COMPLETED');
      expect((await e.queries.getSequenceFlows(processInstanceKey)).map((f) => f.elementId)).toEqual(['toWork', 'toHandled']);
    });

    test('a message correlates to the instance waiting with its key, and says which; with nothing waiting it is refused', async () => {
      const id = unique('contract-message');
      const name = unique('tax-paid');
      await deploy(`${id}.bpmn`, waitProcess(id, name));
      const a = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'A' } });
      const b = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'B' } });
      const r = await e.engine.correlateMessage({ name, correlationKey: 'B', variables: { paidAt: '2026-01-05' } });
      expect(r.processInstanceKey).toBe(b.processInstanceKey);
      expect(await state(b.processInstanceKey)).toBe('COMPLETED');
      expect(await state(a.processInstanceKey)).toBe('ACTIVE');
      await expect(e.engine.correlateMessage({ name, correlationKey: 'nobody' })).rejects.toThrow();
      await e.engine.publishMessage({ name, correlationKey: 'A', timeToLive: 0 });
      expect(await state(a.processInstanceKey)).toBe('COMPLETED');
    });

    test('a message published with a time to live waits for an instance to arrive, and correlates once; one with none is not kept', async () => {
      const id = unique('contract-buffered');
      const name = unique('fee-paid');
      await deploy(`${id}.bpmn`, waitProcess(id, name));
      await e.engine.publishMessage({ name, correlationKey: 'T-1', timeToLive: 3_600_000, variables: { paidAt: '2026-01-05' } });
      await e.engine.publishMessage({ name, correlationKey: 'T-2', timeToLive: 0 });

      const buffered = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'T-1' } });
      expect(await state(buffered.processInstanceKey)).toBe('COMPLETED');
      expect((await variables(buffered.processInstanceKey))[buffered.processInstanceKey]).toEqual({ dossierCode: 'T-1', paidAt: '2026-01-05' });
      // Zeebe correlates a message to at most one instance of a process.
      const again = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'T-1' } });
      expect(await state(again.processInstanceKey)).toBe('ACTIVE');
      const dropped = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'T-2' } });
      expect(await state(dropped.processInstanceKey)).toBe('ACTIVE');
    });

    test('a broadcast signal moves every instance waiting for it', async () => {
      const id = unique('contract-signal');
      const signal = unique('contract-signal-name');
      const xml = waitingProcess(id, signalCatch('wait', signal));
      await deploy(`${id}.bpmn`, xml);
      const a = await e.engine.createProcessInstance({ bpmnProcessId: id });
      const b = await e.engine.createProcessInstance({ bpmnProcessId: id });
      expect(await e.engine.broadcastSignal({ signalName: signal })).toEqual({ signalKey: expect.any(String) });
      expect([await state(a.processInstanceKey), await state(b.processInstanceKey)]).toEqual(['COMPLETED', 'COMPLETED']);
    });

    test('a Camunda user task: created and found by search, assigned, completed with variables, and the instance moves on', async () => {
      const id = unique('contract-user-task');
      const xml = waitingProcess(id, camundaUserTask('wait', { name: 'Thẩm định', candidateGroups: 'mot-cua' }));
      await deploy(`${id}.bpmn`, xml);
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id, variables: { dossierCode: 'U-1' } });
      const found = await e.queries.searchUserTasks({ filter: { processInstanceKey } });
      expect(found.totalItems).toBe(1);
      const task = found.items[0];
      expect(task).toMatchObject({ name: 'Thẩm định', state: 'CREATED', elementId: 'wait', candidateGroups: ['mot-cua'], processDefinitionId: id });
      expect(task.assignee).toBeUndefined();
      const { userTaskKey } = task;
      const forGroup = await e.queries.searchUserTasks({ filter: { processDefinitionId: id, candidateGroup: 'mot-cua', state: 'CREATED' } });
      expect(forGroup.items.map((t) => t.userTaskKey)).toEqual([userTaskKey]);

      await e.engine.assignUserTask({ userTaskKey, assignee: 'can-bo-a' });
      expect(await e.queries.getUserTask(userTaskKey)).toMatchObject({ state: 'CREATED', assignee: 'can-bo-a' });
      await expect(e.engine.assignUserTask({ userTaskKey, assignee: 'can-bo-b', allowOverride: false })).rejects.toThrow();
      expect((await e.queries.searchUserTasks({ filter: { processDefinitionId: id, assignee: 'can-bo-a' } })).items.map((t) => t.userTaskKey)).toEqual([
        userTaskKey,
      ]);

      await e.engine.completeUserTask({ userTaskKey, variables: { decision: 'approved' } });
      expect(await e.queries.getUserTask(userTaskKey)).toMatchObject({ state: 'COMPLETED', assignee: 'can-bo-a' });
      expect(await state(processInstanceKey)).toBe('COMPLETED');
      expect((await variables(processInstanceKey))[processInstanceKey]).toEqual({ dossierCode: 'U-1', decision: 'approved' });
      await expect(e.engine.completeUserTask({ userTaskKey })).rejects.toThrow(); // no longer CREATED
    });

    test('a cancelled instance is terminated and its job is gone', async () => {
      const id = unique('contract-cancel');
      const type = unique('contract.job');
      await deploy(`${id}.bpmn`, jobProcess(id, type));
      const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: id });
      await e.engine.cancelProcessInstance(processInstanceKey);
      expect(await state(processInstanceKey)).toBe('TERMINATED');
      expect(await e.engine.activateJobs({ type, worker: 'contract', maxJobsToActivate: 10, timeout: 60_000 })).toEqual([]);
    });

    test('unknown keys are refused, not ignored', async () => {
      await expect(e.engine.completeJob({ jobKey: '2251799813999999' })).rejects.toThrow();
      await expect(e.engine.cancelProcessInstance('2251799813999999')).rejects.toThrow();
      await expect(e.engine.createProcessInstance({ bpmnProcessId: unique('no-such-process') })).rejects.toThrow();
    });
  });
}
