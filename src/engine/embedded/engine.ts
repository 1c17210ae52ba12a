/**
 * The embedded adapter of the workflow port: Zeebe's commands over PostgreSQL / PGlite.
 * Every command is one transaction — lock the instance, move tokens in memory (Runtime), write
 * the effects in one statement — so a crash at any instant leaves either the state before the
 * command or the state after it, and a restart simply goes on.
 *
 * Why one file of ~1,000 lines, for now: it holds the scheduler, deployment, messages, batching
 * and the command plumbing together, and is next to be split by behaviour (commands each in their
 * own file, SQL under sql/) with runtime.ts (issue "The house", item 4; docs/architecture.md,
 * "Known seams"). Until then, add to it only what a command needs.
 */
import { createHash } from 'node:crypto';
import { BpmnValidationError, compileBpmn, scheduleTimer, type ExecutableProcess } from '../../bpmn/index.js';
import type { Db, Queryable } from '../../db/index.js';
import { Conflict, Invalid, NotFound } from '../../errors.js';
import { evaluateExpr } from '../../feel/index.js';
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
import { Runtime, type Pending } from './runtime/runtime.js';
import * as msgs from './sql/messages.js';
import { claimDueTimers, deleteStartTimers, nextDueAt, type DueTimer } from './sql/timers.js';
import { lockInstancesSkipLocked } from './sql/lockInstance.js';
import { activateJobs, timeOutJobs } from './sql/activateJobs.js';
import * as defs from './sql/definitions.js';
import { lockInstance, lockInstanceOfIncident, lockInstanceOfJob, lockInstancesOfJobs } from './sql/lockInstance.js';
import { writeEffects } from './sql/writeEffects.js';
import { isPlainObject, propagate, visibleVariables, type ElementInstance, type InstanceRow } from './state.js';
import { EmbeddedJobWorker } from './worker.js';

export interface EmbeddedEngineOptions {
  clock?: Clock;
  /** Fire due timers and expire messages in the background (default true; tests drive `tick()`). */
  scheduler?: boolean;
  /** Timers fired per transaction. */
  timerBatch?: number;
  /** Parsed definitions kept in memory, least recently used dropped first (default 256). */
  definitionCacheSize?: number;
}

/** A deployed definition as the engine keeps it: its row and its compiled graph. */
interface CachedDefinition {
  row: defs.DefinitionRow;
  process: ExecutableProcess;
}

/**
 * What one command holds besides its effects: the definitions it uses, pinned for the length of
 * the command whatever the cache evicts meanwhile, and the answers to "which version of process
 * id X is the latest?" it took from the cache, which its write statement confirms.
 */
interface CommandScope {
  defs: Map<string, ExecutableProcess>;
  latest: Map<string, string>;
}

/** A cached "latest version" turned out stale: the command runs again, reading the database. */
class StaleLatest extends Error {}

export class EmbeddedEngine implements WorkflowEngine {
  readonly clock: Clock;
  private readonly keys = new KeyGenerator();
  /**
   * Deployed definitions never change, so the engine keeps them, parsed, by key — a command on a
   * job never reads engine.definitions — together with the two lookups that map onto a key:
   * (process id, version), which never changes either, and the latest version of a process id,
   * which can (a deployment, maybe by another process): commands that rely on that one have the
   * database confirm it in their write statement (writeEffects' `latestOf`).
   */
  private readonly definitions: Lru<string, CachedDefinition>;
  private readonly byVersion: Lru<string, string>;
  private readonly latestKey: Lru<string, { key: string; version: number }>;
  private readonly scopes = new WeakMap<Effects, CommandScope>();
  private readonly workers = new Set<EmbeddedJobWorker>();
  private jobListeners = new Set<(type: string) => void>();
  private unlisten?: () => Promise<void>;
  private readonly options: EmbeddedEngineOptions;
  private schedulerTimer?: NodeJS.Timeout;
  private schedulerRunning = false;
  private schedulerRound?: Promise<void>;
  private closed = false;

  constructor(
    readonly db: Db,
    options: EmbeddedEngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.options = options;
    const size = Math.max(1, options.definitionCacheSize ?? 256);
    this.definitions = new Lru(size);
    this.byVersion = new Lru(size);
    this.latestKey = new Lru(size);
  }

