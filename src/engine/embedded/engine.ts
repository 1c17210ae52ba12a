/**
 * The embedded adapter of the workflow port: Zeebe's commands over PostgreSQL / PGlite.
 * Every command is one transaction — lock the instance, move tokens in memory (Runtime), write
 * the effects in one statement — so a crash at any instant leaves either the state before the
 * command or the state after it, and a restart simply goes on.
 */
import { createHash } from 'node:crypto';
import { BpmnValidationError, compileBpmn, type ExecutableProcess } from '../../bpmn/index.js';
import type { Db, Queryable } from '../../db/index.js';
import { Conflict, Invalid, NotFound } from '../../errors.js';
import { systemClock, type Clock } from '../clock.js';
import type {
  ActivateJobsRequest,
  ActivatedJob,
  CompleteJobRequest,
  CreateProcessInstanceRequest,
  DeploymentResult,
  FailJobRequest,
  JobWorker,
  ProcessInstanceCreated,
  ProcessMetadata,
  PublishMessageRequest,
  Resource,
  SetVariablesRequest,
  ThrowErrorRequest,
  Variables,
  WorkerOptions,
  WorkflowEngine,
} from '../port.js';
import { Effects } from './effects.js';
import { KeyGenerator, KeysExhausted } from './keys.js';
import { Runtime } from './runtime.js';
import { activateJobs, instanceDocs } from './sql/activateJobs.js';
import * as defs from './sql/definitions.js';
import { lockInstance, lockInstanceOfIncident, lockInstanceOfJob } from './sql/lockInstance.js';
import { writeEffects } from './sql/writeEffects.js';
import { isPlainObject, propagate, visibleVariables, type ElementInstance, type InstanceRow } from './state.js';
import { EmbeddedJobWorker } from './worker.js';

export interface EmbeddedEngineOptions {
  clock?: Clock;
}

export class EmbeddedEngine implements WorkflowEngine {
  readonly clock: Clock;
  private readonly keys = new KeyGenerator();
  private readonly compiled = new Map<string, ExecutableProcess>();
  private readonly workers = new Set<EmbeddedJobWorker>();
  private jobListeners = new Set<(type: string) => void>();
  private unlisten?: () => Promise<void>;

  constructor(
    readonly db: Db,
    options: EmbeddedEngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Subscribes to new-job notifications (workers and long-polling activations use them). */
  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.db.listen('engine_jobs', (type) => {
      for (const l of this.jobListeners) l(type);
    });
  }

