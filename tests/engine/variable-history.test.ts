/**
 * Feature: the engine keeps the history of every variable — Zeebe's VARIABLE records (CREATED,
 * UPDATED), written in the transaction of the command that changed the value, with what changed
 * it (the element, the job or user task, the command). Camunda keeps only the latest value.
 */
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import type { VariableChangeItem } from '../../src/engine/queries.js';
import { camundaUserTask, chain, end, processXml, serviceTask, start } from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

async function history(processInstanceKey: string, name?: string): Promise<VariableChangeItem[]> {
  const r = await new EmbeddedEngineQueries(h.db).searchVariableChanges({ filter: { processInstanceKey, ...(name ? { name } : {}) }, page: { limit: 1000 } });
  return r.items;
}

const brief = (c: VariableChangeItem) => [c.name, JSON.parse(c.value) as unknown, c.intent, c.command, c.elementId ?? null];

describe('Feature: the history of every variable', () => {
  test('Scenario: created with the instance, updated by a job, by a user task and by set-variables — each change once, with its cause', async () => {
    // Given start → service task `check` (output mapping) → Camunda user task `decide` → end
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('check', 'check', { outputs: { status: '=checked' } }),
        camundaUserTask('decide'),
        end('e'),
        ...chain('s', 'check', 'decide', 'e'),
      ),
    );
    const key = await h.start('p', { status: 'received', applicant: { name: 'Nguyễn Văn A' } });

    // When the job completes with `checked`, and someone sets `note` on the instance
    const job = await h.activateOne('check');
    await h.engine.completeJob({ jobKey: job.key, variables: { checked: 'valid' } });
    await h.engine.setVariables({ elementInstanceKey: key, variables: { note: 'gọi điện', status: 'valid' } });
    const [task] = (await new EmbeddedEngineQueries(h.db).searchUserTasks({ filter: { processInstanceKey: key } })).items;
    await h.engine.completeUserTask({ userTaskKey: task.userTaskKey, variables: { status: 'approved' } });

    // Then each change is there once, in order, with its cause
    const all = await history(key);
    expect(all.map(brief)).toEqual([
      ['status', 'received', 'CREATED', 'CREATE_PROCESS_INSTANCE', null],
      ['applicant', { name: 'Nguyễn Văn A' }, 'CREATED', 'CREATE_PROCESS_INSTANCE', null],
      ['checked', 'valid', 'CREATED', 'COMPLETE_JOB', 'check'], // the job's result, local (the task has output mappings)
      ['status', 'valid', 'UPDATED', 'COMPLETE_JOB', 'check'], // the output mapping
      ['note', 'gọi điện', 'CREATED', 'SET_VARIABLES', null], // `status` set again to 'valid': unchanged, no record
      ['status', 'approved', 'UPDATED', 'COMPLETE_USER_TASK', 'decide'],
    ]);
    expect(all[2]).toMatchObject({ jobKey: job.key, scopeKey: job.elementInstanceKey });
    expect(all[3]).toMatchObject({ jobKey: job.key, scopeKey: key, processInstanceKey: key });
    expect(all[5]).toMatchObject({ userTaskKey: task.userTaskKey, scopeKey: key });
    expect(new Set(all.map((c) => c.at)).size).toBeGreaterThanOrEqual(1);
    expect(Number(all[0].position)).toBeLessThan(Number(all[5].position));

    // And a filter by name gives that variable's values in order
    expect((await history(key, 'status')).map((c) => JSON.parse(c.value) as unknown)).toEqual(['received', 'valid', 'approved']);
  });

  test('Scenario: a value written again unchanged — an equal object too — writes no record', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p', { fees: { total: 50000, paid: false } });
    await h.completeOne('work', { fees: { total: 50000, paid: false } });
    expect((await history(key)).map(brief)).toEqual([['fees', { total: 50000, paid: false }, 'CREATED', 'CREATE_PROCESS_INSTANCE', null]]);
  });

  test('Scenario: the records are part of the command — a refused command leaves none', async () => {
    await h.deploy(processXml('p', start('s'), serviceTask('t', 'work'), end('e'), ...chain('s', 't', 'e')));
    const key = await h.start('p', { a: 1 });
    await expect(h.engine.setVariables({ elementInstanceKey: '2251799813685999', variables: { a: 2 } })).rejects.toThrow();
    expect((await history(key)).map(brief)).toEqual([['a', 1, 'CREATED', 'CREATE_PROCESS_INSTANCE', null]]);
  });
});
