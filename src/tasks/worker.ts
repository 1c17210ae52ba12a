/**
 * The inbox worker: turns user tasks into inbox rows — Camunda user tasks through the follower
 * (user-task-follower.ts, when `userTasks` is given), and job-worker user tasks'
 * `io.camunda.zeebe:userTask` jobs as follows.
 *
 * A user-task job is not a unit of work to finish now: it waits, ACTIVATED, until an official
 * decides — days, sometimes weeks. So the worker does not use the engine's JobWorker (whose
 * handler ends in complete/fail); it activates with a SHORT timeout, persists, and only then
 * takes the job for a LONG lease:
 *
 *   engine                         inbox worker                                  database
 *   ──────                         ────────────                                  ────────
 *   ActivateJobs(timeout 60 s) ──▶ job
 *                                   BEGIN ─────────────────────────────────────▶ insert tasks … on conflict (job_key) do nothing
 *                                                                                start the step's SLA clock
 *                                                                                audit task.created (handover from → to)
 *                                                                                onTaskCreated hook (dossier room)
 *                                   COMMIT ────────────────────────────────────▶ ✔ the step exists
 *   UpdateJobTimeout(30 days) ◀──── only now
 *                                   record lease_until ────────────────────────▶
 *
 *   crash before COMMIT  → nothing was written; the 60 s timeout expires, the engine hands the
 *                          job out again, the next delivery writes the row: no step is lost.
 *   crash after COMMIT   → the row exists; the job times out after 60 s and comes back; the
 *                          insert does nothing (same job key), the lease is extended: no step is
 *                          duplicated, no second clock, audit row or hook call.
 *
 * Errors: a job whose dossier's place has no office of the task's kind fails with no retries
 * left, so it shows as an incident naming what to add (then: resolve the incident). Any other
 * failure (the hook threw, the database blinked) takes no action on the job at all: the
 * transaction rolled back and the short timeout re-delivers it — exactly the crash path.
 *
 * LEASES. Strategy: a long lease (30 days) plus a periodic sweep (hourly) that renews, for
 * another 30 days, every unfinished task whose lease ends within 7 days — a step may wait that
 * long for a citizen's supplement. If the sweep does not run in time (the service was down for
 * weeks), nothing breaks: the job times out, comes back to this worker, the insert finds the row
 * and the lease is extended again. The sweep also finishes completions a crash interrupted
 * (completion.ts) and withdraws tasks whose job is gone (an interrupting event or a cancelled
 * instance), so they leave the inbox.
 */