  onJobCreated(listener: (type: string) => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close()));
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  // ---- deployment ---------------------------------------------------------------------------

  async deployResources(resources: Resource[]): Promise<DeploymentResult> {
    if (!Array.isArray(resources) || resources.length === 0) throw new Invalid('a deployment needs at least one resource');
    // Everything is compiled before anything is written: a bad resource deploys nothing.
    const compiled: { resource: Resource; xml: string; checksum: string; processes: ExecutableProcess[] }[] = [];
    const seen = new Set<string>();
    for (const resource of resources) {
      if (!resource.name || !/\.(bpmn|xml)$/i.test(resource.name)) {
        throw new Invalid(`resource '${resource.name}': only BPMN resources (.bpmn) can be deployed`);
      }
      const xml = typeof resource.content === 'string' ? resource.content : resource.content.toString('utf8');
      let processes: ExecutableProcess[];
      try {
        processes = await compileBpmn(xml, resource.name);
      } catch (e) {
        if (e instanceof BpmnValidationError) throw new Invalid(e.message, { resource: e.resourceName, problems: e.problems });
        throw e;
      }
      for (const p of processes) {
        if (seen.has(p.id)) throw new Invalid(`process '${p.id}' is defined twice in one deployment`);
        seen.add(p.id);
      }
      compiled.push({ resource, xml, checksum: createHash('sha256').update(xml).digest('hex'), processes });
    }
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const keys = await this.keys.take(q, 1 + seen.size);
      const deploymentKey = keys.next();
      await defs.insertDeployment(q, deploymentKey, now);
      const out: ProcessMetadata[] = [];
      for (const c of compiled) {
        for (const p of c.processes) {
          await defs.lockProcessId(q, p.id);
          const latest = await defs.latestDefinition(q, p.id);
          if (latest && latest.checksum === c.checksum) {
            // Zeebe: the same resource again is not a new version.
            out.push(meta(latest));
            continue;
          }
          const row = {
            key: keys.next(),
            bpmn_process_id: p.id,
            version: (latest?.version ?? 0) + 1,
            version_tag: p.versionTag ?? null,
            name: p.name ?? null,
            resource_name: c.resource.name,
            checksum: c.checksum,
            deployment_key: deploymentKey,
            xml: c.xml,
            deployedAt: now,
          };
          await defs.insertDefinition(q, row);
          this.compiled.set(row.key, p);
          out.push(meta(row));
          await q.query(
            `insert into engine.events (at, value_type, intent, bpmn_process_id, payload)
             values (to_timestamp($1 / 1000.0), 'PROCESS', 'CREATED', $2, $3)`,
            [now, p.id, JSON.stringify({ processDefinitionKey: row.key, version: row.version, deploymentKey })],
          );
        }
      }
      return { deploymentKey, processes: out };
    });
  }

  /** The compiled graph of a deployed definition (compiled once per process lifetime). */
  async definition(key: string): Promise<ExecutableProcess> {
    let p = this.compiled.get(key);
    if (p) return p;
    const row = await defs.definitionByKey(this.db, key);
    const xml = row && (await defs.definitionXml(this.db, key));
    if (!row || !xml) throw new NotFound(`process definition ${key} not found`);
    p = (await compileBpmn(xml, row.resource_name)).find((x) => x.id === row.bpmn_process_id);
    if (!p) throw new NotFound(`process definition ${key} not found`);
    this.compiled.set(key, p);
    return p;
  }

  // ---- instances ----------------------------------------------------------------------------

  async createProcessInstance(req: CreateProcessInstanceRequest): Promise<ProcessInstanceCreated> {
    const variables = checkVariables(req.variables);
    const def = await this.resolveDefinition(req);
    await this.definition(def.key);
    return this.command(async (q, rt, fx) => {
      const now = this.clock.now();
      const row: InstanceRow = {
        key: rt.keys.next(),
        definitionKey: def.key,
        bpmnProcessId: def.bpmn_process_id,
        version: def.version,
        state: 'ACTIVE',
        doc: { vars: { ...variables }, els: {} },
        hasIncident: false,
        startedAt: now,
      };
      fx.track(row, true);
      rt.runtime.startInstance(row);
      return {
        processInstanceKey: row.key,
        processDefinitionKey: def.key,
        bpmnProcessId: def.bpmn_process_id,
        version: def.version,
      };
    });
  }

  private async resolveDefinition(req: CreateProcessInstanceRequest): Promise<defs.DefinitionRow> {
    let row: defs.DefinitionRow | undefined;
    if (req.processDefinitionKey !== undefined) {
      row = isKey(req.processDefinitionKey) ? await defs.definitionByKey(this.db, req.processDefinitionKey) : undefined;
      if (!row) throw new NotFound(`process definition ${req.processDefinitionKey} not found`);
      return row;
    }
    if (!req.bpmnProcessId) throw new Invalid('give a bpmnProcessId or a processDefinitionKey');
    const version = req.version;
    if (version !== undefined && version !== -1) {
      if (!Number.isInteger(version) || version < 1) throw new Invalid(`version must be a positive integer, not ${version}`);
      row = await defs.definitionByVersion(this.db, req.bpmnProcessId, version);
    } else row = await defs.latestDefinition(this.db, req.bpmnProcessId);
    if (!row) {
      throw new NotFound(
        `no process with id '${req.bpmnProcessId}'${version && version > 0 ? ` and version ${version}` : ''} is deployed`,
      );
    }
    return row;
  }

  async cancelProcessInstance(processInstanceKey: string): Promise<void> {
    await this.command(async (q, rt, fx) => {
      const inst = await this.lockActive(q, isKey(processInstanceKey) ? await lockInstance(q, processInstanceKey) : undefined, `process instance ${processInstanceKey}`);
      fx.track(inst, false);
      rt.runtime.cancel(inst);
      await q.query(`update engine.incidents set state = 'RESOLVED', resolved_at = to_timestamp($2 / 1000.0)
                      where process_instance_key = $1 and state = 'ACTIVE'`, [inst.key, this.clock.now()]);
    });
  }

  async setVariables(req: SetVariablesRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!isKey(req.elementInstanceKey)) throw new NotFound(`element instance ${req.elementInstanceKey} not found`);
    await this.command(async (q, _rt, fx) => {
      let inst = await lockInstance(q, req.elementInstanceKey);
      if (!inst) {
        const { rows } = await q.query<{ key: string }>(
          `select key::text from engine.process_instances where state = 'ACTIVE' and doc->'els' ? $1`,
          [req.elementInstanceKey],
        );
        if (rows[0]) inst = await lockInstance(q, rows[0].key);
      }
      inst = await this.lockActive(q, inst, `element instance ${req.elementInstanceKey}`);
      const scope = req.elementInstanceKey;
      if (scope !== inst.key && !inst.doc.els[scope]) throw new NotFound(`element instance ${scope} not found`);
      if (req.local) {
        if (scope === inst.key) Object.assign(inst.doc.vars, variables);
        else inst.doc.els[scope].vars = { ...(inst.doc.els[scope].vars ?? {}), ...variables };
      } else {
        propagate(inst.doc, scope, variables);
      }
      fx.track(inst, false);
      fx.event({
        valueType: 'VARIABLE_DOCUMENT',
        intent: 'UPDATED',
        at: this.clock.now(),
        processInstanceKey: inst.key,
        elementInstanceKey: scope,
        bpmnProcessId: inst.bpmnProcessId,
        payload: { variables: Object.keys(variables), local: !!req.local },
      });
    });
  }

  async publishMessage(_req: PublishMessageRequest): Promise<{ key: string }> {
    throw new Invalid('message correlation is not supported by the embedded engine yet');
  }

  // ---- jobs ---------------------------------------------------------------------------------

  async activateJobs(req: ActivateJobsRequest): Promise<ActivatedJob[]> {
    if (!req.type) throw new Invalid('type is required');
    if (!Number.isInteger(req.maxJobsToActivate) || req.maxJobsToActivate < 1) throw new Invalid('maxJobsToActivate must be a positive integer');
    if (!Number.isFinite(req.timeout) || req.timeout < 1) throw new Invalid('timeout must be a positive number of milliseconds');
    const now = this.clock.now();
    const worker = req.worker || 'default';
    const claimed = await activateJobs(this.db, req.type, worker, Math.min(req.maxJobsToActivate, 1000), now, now + req.timeout);
    if (!claimed.length) return [];
    const docs = await instanceDocs(this.db, [...new Set(claimed.map((j) => j.process_instance_key))]);
    return claimed.map((j) => {
      const doc = docs.get(j.process_instance_key);
      let variables = doc ? visibleVariables(doc, j.element_instance_key) : {};
      if (req.fetchVariable?.length) {
        variables = Object.fromEntries(req.fetchVariable.filter((n) => n in variables).map((n) => [n, variables[n]]));
      }
      return {
        key: j.key,
        type: j.type,
        processInstanceKey: j.process_instance_key,
        bpmnProcessId: j.bpmn_process_id,
        processDefinitionVersion: j.version,
        processDefinitionKey: j.definition_key,
        elementId: j.element_id,
        elementInstanceKey: j.element_instance_key,
        customHeaders: j.custom_headers,
        worker,
        retries: j.retries,
        deadline: Number(j.deadline_ms),
        variables,
      };
    });
  }

  async completeJob(req: CompleteJobRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    await this.jobCommand(req.jobKey, async (_q, rt, inst, el) => {
      if (el.jobFailed) throw new Conflict(`job ${req.jobKey} has no retries left and waits for its incident to be resolved`);
      rt.runtime.completeJob(inst, el, variables);
    });
  }

  async failJob(req: FailJobRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!Number.isInteger(req.retries)) throw new Invalid('retries must be an integer');
    const backOff = req.retryBackOff ?? 0;
    if (!Number.isFinite(backOff) || backOff < 0) throw new Invalid('retryBackOff must be a non-negative number of milliseconds');
    await this.jobCommand(req.jobKey, async (q, rt, inst, el, fx) => {
      const job = await jobRow(q, req.jobKey);
      if (job.state !== 'ACTIVATED') throw new Conflict(`job ${req.jobKey} is ${job.state}, only an activated job can fail`);
      const now = this.clock.now();
      if (Object.keys(variables).length) el.vars = { ...(el.vars ?? {}), ...variables };
      const message = req.errorMessage ?? '';
      rt.runtime.jobEvent(inst, el, req.jobKey, 'FAILED', { retries: req.retries, errorMessage: message });
      if (req.retries > 0) {
        fx.updateJob({ key: req.jobKey, state: 'ACTIVATABLE', retries: req.retries, activatable_at: now + backOff, deadline: null, worker: null, error_message: message });
      } else {
        fx.updateJob({ key: req.jobKey, state: 'FAILED', retries: 0, activatable_at: now, deadline: null, worker: null, error_message: message });
        el.jobFailed = true;
        rt.runtime.raiseIncident(inst, el, 'JOB_NO_RETRIES', message || 'No more retries left.', undefined, undefined, req.jobKey);
      }
    });
  }

  async throwError(req: ThrowErrorRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!req.errorCode) throw new Invalid('errorCode is required');
    await this.jobCommand(req.jobKey, async (q, rt, inst, el, fx) => {
      const job = await jobRow(q, req.jobKey);
      if (job.state !== 'ACTIVATED' && job.state !== 'ACTIVATABLE') throw new Conflict(`job ${req.jobKey} is ${job.state}`);
      if (Object.keys(variables).length) el.vars = { ...(el.vars ?? {}), ...variables };
      rt.runtime.jobEvent(inst, el, req.jobKey, 'ERROR_THROWN', { errorCode: req.errorCode, errorMessage: req.errorMessage ?? '' });
      // No error catch events yet: an error nobody catches is an incident, as in Zeebe.
      fx.updateJob({ key: req.jobKey, state: 'FAILED', retries: job.retries, activatable_at: this.clock.now(), deadline: null, worker: null, error_message: req.errorMessage ?? null });
      el.jobFailed = true;
      rt.runtime.raiseIncident(
        inst,
        el,
        'UNHANDLED_ERROR_EVENT',
        `Expected to throw an error event with the code '${req.errorCode}'${req.errorMessage ? ` with message '${req.errorMessage}'` : ''}, but it was not caught.`,
        undefined,
        undefined,
        req.jobKey,
      );
    });
  }

  async updateJobRetries(jobKey: string, retries: number): Promise<void> {
    if (!Number.isInteger(retries) || retries < 1) throw new Invalid('retries must be a positive integer');
    await this.jobCommand(jobKey, async (q, _rt, _inst, _el, fx) => {
      const job = await jobRow(q, jobKey);
      fx.updateJob({ ...job, retries });
    });
  }

  async updateJobTimeout(jobKey: string, timeout: number): Promise<void> {
    if (!Number.isFinite(timeout) || timeout < 1) throw new Invalid('timeout must be a positive number of milliseconds');
    await this.jobCommand(jobKey, async (q, _rt, _inst, _el, fx) => {
      const job = await jobRow(q, jobKey);
      if (job.state !== 'ACTIVATED') throw new Conflict(`job ${jobKey} is ${job.state}, only an activated job has a timeout`);
      fx.updateJob({ ...job, deadline: this.clock.now() + timeout });
    });
  }

  async resolveIncident(incidentKey: string): Promise<void> {
    if (!isKey(incidentKey)) throw new NotFound(`incident ${incidentKey} not found`);
    await this.command(async (q, rt, fx) => {
      const inst = await lockInstanceOfIncident(q, incidentKey);
      const { rows } = await q.query<{ element_instance_key: string; job_key: string | null; state: string }>(
        `select element_instance_key::text, job_key::text, state from engine.incidents where key = $1`,
        [incidentKey],
      );
      const inc = rows[0];
      if (!inc || inc.state !== 'ACTIVE' || !inst || inst.state !== 'ACTIVE') throw new NotFound(`incident ${incidentKey} not found or already resolved`);
      await this.definition(inst.definitionKey);
      fx.track(inst, false);
      const el = inst.doc.els[inc.element_instance_key];
      fx.resolveIncident(incidentKey, this.clock.now());
      fx.event({
        valueType: 'INCIDENT',
        intent: 'RESOLVED',
        at: this.clock.now(),
        processInstanceKey: inst.key,
        elementInstanceKey: inc.element_instance_key,
        elementId: el?.id ?? null,
        bpmnProcessId: inst.bpmnProcessId,
        payload: { incidentKey },
      });
      if (el) {
        if (inc.job_key) {
          // The job goes back to the workers with the retries it has (update them first, as in Zeebe).
          const job = await jobRow(q, inc.job_key);
          fx.updateJob({ ...job, state: 'ACTIVATABLE', activatable_at: this.clock.now(), deadline: null, worker: null });
          delete el.jobFailed;
          delete el.incident;
        } else {
          rt.runtime.retry(inst, el);
        }
      }
      inst.hasIncident = Object.values(inst.doc.els).some((e) => e.incident);
    });
  }

  createWorker(options: WorkerOptions): JobWorker {
    const w = new EmbeddedJobWorker(this, options);
    this.workers.add(w);
    w.onClose(() => this.workers.delete(w));
    w.start();
    return w;
  }

  // ---- command plumbing ---------------------------------------------------------------------

  /** One command, one transaction; it runs again with more keys if it ran out. */
  private async command<T>(
    fn: (q: Queryable, rt: { runtime: Runtime; keys: import('./keys.js').KeyRange }, fx: Effects) => Promise<T>,
  ): Promise<T> {
    let want = 256;
    for (;;) {
      try {
        return await this.db.tx(async (q) => {
          const keys = await this.keys.take(q, want);
          const fx = new Effects();
          const runtime = new Runtime({
            keys,
            now: this.clock.now(),
            effects: fx,
            definition: (k) => {
              const p = this.compiled.get(k);
              if (!p) throw new Error(`definition ${k} was not loaded before the command`);
              return p;
            },
          });
          const out = await fn(q, { runtime, keys }, fx);
          await writeEffects(q, fx);
          return out;
        });
      } catch (e) {
        if (e instanceof KeysExhausted && want < 100_000) {
          want *= 8;
          continue;
        }
        throw e;
      }
    }
  }

  /** A command on a job: the job's instance locked, the element waiting for the job found. */
  private async jobCommand(
    jobKey: string,
    fn: (q: Queryable, rt: { runtime: Runtime }, inst: InstanceRow, el: ElementInstance, fx: Effects) => Promise<void>,
  ): Promise<void> {
    if (!isKey(jobKey)) throw new NotFound(`job ${jobKey} not found`);
    await this.command(async (q, rt, fx) => {
      const inst = await lockInstanceOfJob(q, jobKey);
      const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.job === jobKey) : undefined;
      // The document is read under the instance lock: a job completed meanwhile is gone from it.
      if (!inst || !el) throw new NotFound(`job ${jobKey} not found (it may have been completed or cancelled)`);
      await this.definition(inst.definitionKey);
      fx.track(inst, false);
      await fn(q, rt, inst, el, fx);
    });
  }

  private async lockActive(q: Queryable, inst: InstanceRow | undefined, what: string): Promise<InstanceRow> {
    if (!inst || inst.state !== 'ACTIVE') throw new NotFound(`${what} not found or no longer active`);
    await this.definition(inst.definitionKey);
    return inst;
  }
}

