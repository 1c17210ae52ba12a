/**
 * The Camunda user task commands: assign, unassign, update, complete. Each locks the task's
 * instance (so it runs in order with the instance's other commands), reads the task, and records
 * a USER_TASK event with the `action` the caller named. A task that has ended (completed,
 * canceled) is NotFound, as on Zeebe, whose state keeps only open tasks; assigning over someone
 * else with `allowOverride: false` is a Conflict. Completions are group-committed
 * (UserTaskCompletions below).
 */
import { Conflict, Invalid, NotFound } from '../../../errors.js';
import type { AssignUserTaskRequest, CompleteUserTaskRequest, UpdateUserTaskRequest, Variables } from '../../port.js';
import type { Command, EngineCore } from '../core.js';
import { isKey } from '../definitions.js';
import type { UserTaskChange } from '../effects.js';
import { completeUserTask as completeTask, userTaskEvent } from '../runtime/user-task.js';
import { lockInstanceOfUserTask, lockInstancesOfUserTasks } from '../sql/lockInstance.js';
import { GroupCommit } from './group-commit.js';
import { userTaskState, type UserTaskState } from '../sql/userTasks.js';
import { checkVariables, type ElementInstance, type InstanceRow } from '../state.js';

type Body = (c: Command, inst: InstanceRow, el: ElementInstance, task: UserTaskState) => void;

/** A command on an open user task: its instance locked, its element and its row found. */
async function userTaskCommand(core: EngineCore, userTaskKey: string, body: Body): Promise<void> {
  if (!isKey(userTaskKey)) throw new NotFound(`user task ${userTaskKey} not found`);
  await core.command(async (c) => {
    const inst = await lockInstanceOfUserTask(c.q, userTaskKey);
    const task = inst ? await userTaskState(c.q, userTaskKey) : undefined;
    const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.userTask === userTaskKey) : undefined;
    if (!inst || !task) throw new NotFound(`user task ${userTaskKey} not found`);
    if (!el || task.state !== 'CREATED') {
      throw new NotFound(`user task ${userTaskKey} not found: it is ${task.state.toLowerCase()} (only a created task can be changed)`);
    }
    await core.use(c, inst.definitionKey);
    // Assignments and updates change only the task: the instance document is not rewritten.
    body(c, inst, el, task);
  });
}

export async function assignUserTask(core: EngineCore, req: AssignUserTaskRequest): Promise<void> {
  const assignee = typeof req.assignee === 'string' ? req.assignee.trim() : '';
  if (!assignee) throw new Invalid('assignee must be a non-empty string');
  await userTaskCommand(core, req.userTaskKey, (c, inst, el, task) => {
    if (req.allowOverride === false && task.assignee && task.assignee !== assignee) {
      throw new Conflict(`user task ${req.userTaskKey} is assigned to '${task.assignee}' already (allowOverride is false)`);
    }
    change(c, inst, el, task.key, { assignee }, 'ASSIGNED', req.action ?? 'assign');
  });
}

export async function unassignUserTask(core: EngineCore, userTaskKey: string, action?: string): Promise<void> {
  await userTaskCommand(core, userTaskKey, (c, inst, el, task) => change(c, inst, el, task.key, { assignee: null }, 'ASSIGNED', action ?? 'unassign'));
}

export async function updateUserTask(core: EngineCore, req: UpdateUserTaskRequest): Promise<void> {
  const set = checkChangeset(req.changeset ?? {});
  await userTaskCommand(core, req.userTaskKey, (c, inst, el, task) => change(c, inst, el, task.key, set, 'UPDATED', req.action ?? 'update'));
}

interface Completion {
  userTaskKey: string;
  variables: Variables;
  action: string;
}

/**
 * CompleteUserTask, group-committed as job completions are (group-commit.ts): an inbox completing
 * many tasks pays one transaction, one lock statement and one commit per batch, not per task. A
 * task is open while its element holds its key (`el.userTask`, read under the instance lock), so
 * the task row is read only to name why a completion is refused.
 */
