/**
 * Command plumbing of the embedded engine. Every command is one transaction: take a range of
 * keys, lock the instances it touches, move tokens in memory (runtime/), finish what the runtime
 * handed back because it needs the database (calls, children, buffered messages), and write every
 * effect in one statement. A crash at any instant leaves the state before the command or after
 * it. The commands themselves are in commands/, one file each.
 */
import type { Clock } from '../../clock.js';
import type { Variables } from '../port.js';
import type { Db, Queryable } from '../../db/index.js';
import { NotFound } from '../../errors.js';
import { signalStarts, signalWaits } from './sql/signals.js';
import { DefinitionCache, isKey, type CachedDefinition, type CommandScope } from './definitions.js';
import { Effects } from './effects.js';
import { KeyGenerator, KeysExhausted, type KeyRange } from './keys.js';
import { Runtime, type Pending } from './runtime/runtime.js';
import * as msgs from './sql/messages.js';
import { latestForm } from './sql/userTasks.js';
import { formResolved } from './runtime/user-task.js';
import { lockInstance, lockInstanceOfJob } from './sql/lockInstance.js';
import { writeEffects } from './sql/writeEffects.js';
import type { ElementInstance, InstanceRow } from './state.js';

/** What a command works with: its transaction, keys, effects, runtime and pinned definitions. */
export interface Command {
  q: Queryable;
  keys: KeyRange;
  fx: Effects;
  runtime: Runtime;
  scope: CommandScope;
}

/** A cached "latest version" turned out stale: the command runs again, reading the database. */
class StaleLatest extends Error {}

