/**
 * Feature: every state transition is appended to engine.events, in order, in the same
 * transaction as the change — the instance's story, readable like Zeebe's exported records.
 */
import { chain, end, exclusiveGateway, flow, processXml, serviceTask, start } from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

const story = async (key: string) => (await h.events(key)).map((e) => [e.valueType, e.elementId, e.intent]);

describe('Feature: the event log', () => {
  test('Scenario: start → service task → end logs each element lifecycle, flow and job transition in order', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p');
    await h.completeOne('work');

    const PI = 'PROCESS_INSTANCE';
    expect(await story(key)).toEqual([
      [PI, 'p', 'ELEMENT_ACTIVATING'],
      [PI, 'p', 'ELEMENT_ACTIVATED'],
      [PI, 's', 'ELEMENT_ACTIVATING'],
      [PI, 's', 'ELEMENT_ACTIVATED'],
      [PI, 's', 'ELEMENT_COMPLETING'],
      [PI, 's', 'ELEMENT_COMPLETED'],
      [PI, 's_to_t', 'SEQUENCE_FLOW_TAKEN'],
      [PI, 't', 'ELEMENT_ACTIVATING'],
      ['JOB', 't', 'CREATED'],
      [PI, 't', 'ELEMENT_ACTIVATED'],
      ['JOB', 't', 'ACTIVATED'],
      ['JOB', 't', 'COMPLETED'],
      [PI, 't', 'ELEMENT_COMPLETING'],
      [PI, 't', 'ELEMENT_COMPLETED'],
      [PI, 't_to_e', 'SEQUENCE_FLOW_TAKEN'],
      [PI, 'e', 'ELEMENT_ACTIVATING'],
      [PI, 'e', 'ELEMENT_ACTIVATED'],
      [PI, 'e', 'ELEMENT_COMPLETING'],
      [PI, 'e', 'ELEMENT_COMPLETED'],
      [PI, 'p', 'ELEMENT_COMPLETING'],
      [PI, 'p', 'ELEMENT_COMPLETED'],
    ]);
  });

  test('Scenario: cancelling logs the process ELEMENT_TERMINATING first, then its children terminating, then the process ELEMENT_TERMINATED', async () => {
    // Zeebe: CANCEL → TERMINATE_ELEMENT on the process, which goes to TERMINATING and then
    // terminates its children; it is TERMINATED once the last child is.
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p');
    const before = (await h.events(key)).length;
    await h.engine.cancelProcessInstance(key);
    const after = (await story(key)).slice(before);
    expect(after).toEqual([
      ['PROCESS_INSTANCE', 'p', 'ELEMENT_TERMINATING'],
      ['PROCESS_INSTANCE', 't', 'ELEMENT_TERMINATING'],
      ['JOB', 't', 'CANCELED'],
      ['PROCESS_INSTANCE', 't', 'ELEMENT_TERMINATED'],
      ['PROCESS_INSTANCE', 'p', 'ELEMENT_TERMINATED'],
    ]);
  });

  test("Scenario: element events carry Zeebe's BpmnElementType names", async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p');
    await h.completeOne('work');
    const types = new Map((await h.events(key)).filter((e) => e.elementType).map((e) => [e.elementId, e.elementType]));
    expect(Object.fromEntries(types)).toEqual({
      p: 'PROCESS',
      s: 'START_EVENT',
      s_to_t: 'SEQUENCE_FLOW',
      t: 'SERVICE_TASK',
      t_to_e: 'SEQUENCE_FLOW',
      e: 'END_EVENT',
    });
  });

  test('Scenario: only the sequence flow a gateway takes is logged as taken', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        exclusiveGateway('g'),
        end('yes'),
        end('no'),
        flow('s', 'g'),
        flow('g', 'yes', { condition: '=ok' }),
        flow('g', 'no', { isDefault: true }),
      ),
    );
    const key = await h.start('p', { ok: true });
    const taken = (await h.events(key)).filter((e) => e.intent === 'SEQUENCE_FLOW_TAKEN').map((e) => e.elementId);
    expect(taken).toEqual(['s_to_g', 'g_to_yes']);
  });

  test('Scenario: a job failure, its incident and the resolution are logged with their details', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p');
    const job = await h.activateOne('work');
    await h.engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'no answer from the tax authority' });
    const [incident] = await h.incidents(key);
    await h.engine.updateJobRetries(job.key, 1);
    await h.engine.resolveIncident(incident.key);

    const tail = (await h.events(key)).filter((e) => e.valueType === 'INCIDENT' || (e.valueType === 'JOB' && e.intent === 'FAILED'));
    expect(tail).toEqual([
      expect.objectContaining({ valueType: 'JOB', intent: 'FAILED', payload: expect.objectContaining({ jobKey: job.key, retries: 0 }) }),
      expect.objectContaining({
        valueType: 'INCIDENT',
        intent: 'CREATED',
        elementId: 't',
        payload: expect.objectContaining({
          incidentKey: incident.key,
          errorType: 'JOB_NO_RETRIES',
          errorMessage: 'no answer from the tax authority',
        }),
      }),
      expect.objectContaining({
        valueType: 'INCIDENT',
        intent: 'RESOLVED',
        payload: expect.objectContaining({ incidentKey: incident.key }),
      }),
    ]);
  });

  test('Scenario: a deployment logs PROCESS CREATED once per new version', async () => {
    const xml = processXml('p', start('s'), end('e'), ...chain('s', 'e'));
    await h.deploy(xml);
    await h.deploy(xml);
    const { rows } = await h.db.query(`select intent, bpmn_process_id as id, payload->>'version' as version from engine.events where value_type = 'PROCESS'`);
    expect(rows).toEqual([{ intent: 'CREATED', id: 'p', version: '1' }]);
  });
});