export class UserTaskCompletions {
  private readonly group: GroupCommit<Completion>;

  constructor(core: EngineCore) {
    this.group = new GroupCommit(core, {
      batch: (c, items) => completeBatch(core, c, items),
      one: (x) =>
        core.command(async (c) => {
          const refused = (await completeBatch(core, c, [x])).get(x);
          if (refused) throw refused;
        }),
      keysPerItem: 256,
    });
  }

  async complete(req: CompleteUserTaskRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!isKey(req.userTaskKey)) throw new NotFound(`user task ${req.userTaskKey} not found`);
    return this.group.submit({ userTaskKey: req.userTaskKey, variables, action: req.action ?? 'complete' });
  }
}

async function completeBatch(core: EngineCore, c: Command, batch: Completion[]): Promise<Map<Completion, Error>> {
  const refused = new Map<Completion, Error>();
  const instanceOfTask = await lockInstancesOfUserTasks(
    c.q,
    batch.map((x) => x.userTaskKey),
  );
  for (const x of batch) {
    const inst = instanceOfTask.get(x.userTaskKey);
    // Found again after the batch's earlier completions: one of them may have ended this task.
    const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.userTask === x.userTaskKey) : undefined;
    if (!inst || !el) {
      refused.set(x, await notOpen(c, x.userTaskKey));
      continue;
    }
    await core.use(c, inst.definitionKey);
    c.fx.track(inst, false);
    c.runtime.ctx.cause = { command: 'COMPLETE_USER_TASK', userTaskKey: x.userTaskKey };
    completeTask(c.runtime, inst, el, x.variables, x.action);
    c.runtime.resume();
  }
  return refused;
}

/** Why a user task cannot be completed: it does not exist, or it has ended. */
async function notOpen(c: Command, userTaskKey: string): Promise<NotFound> {
  const task = await userTaskState(c.q, userTaskKey);
  if (!task) return new NotFound(`user task ${userTaskKey} not found`);
  const state = task.state === 'CREATED' ? 'ended by another completion in this command' : task.state.toLowerCase();
  return new NotFound(`user task ${userTaskKey} not found: it is ${state} (only a created task can be changed)`);
}

function change(c: Command, inst: InstanceRow, el: ElementInstance, key: string, set: UserTaskChange, intent: string, action: string): void {
  c.fx.changeUserTask(key, set);
  userTaskEvent(c.runtime.ctx, inst, el, key, intent, { action, changedAttributes: Object.keys(set), ...camelCase(set) });
}

function camelCase(set: UserTaskChange): Record<string, unknown> {
  return Object.fromEntries(Object.entries(set).map(([k, v]) => [k.replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase()), v]));
}

/** Camunda's changeset: only the fields given change; null clears a date. */
function checkChangeset(cs: NonNullable<UpdateUserTaskRequest['changeset']>): UserTaskChange {
  const out: UserTaskChange = {};
  const date = (name: 'dueDate' | 'followUpDate', column: 'due_date' | 'follow_up_date') => {
    const v = cs[name];
    if (v === undefined) return;
    if (v !== null && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) throw new Invalid(`changeset.${name} must be an ISO 8601 date-time or null`);
    out[column] = v === null ? null : new Date(v).toISOString();
  };
  date('dueDate', 'due_date');
  date('followUpDate', 'follow_up_date');
  const list = (name: 'candidateGroups' | 'candidateUsers', column: 'candidate_groups' | 'candidate_users') => {
    const v = cs[name];
    if (v === undefined) return;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== ''))
      throw new Invalid(`changeset.${name} must be a list of non-empty strings`);
    out[column] = v.map((x) => x.trim());
  };
  list('candidateGroups', 'candidate_groups');
  list('candidateUsers', 'candidate_users');
  if (cs.priority !== undefined) {
    if (!Number.isInteger(cs.priority) || cs.priority < 0 || cs.priority > 100) throw new Invalid('changeset.priority must be a whole number from 0 to 100');
    out.priority = cs.priority;
  }
  return out;
}
