/**
 * The driver of `bench/engine-throughput.ts --tasks user`: the steps are Camunda user tasks
 * (`zeebe:userTask`, no job), each step's tasks offered to one candidate group, and an inbox per
 * group completes them through the API (`completeUserTask`), as the back end of a task list does.
 *
 * How an inbox learns of its tasks, and why this way. A job worker is told the *type* of each new
 * job (engine_jobs notifications) and then takes up to its free slots in one statement that also
 * hands them out (activateJobs). A user task has no activation: it is open (CREATED) until someone
 * completes it, and `onUserTaskChanged` carries a task's key and state (and, on a creation, its
 * candidate groups) for creations and completions alike. So an inbox does what a task list does: on a hint — or every second, since
 * hints may be lost (the port calls them hints) — it searches its group's open tasks, oldest
 * first (`searchUserTasks`: state CREATED, candidateGroup, sort creationDate), one page of as many
 * as it has free slots, leaving out those it is completing already (`userTaskKey $notIn`). That
 * is the job worker's loop with the search in the place of activateJobs (worker.ts): the same
 * concurrency, the same "fetch when no more than 30 % of the slots are busy", the same coalescing
 * of hints that arrive during a fetch into one more fetch, the same 1 s fallback poll.
 *
 * Rejected as unfair or unrealistic: completing the hinted key straight away (a key alone does
 * not say whether the task is new, whose it is or which step; and the read side would not be
 * exercised at all); fetching each hinted task with getUserTask, as the service's own follower
 * does (src/tasks/user-task-follower.ts: it must also see completions and cancellations made
 * elsewhere, so it reads every hinted task and then searches the ones created lately) — a round
 * trip per hint, two hints per task, more than an inbox that only completes needs; and polling only
 * (half the interval of latency, or a search loop that runs whether or not anything changed). So
 * the driver here is the cheaper of the realistic ones: if user tasks fall behind jobs, the cause
 * is not the driver. A creation's hint names the task's candidate groups, so it pokes only their
 * inboxes (as a job notification names its type); a hint without groups pokes every inbox; hints
 * about the tasks this process completed are dropped (an inbox knows what it just closed).
 */
import type { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import type { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import type { UserTaskFilter, UserTaskItem } from '../../src/engine/queries.js';

export interface InboxOptions {
  /** The candidate groups, one inbox each. */
  groups: string[];
  /** Tasks each inbox completes at once. */
  concurrency: number;
  /** Works one task; resolves when its completion has committed. */
  handler: (task: UserTaskItem, inbox: string) => Promise<void>;
  onError: (e: unknown, inbox: string) => void;
  pollInterval?: number;
}

export interface InboxStats {
  /** Hints received, and those dropped as being about this process's own completions. */
  hints: number;
  ownHints: number;
  /** searchUserTasks calls, those that found nothing, and tasks found. */
  searches: number;
  emptySearches: number;
  found: number;
  /** Task key → when a search returned it (Date.now()). */
  foundAt: Map<string, number>;
}

export class UserTaskInboxes {
  readonly stats: InboxStats = { hints: 0, ownHints: 0, searches: 0, emptySearches: 0, found: 0, foundAt: new Map() };
  private readonly inboxes: Inbox[];
  /** Keys this process is completing or has completed, whose notification is still to come. */
  private readonly own = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    engine: EmbeddedEngine,
    queries: EmbeddedEngineQueries,
    private readonly o: InboxOptions,
  ) {
    this.inboxes = o.groups.map((g) => new Inbox(queries, g, o, this.stats, this.own));
    this.unsubscribe = engine.onUserTaskChanged((key, hint) => {
      this.stats.hints++;
      if (this.own.delete(key)) {
        this.stats.ownHints++;
        return;
      }
      const groups = hint.candidateGroups;
      for (const i of this.inboxes) if (!groups || groups.includes(i.group)) i.poke();
    });
    for (const i of this.inboxes) i.start();
  }

  /** Forget the counters (after the warm-up). */
  reset(): void {
    Object.assign(this.stats, { hints: 0, ownHints: 0, searches: 0, emptySearches: 0, found: 0 });
    this.stats.foundAt.clear();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all(this.inboxes.map((i) => i.close()));
  }
}

class Inbox {
  private readonly inHand = new Set<string>();
  private fetching = false;
  private again = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private drained?: () => void;

  constructor(
    private readonly queries: EmbeddedEngineQueries,
    readonly group: string,
    private readonly o: InboxOptions,
    private readonly stats: InboxStats,
    private readonly own: Set<string>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), this.o.pollInterval ?? 1_000);
    this.timer.unref();
    this.poke();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.inHand.size > 0 || this.fetching) await new Promise<void>((r) => (this.drained = r));
  }

  /** As PortJobWorker.poke (engine/worker.ts): a poke during a search makes it search once more. */
  poke(): void {
    if (this.closed) return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    if (this.inHand.size > Math.round(this.o.concurrency * 0.3)) return;
    void this.fetch();
  }

  private async fetch(): Promise<void> {
    this.fetching = true;
    try {
      do {
        this.again = false;
        const room = this.o.concurrency - this.inHand.size;
        if (room <= 0 || this.closed) break;
        const filter: UserTaskFilter = { state: 'CREATED', candidateGroup: this.group };
        if (this.inHand.size) filter.userTaskKey = { $notIn: [...this.inHand] };
        let items: UserTaskItem[];
        try {
          this.stats.searches++;
          ({ items } = await this.queries.searchUserTasks({ filter, sort: [{ field: 'creationDate', order: 'ASC' }], page: { limit: room } }));
        } catch (e) {
          this.o.onError(e, this.group);
          break;
        }
        if (!items.length) this.stats.emptySearches++;
        const now = Date.now();
        for (const task of items) {
          this.stats.found++;
          this.stats.foundAt.set(task.userTaskKey, now);
          this.run(task);
        }
        if (items.length === room) this.again = true;
      } while (this.again && !this.closed);
    } finally {
      this.fetching = false;
      this.maybeDrained();
    }
  }

  private run(task: UserTaskItem): void {
    const key = task.userTaskKey;
    this.inHand.add(key);
    this.own.add(key);
    void (async () => {
      try {
        await this.o.handler(task, this.group);
      } catch (e) {
        this.own.delete(key);
        this.o.onError(e, this.group);
      } finally {
        this.inHand.delete(key);
        this.maybeDrained();
        this.poke();
      }
    })();
  }

  private maybeDrained(): void {
    if (this.closed && this.inHand.size === 0 && !this.fetching) this.drained?.();
  }
}
