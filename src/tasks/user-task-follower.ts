/**
 * The inbox's follower of Camunda user tasks (`zeebe:userTask`). Such a task is not a job: nothing
 * is handed out, so the inbox watches the engine's user tasks instead and keeps one inbox row per
 * task:
 *
 *   created   → the row, its step clock, its audit row and the dossier hook (persist.ts), once;
 *   completed → nothing if the inbox completed it (its own completion settles the row); if it was
 *               completed elsewhere (/v2/user-tasks), the row is completed and its clock judged;
 *   canceled  → the row is withdrawn (an interrupting event, a cancelled instance), its clock cancelled.
 *
 * How it hears of them, cheapest first: the engine's hint (`onUserTaskChanged`, the database's
 * notification at commit) names the task; each poll also searches the tasks created since the
 * newest one seen, less an overlap (commits land out of creation order, so a task created a moment
 * before another may commit after it); and the sweep (at start, then hourly) walks every open task
 * and every unfinished row, which repairs whatever a crash or a lost hint left. Every write is
 * idempotent on the user task key, so hearing twice — or two replicas hearing — changes nothing.
 *
 * A task whose dossier's place has no office of its kind gets no row (an error naming what to add
 * is reported) and is tried again at every sweep.
 */
import type { EngineQueries, UserTaskItem } from '../engine/queries.js';
import type { WorkflowEngine } from '../engine/port.js';
import { NotFound } from '../errors.js';
import { completedOutside, withdraw } from './completion.js';
import { persistTask, type PersistDeps, type TaskSource } from './persist.js';
import { knownUserTasks, openUserTaskRows, taskByUserTaskKey } from './sql/insertTask.js';
import type { TaskRow } from './types.js';

export type FollowerQueries = Pick<EngineQueries, 'getUserTask' | 'searchUserTasks' | 'searchUserTaskVariables'>;

export interface UserTaskFollowerOptions extends PersistDeps {
  queries: FollowerQueries;
  onError: (err: unknown) => void;
  /** Tasks created up to this long before the newest seen are looked at again, ms (default 60 s). */
  overlap?: number;
}

export interface FollowResult {
  created: number;
  finished: number;
  withdrawn: number;
}

const PAGE = 200;

export class UserTaskFollower {
  private readonly heard = new Set<string>();
  /** The newest creation instant seen (epoch ms); undefined until the first full pass. */
  private newest?: number;
  private unsubscribe?: () => void;

  constructor(
    private readonly engine: Pick<WorkflowEngine, 'onUserTaskChanged'>,
    private readonly opts: UserTaskFollowerOptions,
  ) {}

  /** Listens to the engine's hints; `wake` is asked to poll soon. */
  start(wake: () => void): void {
    this.unsubscribe = this.engine.onUserTaskChanged((key) => {
      this.heard.add(key);
      wake();
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The tasks heard of, then the ones created since the newest seen (all open ones the first time). */
  async poll(): Promise<FollowResult> {
    const out: FollowResult = { created: 0, finished: 0, withdrawn: 0 };
    const keys = [...this.heard];
    this.heard.clear();
    for (const key of keys) {
      try {
        await this.apply(await this.opts.queries.getUserTask(key), out);
      } catch (e) {
        if (!(e instanceof NotFound)) this.opts.onError(e);
      }
    }
    const since = this.newest === undefined ? undefined : new Date(this.newest - (this.opts.overlap ?? 60_000)).toISOString();
    await this.createMissing(since, out);
    return out;
  }

  /** Every open task gets its row; every unfinished row whose task ended is settled. */
  async sweep(): Promise<FollowResult> {
    const out: FollowResult = { created: 0, finished: 0, withdrawn: 0 };
    await this.createMissing(undefined, out);
    let after = '0';
    for (;;) {
      const rows = await openUserTaskRows(this.opts.db, after, PAGE);
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      const { items } = await this.opts.queries.searchUserTasks({
        filter: { userTaskKey: { $in: rows.map((r) => r.userTaskKey!) } },
        page: { limit: rows.length },
      });
      const byKey = new Map(items.map((t) => [t.userTaskKey, t]));
      for (const row of rows) {
        const task = byKey.get(row.userTaskKey!);
        try {
          if (!task)
            await this.withdrawn(row, out); // the engine does not know it (any more)
          else if (task.state !== 'CREATED') await this.ended(row, task, out);
        } catch (e) {
          this.opts.onError(e);
        }
      }
    }
    return out;
  }

  /** Rows for the open tasks created since `since` (all open tasks without it) that have none. */
  private async createMissing(since: string | undefined, out: FollowResult): Promise<void> {
    for (let from = 0; ; from += PAGE) {
      const { items } = await this.opts.queries.searchUserTasks({
        filter: { state: 'CREATED', ...(since ? { creationDate: { $gte: since } } : {}) },
        sort: [{ field: 'creationDate' }],
        page: { from, limit: PAGE },
      });
      const known = await knownUserTasks(
        this.opts.db,
        items.map((t) => t.userTaskKey),
      );
      for (const t of items) {
        this.newest = Math.max(this.newest ?? 0, Date.parse(t.creationDate));
        if (known.has(t.userTaskKey)) continue;
        try {
          if ((await this.persist(t)).created) out.created++;
        } catch (e) {
          this.opts.onError(e);
        }
      }
      if (items.length < PAGE) break;
    }
    this.newest ??= 0;
  }

  private async apply(t: UserTaskItem, out: FollowResult): Promise<void> {
    if (t.state === 'CREATED') {
      if ((await this.persist(t)).created) out.created++;
      return;
    }
    const row = await taskByUserTaskKey(this.opts.db, t.userTaskKey);
    if (row) await this.ended(row, t, out);
  }

  private async ended(row: TaskRow, t: UserTaskItem, out: FollowResult): Promise<void> {
    // A completion the inbox began is settled by the inbox (completion.ts), or by its sweep after a crash.
    if (row.state !== 'open' && row.state !== 'claimed') return;
    if (t.state === 'COMPLETED') {
      if (await completedOutside(this.opts, row, new Date(t.completionDate ?? this.opts.clock.now()))) out.finished++;
    } else await this.withdrawn(row, out);
  }

  private async withdrawn(row: TaskRow, out: FollowResult): Promise<void> {
    if (await withdraw(this.opts, row, 'engine')) out.withdrawn++;
  }

  private async persist(t: UserTaskItem): Promise<{ created: boolean; task: TaskRow }> {
    // Read before the transaction: on PGlite's single connection the engine cannot be asked inside it.
    const { items } = await this.opts.queries.searchUserTaskVariables(t.userTaskKey, { page: { limit: 1000 } });
    const variables: Record<string, unknown> = {};
    for (const v of items) variables[v.name] = JSON.parse(v.value) as unknown;
    return persistTask(this.opts, userTaskSource(t, variables), t.name);
  }
}

function userTaskSource(t: UserTaskItem, variables: Record<string, unknown>): TaskSource {
  return {
    jobKey: null,
    userTaskKey: t.userTaskKey,
    bpmnProcessId: t.processDefinitionId,
    processInstanceKey: t.processInstanceKey,
    elementId: t.elementId,
    elementInstanceKey: t.elementInstanceKey,
    candidateGroups: t.candidateGroups,
    assignee: t.assignee ?? null,
    formKey: t.formKey ?? null,
    dueDate: t.dueDate ?? null,
    variables,
  };
}
