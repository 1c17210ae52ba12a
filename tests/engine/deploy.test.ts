/**
 * Feature: deploying processes and creating instances of them.
 * Zeebe's rules: versions are counted per bpmnProcessId; a resource deployed again unchanged
 * is not a new version; an instance is created from the latest version unless a version or a
 * definition key is given.
 */
import { Invalid, NotFound } from '../../src/errors.js';
import { chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { rejection, useEngine } from '../support/engine.js';

const h = useEngine();

const orderV1 = processXml('order', start('s'), serviceTask('work', 'work'), end('e'), ...chain('s', 'work', 'e'));
const orderV2 = processXml('order', start('s'), serviceTask('work', 'work'), serviceTask('check', 'check'), end('e'), ...chain('s', 'work', 'check', 'e'));
const invoice = processXml('invoice', start('s'), end('e'), ...chain('s', 'e'));

async function definitionCount(): Promise<number> {
  const { rows } = await h.db.query(`select count(*)::int as n from engine.definitions`);
  return rows[0].n;
}

describe('Feature: process versions', () => {
  test('Scenario: the first deployment of a process id is version 1', async () => {
    const d = await h.engine.deployResources([{ name: 'order.bpmn', content: orderV1 }]);
    expect(d.deploymentKey).toMatch(/^\d+$/);
    expect(d.processes).toEqual([{ bpmnProcessId: 'order', version: 1, processDefinitionKey: expect.stringMatching(/^\d+$/), resourceName: 'order.bpmn' }]);
  });

  test('Scenario: "versions are per bpmnProcessId" — another process id starts at version 1 too', async () => {
    await h.deploy(orderV1);
    await h.deploy(orderV2);
    const other = await h.deploy(invoice, 'invoice.bpmn');
    expect(other.version).toBe(1);
  });

  test('Scenario: "deploying an unchanged resource again creates no new version" — the existing version comes back', async () => {
    // Given order is deployed
    const first = await h.deploy(orderV1, 'order.bpmn');
    // When the very same resource is deployed again
    const again = await h.deploy(orderV1, 'order.bpmn');
    // Then it is still version 1, with the same definition key, and nothing new was stored
    expect(again.version).toBe(1);
    expect(again.processDefinitionKey).toBe(first.processDefinitionKey);
    expect(await definitionCount()).toBe(1);
  });

  test('Scenario: "a resource is a duplicate only if both its checksum and its resource name match the latest version" — same content under another name is version 2', async () => {
    // Zeebe (BpmnResourceTransformer.isDuplicateOfLatest) compares the digest and the resource name.
    await h.deploy(orderV1, 'order.bpmn');
    const renamed = await h.deploy(orderV1, 'order-copy.bpmn');
    expect(renamed.version).toBe(2);
    expect(renamed.resourceName).toBe('order-copy.bpmn');
  });

  test('Scenario: changed content becomes version 2, and a new instance uses the latest version', async () => {
    const v1 = await h.deploy(orderV1);
    const v2 = await h.deploy(orderV2);
    expect(v2.version).toBe(2);
    expect(v2.processDefinitionKey).not.toBe(v1.processDefinitionKey);

    const created = await h.engine.createProcessInstance({ bpmnProcessId: 'order' });
    expect(created).toEqual({
      processInstanceKey: expect.stringMatching(/^\d+$/),
      processDefinitionKey: v2.processDefinitionKey,
      bpmnProcessId: 'order',
      version: 2,
    });
  });

  test('Scenario: going back to the content of version 1 after version 2 is a new version 3 (compared with the latest only)', async () => {
    await h.deploy(orderV1);
    await h.deploy(orderV2);
    const back = await h.deploy(orderV1);
    expect(back.version).toBe(3);
  });
});

describe('Feature: creating process instances', () => {
  test('Scenario: an instance of an explicit older version runs that version', async () => {
    // Given versions 1 (work → end) and 2 (work → check → end)
    const v1 = await h.deploy(orderV1);
    await h.deploy(orderV2);
    // When an instance of version 1 is created and its work is done
    const created = await h.engine.createProcessInstance({ bpmnProcessId: 'order', version: 1 });
    expect(created.version).toBe(1);
    expect(created.processDefinitionKey).toBe(v1.processDefinitionKey);
    const job = await h.completeOne('work');
    expect(job.processDefinitionVersion).toBe(1);
    // Then it completes without version 2's check step
    expect((await h.instance(created.processInstanceKey)).state).toBe('COMPLETED');
    expect(await h.activate('check')).toEqual([]);
  });

  test('Scenario: an instance created by process definition key runs that definition', async () => {
    const v1 = await h.deploy(orderV1);
    await h.deploy(orderV2);
    const created = await h.engine.createProcessInstance({ processDefinitionKey: v1.processDefinitionKey });
    expect(created).toMatchObject({ bpmnProcessId: 'order', version: 1, processDefinitionKey: v1.processDefinitionKey });
  });

  test('Scenario: the instance starts with the given variables', async () => {
    await h.deploy(orderV1);
    const key = await h.start('order', { customer: 'Nguyễn Văn A', amount: 150000, items: [1, 2] });
    expect((await h.instance(key)).variables).toEqual({ customer: 'Nguyễn Văn A', amount: 150000, items: [1, 2] });
  });

  test('Scenario: an unknown process id is NotFound', async () => {
    const e = await rejection(h.engine.createProcessInstance({ bpmnProcessId: 'no-such-process' }));
    expect(e).toBeInstanceOf(NotFound);
  });

  test('Scenario: an unknown version of a known process id is NotFound', async () => {
    await h.deploy(orderV1);
    const e = await rejection(h.engine.createProcessInstance({ bpmnProcessId: 'order', version: 7 }));
    expect(e).toBeInstanceOf(NotFound);
  });

  test('Scenario: an unknown process definition key is NotFound', async () => {
    await h.deploy(orderV1);
    for (const processDefinitionKey of ['2251799813685249', 'not-a-key']) {
      const e = await rejection(h.engine.createProcessInstance({ processDefinitionKey }));
      expect(e).toBeInstanceOf(NotFound);
    }
  });

  test('Scenario: variables that are not a JSON object are Invalid, and no instance is created', async () => {
    await h.deploy(orderV1);
    for (const variables of [[1, 2], 'x=1', 42]) {
      const e = await rejection(h.engine.createProcessInstance({ bpmnProcessId: 'order', variables: variables as any }));
      expect(e).toBeInstanceOf(Invalid);
    }
    const { rows } = await h.db.query(`select count(*)::int as n from engine.process_instances`);
    expect(rows[0].n).toBe(0);
  });
});

describe('Feature: resource names and form ids are kept only when they are sane', () => {
  test.each([
    ['order\u0000.bpmn', /control characters/],
    [`${'a'.repeat(1100)}.bpmn`, /at most 1024/],
  ])('Scenario: a resource named %j is refused, naming the problem, and nothing is deployed', async (name, why) => {
    const e = await rejection(h.engine.deployResources([{ name, content: orderV1 }]));
    expect(e).toBeInstanceOf(Invalid);
    expect(e.message).toMatch(why);
    expect(await definitionCount()).toBe(0);
  });

  test.each(['ho-tich/khai-sinh/process.bpmn', '/home/an/quy-trinh/order.bpmn'])(
    'Scenario: a path inside the catalog, or the absolute path zbctl sends, is kept as given: %s',
    async (name) => {
      const d = await h.engine.deployResources([{ name, content: orderV1 }]);
      expect(d.processes[0].resourceName).toBe(name);
    },
  );

  test('Scenario: a form whose id is 10,000 characters long is refused', async () => {
    const e = await rejection(h.engine.deployResources([{ name: 'long.form', content: JSON.stringify({ id: 'x'.repeat(10_000), components: [] }) }]));
    expect(e).toBeInstanceOf(Invalid);
    expect(e.message).toMatch(/at most 255 characters/);
  });
});
