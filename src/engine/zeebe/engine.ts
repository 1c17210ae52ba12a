/**
 * The workflow port on a Camunda 8 cluster (ENGINE=zeebe): the same BPMN, the same rooms above.
 *
 * - Commands go to Zeebe's gRPC gateway through `@camunda8/sdk` (deploy, create, cancel, publish,
 *   variables, signals, job activation and the job commands, incidents).
 * - What the gRPC protocol lacks goes to the REST API v2: user task commands (Camunda user tasks
 *   live there), a message correlated with its answer (`/v2/messages/correlation`), and creating an
 *   instance by definition key.
 * - Job workers are the port's own (`engine/worker.ts`) over this adapter's ActivateJobs: Zeebe
 *   pushes no job notification to a client, so they poll (each `pollInterval`).
 * - `onJobCreated` and `onUserTaskChanged` are hints the port allows to be missing: here they never
 *   fire, and their callers keep the polls and sweeps they keep anyway (the inbox's user-task
 *   follower, the long poll of /v2 and the gateway).
 *
 * Reads are `ZeebeEngineQueries` (queries.ts), over the REST API's searches.
 */
import type {
  ActivatedJob,
  ActivateJobsRequest,
  AssignUserTaskRequest,
  CompleteJobRequest,
  CompleteUserTaskRequest,
  CreateProcessInstanceRequest,
  DeploymentResult,
  FailJobRequest,
  JobWorker,
  ProcessInstanceCreated,
  PublishMessageRequest,
  Resource,
  SetVariablesRequest,
  ThrowErrorRequest,
  UpdateUserTaskRequest,
  UserTaskHint,
  Variables,
  WorkerOptions,
  WorkflowEngine,
} from '../port.js';
import { PortJobWorkers } from '../worker.js';
import { ZeebeConnection, type ZeebeConnectionOptions } from './connection.js';

/** The port's variables as the SDK types a JSON document (they are one: they came from JSON or go to it). */
type JsonDoc = Record<string, never>;
const doc = (v: Variables | undefined): JsonDoc => (v ?? {}) as JsonDoc;

interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
  versionTag?: string;
}
interface DeployedForm {
  formId: string;
  version: number;
  formKey: string;
  resourceName: string;
}

export class ZeebeEngine implements WorkflowEngine {
  readonly connection: ZeebeConnection;
  private readonly workers = new PortJobWorkers(this);

  constructor(options: ZeebeConnectionOptions | ZeebeConnection) {
    this.connection = options instanceof ZeebeConnection ? options : new ZeebeConnection(options);
  }

  private get grpc() {
    return this.connection.grpc;
  }

  async deployResources(resources: Resource[]): Promise<DeploymentResult> {
    const sdkResources = resources.map((r) => {
      const content = typeof r.content === 'string' ? Buffer.from(r.content) : r.content;
      return r.name.endsWith('.form') ? { name: r.name, form: content } : { name: r.name, process: content };
    });
    const res = await this.connection.command('DeployResource', () => this.grpc.deployResources(sdkResources));
    const deployments = res.deployments as { process?: DeployedProcess; form?: DeployedForm }[];
    return {
      deploymentKey: res.key,
      processes: deployments.flatMap((d) =>
        d.process
          ? [
              {
                bpmnProcessId: d.process.bpmnProcessId,
                version: d.process.version,
                processDefinitionKey: d.process.processDefinitionKey,
                resourceName: d.process.resourceName,
                ...(d.process.versionTag ? { versionTag: d.process.versionTag } : {}),
              },
            ]
          : [],
      ),
      forms: deployments.flatMap((d) =>
        d.form ? [{ formId: d.form.formId, version: d.form.version, formKey: d.form.formKey, resourceName: d.form.resourceName }] : [],
      ),
    };
  }

  async createProcessInstance(req: CreateProcessInstanceRequest): Promise<ProcessInstanceCreated> {
    if (req.processDefinitionKey) {
      const r = await this.connection.call<{
        processInstanceKey: string;
        processDefinitionKey: string;
        processDefinitionId: string;
        processDefinitionVersion: number;
      }>('POST', '/process-instances', { processDefinitionKey: req.processDefinitionKey, variables: req.variables ?? {} });
      return {
        processInstanceKey: r.processInstanceKey,
        processDefinitionKey: r.processDefinitionKey,
        bpmnProcessId: r.processDefinitionId,
        version: r.processDefinitionVersion,
      };
    }
    if (!req.bpmnProcessId) throw new TypeError('createProcessInstance needs bpmnProcessId or processDefinitionKey');
    const bpmnProcessId = req.bpmnProcessId;
    const r = await this.connection.command('CreateProcessInstance', () =>
      this.grpc.createProcessInstance({ bpmnProcessId, version: req.version ?? -1, variables: doc(req.variables) }),
    );
    return {
      processInstanceKey: r.processInstanceKey,
      processDefinitionKey: r.processDefinitionKey,
      bpmnProcessId: r.bpmnProcessId,
      version: r.version,
    };
  }

  async cancelProcessInstance(processInstanceKey: string): Promise<void> {
    await this.connection.command('CancelProcessInstance', () => this.grpc.cancelProcessInstance(processInstanceKey));
  }

  async publishMessage(req: PublishMessageRequest): Promise<{ key: string }> {
    const r = await this.connection.command('PublishMessage', () =>
      this.grpc.publishMessage({
        name: req.name,
        correlationKey: req.correlationKey,
        timeToLive: req.timeToLive ?? 0,
        ...(req.messageId ? { messageId: req.messageId } : {}),
        variables: doc(req.variables),
      }),
    );
    return { key: r.key };
  }