  /** Subscribes to new-job notifications (workers and long-polling activations use them). */
  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.db.listen('engine_jobs', (type) => {
      for (const l of this.jobListeners) l(type);
    });
    if (this.options.scheduler !== false) this.scheduleTick(0);
  }

  /**
   * The scheduler: fires due timers in batches and drops expired messages, then sleeps until the
   * next timer is due (at most a second, so timers created by other processes are seen).
   */
  private scheduleTick(delay: number): void {
    if (this.closed) return;
    clearTimeout(this.schedulerTimer);
    this.schedulerTimer = setTimeout(() => {
      this.schedulerRound = this.runScheduler();
    }, Math.max(0, delay));
    this.schedulerTimer.unref();
  }

  private async runScheduler(): Promise<void> {
    if (this.schedulerRunning || this.closed) return;
    this.schedulerRunning = true;
    let delay = 1000;
    try {
      const fired = await this.tick();
      if (fired.timers >= (this.options.timerBatch ?? 500)) delay = 0;
      else {
        const next = await nextDueAt(this.db);
        if (next !== undefined) delay = Math.min(1000, Math.max(0, next - this.clock.now()));
      }
    } catch {
      // A failed round (e.g. the database restarting) is retried on the next one.
    } finally {
      this.schedulerRunning = false;
      this.scheduleTick(delay);
    }
  }

  /** One scheduler round: due timers (one batch) and expired messages. */
  async tick(): Promise<{ timers: number; expiredMessages: number; timedOutJobs: number }> {
    const timers = await this.fireDueTimers(this.options.timerBatch ?? 500);
    const expiredMessages = await msgs.expireMessages(this.db, this.clock.now());
    const timedOutJobs = await timeOutJobs(this.db, this.clock.now());
    return { timers, expiredMessages, timedOutJobs };
  }

  onJobCreated(listener: (type: string) => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.schedulerTimer);
    await this.schedulerRound;
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
    const latest: CachedDefinition[] = [];
    const result = await this.db.tx(async (q) => {
      latest.length = 0;
      const keys = await this.keys.take(q, 1 + seen.size * 16);
      const deploymentKey = keys.next();
      await defs.insertDeployment(q, deploymentKey, now);
      const out: ProcessMetadata[] = [];
      for (const c of compiled) {
        for (const p of c.processes) {
          await defs.lockProcessId(q, p.id);
          const previous = await defs.latestDefinition(q, p.id);
          if (previous && previous.checksum === c.checksum && previous.resource_name === c.resource.name) {
            // Zeebe: the same resource again is not a new version.
            out.push(meta(previous));
            latest.push({ row: previous, process: p });
            continue;
          }
          const row = {
            key: keys.next(),
            bpmn_process_id: p.id,
            version: (previous?.version ?? 0) + 1,
            version_tag: p.versionTag ?? null,
            name: p.name ?? null,
            resource_name: c.resource.name,
            checksum: c.checksum,
            deployment_key: deploymentKey,
            xml: c.xml,
            deployedAt: now,
          };
          await defs.insertDefinition(q, row);
          const { xml: _xml, deployedAt: _at, ...kept } = row;
          latest.push({ row: kept, process: p });
          // Start events follow the latest version: the previous version's are replaced.
          await msgs.replaceMessageStarts(q, p.id, row.key, p.messageStarts);
          await deleteStartTimers(q, p.id);
          for (const t of p.timerStarts) {
            const text = 'static' in t.timer.expression ? t.timer.expression.static : String(evaluateExpr(t.timer.expression, {}));
            const schedule = scheduleTimer(t.timer.kind, text, now);
            await q.query(
              `insert into engine.timers (key, due_at, element_id, target_element_id, definition_key, bpmn_process_id, repetitions, cycle, created_at)
               values ($1, to_timestamp($2 / 1000.0), $3, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0))`,
              [keys.next(), schedule.dueAt, t.elementId, row.key, p.id, schedule.repetitions, schedule.cycle ?? null, now],
            );
          }
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
    // Only once committed: a rolled-back deployment must not become anyone's latest version.
    for (const d of latest) {
      const { key, bpmn_process_id: id, version } = d.row;
      if (!this.definitions.get(key)) this.definitions.set(key, d);
      this.byVersion.set(versionKey(id, version), key);
      const cached = this.latestKey.get(id);
      if (!cached || cached.version <= version) this.latestKey.set(id, { key, version });
    }
    return result;
  }

  /** The compiled graph of a deployed definition (read and compiled once while it stays cached). */
  async definition(key: string, q: Queryable = this.db): Promise<ExecutableProcess> {
    return (await this.cachedDefinition(key, q)).process;
  }

  private async cachedDefinition(key: string, q: Queryable): Promise<CachedDefinition> {
    const hit = this.definitions.get(key);
    if (hit) return hit;
    const row = isKey(key) ? await defs.definitionWithXml(q, key) : undefined;
    if (!row) throw new NotFound(`process definition ${key} not found`);
    const { xml, ...meta } = row;
    const process = (await compileBpmn(xml, row.resource_name)).find((x) => x.id === row.bpmn_process_id);
    if (!process) throw new NotFound(`process definition ${key} not found`);
    const d = { row: meta, process };
    this.definitions.set(key, d);
    this.byVersion.set(versionKey(meta.bpmn_process_id, meta.version), key);
    return d;
  }

  /** A definition used by the running command: loaded if needed, and held until the command ends. */
  private async use(fx: Effects, key: string, q: Queryable): Promise<CachedDefinition> {
    const d = await this.cachedDefinition(key, q);
    this.scopes.get(fx)?.defs.set(key, d.process);
    return d;
  }

  /**
   * The latest version of a process id, inside a command: from the cache, confirmed by the
   * command's write statement (so a version deployed since is seen and the command runs again),
   * or read from the database, in the command's transaction.
   */
  private async latestDefinition(q: Queryable, fx: Effects, bpmnProcessId: string): Promise<CachedDefinition | undefined> {
    const scope = this.scopes.get(fx)!;
    const cached = this.latestKey.get(bpmnProcessId);
    if (cached) {
      // Gone from the database (it was emptied under this engine): ask the database instead.
      const d = await this.use(fx, cached.key, q).catch(notFoundAsUndefined);
      if (d) {
        if (!scope.latest.has(bpmnProcessId)) scope.latest.set(bpmnProcessId, cached.key);
        return d;
      }
      this.latestKey.delete(bpmnProcessId);
    }
    const row = await defs.latestDefinition(q, bpmnProcessId);
    if (!row) return undefined;
    const d = await this.use(fx, row.key, q);
    const now = this.latestKey.get(bpmnProcessId);
    if (!now || now.version <= row.version) this.latestKey.set(bpmnProcessId, { key: row.key, version: row.version });
    return d;
  }

  // ---- instances ----------------------------------------------------------------------------

  /**
   * The definition is found in the cache (by key, by id and version, or the latest of an id — the
   * last confirmed by the statement that writes the instance), so a new instance costs no
   * statement of its own. Measured (bench/engine-throughput.ts --db postgres --instances 2000,
   * 5 jobs per instance, 2 cores at load average 6–10): the latest-version lookup before each
   * instance was 0.20 statements per job (6.4 ms average wait) — the compiled graph was already
   * kept, so completing a job read no definition; statements per job 1.57 → 1.36; job
   * completions/s 516, 611, 534 before and 678, 596, 571 after, within the noise of a busy machine.
   */
  async createProcessInstance(req: CreateProcessInstanceRequest): Promise<ProcessInstanceCreated> {
    const variables = checkVariables(req.variables);
    return this.command(async (q, rt, fx) => {
      const def = (await this.resolveDefinition(q, fx, req)).row;
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

  private async resolveDefinition(q: Queryable, fx: Effects, req: CreateProcessInstanceRequest): Promise<CachedDefinition> {
    let row: CachedDefinition | undefined;
    if (req.processDefinitionKey !== undefined) {
      if (!isKey(req.processDefinitionKey)) throw new NotFound(`process definition ${req.processDefinitionKey} not found`);
      return this.use(fx, req.processDefinitionKey, q);
    }
    if (!req.bpmnProcessId) throw new Invalid('give a bpmnProcessId or a processDefinitionKey');
    const version = req.version;
    if (version !== undefined && version !== -1) {
      if (!Number.isInteger(version) || version < 1) throw new Invalid(`version must be a positive integer, not ${version}`);
      const cached = this.byVersion.get(versionKey(req.bpmnProcessId, version));
      row = cached ? await this.use(fx, cached, q).catch(notFoundAsUndefined) : undefined;
      if (!row) {
        const key = (await defs.definitionByVersion(q, req.bpmnProcessId, version))?.key;
        if (key) row = await this.use(fx, key, q);
      }
    } else row = await this.latestDefinition(q, fx, req.bpmnProcessId);
    if (!row) {
      throw new NotFound(
        `no process with id '${req.bpmnProcessId}'${version && version > 0 ? ` and version ${version}` : ''} is deployed`,
      );
    }
    return row;
  }

  async cancelProcessInstance(processInstanceKey: string): Promise<void> {
    await this.command(async (q, rt, fx) => {
      const inst = await this.lockActive(q, fx, isKey(processInstanceKey) ? await lockInstance(q, processInstanceKey) : undefined, `process instance ${processInstanceKey}`);
      if (inst.parentProcessInstanceKey) {
        throw new Conflict(
          `process instance ${processInstanceKey} was created by a call activity of process instance ${inst.parentProcessInstanceKey}; cancel that root instance instead`,
        );
      }
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
      inst = await this.lockActive(q, fx, inst, `element instance ${req.elementInstanceKey}`);
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

  /**
   * Zeebe's message semantics: correlate to the open subscriptions with this name and key (at
   * most one per process id), start instances of processes with a message start event, and
   * buffer the message for its time to live so subscriptions opened later can take it.
   */
  async publishMessage(req: PublishMessageRequest): Promise<{ key: string }> {
    const { key } = await this.publish(req);
    return { key };
  }

  /**
   * Publishes and says, from the same transaction, which process instance the message correlated
   * to first (a waiting instance, or one its message start event created) — the instance of the
   * first MESSAGE CORRELATED event this command writes.
   */
  private async publish(req: PublishMessageRequest): Promise<{ key: string; processInstanceKey?: string }> {
    const variables = checkVariables(req.variables);
    if (typeof req.name !== 'string' || !req.name) throw new Invalid('name is required');
    if (req.correlationKey !== undefined && typeof req.correlationKey !== 'string') throw new Invalid('correlationKey must be a string');
    const ttl = req.timeToLive ?? 0;
    if (!Number.isFinite(ttl) || ttl < 0) throw new Invalid('timeToLive must be a non-negative number of milliseconds');
    const correlationKey = req.correlationKey ?? '';
    return this.command(async (q, rt, fx) => {
      const now = this.clock.now();
      let first: string | undefined;
      if (req.messageId && (await msgs.messageIdTaken(q, req.name, correlationKey, req.messageId, now))) {
        throw new Conflict(`a message named '${req.name}' with correlation key '${correlationKey}' and id '${req.messageId}' is already published and buffered`);
      }
      const messageKey = rt.keys.next();
      const done = new Set<string>();
      for (const sub of await msgs.findSubscriptions(q, req.name, correlationKey)) {
        if (done.has(sub.bpmn_process_id)) continue;
        const inst = await this.load(q, fx, sub.process_instance_key);
        if (!inst || inst.state !== 'ACTIVE') continue;
        const target = (await this.use(fx, inst.definitionKey, q)).process.elements[sub.target_element_id];
        if (!inst.doc.els[sub.element_instance_key]) continue;
        if (!(await msgs.claimCorrelation(q, messageKey, sub.bpmn_process_id))) continue;
        done.add(sub.bpmn_process_id);
        first ??= inst.key;
        this.correlateEvent(fx, inst, sub.element_instance_key, req.name, correlationKey, messageKey, now);
        rt.runtime.trigger(inst, sub.element_instance_key, sub.target_element_id, variables, target?.cancelActivity !== false);
      }
      for (const start of await msgs.messageStarts(q, req.name)) {
        if (done.has(start.bpmn_process_id)) continue;
        if (correlationKey && (await msgs.activeStartedWithKey(q, start.bpmn_process_id, correlationKey))) continue;
        if (!(await msgs.claimCorrelation(q, messageKey, start.bpmn_process_id))) continue;
        done.add(start.bpmn_process_id);
        const inst = await this.newInstance(q, rt.keys, start.definition_key, fx);
        inst.startCorrelationKey = correlationKey || null;
        rt.runtime.startBy(inst, start.element_id, variables);
        first ??= inst.key;
        this.correlateEvent(fx, inst, inst.key, req.name, correlationKey, messageKey, now);
      }
      if (ttl > 0) {
        await msgs.bufferMessage(q, { key: messageKey, name: req.name, correlationKey, messageId: req.messageId ?? null, variables, now, ttl });
      }
      fx.event({ valueType: 'MESSAGE', intent: 'PUBLISHED', at: now, payload: { messageKey, name: req.name, correlationKey, timeToLive: ttl, correlatedTo: [...done] } });
      return { key: messageKey, processInstanceKey: first };
    });
  }

  /**
   * Correlates a message now (Zeebe's CorrelateMessage): like publish with no time to live, but
   * it is an error when nothing correlates. The publish command itself says which instance it
   * correlated to first; nothing is read afterwards.
   *
   * Measured (bench/message-correlation.ts --db postgres, PostgreSQL 15, 2 cores at load average
   * 8–10, one call at a time): this used to find the instance after publishing with
   * `select … from engine.events where value_type = 'MESSAGE' and intent = 'CORRELATED' and
   * payload->>'messageKey' = $1 order by position limit 1` — the newest event, reached by walking
   * the log (1,005,898 rows removed by the filter at 1,000,000 events; the review saw 299,989
   * and 44 ms at 300,000): correlateMessage p50 / p99 9.7 / 28 ms with 10,000 events, 435 / 604 ms with
   * 1,000,000. Returned by the command: 4.0 / 24 ms and 7.6 / 18 ms (3.2–7.8 ms p50 over three
   * runs at either size: the event log is not read), 8.6 → 7.4 statements per call.
   */
  async correlateMessage(req: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>): Promise<{ messageKey: string; processInstanceKey: string }> {
    const { key, processInstanceKey } = await this.publish({ ...req, timeToLive: 0 });
    if (processInstanceKey === undefined) {
      throw new NotFound(`no process instance waits for message '${req.name}' with correlation key '${req.correlationKey ?? ''}' (and no process starts with it)`);
    }
    return { messageKey: key, processInstanceKey };
  }

  private correlateEvent(fx: Effects, inst: InstanceRow, elementInstanceKey: string, name: string, correlationKey: string, messageKey: string, now: number): void {
    fx.event({
      valueType: 'MESSAGE',
      intent: 'CORRELATED',
      at: now,
      processInstanceKey: inst.key,
      elementInstanceKey,
      elementId: inst.doc.els[elementInstanceKey]?.id ?? null,
      bpmnProcessId: inst.bpmnProcessId,
      payload: { messageKey, name, correlationKey },
    });
  }

  // ---- timers -------------------------------------------------------------------------------

  /** Fires up to `limit` due timers in one transaction; returns how many were claimed. */
  async fireDueTimers(limit = 500): Promise<number> {
    return this.command(
      async (q, rt, fx) => {
        const now = this.clock.now();
        const due = await claimDueTimers(q, now, limit);
        if (!due.length) return 0;
        const instanceKeys = [...new Set(due.map((t) => t.process_instance_key).filter((k): k is string => !!k))];
        const locked = new Map((await lockInstancesSkipLocked(q, instanceKeys)).map((r) => [r.key, r]));
        for (const r of locked.values()) {
          await this.use(fx, r.definitionKey, q);
          fx.track(r, false);
        }
        for (const t of due) await this.fire(q, t, locked, rt, fx, now);
        return due.length;
      },
      Math.min(100_000, 256 + limit * 64),
    );
  }

  private async fire(q: Queryable, t: DueTimer, locked: Map<string, InstanceRow>, rt: { runtime: Runtime; keys: import('./keys.js').KeyRange }, fx: Effects, now: number): Promise<void> {
    const event = (inst: InstanceRow | null, intent: string) =>
      fx.event({
        valueType: 'TIMER',
        intent,
        at: now,
        processInstanceKey: inst?.key ?? null,
        elementInstanceKey: t.element_instance_key,
        elementId: t.element_id,
        bpmnProcessId: t.bpmn_process_id,
        payload: { timerKey: t.key, targetElementId: t.target_element_id, dueDate: new Date(t.due_at).toISOString() },
      });
    if (!t.process_instance_key) {
      // A timer start event: a new instance of that version, then the next repetition.
      const inst = await this.newInstance(q, rt.keys, t.definition_key, fx);
      event(inst, 'TRIGGERED');
      rt.runtime.startBy(inst, t.element_id, {});
      rt.runtime.rescheduleOrDrop(t);
      return;
    }
    const inst = locked.get(t.process_instance_key);
    if (!inst) {
      // The instance is busy with another command: this timer stays due for the next round.
      return;
    }
    const def = this.scopes.get(fx)!.defs.get(inst.definitionKey)!;
    const target = def.elements[t.target_element_id];
    const interrupting = !(target?.type === 'boundaryEvent' && target.cancelActivity === false);
    event(inst, 'TRIGGERED');
    const fired = inst.state === 'ACTIVE' && rt.runtime.trigger(inst, t.element_instance_key!, t.target_element_id, {}, interrupting);
    if (fired && !interrupting) rt.runtime.rescheduleOrDrop(t);
    else fx.deleteTimer(t.key);
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
    return claimed.map((j) => {
      const doc = j.doc;
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

  /**
   * Completions are committed in batches, like a database's group commit: while a batch is being
   * written the completions arriving meanwhile queue, and go together in the next transaction (at
   * most MAX_BATCHES transactions at once). A lone completion is one transaction as before, so
   * batching adds no latency; under load it divides the round trips and commits per job.
   * Measured (bench/engine-throughput.ts, PostgreSQL 15 on 2 cores): statements per job 5.2 → 1.6,
   * CPU per job client 0.72 → 0.31 ms and server 1.48 → 0.48 ms, jobs/s ×2.3 on a busy machine.
   */
  async completeJob(req: CompleteJobRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!isKey(req.jobKey)) throw new NotFound(`job ${req.jobKey} not found`);
    return new Promise<void>((resolve, reject) => {
      this.completions.push({ jobKey: req.jobKey, variables, resolve, reject });
      this.flushCompletions();
    });
  }

  private readonly completions: Completion[] = [];
  private completionBatches = 0;

  private flushCompletions(): void {
    while (this.completions.length && this.completionBatches < MAX_BATCHES) {
      const batch = this.completions.splice(0, MAX_BATCH);
      this.completionBatches++;
      void this.completeBatch(batch).finally(() => {
        this.completionBatches--;
        this.flushCompletions();
      });
    }
  }

  private async completeBatch(batch: Completion[]): Promise<void> {
    const one = (c: Completion) => this.completeOne(c.jobKey, c.variables).then(c.resolve, c.reject);
    if (batch.length === 1) return one(batch[0]);
    const refused = new Map<Completion, Error>();
    try {
      await this.command(async (q, rt, fx) => {
        refused.clear();
        const { instanceOfJob } = await lockInstancesOfJobs(q, batch.map((c) => c.jobKey));
        for (const c of batch) {
          const inst = instanceOfJob.get(c.jobKey);
          const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.job === c.jobKey) : undefined;
          if (!inst || !el) {
            refused.set(c, new NotFound(`job ${c.jobKey} not found (it may have been completed or cancelled)`));
            continue;
          }
          if (el.jobFailed) {
            refused.set(c, new Conflict(`job ${c.jobKey} has no retries left and waits for its incident to be resolved`));
            continue;
          }
          await this.use(fx, inst.definitionKey, q);
          fx.track(inst, false);
          rt.runtime.completeJob(inst, el, c.variables);
        }
      }, 256 * batch.length);
    } catch {
      // Anything unexpected: each completion on its own, so one cannot fail the others.
      await Promise.all(batch.map(one));
      return;
    }
    for (const c of batch) {
      const e = refused.get(c);
      if (e) c.reject(e);
      else c.resolve();
    }
  }

  private async completeOne(jobKey: string, variables: Variables): Promise<void> {
    await this.jobCommand(jobKey, async (_q, rt, inst, el) => {
      if (el.jobFailed) throw new Conflict(`job ${jobKey} has no retries left and waits for its incident to be resolved`);
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
      rt.runtime.jobEvent(inst, el, req.jobKey, 'ERROR_THROWN', { errorCode: req.errorCode, errorMessage: req.errorMessage ?? '' });
      // Should nobody catch it, the job waits (failed) for its incident to be resolved; if a
      // boundary event catches it, the element and its job are gone and this update with it.
      fx.updateJob({ key: req.jobKey, state: 'FAILED', retries: job.retries, activatable_at: this.clock.now(), deadline: null, worker: null, error_message: req.errorMessage ?? null });
      el.jobFailed = true;
      el.errorJob = req.jobKey;
      rt.runtime.throwError(inst, el, req.errorCode, req.errorMessage ?? '', variables);
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
      await this.use(fx, inst.definitionKey, q);
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
          const job = await jobRow(q, inc.job_key);
          if (job.retries <= 0) {
            throw new Conflict(`job ${inc.job_key} of incident ${incidentKey} has no retries left: update the job's retries, then resolve the incident`);
          }
          fx.updateJob({ ...job, state: 'ACTIVATABLE', activatable_at: this.clock.now(), deadline: null, worker: null });
          delete el.jobFailed;
          delete el.errorJob;
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
    keys = 256,
  ): Promise<T> {
    let want = keys;
    let attempts = 0;
    let stale = 0;
    for (;;) {
      try {
        return await this.db.tx(async (q) => {
          const keys = await this.keys.take(q, want);
          const fx = new Effects();
          const scope: CommandScope = { defs: new Map(), latest: new Map() };
          this.scopes.set(fx, scope);
          const runtime = new Runtime({
            keys,
            now: this.clock.now(),
            effects: fx,
            definition: (k) => {
              const p = scope.defs.get(k) ?? this.definitions.get(k)?.process;
              if (!p) throw new Error(`definition ${k} was not loaded before the command`);
              return p;
            },
          });
          const out = await fn(q, { runtime, keys }, fx);
          while (runtime.pending.length) await this.resolve(q, runtime, keys, fx, runtime.pending.shift()!);
          const written = await writeEffects(q, fx, scope.latest.size ? { latestOf: [...scope.latest.keys()] } : {});
          for (const [id, key] of scope.latest) {
            if (written.latest?.[id] !== key) {
              // Deployed since it was cached (by another process): roll back, and read it this time.
              this.latestKey.delete(id);
              throw new StaleLatest(`the latest version of '${id}' changed`);
            }
          }
          return out;
        });
      } catch (e) {
        if (e instanceof KeysExhausted && want < 100_000) {
          want = Math.min(100_000, want * 8);
          continue;
        }
        if (e instanceof StaleLatest && ++stale < 5) continue;
        // Two commands locking the same instances in opposite order: PostgreSQL aborts one; run it again.
        const code = (e as { code?: string }).code;
        if ((code === '40P01' || code === '40001') && ++attempts < 5) continue;
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
      await this.use(fx, inst.definitionKey, q);
      fx.track(inst, false);
      await fn(q, rt, inst, el, fx);
    });
  }

  /** Work the runtime handed back because it needs the database: calls, children, buffered messages. */
  private async resolve(q: Queryable, runtime: Runtime, keys: import('./keys.js').KeyRange, fx: Effects, p: Pending): Promise<void> {
    const now = this.clock.now();
    switch (p.kind) {
      case 'call': {
        const el = p.inst.doc.els[p.elementKey];
        if (!el || p.inst.state !== 'ACTIVE') return;
        const def = await this.latestDefinition(q, fx, p.processId);
        if (!def) {
          runtime.raiseIncident(p.inst, el, 'CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${p.processId}' to be deployed, but not found.`, 'activate');
          return;
        }
        const child = await this.newInstance(q, keys, def.row.key, fx);
        runtime.startChild(p.inst, p.elementKey, child);
        return;
      }
      case 'childDone': {
        const parent = await this.load(q, fx, p.child.parentProcessInstanceKey!);
        if (parent?.state === 'ACTIVE') runtime.completeCallActivity(parent, p.child.parentElementInstanceKey!, p.child.doc.vars);
        return;
      }
      case 'childError': {
        // The error travels up the call hierarchy until a boundary event catches it.
        let child = p.child;
        while (child.parentProcessInstanceKey) {
          const parent = await this.load(q, fx, child.parentProcessInstanceKey);
          const callEl = parent?.doc.els[child.parentElementInstanceKey!];
          if (!parent || parent.state !== 'ACTIVE' || !callEl) break;
          if (runtime.catchError(parent, callEl, p.errorCode, p.variables)) {
            runtime.resume();
            return;
          }
          child = parent;
        }
        const el = p.child.doc.els[p.elementKey];
        if (el) runtime.raiseUncaught(p.child, el, p.errorCode, p.errorMessage);
        return;
      }
      case 'cancelChild': {
        const child = await this.load(q, fx, p.childKey);
        if (child?.state === 'ACTIVE') runtime.cancel(child);
        return;
      }
      case 'messageStartFreed': {
        // Zeebe: a message buffered while an instance with its key was active starts the next one.
        const key = p.inst.startCorrelationKey!;
        for (const start of await msgs.messageStartsOf(q, p.inst.bpmnProcessId)) {
          for (const m of await msgs.bufferedFor(q, start.message_name, key, p.inst.bpmnProcessId, now)) {
            if (!(await msgs.claimCorrelation(q, m.key, p.inst.bpmnProcessId))) continue;
            const next = await this.newInstance(q, keys, start.definition_key, fx);
            next.startCorrelationKey = key;
            runtime.startBy(next, start.element_id, m.variables ?? {});
            this.correlateEvent(fx, next, next.key, start.message_name, key, m.key, now);
            return;
          }
        }
        return;
      }
      case 'subscribed': {
        if (!fx.newSubscriptions.has(p.sub.key) || p.inst.state !== 'ACTIVE') return;
        for (const m of await msgs.bufferedFor(q, p.sub.message_name, p.sub.correlation_key, p.inst.bpmnProcessId, now)) {
          if (!(await msgs.claimCorrelation(q, m.key, p.inst.bpmnProcessId))) continue;
          this.correlateEvent(fx, p.inst, p.sub.element_instance_key, p.sub.message_name, p.sub.correlation_key, m.key, now);
          runtime.trigger(p.inst, p.sub.element_instance_key, p.sub.target_element_id, m.variables ?? {}, p.sub.interrupting);
          return;
        }
        return;
      }
    }
  }

  /** An instance this command already holds, or locks it now. */
  private async load(q: Queryable, fx: Effects, key: string): Promise<InstanceRow | undefined> {
    const held = fx.instances.get(key);
    if (held) return held.row;
    const row = await lockInstance(q, key);
    if (!row) return undefined;
    await this.use(fx, row.definitionKey, q);
    fx.track(row, false);
    return row;
  }

  private async newInstance(q: Queryable, keys: import('./keys.js').KeyRange, definitionKey: string, fx: Effects): Promise<InstanceRow> {
    const def = await this.use(fx, definitionKey, q);
    const row: InstanceRow = {
      key: keys.next(),
      definitionKey,
      bpmnProcessId: def.process.id,
      version: def.row.version,
      state: 'ACTIVE',
      doc: { vars: {}, els: {} },
      hasIncident: false,
      startedAt: this.clock.now(),
    };
    fx.track(row, true);
    return row;
  }

  private async lockActive(q: Queryable, fx: Effects, inst: InstanceRow | undefined, what: string): Promise<InstanceRow> {
    if (!inst || inst.state !== 'ACTIVE') throw new NotFound(`${what} not found or no longer active`);
    await this.use(fx, inst.definitionKey, q);
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

interface Completion {
  jobKey: string;
  variables: Variables;
  resolve(): void;
  reject(e: unknown): void;
}
const MAX_BATCH = 64;
const MAX_BATCHES = 2;

function notFoundAsUndefined(e: unknown): undefined {
  if (e instanceof NotFound) return undefined;
  throw e;
}

function versionKey(bpmnProcessId: string, version: number): string {
  return `${version}:${bpmnProcessId}`;
}

/** A map that keeps its `max` most recently used entries (a Map iterates in insertion order). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

export function isKey(k: unknown): k is string {
  return typeof k === 'string' && /^[1-9]\d{0,18}$/.test(k) && BigInt(k) <= 9223372036854775807n;
}