async function jobRow(q: Queryable, jobKey: string) {
  const { rows } = await q.query<{
    key: string;
    state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED';
    retries: number;
    activatable_at: number;
    deadline: number | null;
    worker: string | null;
    error_message: string | null;
  }>(
    `select key::text, state, retries, (extract(epoch from activatable_at) * 1000)::float8 as activatable_at,
            (extract(epoch from deadline) * 1000)::float8 as deadline, worker, error_message
       from engine.jobs where key = $1`,
    [jobKey],
  );
  if (!rows[0]) throw new NotFound(`job ${jobKey} not found`);
  return rows[0];
}

function meta(d: { key: string; bpmn_process_id: string; version: number; resource_name: string; version_tag: string | null }): ProcessMetadata {
  return {
    bpmnProcessId: d.bpmn_process_id,
    version: d.version,
    processDefinitionKey: d.key,
    resourceName: d.resource_name,
    ...(d.version_tag ? { versionTag: d.version_tag } : {}),
  };
}

function checkVariables(v: unknown): Variables {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw new Invalid('variables must be a JSON object');
  return v;
}

export function isKey(k: unknown): k is string {
  return typeof k === 'string' && /^[1-9]\d{0,18}$/.test(k) && BigInt(k) <= 9223372036854775807n;
}