import { USER_TASK_JOB_TYPE } from '../bpmn/index.js';
import type { Db, Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import type { ActivatedJob, WorkflowEngine } from '../engine/port.js';
import { Conflict, NotFound } from '../errors.js';
import type { Catalog } from '../procedures/index.js';
import { INBOX_ACTOR, settleCompletion, withdraw, type StepClocks, type StepEngine, type TaskCompletedHook } from './completion.js';
import { persistTask, type PersistDeps, type TaskSource } from './persist.js';
import type { InboxDossiers } from './resolve.js';
import { AgencyNotFound } from './resolve.js';
import { UserTaskFollower, type FollowerQueries } from './user-task-follower.js';
import { leasesEndingBefore, recordLease, stalledCompletions } from './sql/leases.js';
import type { TaskRow } from './types.js';

const DAY = 86_400_000;

export interface InboxWorkerOptions {
  db: Db;
  /** The dossiers tasks belong to (the dossier room's `inboxDossiers`); without it every task is of no dossier. */
  dossiers?: InboxDossiers;
  /** The procedure catalog: step limits and names by the dossier's rule version. */
  catalog?: Pick<Catalog, 'find'>;
  sla?: StepClocks;
  clock?: Clock;
  /** Called in the transaction that created a task (not for a re-delivered job). */
  onTaskCreated?: (q: Queryable, task: TaskRow) => Promise<void>;
  /** Called in the transaction that finishes a task (completion.ts). */
  onTaskCompleted?: TaskCompletedHook;
  /** Told after a task's creation committed (the inbox's live feed). */
  onTaskCommitted?: (task: TaskRow) => void;
  /** Reservation of a freshly activated job, before its row is committed, ms (default 60 s). */
  activationTimeout?: number;
  /** Reservation once the row is committed, ms (default 30 days). */
  lease?: number;
  /** The sweep renews leases ending within this, ms (default 7 days). */
  renewBefore?: number;
  /** Between sweeps, ms (default 1 hour); 0: no background sweep (call `sweep()`). */
  sweepInterval?: number;
  /** A completion begun this long ago and not finished is finished by the sweep, ms (default 60 s). */
  stalledAfter?: number;
  /** Fallback poll when no job notification arrives, ms (default 1 s); 0: no polling (call `poll()`). */
  pollInterval?: number;
  /** Jobs activated per round (default 32). */
  batch?: number;
  worker?: string;
  /** The BPMN name of a job's element (e.g. `ElementNames` over the engine's queries); none without it. */
  elementName?: (job: ActivatedJob) => Promise<string | undefined>;
  onError?: (err: unknown, job?: ActivatedJob) => void;
  /** The engine's reads of Camunda user tasks: without them only job-worker user tasks reach the inbox. */
  userTasks?: FollowerQueries;
}

type InboxEngine = Pick<WorkflowEngine, 'activateJobs' | 'updateJobTimeout' | 'failJob' | 'onJobCreated' | 'onUserTaskChanged'> & StepEngine;

export interface SweepResult {
  renewed: number;
  finished: number;
  withdrawn: number;
}

export class InboxWorker {
  private readonly clock: Clock;
  private readonly activationTimeout: number;
  private readonly lease: number;
  private readonly batch: number;
  private readonly name: string;
  private readonly onError: (err: unknown, job?: ActivatedJob) => void;
  private polling?: Promise<number>;
  private again = false;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private sweeping?: Promise<SweepResult>;
  private finishing?: Promise<number>;
  private readonly persistDeps: PersistDeps;
  private readonly follower?: UserTaskFollower;

  constructor(
    private readonly engine: InboxEngine,
    private readonly opts: InboxWorkerOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.activationTimeout = opts.activationTimeout ?? 60_000;
    this.lease = opts.lease ?? 30 * DAY;
    this.batch = opts.batch ?? 32;
    this.name = opts.worker ?? `lienthong-inbox-${process.pid}`;
    this.onError = opts.onError ?? (() => undefined);
    this.persistDeps = {
      db: opts.db,
      clock: this.clock,
      dossiers: opts.dossiers,
      catalog: opts.catalog,
      sla: opts.sla,
      onTaskCreated: opts.onTaskCreated,
      onTaskCommitted: opts.onTaskCommitted,
      onTaskCompleted: opts.onTaskCompleted,
    };
    if (opts.userTasks) this.follower = new UserTaskFollower(engine, { ...this.persistDeps, queries: opts.userTasks, onError: (e) => this.onError(e) });
  }

  start(): this {
    this.unsubscribe = this.engine.onJobCreated((type) => {
      if (type === USER_TASK_JOB_TYPE) this.wake();
    });
    this.follower?.start(() => this.wake());
    const every = (ms: number, f: () => void) => {
      const t = setInterval(f, ms);
      t.unref();
      this.timers.push(t);
    };
    const pollInterval = this.opts.pollInterval ?? 1_000;
    if (pollInterval > 0) every(pollInterval, () => this.wake());
    const sweepInterval = this.opts.sweepInterval ?? 3_600_000;
    if (sweepInterval > 0) {
      every(sweepInterval, () => void this.sweep().catch((e: unknown) => this.onError(e)));
      void this.sweep().catch((e: unknown) => this.onError(e));
      // A completion a crash cut off holds its step (and its clock) until finished: look every minute.
      every(Math.min(sweepInterval, this.opts.stalledAfter ?? 60_000), () => void this.finishStalled().catch((e: unknown) => this.onError(e)));
    }
    this.wake();
    return this;
  }

  /** Stops activating; waits for the round and sweep in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe?.();
    this.follower?.stop();
    await Promise.allSettled([this.polling, this.sweeping]);
  }

  private wake(): void {
    if (this.closed) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    void this.poll().catch((e: unknown) => this.onError(e));
  }

  /**
   * Activates and persists user-task jobs until none are left, then follows the Camunda user
   * tasks created or ended since the last round; returns how many were handled.
   * One round at a time: a call during a round waits for it (and then runs another).
   */
  async poll(): Promise<number> {
    while (this.polling) await this.polling.catch(() => undefined);
    this.polling = (async () => {
      let handled = 0;
      try {
        do {
          this.again = false;
          const jobs = await this.engine.activateJobs({
            type: USER_TASK_JOB_TYPE,
            worker: this.name,
            maxJobsToActivate: this.batch,
            timeout: this.activationTimeout,
          });
          for (const job of jobs) {
            await this.handle(job);
            handled++;
          }
          if (jobs.length === this.batch) this.again = true;
          if (this.follower && !this.closed) {
            const f = await this.follower.poll();
            handled += f.created + f.finished + f.withdrawn;
          }
        } while (this.again && !this.closed);
      } finally {
        this.polling = undefined;
      }
      return handled;
    })();
    return this.polling;
  }

  /** Persists one activated job and then extends its lease; never throws. */
  async handle(job: ActivatedJob): Promise<TaskRow | undefined> {
    let task: TaskRow;
    try {
      task = (await this.persist(job)).task;
    } catch (e) {
      this.onError(e, job);
      if (e instanceof AgencyNotFound) {
        await this.engine.failJob({ jobKey: job.key, retries: 0, errorMessage: e.message }).catch((err: unknown) => this.onError(err, job));
      }
      // Anything else: no action; the activation timeout hands the job out again.
      return undefined;
    }
    await this.extendLease(job.key).catch((e: unknown) => this.onError(e, job));
    return task;
  }

  /**
   * The transaction of the diagram above: the inbox row (idempotent on the job key), and for a
   * new row its step clock, its audit row and the hook (persist.ts). Does not touch the job.
   */
  async persist(job: ActivatedJob): Promise<{ created: boolean; task: TaskRow }> {
    // Read before the transaction: on PGlite's single connection the engine cannot be asked inside it.
    const bpmnName = await this.elementName(job).catch(() => undefined);
    return persistTask(this.persistDeps, jobSource(job), bpmnName);
  }

  /** Takes the job for the long lease and records until when. */
  private async extendLease(jobKey: string): Promise<Date> {
    const until = new Date(this.clock.now() + this.lease);
    await this.engine.updateJobTimeout(jobKey, this.lease);
    await recordLease(this.opts.db, jobKey, until);
    return until;
  }

  /**
   * One sweep: renews leases ending within `renewBefore`, finishes completions a crash left
   * half-done, withdraws tasks whose job is gone.
   */
  sweep(): Promise<SweepResult> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<SweepResult> {
    const out: SweepResult = { renewed: 0, finished: 0, withdrawn: 0 };
    if (this.follower) {
      const f = await this.follower.sweep();
      out.finished += f.finished;
      out.withdrawn += f.withdrawn;
    }
    out.finished += await this.finishStalled();
    if (this.closed) return out;
    const now = this.clock.now();
    const deps = this.completionDeps();
    const before = new Date(now + (this.opts.renewBefore ?? 7 * DAY));
    let after = '0';
    for (;;) {
      const due = await leasesEndingBefore(this.opts.db, before, after, 500);
      if (!due.length || this.closed) break;
      after = due[due.length - 1].id;
      for (const t of due) {
        try {
          await this.extendLease(t.jobKey!); // leasesEndingBefore reads job-worker tasks only
          out.renewed++;
        } catch (e) {
          if (e instanceof NotFound) {
            if (await withdraw(deps, t, 'lease')) out.withdrawn++;
          } else if (!(e instanceof Conflict)) {
            // Conflict: the job is not activated (its lease ran out); the worker takes it again.
            this.onError(e);
          }
        }
      }
    }
    return out;
  }

  /** Completions a crash left half-done (`completing` for over `stalledAfter`), finished. */
  private finishStalled(): Promise<number> {
    this.finishing ??= (async () => {
      let n = 0;
      const before = new Date(this.clock.now() - (this.opts.stalledAfter ?? 60_000));
      for (const t of await stalledCompletions(this.opts.db, before, 500)) {
        if (this.closed) break;
        try {
          await settleCompletion(this.completionDeps(), t, { username: t.completedBy ?? INBOX_ACTOR, role: 'admin' }, 'recovery');
          n++;
        } catch (e) {
          this.onError(e);
        }
      }
      return n;
    })().finally(() => (this.finishing = undefined));
    return this.finishing;
  }

  private completionDeps() {
    return { db: this.opts.db, engine: this.engine, sla: this.opts.sla, clock: this.clock, onTaskCompleted: this.opts.onTaskCompleted };
  }

  private async elementName(job: ActivatedJob): Promise<string | undefined> {
    return this.opts.elementName?.(job);
  }
}

/** Starts the inbox worker on `engine` (see the module comment for its guarantees). */
export function startInboxWorker(engine: InboxEngine, deps: InboxWorkerOptions): InboxWorker {
  return new InboxWorker(engine, deps).start();
}

/** A job-worker user task's job as the inbox reads it: Zeebe's `io.camunda.zeebe:*` headers. */
function jobSource(job: ActivatedJob): TaskSource {
  return {
    jobKey: job.key,
    userTaskKey: null,
    bpmnProcessId: job.bpmnProcessId,
    processInstanceKey: job.processInstanceKey,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    candidateGroups: candidateGroups(job),
    assignee: job.customHeaders['io.camunda.zeebe:assignee'] || null,
    formKey: job.customHeaders['io.camunda.zeebe:formKey'] || null,
    dueDate: job.customHeaders['io.camunda.zeebe:dueDate'] || null,
    variables: job.variables,
  };
}

/** The job's candidate groups (agency kinds), from Zeebe's JSON-array header. */
export function candidateGroups(job: Pick<ActivatedJob, 'customHeaders'>): string[] {
  const raw = job.customHeaders['io.camunda.zeebe:candidateGroups'];
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v)) return (v as unknown[]).filter((x): x is string => typeof x === 'string' && x.length > 0);
  } catch {
    // Zeebe writes JSON; anything else is read as a comma-separated list.
  }
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
