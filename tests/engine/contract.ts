/**
 * The workflow port's contract: what every adapter of `WorkflowEngine` + `EngineQueries` must do,
 * with Zeebe's meaning, written against the port alone (no table, no adapter internals). The
 * embedded adapter runs it (contract.embedded.test.ts), and so does the Zeebe adapter, over
 * Zeebe's client protocol (contract.zeebe.test.ts). Each scenario deploys its own process ids, so scenarios do not depend on each other.
 */
import { randomBytes } from 'node:crypto';
import type { WorkflowEngine } from '../../src/engine/port.js';
import type { EngineQueries } from '../../src/engine/queries.js';
import {
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
    afterAll(async () => {
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
