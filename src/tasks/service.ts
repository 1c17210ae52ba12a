/**
 * The agency inbox as officials use it: list, look at, claim, give back, assign, complete. Every
 * method takes the acting user and checks on the server what they may see and do (scope.ts);
 * every change is one guarded UPDATE (sql/transitions.ts) and its audit row, in one transaction.
 */
import { activeAccount } from '../accounts/index.js';
import { appendAudit } from '../audit/index.js';
import type { Db, Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import type { WorkflowEngine } from '../engine/port.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { reportedProblem } from '../schemas.js';
import { auditedTask, INBOX_ACTOR, settleCompletion, withdraw, type StepClocks, type StepEngine, type TaskCompletedHook } from './completion.js';
import { DecisionForms, type FormLookup, type TaskForm } from './decisions.js';
import { MAX_PAGE_SIZE, listTasks } from './sql/listTasks.js';
import { taskById } from './sql/taskById.js';
import * as tr from './sql/transitions.js';
import { checkActor, checkMayAct, isCounterKind, mayOverride } from './scope.js';
import type { Actor, ListFilter, TaskPage, TaskRow } from './types.js';

/** The engine as the inbox service uses it: completions, and the assignee of Camunda user tasks. */
export type TaskEngine = StepEngine & Pick<WorkflowEngine, 'assignUserTask' | 'unassignUserTask'>;

export interface TaskServiceOptions {
  db: Db;
  engine: TaskEngine;
  sla?: StepClocks;
  clock?: Clock;
  /** Where the tasks' Camunda forms are read: the engine's queries (engine/queries.ts). */
  forms: FormLookup;
  /** Told after each change of a task has committed (the inbox's live feed). */
  onChange?: (t: TaskRow) => void;
  /** The dossier room's hook, in the transaction that finishes a task (completion.ts). */
  onTaskCompleted?: TaskCompletedHook;
}

const KEY = /^[1-9]\d{0,18}$/;
const INT64_MAX = 9223372036854775807n;

export class TaskService {
  private readonly db: Db;
  private readonly engine: TaskEngine;
  private readonly sla?: StepClocks;
  private readonly clock: Clock;
  readonly decisions: DecisionForms;
  private readonly onChange?: (t: TaskRow) => void;
  private readonly onTaskCompleted?: TaskCompletedHook;

  constructor(opts: TaskServiceOptions) {
    this.db = opts.db;
    this.engine = opts.engine;
    this.sla = opts.sla;
    this.clock = opts.clock ?? systemClock;
    this.decisions = new DecisionForms(opts.forms);
    this.onChange = opts.onChange;
    this.onTaskCompleted = opts.onTaskCompleted;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  async list(actor: Actor, filter: ListFilter = {}): Promise<TaskPage> {
    const a = checkActor(actor);
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? undefined;
    if (!Number.isInteger(page) || page < 1)
      throw new Invalid('page must be a positive integer', [
        reportedProblem('/page', 'phải là số nguyên từ 1 trở lên', 'must be an integer ≥ 1', 'must be >= 1'),
      ]);
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
      throw new Invalid(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`, [
        reportedProblem('/pageSize', `phải là số nguyên từ 1 đến ${MAX_PAGE_SIZE}`, `must be from 1 to ${MAX_PAGE_SIZE}`),
      ]);
    }
    if (filter.dueSoon !== undefined && !(Number.isFinite(filter.dueSoon) && filter.dueSoon > 0)) {
      throw new Invalid('dueSoon must be a positive number of hours', [
        reportedProblem('/dueSoon', 'phải là số giờ lớn hơn 0', 'must be a number of hours > 0', 'must be > 0'),
      ]);
    }
    return listTasks(this.db, a, filter, this.now());
  }

  /**
   * `get(actor, id)`: a task the caller may see (NotFound otherwise).
   * `get(q, id)`: any task, in the caller's transaction — for the dossier room, which checks
   * its own rules (NotFound when there is no such task).
   */
  async get(who: Actor | Queryable, id: string): Promise<TaskRow> {
    if (isQueryable(who)) return this.found(await this.byId(who, id), id);
    const actor = checkActor(who);
    return this.found(await this.byId(this.db, id, actor), id);
  }

  async claim(actor: Actor, id: string): Promise<TaskRow> {
    const a = this.acting(actor);
    this.checkId(id);
    const at = this.now();
    const done = await this.db.tx(async (q) => {
      const t = await tr.claim(q, id, a, at);
      if (t) await this.audit(q, a, t, 'task.claimed', at, { assignee: a.username });
      return t;
    });
    if (done) return this.mirrorAssignee(done, 'claim');
    const t = this.found(await this.byId(this.db, id, a), id);
    if (t.state === 'claimed' && t.assignee === a.username) return t; // claiming twice is claiming once
    throw this.notPossible(t, a, 'nhận (claim)');
  }

  async unclaim(actor: Actor, id: string): Promise<TaskRow> {
    const a = this.acting(actor);
    this.checkId(id);
    const at = this.now();
    const done = await this.db.tx(async (q) => {
      const t = await tr.unclaim(q, id, a, mayOverride(a));
      if (t) await this.audit(q, a, t, 'task.unclaimed', at, {});
      return t;
    });
    if (done) return this.mirrorAssignee(done, 'unclaim');
    const t = this.found(await this.byId(this.db, id, a), id);
    if (t.state === 'open') return t;
    if (t.state === 'claimed') {
      throw new Forbidden(`chỉ ${t.assignee} (người đã nhận) mới trả lại được công việc ${t.id} (only its assignee may give task ${t.id} back)`);
    }
    throw this.notPossible(t, a, 'trả lại (unclaim)');
  }

  /** Gives the task to `to`, an active officer of the task's agency (counter staff for counter steps). */
  async assign(actor: Actor, id: string, to: string): Promise<TaskRow> {
    const a = this.acting(actor);
    this.checkId(id);
    if (typeof to !== 'string' || !to.trim())
      throw new Invalid('username is required', [reportedProblem('/username', 'phải là tên đăng nhập', 'must be a username')]);
    const at = this.now();
    const t = this.found(await this.byId(this.db, id, a), id);
    const done = await this.db.tx(async (q) => {
      await this.checkAssignee(q, t, to);
      const moved = await tr.assign(q, id, a, to, at, mayOverride(a));
      if (moved) await this.audit(q, a, moved, 'task.assigned', at, { from: t.assignee, to });
      return moved;
    });
    if (done) return this.mirrorAssignee(done, 'assign');
    const now = this.found(await this.byId(this.db, id, a), id);
    if (now.state === 'claimed') {
      throw new Conflict(
        `công việc ${now.id} đang do ${now.assignee} xử lý; chỉ người đó hoặc quản trị mới giao lại được (task ${now.id} is claimed by ${now.assignee}; only they or an admin may reassign it)`,
        { taskId: now.id, state: now.state, assignee: now.assignee },
      );
    }
    throw this.notPossible(now, a, 'giao (assign)');
  }

  /**
   * Completes the task with the official's decision: validated by the task's schema, then the
   * guarded move to `completing` (of two concurrent completions exactly one gets the row; the
   * other gets Conflict), then the engine's CompleteJob with the decision as variables, then the
   * task is finished, its step clock stopped and the decision audited (completion.ts).
   */
  async complete(actor: Actor, id: string, decision: unknown): Promise<TaskRow> {
    const a = this.acting(actor);
    this.checkId(id);
    const t = this.found(await this.byId(this.db, id, a), id);
    const value = await this.decisions.check(t, decision);
    const at = this.now();
    const begun = await this.db.tx((q) => tr.beginCompletion(q, id, a, value, at, mayOverride(a)));
    if (!begun) throw this.notPossible(this.found(await this.byId(this.db, id, a), id), a, 'hoàn thành (complete)');
    return this.changed(
      await settleCompletion({ db: this.db, engine: this.engine, sla: this.sla, clock: this.clock, onTaskCompleted: this.onTaskCompleted }, begun, a, 'live'),
    );
  }

  /**
   * The dossier was refused, stopped or withdrawn: its unfinished tasks leave every inbox. In the
   * caller's transaction; the dossier room cancels the instance and the dossier's clocks.
   */
  async cancelOpenTasks(q: Queryable, dossierCode: string, at: Date, by?: Actor): Promise<TaskRow[]> {
    const gone = await tr.cancelDossierTasks(q, dossierCode, at);
    for (const t of gone) {
      await appendAudit(q, {
        actor: by?.username ?? INBOX_ACTOR,
        role: by?.role ?? 'system',
        agency: t.agencyCode,
        dossierCode,
        action: 'task.cancelled',
        at,
        payload: { ...auditedTask(t), assignee: t.assignee },
      });
    }
    return gone;
  }

  /**
   * The dossier room cancelled process instance `processInstanceKey` (a second instance of a
   * dossier, not its own): its open tasks leave every inbox now, their step clocks cancelled, as
   * the sweep would withdraw them within the hour. Returns how many.
   */
  async withdrawInstanceTasks(processInstanceKey: string): Promise<number> {
    let n = 0;
    for (const t of await tr.openTasksOfInstance(this.db, processInstanceKey)) {
      if (await withdraw({ db: this.db, sla: this.sla, clock: this.clock }, t, 'engine')) n++;
    }
    return n;
  }

  /** The calendar changed: each unfinished task of the dossier takes `recount(its due date)`, in the caller's transaction. */
  async recountDueDates(q: Queryable, dossierCode: string, recount: (due: Date) => Date): Promise<number> {
    let n = 0;
    for (const t of await tr.datedOpenTasks(q, dossierCode)) {
      const due = recount(t.dueAt);
      if (due.getTime() === t.dueAt.getTime()) continue;
      await tr.setTaskDue(q, t.id, due);
      n++;
    }
    return n;
  }

  /** The Camunda form of a task the caller may see: the page renders it, the server checks decisions against it. */
  async form(actor: Actor, id: string): Promise<TaskForm> {
    return this.decisions.formFor(await this.get(actor, id));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * A Camunda user task's assignee follows the inbox's, so /v2/user-tasks and Camunda's tools
   * show who holds it. The inbox row is what officials work from: when the engine cannot take
   * the change (the task just ended), the inbox's answer stands and the follower settles the row.
   */
  private async mirrorAssignee(t: TaskRow, action: string): Promise<TaskRow> {
    this.changed(t);
    if (!t.userTaskKey) return t;
    const change = t.assignee
      ? this.engine.assignUserTask({ userTaskKey: t.userTaskKey, assignee: t.assignee, action })
      : this.engine.unassignUserTask(t.userTaskKey, action);
    await change.catch(() => undefined);
    return t;
  }

  /** Tells the live feed (after the commit); a listener's failure is not the caller's. */
  private changed(t: TaskRow): TaskRow {
    try {
      this.onChange?.(t);
    } catch {
      // the feed is a convenience: the inbox's state is in the database
    }
    return t;
  }

  private acting(actor: Actor): Actor {
    const a = checkActor(actor);
    checkMayAct(a);
    return a;
  }

  private async byId(q: Queryable, id: string, actor?: Actor): Promise<TaskRow | undefined> {
    if (!isTaskId(id)) return undefined;
    return taskById(q, id, actor);
  }

  /** An id that cannot be a task's is not found (before any SQL sees it). */
  private checkId(id: string): string {
    if (!isTaskId(id)) throw new NotFound(`không tìm thấy công việc ${String(id)} (task ${String(id)} not found)`);
    return id;
  }

  private found(t: TaskRow | undefined, id: string): TaskRow {
    if (!t) throw new NotFound(`không tìm thấy công việc ${id} (task ${id} not found)`);
    return t;
  }

  /** Why a guarded transition matched nothing, for a task the caller can see. */
  private notPossible(t: TaskRow, a: Actor, what: string): Conflict {
    const base = `không thể ${what} công việc ${t.id}`;
    switch (t.state) {
      case 'completing':
      case 'completed':
        return new Conflict(
          `${base}: đã được ${t.completedBy ?? 'người khác'} hoàn thành (task ${t.id} was already completed by ${t.completedBy ?? 'someone else'})`,
          {
            taskId: t.id,
            state: t.state,
            completedBy: t.completedBy,
          },
        );
      case 'cancelled':
        return new Conflict(`${base}: công việc đã bị hủy (task ${t.id} was cancelled)`, { taskId: t.id, state: t.state });
      case 'claimed':
        return new Conflict(`${base}: đang do ${t.assignee} xử lý (task ${t.id} is claimed by ${t.assignee})`, {
          taskId: t.id,
          state: t.state,
          assignee: t.assignee,
        });
      default:
        return new Conflict(`${base} (task ${t.id} changed meanwhile; try again)`, { taskId: t.id, state: t.state, by: a.username });
    }
  }

  private async checkAssignee(q: Queryable, t: TaskRow, to: string): Promise<void> {
    const u = await activeAccount(q, to);
    const roles = isCounterKind(t.agencyKind) ? ['counter', 'officer'] : ['officer'];
    const ok = t.dossierCode === null ? !!u : !!u && u.agencyCode === t.agencyCode && roles.includes(u.role);
    if (!ok) {
      throw new Invalid(
        `'${to}' không phải cán bộ đang làm việc của cơ quan ${t.agencyCode} (no active ${roles.join(' or ')} '${to}' in agency ${t.agencyCode})`,
        [
          reportedProblem(
            '/username',
            `phải là cán bộ đang làm việc của cơ quan ${t.agencyCode}`,
            `must be an active ${roles.join(' or ')} of agency ${t.agencyCode}`,
          ),
        ],
      );
    }
  }

  private async audit(q: Queryable, a: Actor, t: TaskRow, action: string, at: Date, extra: Record<string, unknown>): Promise<void> {
    await appendAudit(q, {
      actor: a.username,
      role: a.role,
      agency: a.agencyCode ?? t.agencyCode,
      dossierCode: t.dossierCode,
      action,
      at,
      payload: { taskId: t.id, elementId: t.elementId, name: t.name, agencyCode: t.agencyCode, ...extra },
    });
  }
}

function isTaskId(id: unknown): id is string {
  return typeof id === 'string' && KEY.test(id) && BigInt(id) <= INT64_MAX;
}

function isQueryable(x: unknown): x is Queryable {
  return !!x && typeof (x as Queryable).query === 'function';
}
