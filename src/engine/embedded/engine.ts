/**
 * The embedded adapter of the workflow port: Zeebe's commands over PostgreSQL / PGlite. This
 * class only wires the parts: the command plumbing and the definition cache (core.ts,
 * definitions.ts), one file per command (commands/), the token loop and element behaviours
 * (runtime/), every SQL statement (sql/), the scheduler (scheduler.ts) and in-process job
 * workers (worker.ts). Every command is one transaction, so a crash at any instant leaves either
 * the state before the command or the state after it, and a restart simply goes on.
 */
import type { ExecutableProcess } from '../../bpmn/index.js';
import type { Db, Queryable } from '../../db/index.js';
import { systemClock, type Clock } from '../../clock.js';
import type {
  ActivateJobsRequest,
  AssignUserTaskRequest,
  CompleteUserTaskRequest,
  UpdateUserTaskRequest,
  UserTaskHint,
  ActivatedJob,
  CompleteJobRequest,
  CreateProcessInstanceRequest,
  DeploymentResult,
  FailJobRequest,
  JobWorker,
  ProcessInstanceCreated,
  PublishMessageRequest,
  Resource,
  SetVariablesRequest,
  ThrowErrorRequest,
  Variables,
  WorkerOptions,
  WorkflowEngine,
} from '../port.js';
import { activateJobs } from './commands/activate-jobs.js';
import { broadcastSignal } from './commands/broadcast-signal.js';
import { cancelProcessInstance } from './commands/cancel-instance.js';
import { JobCompletions } from './commands/complete-job.js';
import { createProcessInstance } from './commands/create-instance.js';
import { deployResources } from './commands/deploy.js';
import { failJob } from './commands/fail-job.js';
import { fireDueTimers } from './commands/fire-timers.js';
import { correlateMessage, publishMessage } from './commands/publish-message.js';
import { resolveIncident } from './commands/resolve-incident.js';
import { setVariables } from './commands/set-variables.js';
import { throwError } from './commands/throw-error.js';
import { updateJobRetries } from './commands/update-job-retries.js';
import { updateJobTimeout } from './commands/update-job-timeout.js';
import { assignUserTask, unassignUserTask, updateUserTask, UserTaskCompletions } from './commands/user-tasks.js';
import { EngineCore } from './core.js';
import { Scheduler } from './scheduler.js';
import { PortJobWorkers } from '../worker.js';

export interface EmbeddedEngineOptions {
  clock?: Clock;
  /** Fire due timers and expire messages in the background (default true; tests drive `tick()`). */
  scheduler?: boolean;
  /** Timers fired per transaction. */
  timerBatch?: number;
  /** Parsed definitions kept in memory, least recently used dropped first (default 256). */
  definitionCacheSize?: number;
}

export class EmbeddedEngine implements WorkflowEngine {
  readonly clock: Clock;
  private readonly core: EngineCore;
  private readonly scheduler: Scheduler;
  private readonly completions: JobCompletions;
  private readonly userTaskCompletions: UserTaskCompletions;
  private readonly workers = new PortJobWorkers(this);
  private readonly jobListeners = new Set<(type: string) => void>();
  private readonly userTaskListeners = new Set<(userTaskKey: string, hint: UserTaskHint) => void>();
  private unlisten?: () => Promise<void>;

  constructor(
    readonly db: Db,
    private readonly options: EmbeddedEngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.core = new EngineCore(db, this.clock, options.definitionCacheSize ?? 256);
    this.scheduler = new Scheduler(this.core, options.timerBatch ?? 500);
    this.completions = new JobCompletions(this.core);
    this.userTaskCompletions = new UserTaskCompletions(this.core);
  }

  /** Subscribes to new-job notifications (workers and long-polling activations use them). */
  async start(): Promise<void> {
    if (this.unlisten) return;
    const jobs = await this.db.listen('engine_jobs', (type) => {
      for (const l of this.jobListeners) l(type);
    });
    const userTasks = await this.db.listen('engine_user_tasks', (payload) => {
      const [key, hint] = userTaskHint(payload);
      for (const l of this.userTaskListeners) l(key, hint);
    });
    this.unlisten = async () => {
      await jobs();
      await userTasks();
    };
    if (this.options.scheduler !== false) this.scheduler.start();
  }

