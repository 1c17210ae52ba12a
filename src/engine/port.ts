/**
 * The workflow port: Zeebe's gateway commands with Zeebe's meaning. Everything above engine/
 * talks to this interface only, and never knows whether the embedded engine or a Zeebe cluster
 * runs underneath. Keys are 64-bit and carried as decimal strings.
 */

export type Variables = Record<string, unknown>;

export interface Resource {
  name: string;
  content: string | Buffer;
}

export interface ProcessMetadata {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
  versionTag?: string;
}

/** A deployed Camunda form (`.form`, form-js JSON), versioned by its `id`. */
export interface FormMetadata {
  formId: string;
  version: number;
  formKey: string;
  resourceName: string;
}

export interface DeploymentResult {
  deploymentKey: string;
  processes: ProcessMetadata[];
  forms: FormMetadata[];
}

export interface CreateProcessInstanceRequest {
  /** Either the process id (latest version, or `version`) or a definition key. */
  bpmnProcessId?: string;
  version?: number;
  processDefinitionKey?: string;
  variables?: Variables;
}

export interface ProcessInstanceCreated {
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
}

export interface ActivateJobsRequest {
  type: string;
  worker: string;
  maxJobsToActivate: number;
  /** How long the jobs stay reserved for this worker, in ms. */
  timeout: number;
  /** Only these variables (all when absent). */
  fetchVariable?: string[];
}

export interface ActivatedJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: Record<string, string>;
  worker: string;
  retries: number;
  /** Epoch ms after which the job may be handed to another worker. */
  deadline: number;
  variables: Variables;
}

export interface CompleteJobRequest {
  jobKey: string;
  variables?: Variables;
}

export interface FailJobRequest {
  jobKey: string;
  retries: number;
  errorMessage?: string;
  /** Wait this many ms before the job may be activated again. */
  retryBackOff?: number;
  variables?: Variables;
}

export interface ThrowErrorRequest {
  jobKey: string;
  errorCode: string;
  errorMessage?: string;
  variables?: Variables;
}

export interface PublishMessageRequest {
  name: string;
  correlationKey: string;
  /** ms; 0 = correlate now or drop. */
  timeToLive?: number;
  messageId?: string;
  variables?: Variables;
}

export interface SetVariablesRequest {
  elementInstanceKey: string;
  variables: Variables;
  local?: boolean;
}

/** Camunda user tasks: `action` is recorded with the change (Camunda's default names it after the command). */
export interface AssignUserTaskRequest {
  userTaskKey: string;
  assignee: string;
  /** false: refuse (Conflict) if someone else is assigned already. Default true. */
  allowOverride?: boolean;
  action?: string;
}

export interface UserTaskChangeset {
  /** ISO 8601; null clears it. */
  dueDate?: string | null;
  followUpDate?: string | null;
  candidateGroups?: string[];
  candidateUsers?: string[];
  /** 0–100. */
  priority?: number;
}

export interface UpdateUserTaskRequest {
  userTaskKey: string;
  changeset?: UserTaskChangeset;
  action?: string;
}

/** What a user task notification says beyond the key; each field absent when it did not fit. */
export interface UserTaskHint {
  state?: 'CREATED' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  /** Present on a creation. */
  candidateGroups?: string[];
}

export interface CompleteUserTaskRequest {
  userTaskKey: string;
  variables?: Variables;
  action?: string;
}

export interface WorkflowEngine {
  deployResources(resources: Resource[]): Promise<DeploymentResult>;
  createProcessInstance(req: CreateProcessInstanceRequest): Promise<ProcessInstanceCreated>;
  cancelProcessInstance(processInstanceKey: string): Promise<void>;
  publishMessage(req: PublishMessageRequest): Promise<{ key: string }>;
  /** Correlates now or fails (NotFound): no buffering. */
  correlateMessage(req: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>): Promise<{ messageKey: string; processInstanceKey: string }>;
  setVariables(req: SetVariablesRequest): Promise<void>;
  /** Broadcasts a signal: every wait for it fires, every process that starts by it starts; nothing is buffered. */
  broadcastSignal(req: { signalName: string; variables?: Variables }): Promise<{ signalKey: string }>;
  activateJobs(req: ActivateJobsRequest): Promise<ActivatedJob[]>;
  completeJob(req: CompleteJobRequest): Promise<void>;
  failJob(req: FailJobRequest): Promise<void>;
  throwError(req: ThrowErrorRequest): Promise<void>;
  updateJobRetries(jobKey: string, retries: number): Promise<void>;
  updateJobTimeout(jobKey: string, timeout: number): Promise<void>;
  resolveIncident(incidentKey: string): Promise<void>;
  /** Camunda user tasks (not jobs): NotFound for no such task, Conflict when it is no longer CREATED. */
  assignUserTask(req: AssignUserTaskRequest): Promise<void>;
  unassignUserTask(userTaskKey: string, action?: string): Promise<void>;
  updateUserTask(req: UpdateUserTaskRequest): Promise<void>;
  completeUserTask(req: CompleteUserTaskRequest): Promise<void>;
  /**
   * Calls `listener` with a user task's key soon after it is created, changes state or assignee
   * (the embedded engine: the database's notification at commit), and what the hint could carry:
   * the task's state, and on a creation its candidate groups, so a task list can ignore others'
   * tasks as a job worker ignores other types. A hint, like `onJobCreated`: whoever follows user
   * tasks also reconciles from `searchUserTasks`. Returns the unsubscribe.
   */
  onUserTaskChanged(listener: (userTaskKey: string, hint: UserTaskHint) => void): () => void;
  /** An in-process worker for one job type (see JobWorker). */
  createWorker(options: WorkerOptions): JobWorker;
  /**
   * Calls `listener` with a job's type soon after a job is created (the embedded engine: the
   * database's notification at commit; on Zeebe, a job stream). A hint to activate now rather
   * than at the next poll: it may be late or never come, so callers keep polling. Returns the
   * unsubscribe.
   */
  onJobCreated(listener: (type: string) => void): () => void;
  close(): Promise<void>;
}

/** What a handler does with its job: exactly one of these, once. */
export interface JobActions {
  complete(variables?: Variables): Promise<JobOutcome>;
  fail(errorMessage: string, retries?: number, retryBackOff?: number): Promise<JobOutcome>;
  error(errorCode: string, errorMessage?: string, variables?: Variables): Promise<JobOutcome>;
}
export type JobOutcome = { readonly done: true };
// `void`: a handler written `async (job) => { … }` completes the job without variables.
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type JobHandler = (job: ActivatedJob & JobActions) => Promise<JobOutcome | Variables | void>;

export interface WorkerOptions {
  type: string;
  handler: JobHandler;
  /** Jobs handled at once (default 8). */
  concurrency?: number;
  /** Job reservation, ms (default 30 000). */
  timeout?: number;
  worker?: string;
  fetchVariable?: string[];
  /** Fallback poll interval when no notification arrives, ms (default 1 000). */
  pollInterval?: number;
  /** Called when the handler or a command fails; defaults to silence. */
  onError?: (err: unknown, job?: ActivatedJob) => void;
}

export interface JobWorker {
  readonly type: string;
  /** Stops activating, waits for the jobs in hand to finish. */
  close(): Promise<void>;
}