  async correlateMessage(req: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>): Promise<{ messageKey: string; processInstanceKey: string }> {
    const r = await this.connection.call<{ messageKey: string; processInstanceKey: string }>('POST', '/messages/correlation', {
      name: req.name,
      correlationKey: req.correlationKey,
      variables: req.variables ?? {},
    });
    return { messageKey: r.messageKey, processInstanceKey: r.processInstanceKey };
  }

  async setVariables(req: SetVariablesRequest): Promise<void> {
    await this.connection.command('SetVariables', () =>
      this.grpc.setVariables({ elementInstanceKey: req.elementInstanceKey, variables: doc(req.variables), local: req.local ?? false }),
    );
  }

  async broadcastSignal(req: { signalName: string; variables?: Variables }): Promise<{ signalKey: string }> {
    const r = await this.connection.command('BroadcastSignal', () => this.grpc.broadcastSignal({ signalName: req.signalName, variables: doc(req.variables) }));
    return { signalKey: r.key };
  }

  async activateJobs(req: ActivateJobsRequest): Promise<ActivatedJob[]> {
    const jobs = await this.connection.command('ActivateJobs', () =>
      this.grpc.activateJobs({
        type: req.type,
        worker: req.worker,
        maxJobsToActivate: req.maxJobsToActivate,
        timeout: req.timeout,
        // No long poll: the port's callers wait themselves (workers poll, /v2 and the gateway long-poll).
        requestTimeout: -1,
        ...(req.fetchVariable ? { fetchVariable: req.fetchVariable } : {}),
      }),
    );
    return jobs.map((j) => ({
      key: j.key,
      type: j.type,
      processInstanceKey: j.processInstanceKey,
      bpmnProcessId: j.bpmnProcessId,
      processDefinitionVersion: j.processDefinitionVersion,
      processDefinitionKey: (j as unknown as { processDefinitionKey: string }).processDefinitionKey,
      elementId: j.elementId,
      elementInstanceKey: j.elementInstanceKey,
      customHeaders: { ...(j.customHeaders as Record<string, string>) },
      worker: j.worker,
      retries: j.retries,
      deadline: Number(j.deadline),
      variables: { ...(j.variables as Variables) },
    }));
  }

  async completeJob(req: CompleteJobRequest): Promise<void> {
    await this.connection.command('CompleteJob', () => this.grpc.completeJob({ jobKey: req.jobKey, variables: doc(req.variables) }));
  }

  async failJob(req: FailJobRequest): Promise<void> {
    await this.connection.command('FailJob', () =>
      this.grpc.failJob({
        jobKey: req.jobKey,
        retries: req.retries,
        errorMessage: req.errorMessage ?? '',
        retryBackOff: req.retryBackOff ?? 0,
        variables: doc(req.variables),
      }),
    );
  }

  async throwError(req: ThrowErrorRequest): Promise<void> {
    await this.connection.command('ThrowError', () =>
      this.grpc.throwError({ jobKey: req.jobKey, errorCode: req.errorCode, errorMessage: req.errorMessage ?? '', variables: doc(req.variables) }),
    );
  }

  async updateJobRetries(jobKey: string, retries: number): Promise<void> {
    await this.connection.command('UpdateJobRetries', () => this.grpc.updateJobRetries({ jobKey, retries }));
  }

  async updateJobTimeout(jobKey: string, timeout: number): Promise<void> {
    await this.connection.command('UpdateJobTimeout', () => this.grpc.updateJobTimeout({ jobKey, timeout }));
  }

  async resolveIncident(incidentKey: string): Promise<void> {
    await this.connection.command('ResolveIncident', () => this.grpc.resolveIncident({ incidentKey }));
  }

  async assignUserTask(req: AssignUserTaskRequest): Promise<void> {
    await this.connection.call('POST', `/user-tasks/${encodeURIComponent(req.userTaskKey)}/assignment`, {
      assignee: req.assignee,
      allowOverride: req.allowOverride ?? true,
      ...(req.action ? { action: req.action } : {}),
    });
  }

  async unassignUserTask(userTaskKey: string): Promise<void> {
    await this.connection.call('DELETE', `/user-tasks/${encodeURIComponent(userTaskKey)}/assignee`);
  }

  async updateUserTask(req: UpdateUserTaskRequest): Promise<void> {
    await this.connection.call('PATCH', `/user-tasks/${encodeURIComponent(req.userTaskKey)}`, {
      changeset: req.changeset ?? {},
      ...(req.action ? { action: req.action } : {}),
    });
  }

  async completeUserTask(req: CompleteUserTaskRequest): Promise<void> {
    await this.connection.call('POST', `/user-tasks/${encodeURIComponent(req.userTaskKey)}/completion`, {
      variables: req.variables ?? {},
      ...(req.action ? { action: req.action } : {}),
    });
  }

  onUserTaskChanged(_listener: (userTaskKey: string, hint: UserTaskHint) => void): () => void {
    return () => undefined; // Zeebe notifies no client: the follower's catch-up and sweep find them.
  }

  onJobCreated(_listener: (type: string) => void): () => void {
    return () => undefined; // Zeebe notifies no client: workers and long polls poll.
  }

  createWorker(options: WorkerOptions): JobWorker {
    return this.workers.create(options);
  }

  async close(): Promise<void> {
    await this.workers.close();
    await this.connection.close();
  }
}
