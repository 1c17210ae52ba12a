/**
 * The two variants of bench/engine-throughput.ts (`--tasks job|user`): the process each deploys,
 * and each task's timeline as the event log and the driver tell it.
 */
import type { Queryable } from '../../src/db/index.js';

export const STEPS = 5;

export type TaskKind = 'job' | 'user';

/** The job types (job) or candidate groups (user) of the steps: one per step, or one for all. */
export function lanes(tasks: TaskKind, types: 'distinct' | 'single'): string[] {
  const base = tasks === 'job' ? 'bench-step' : 'bench-agency';
  return types === 'distinct' ? Array.from({ length: STEPS }, (_, i) => `${base}-${i + 1}`) : [base];
}

/** start → step1 … step5 → end; the steps service tasks (job) or Camunda user tasks (user). */
export function processXml(tasks: TaskKind, types: 'distinct' | 'single'): string {
  const names = lanes(tasks, types);
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const lane = names[types === 'distinct' ? i : 0];
    return tasks === 'job'
      ? `<bpmn:serviceTask id="step${i + 1}"><bpmn:extensionElements><zeebe:taskDefinition type="${lane}"/></bpmn:extensionElements></bpmn:serviceTask>`
      : `<bpmn:userTask id="step${i + 1}"><bpmn:extensionElements><zeebe:userTask/><zeebe:assignmentDefinition candidateGroups="${lane}"/></bpmn:extensionElements></bpmn:userTask>`;
  });
  const ids = ['start', ...steps.map((_, i) => `step${i + 1}`), 'end'];
  const flows = ids.slice(1).map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench" targetNamespace="http://lienthong.vn/bench">
  <bpmn:process id="bench-throughput" isExecutable="true">
    <bpmn:startEvent id="start"/>
    ${steps.join('\n    ')}
    <bpmn:endEvent id="end"/>
    ${flows.join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}

export interface TaskTimes {
  /** created → completion committed, ms, one per acknowledged task. */
  total: number[];
  /** created → activated (job) or found by the inbox's search (user), and from there → committed. */
  toTake: number[];
  toComplete: number[];
  /** JOB or USER_TASK COMPLETED events of these instances. */
  completedEvents: number;
  valueType: 'JOB' | 'USER_TASK';
}

/**
 * Each task's timeline: created (its CREATED event's `at`), taken (the last JOB ACTIVATED event,
 * or `found`: when a search returned the user task) and `acked` (its completion resolved here).
 */
export async function taskTimes(
  db: Queryable,
  tasks: TaskKind,
  instanceKeys: string[],
  acked: Map<string, number>,
  found: Map<string, number> = new Map(),
): Promise<TaskTimes> {
  const [valueType, keyField] = tasks === 'job' ? (['JOB', 'jobKey'] as const) : (['USER_TASK', 'userTaskKey'] as const);
  const { rows: evs } = await db.query<{ task: string; intent: string; at: number }>(
    `select payload->>$3 as task, intent, (extract(epoch from at) * 1000)::float8 as at
       from engine.events
      where value_type = $2 and intent in ('CREATED', 'ACTIVATED', 'COMPLETED')
        and process_instance_key = any($1::bigint[])`,
    [instanceKeys, valueType, keyField],
  );
  const created = new Map<string, number>();
  const taken = new Map(found);
  let completedEvents = 0;
  for (const e of evs) {
    if (e.intent === 'CREATED') created.set(e.task, e.at);
    else if (e.intent === 'ACTIVATED') taken.set(e.task, Math.max(taken.get(e.task) ?? 0, e.at));
    else completedEvents++;
  }
  const out: TaskTimes = { total: [], toTake: [], toComplete: [], completedEvents, valueType };
  for (const [task, c] of created) {
    const a = taken.get(task);
    const done = acked.get(task);
    if (done === undefined) continue;
    out.total.push(done - c);
    if (a !== undefined) {
      out.toTake.push(a - c);
      out.toComplete.push(done - a);
    }
  }
  return out;
}