export class EngineCore {
  private readonly keys = new KeyGenerator();
  readonly definitions: DefinitionCache;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    definitionCacheSize: number,
  ) {
    this.definitions = new DefinitionCache(Math.max(1, definitionCacheSize));
  }

  /** A range of keys outside any command (deployments). */
  takeKeys(q: Queryable, n: number): Promise<KeyRange> {
    return this.keys.take(q, n);
  }

  /** One command, one transaction; it runs again with more keys if it ran out. */
  async command<T>(fn: (c: Command) => Promise<T>, keys = 256): Promise<T> {
    let want = keys;
    let attempts = 0;
    let stale = 0;
    for (;;) {
      try {
        return await this.db.tx(async (q) => {
          const keys = await this.keys.take(q, want);
          const fx = new Effects();
          const scope: CommandScope = { defs: new Map(), latest: new Map() };
          const runtime = new Runtime({
            keys,
            now: this.clock.now(),
            effects: fx,
            definition: (k) => {
              const p = scope.defs.get(k) ?? this.definitions.peek(k);
              if (!p) throw new Error(`definition ${k} was not loaded before the command`);
              return p;
            },
          });
          const c: Command = { q, keys, fx, runtime, scope };
          const out = await fn(c);
          while (runtime.pending.length) await this.resolve(c, runtime.pending.shift()!);
          const written = await writeEffects(q, fx, scope.latest.size ? { latestOf: [...scope.latest.keys()] } : {});
          for (const [id, key] of scope.latest) {
            if (written.latest?.[id] !== key) {
              // Deployed since it was cached (by another process): roll back, and read it this time.
              this.definitions.forgetLatest(id);
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
  async jobCommand(jobKey: string, fn: (c: Command, inst: InstanceRow, el: ElementInstance) => Promise<void> | void): Promise<void> {
    if (!isKey(jobKey)) throw new NotFound(`job ${jobKey} not found`);
    await this.command(async (c) => {
      const inst = await lockInstanceOfJob(c.q, jobKey);
      const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.job === jobKey) : undefined;
      // The document is read under the instance lock: a job completed meanwhile is gone from it.
      if (!inst || !el) throw new NotFound(`job ${jobKey} not found (it may have been completed or cancelled)`);
      await this.use(c, inst.definitionKey);
      c.fx.track(inst, false);
      await fn(c, inst, el);
    });
  }

  /** A definition the command uses, pinned until it ends. */
  use(c: Command, key: string): Promise<CachedDefinition> {
    return this.definitions.use(c.scope, key, c.q);
  }

  /** The latest version of a process id, as the command sees it. */
  latestDefinition(c: Command, bpmnProcessId: string): Promise<CachedDefinition | undefined> {
    return this.definitions.latest(c.scope, bpmnProcessId, c.q);
  }

  /** An instance this command already holds, or locks it now. */
  async load(c: Command, key: string): Promise<InstanceRow | undefined> {
    const held = c.fx.instances.get(key);
    if (held) return held.row;
    const row = await lockInstance(c.q, key);
    if (!row) return undefined;
    await this.use(c, row.definitionKey);
    c.fx.track(row, false);
    return row;
  }

  /** A new, empty, active instance of a definition, tracked by the command. */
  async newInstance(c: Command, definitionKey: string): Promise<InstanceRow> {
    const def = await this.use(c, definitionKey);
    const row: InstanceRow = {
      key: c.keys.next(),
      definitionKey,
      bpmnProcessId: def.process.id,
      version: def.row.version,
      state: 'ACTIVE',
      doc: { vars: {}, els: {} },
      hasIncident: false,
      startedAt: this.clock.now(),
    };
    c.fx.track(row, true);
    return row;
  }

  /** The locked instance, if it is still active (its definition pinned); else a 404 naming `what`. */
  async lockActive(c: Command, inst: InstanceRow | undefined, what: string): Promise<InstanceRow> {
    if (!inst || inst.state !== 'ACTIVE') throw new NotFound(`${what} not found or no longer active`);
    await this.use(c, inst.definitionKey);
    return inst;
  }

  /** The MESSAGE CORRELATED record: which element instance a message reached. */
  correlated(c: Command, inst: InstanceRow, elementInstanceKey: string, name: string, correlationKey: string, messageKey: string, now: number): void {
    c.fx.event({
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

  /**
   * A signal's broadcast, inside command `c` — a public one (commands/broadcast-signal.ts) or a throw
   * event's (runtime/signal.ts): every wait fires, every process starting by it starts.
   */
  async broadcast(c: Command, signalName: string, variables: Variables): Promise<{ signalKey: string }> {
    const signalKey = c.keys.next();
    const started: string[] = [];
    for (const s of await signalStarts(c.q, signalName)) {
      const inst = await this.newInstance(c, s.definition_key);
      c.runtime.startBy(inst, s.element_id, variables);
      started.push(inst.key);
    }
    // The waits are read again once their instances are locked: a command that held one of them
    // may have closed the wait read first and opened another for the same signal (the next step's
    // boundary event), and the broadcast must reach that one, as it would have in either order.
    // Instances are locked in key order, so two broadcasts rarely wait on each other in a cycle
    // (PostgreSQL aborts one if they do, and `command` runs it again).
    const locked = new Set<string>();
    let waits: Awaited<ReturnType<typeof signalWaits>>;
    for (;;) {
      waits = await signalWaits(c.q, signalName);
      const fresh = [...new Set(waits.map((w) => w.process_instance_key))].filter((k) => !locked.has(k)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      if (!fresh.length) break;
      for (const key of fresh) {
        await this.load(c, key);
        locked.add(key);
      }
    }
    const reached = new Set<string>();
    for (const w of waits) {
      const inst = await this.load(c, w.process_instance_key);
      if (inst?.state !== 'ACTIVE') continue;
      if (c.runtime.trigger(inst, w.element_instance_key, w.target_element_id, variables, w.interrupting)) reached.add(inst.key);
    }
    c.fx.event({
      valueType: 'SIGNAL',
      intent: 'BROADCASTED',
      at: this.clock.now(),
      payload: { signalKey, signalName, variables: Object.keys(variables), started, reached: [...reached] },
    });
    return { signalKey };
  }

  /** Offers what `child` threw to each calling instance in turn, up the call hierarchy, until `tryCatch` takes it. */
  private async upTheCalls(c: Command, child: InstanceRow, tryCatch: (parent: InstanceRow, callEl: ElementInstance) => boolean): Promise<boolean> {
    let current = child;
    while (current.parentProcessInstanceKey) {
      const parent = await this.load(c, current.parentProcessInstanceKey);
      const callEl = parent?.doc.els[current.parentElementInstanceKey!];
      if (!parent || parent.state !== 'ACTIVE' || !callEl) return false;
      if (tryCatch(parent, callEl)) return true;
      current = parent;
    }
    return false;
  }

  /** Work the runtime handed back because it needs the database: calls, children, buffered messages. */
  private async resolve(c: Command, p: Pending): Promise<void> {
    const { q, runtime } = c;
    const now = this.clock.now();
    switch (p.kind) {
      case 'call': {
        const el = p.inst.doc.els[p.elementKey];
        if (!el || p.inst.state !== 'ACTIVE') return;
        const def = await this.latestDefinition(c, p.processId);
        if (!def) {
          runtime.raiseIncident(
            p.inst,
            el,
            'CALLED_ELEMENT_ERROR',
            `Expected process with BPMN process id '${p.processId}' to be deployed, but not found.`,
            'activate',
          );
          return;
        }
        const child = await this.newInstance(c, def.row.key);
        runtime.startChild(p.inst, p.elementKey, child);
        return;
      }
      case 'childDone': {
        const parent = await this.load(c, p.child.parentProcessInstanceKey!);
        if (parent?.state === 'ACTIVE') runtime.completeCallActivity(parent, p.child.parentElementInstanceKey!, p.child.doc.vars);
        return;
      }
      case 'childError': {
        // The error travels up the call hierarchy until a boundary event or event sub-process catches it.
        const caught = await this.upTheCalls(c, p.child, (parent, callEl) => runtime.catchError(parent, callEl, p.errorCode, p.variables));
        if (caught) {
          runtime.resume();
          return;
        }
        const el = p.child.doc.els[p.elementKey];
        if (el) runtime.raiseUncaught(p.child, el, p.errorCode, p.errorMessage);
        return;
      }
      case 'broadcast': {
        await this.broadcast(c, p.signalName, p.variables);
        return;
      }
      case 'childEscalation': {
        // Uncaught, an escalation is no incident: the throw event has gone on already.
        await this.upTheCalls(c, p.child, (parent, callEl) => runtime.catchEscalation(parent, callEl, p.escalationCode) !== undefined);
        return;
      }
      case 'cancelChild': {
        const child = await this.load(c, p.childKey);
        if (child?.state === 'ACTIVE') runtime.cancel(child);
        return;
      }
      case 'messageStartFreed': {
        // Zeebe: a message buffered while an instance with its key was active starts the next one.
        const key = p.inst.startCorrelationKey!;
        for (const start of await msgs.messageStartsOf(q, p.inst.bpmnProcessId)) {
          await msgs.lockCorrelation(q, start.message_name, key);
          await msgs.lockStartedWithKey(q, p.inst.bpmnProcessId, key);
          for (const m of await msgs.bufferedFor(q, start.message_name, key, p.inst.bpmnProcessId, now)) {
            if (!(await msgs.claimCorrelation(q, m.key, p.inst.bpmnProcessId))) continue;
            const next = await this.newInstance(c, start.definition_key);
            next.startCorrelationKey = key;
            runtime.ctx.cause = { command: 'CORRELATE_MESSAGE', messageName: start.message_name };
            runtime.startBy(next, start.element_id, m.variables ?? {});
            this.correlated(c, next, next.key, start.message_name, key, m.key, now);
            return;
          }
        }
        return;
      }
      case 'userTaskForm': {
        formResolved(runtime, p.inst, p.elementKey, p.formId, p.task, (await latestForm(q, p.formId))?.key);
        runtime.resume();
        return;
      }
      case 'subscribed': {
        if (!c.fx.newSubscriptions.has(p.sub.key) || p.inst.state !== 'ACTIVE') return;
        // A publish of this name and key waits until this subscription is committed, or is seen here.
        await msgs.lockCorrelation(q, p.sub.message_name, p.sub.correlation_key);
        for (const m of await msgs.bufferedFor(q, p.sub.message_name, p.sub.correlation_key, p.inst.bpmnProcessId, now)) {
          if (!(await msgs.claimCorrelation(q, m.key, p.inst.bpmnProcessId))) continue;
          this.correlated(c, p.inst, p.sub.element_instance_key, p.sub.message_name, p.sub.correlation_key, m.key, now);
          runtime.ctx.cause = { command: 'CORRELATE_MESSAGE', messageName: p.sub.message_name };
          runtime.trigger(p.inst, p.sub.element_instance_key, p.sub.target_element_id, m.variables ?? {}, p.sub.interrupting);
          return;
        }
        return;
      }
    }
  }
}
