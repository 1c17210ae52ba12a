/**
 * Camunda user tasks (`zeebe:userTask`): activating the element opens a user task — a row of
 * engine.user_tasks, not a job — and the token waits until the task is completed through the
 * user task commands (commands/user-tasks.ts). Assignment, candidates, schedule and priority are
 * evaluated once, at creation, as Zeebe does; a task linking a form by id takes the latest
 * version deployed then (FORM_NOT_FOUND incident when there is none, retried on resolution).
 * Terminating the element cancels the task; the row stays, CANCELED.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateExpr, evaluateNumber, evaluateString, FeelEvaluationError, type Expr } from '../../../feel/index.js';
import type { UserTaskRow } from '../effects.js';
import { visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Activate, RuntimeContext, Tokens, Variables } from './behaviour.js';
import { openBoundaries } from './catch-events.js';
import { IncidentSignal, raiseIncident } from './incidents.js';
import { waitEvent } from './records.js';

export const activateUserTask: Activate = (t, inst, el, node) => {
  const task = newTask(t.ctx, inst, el, node);
  const formId = node.userTask!.formId;
  if (formId) t.pend({ kind: 'userTaskForm', inst, elementKey: el.key, formId, task });
  else openUserTask(t, inst, el, node, task);
};

/** The form was looked up (commands resolve `userTaskForm`): the task opens, or the step stops with an incident. */
export function formResolved(t: Tokens, inst: InstanceRow, elementKey: string, formId: string, task: UserTaskRow, formKey: string | undefined): void {
  const el = inst.doc.els[elementKey];
  if (!el || inst.state !== 'ACTIVE' || el.userTask) return;
  if (!formKey) {
    raiseIncident(
      t.ctx,
      inst,
      el,
      'FORM_NOT_FOUND',
      `Expected to find a form with id '${formId}', but no form with this id is deployed. Deploy it, then resolve this incident.`,
      'activate',
    );
    return;
  }
  openUserTask(t, inst, el, t.node(inst, el.id), { ...task, form_key: formKey });
}

function openUserTask(t: Tokens, inst: InstanceRow, el: ElementInstance, node: FlowNode, task: UserTaskRow): void {
  el.userTask = task.key;
  t.ctx.effects.createUserTask(task);
  userTaskEvent(t.ctx, inst, el, task.key, 'CREATED', {
    assignee: task.assignee,
    candidateGroups: task.candidate_groups,
    candidateUsers: task.candidate_users,
    dueDate: task.due_date,
    followUpDate: task.follow_up_date,
    priority: task.priority,
    formKey: task.form_key,
  });
  t.markActivated(inst, el, node);
  openBoundaries(t, inst, el, node);
}

/** The task was completed: the element completes with the completion's variables. */
export function completeUserTask(t: Tokens, inst: InstanceRow, el: ElementInstance, variables: Variables, action: string): void {
  const key = el.userTask!;
  t.ctx.effects.changeUserTask(key, { state: 'COMPLETED', completed_at: t.ctx.now });
  userTaskEvent(t.ctx, inst, el, key, 'COMPLETED', { action, variables: Object.keys(variables) });
  delete el.userTask;
  t.queueComplete(inst, el.key, variables);
}

/** The element is terminated (boundary event, cancellation): its task is canceled. */
export function cancelUserTask(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance): void {
  const key = el.userTask!;
  ctx.effects.changeUserTask(key, { state: 'CANCELED', completed_at: ctx.now });
  userTaskEvent(ctx, inst, el, key, 'CANCELED', {});
  delete el.userTask;
}

/** The USER_TASK record of a change, as Zeebe writes one per intent. */
export function userTaskEvent(
  ctx: RuntimeContext,
  inst: InstanceRow,
  el: ElementInstance,
  userTaskKey: string,
  intent: string,
  payload: Record<string, unknown>,
): void {
  waitEvent(ctx, inst, el, 'USER_TASK', intent, { userTaskKey, ...payload });
}

function newTask(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, node: FlowNode): UserTaskRow {
  const ut = node.userTask!;
  const vars = visibleVariables(inst.doc, el.key);
  try {
    const priority = ut.priority ? Math.trunc(evaluateNumber(ut.priority, vars, 'the priority')) : 50;
    if (!(priority >= 0 && priority <= 100)) throw new FeelEvaluationError(`expected the priority to be a number from 0 to 100, but got ${priority}`);
    return {
      key: ctx.keys.next(),
      state: 'CREATED',
      process_instance_key: inst.key,
      element_instance_key: el.key,
      element_id: el.id,
      name: node.name ?? null,
      bpmn_process_id: inst.bpmnProcessId,
      definition_key: inst.definitionKey,
      version: inst.version,
      assignee: ut.assignee ? evaluateString(ut.assignee, vars, 'the assignee') || null : null,
      candidate_groups: ut.candidateGroups ? toList(ut.candidateGroups, vars, 'candidate groups') : [],
      candidate_users: ut.candidateUsers ? toList(ut.candidateUsers, vars, 'candidate users') : [],
      due_date: ut.dueDate ? toDate(ut.dueDate, vars, 'the due date') : null,
      follow_up_date: ut.followUpDate ? toDate(ut.followUpDate, vars, 'the follow-up date') : null,
      priority,
      form_key: null,
      external_form_reference: ut.externalReference ? evaluateString(ut.externalReference, vars, 'the external form reference') : null,
      custom_headers: ut.headers ?? {},
      created_at: ctx.now,
      completed_at: null,
    };
  } catch (e) {
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
  }
}

/** Candidate groups or users: a FEEL list of strings, or a comma-separated string (Zeebe accepts both). */
export function toList(expr: Expr, vars: Variables, what: string): string[] {
  const v = evaluateExpr(expr, vars);
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new FeelEvaluationError(`expected ${what} to be a list of strings or a comma-separated string, but got ${JSON.stringify(v)}`);
}

/** A due or follow-up date: an ISO 8601 date-time. */
export function toDate(expr: Expr, vars: Variables, what: string): string {
  const v = evaluateExpr(expr, vars);
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  throw new FeelEvaluationError(`expected ${what} to be an ISO 8601 date-time, but got ${JSON.stringify(v)}`);
}