  /** One scheduler round: due timers (one batch), expired messages and timed-out jobs. */
  tick(): Promise<{ timers: number; expiredMessages: number; timedOutJobs: number }> {
    return this.scheduler.tick();
  }

  onJobCreated(listener: (type: string) => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  onUserTaskChanged(listener: (userTaskKey: string, hint: UserTaskHint) => void): () => void {
    this.userTaskListeners.add(listener);
    return () => this.userTaskListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.scheduler.close();
    await this.workers.close();
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  deployResources(resources: Resource[]): Promise<DeploymentResult> {
    return deployResources(this.core, resources);
  }

  /** The compiled graph of a deployed definition (read and compiled once while it stays cached). */
  async definition(key: string, q: Queryable = this.db): Promise<ExecutableProcess> {
    return (await this.core.definitions.get(key, q)).process;
  }

  createProcessInstance(req: CreateProcessInstanceRequest): Promise<ProcessInstanceCreated> {
    return createProcessInstance(this.core, req);
  }

  cancelProcessInstance(processInstanceKey: string): Promise<void> {
    return cancelProcessInstance(this.core, processInstanceKey);
  }

  setVariables(req: SetVariablesRequest): Promise<void> {
    return setVariables(this.core, req);
  }

  publishMessage(req: PublishMessageRequest): Promise<{ key: string }> {
    return publishMessage(this.core, req);
  }

  correlateMessage(req: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>): Promise<{ messageKey: string; processInstanceKey: string }> {
    return correlateMessage(this.core, req);
  }

  broadcastSignal(req: { signalName: string; variables?: Variables }): Promise<{ signalKey: string }> {
    return broadcastSignal(this.core, req);
  }

  /** Fires up to `limit` due timers in one transaction; returns how many were claimed. */
  fireDueTimers(limit = 500): Promise<number> {
    return fireDueTimers(this.core, limit);
  }

  activateJobs(req: ActivateJobsRequest): Promise<ActivatedJob[]> {
    return activateJobs(this.core, req);
  }

  completeJob(req: CompleteJobRequest): Promise<void> {
    return this.completions.complete(req);
  }

  failJob(req: FailJobRequest): Promise<void> {
    return failJob(this.core, req);
  }

  throwError(req: ThrowErrorRequest): Promise<void> {
    return throwError(this.core, req);
  }

  updateJobRetries(jobKey: string, retries: number): Promise<void> {
    return updateJobRetries(this.core, jobKey, retries);
  }

  updateJobTimeout(jobKey: string, timeout: number): Promise<void> {
    return updateJobTimeout(this.core, jobKey, timeout);
  }

  resolveIncident(incidentKey: string): Promise<void> {
    return resolveIncident(this.core, incidentKey);
  }

  assignUserTask(req: AssignUserTaskRequest): Promise<void> {
    return assignUserTask(this.core, req);
  }

  unassignUserTask(userTaskKey: string, action?: string): Promise<void> {
    return unassignUserTask(this.core, userTaskKey, action);
  }

  updateUserTask(req: UpdateUserTaskRequest): Promise<void> {
    return updateUserTask(this.core, req);
  }

  completeUserTask(req: CompleteUserTaskRequest): Promise<void> {
    return this.userTaskCompletions.complete(req);
  }

  createWorker(options: WorkerOptions): JobWorker {
    return this.workers.create(options);
  }
}

/** `key`, `key:STATE` or `key:CREATED:["group",…]` (migration 017's notify_user_task). */
function userTaskHint(payload: string): [string, UserTaskHint] {
  const [key, state, ...rest] = payload.split(':');
  const hint: UserTaskHint = {};
  if (state) hint.state = state as UserTaskHint['state'];
  if (rest.length) {
    try {
      const groups: unknown = JSON.parse(rest.join(':'));
      if (Array.isArray(groups)) hint.candidateGroups = groups.filter((g): g is string => typeof g === 'string');
    } catch {
      // A hint without its groups is still a hint.
    }
  }
  return [key, hint];
}
