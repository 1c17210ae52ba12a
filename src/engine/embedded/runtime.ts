/**
 * Moves tokens through an executable graph, in memory, for one command. It reads and changes
 * the loaded instance documents and records every effect (events, jobs, incidents) in
 * `Effects`, which the caller writes in the same transaction. Nothing here touches the
 * database, so one command is one short transaction.
 *
 * Element lifecycle (Zeebe's): ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or
 * → TERMINATED when cancelled. A token waits in ACTIVATED (job, join) and moves on otherwise.
 *
 * Why one file of ~1,000 lines, for now: every Zeebe rule is a method of this one class; it is to
 * be split into a token loop and one file per element behaviour, as Zeebe's processors are (issue
 * "The house", item 4), with the engine tests as the guard that nothing changes.
 */
import {
  USER_TASK_JOB_TYPE,
  ZEEBE_ELEMENT_TYPE,
  type ExecutableProcess,
  type FlowNode,
} from '../../bpmn/index.js';
import {
  evaluateCondition,
  evaluateExpr,
  evaluateNumber,
  evaluateString,
  FeelEvaluationError,
  type Expr,
} from '../../feel/index.js';
import { nextCycle, scheduleTimer, TimerError } from '../../bpmn/index.js';
import type { Effects, JobRow, SubscriptionRow, TimerRow } from './effects.js';
import type { KeyRange } from './keys.js';
import {
  isPlainObject,
  propagate,
  setPath,
  visibleVariables,
  type ElementInstance,
  type InstanceRow,
  type JoinArrivals,
} from './state.js';

export type IncidentType =
  | 'JOB_NO_RETRIES'
  | 'UNHANDLED_ERROR_EVENT'
  | 'CONDITION_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'IO_MAPPING_ERROR'
  | 'CALLED_ELEMENT_ERROR'
  | 'UNKNOWN';

type Work =
  /** `trigger`: the event already happened (a message or timer caught), so it completes at once. */
  | { kind: 'activate'; inst: InstanceRow; elementId: string; scope: string; trigger?: Record<string, unknown>; inner?: { item: unknown; index: number } }
  | { kind: 'complete'; inst: InstanceRow; key: string; result?: Record<string, unknown>; flows?: string[] }
  | { kind: 'take'; inst: InstanceRow; flowId: string; scope: string };

/** Work the command must finish outside the in-memory runtime (it needs the database). */
export type Pending =
  | { kind: 'call'; inst: InstanceRow; elementKey: string; processId: string }
  | { kind: 'childDone'; child: InstanceRow }
  | { kind: 'childError'; child: InstanceRow; elementKey: string; errorCode: string; errorMessage: string; variables: Record<string, unknown> }
  | { kind: 'cancelChild'; childKey: string }
  | { kind: 'subscribed'; inst: InstanceRow; sub: SubscriptionRow }
  /** An instance started by a message ended: a buffered message with its key may start the next. */
  | { kind: 'messageStartFreed'; inst: InstanceRow };

class IncidentSignal extends Error {
  constructor(
    readonly type: IncidentType,
    message: string,
  ) {
    super(message);
  }
}

export interface RuntimeContext {
  keys: KeyRange;
  now: number;
  effects: Effects;
  definition(definitionKey: string): ExecutableProcess;
}

export class Runtime {
  private queue: Work[] = [];
  /** Filled while tokens move; the engine drains it between runs. */
  readonly pending: Pending[] = [];
  /** Instances this command moved tokens in: their inclusive joins are re-checked at the end. */
  private touched = new Set<InstanceRow>();

  constructor(private readonly ctx: RuntimeContext) {}

  // ---- commands ------------------------------------------------------------------------

  /** A new instance: the process activates and its none start event fires. */
  startInstance(inst: InstanceRow, startElementId?: string, trigger?: Record<string, unknown>): void {
    const def = this.ctx.definition(inst.definitionKey);
    const start = startElementId ?? def.noneStart;
    this.processEvent(inst, 'ELEMENT_ACTIVATING');
    this.processEvent(inst, 'ELEMENT_ACTIVATED');
    this.queue.push({ kind: 'activate', inst, elementId: start, scope: inst.key, trigger: startElementId ? (trigger ?? {}) : undefined });
    this.drain();
  }

  /**
   * A timer or message arrived for element instance `ownerKey` and fires `targetId`: the catch
   * event itself, one event after an event-based gateway, or a boundary event of the owner.
   * Returns false when the owner is gone (the wait was stale).
   */
  trigger(inst: InstanceRow, ownerKey: string, targetId: string, variables: Record<string, unknown>, interrupting = true): boolean {
    const owner = inst.doc.els[ownerKey];
    if (!owner || inst.state !== 'ACTIVE' || owner.state !== 'ACTIVATED') return false;
    const def = this.ctx.definition(inst.definitionKey);
    const ownerNode = def.elements[owner.id];
    const target = def.elements[targetId];
    if (targetId === owner.id) {
      this.queue.push({ kind: 'complete', inst, key: owner.key, result: variables });
    } else if (ownerNode.type === 'eventBasedGateway') {
      // First event wins: the gateway completes along the flow to it; the other waits go with it.
      const flow = ownerNode.outgoing.find((f) => def.flows[f].target === targetId)!;
      this.complete(inst, owner.key, undefined, [flow], { [targetId]: variables });
    } else if (target?.attachedTo === owner.id) {
      if (interrupting) this.terminateElement(inst, owner);
      this.queue.push({ kind: 'activate', inst, elementId: targetId, scope: owner.scope, trigger: variables });
    } else return false;
    this.drain();
    return true;
  }

  /** A called process instance completed: its call activity completes with the child's variables. */
  completeCallActivity(parent: InstanceRow, elementKey: string, childVars: Record<string, unknown>): void {
    const el = parent.doc.els[elementKey];
    if (!el || !el.child) return;
    delete el.child;
    const node = this.node(parent, el.id);
    // Zeebe: output mappings always see the child's variables; without them, all propagate only if asked.
    const result = node.called!.propagateAllChildVariables || node.outputs ? childVars : {};
    this.queue.push({ kind: 'complete', inst: parent, key: el.key, result });
    this.drain();
  }

  /** A new instance called by `parent`'s call activity `el`, with the parent's variables. */
  startChild(parent: InstanceRow, elementKey: string, child: InstanceRow): void {
    const el = parent.doc.els[elementKey];
    const node = this.node(parent, el.id);
    const vars = node.called!.propagateAllParentVariables ? visibleVariables(parent.doc, el.key) : { ...(el.vars ?? {}) };
    child.doc.vars = vars;
    child.parentProcessInstanceKey = parent.key;
    child.parentElementInstanceKey = el.key;
    el.child = child.key;
    this.startInstance(child);
  }

  /** Fires a timer start event or message start event of a new instance. */
  startBy(inst: InstanceRow, startElementId: string, variables: Record<string, unknown>): void {
    inst.doc.vars = { ...inst.doc.vars };
    this.startInstance(inst, startElementId, variables);
  }

  /**
   * An error thrown from `el` (a job's ThrowError, an error end event, a child process).
   * Caught by the nearest matching error boundary event, outward through scopes; otherwise
   * handed to the calling parent, or an incident.
   */
  throwError(inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string, variables: Record<string, unknown> = {}): void {
    if (this.catchError(inst, el, errorCode, variables)) {
      this.drain();
      return;
    }
    if (inst.parentProcessInstanceKey) {
      this.pending.push({ kind: 'childError', child: inst, elementKey: el.key, errorCode, errorMessage, variables });
      return;
    }
    this.raiseUncaught(inst, el, errorCode, errorMessage);
  }

  raiseUncaught(inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string): void {
    this.raiseIncident(
      inst,
      el,
      'UNHANDLED_ERROR_EVENT',
      `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught.`,
      undefined,
      undefined,
      el.errorJob,
    );
  }

  /** Tries to catch an error in `inst`, starting at `from`; true when a boundary event took it. */
  catchError(inst: InstanceRow, from: ElementInstance, errorCode: string, variables: Record<string, unknown>): boolean {
    const def = this.ctx.definition(inst.definitionKey);
    let current: ElementInstance | undefined = from;
    while (current) {
      const node: FlowNode = def.elements[current.id];
      if (!current.inner) {
        const boundaries = node.boundaries.map((b) => def.elements[b]).filter((b) => b.event?.kind === 'error');
        const match =
          boundaries.find((b) => b.event?.kind === 'error' && b.event.errorCode === errorCode) ??
          boundaries.find((b) => b.event?.kind === 'error' && !b.event.errorCode);
        if (match) {
          const host: ElementInstance = current;
          this.terminateElement(inst, host);
          this.queue.push({ kind: 'activate', inst, elementId: match.id, scope: host.scope, trigger: variables });
          return true;
        }
      }
      current = inst.doc.els[current.scope];
    }
    return false;
  }

  /** A job's work is done: the element completes with the job's variables. */
  completeJob(inst: InstanceRow, el: ElementInstance, variables: Record<string, unknown>): void {
    this.ctx.effects.deleteJob(el.job!);
    this.jobEvent(inst, el, el.job!, 'COMPLETED', { variables });
    delete el.job;
    this.queue.push({ kind: 'complete', inst, key: el.key, result: variables });
    this.drain();
  }

  /** Retries the step an incident stopped (the job case is handled by the caller). */
  retry(inst: InstanceRow, el: ElementInstance): void {
    const step = el.retry;
    const pending = el.pending;
    delete el.incident;
    delete el.retry;
    delete el.pending;
    if (step === 'activate') this.execute(inst, el);
    else if (step === 'complete') this.queue.push({ kind: 'complete', inst, key: el.key, result: pending });
    this.drain();
  }

  /** Cancels the whole instance: every element instance terminates, then the process. */
  cancel(inst: InstanceRow): void {
    this.processEvent(inst, 'ELEMENT_TERMINATING');
    this.terminateChildren(inst, inst.key);
    inst.doc.joins = undefined;
    this.processEvent(inst, 'ELEMENT_TERMINATED');
    inst.state = 'TERMINATED';
    inst.endedAt = this.ctx.now;
    inst.hasIncident = false;
    if (inst.startCorrelationKey) this.pending.push({ kind: 'messageStartFreed', inst });
  }

  /** Moves the tokens queued by a call made from outside (catchError, cancel). */
  resume(): void {
    this.drain();
  }

  // ---- the token loop -------------------------------------------------------------------

  private drain(): void {
    for (;;) {
      while (this.queue.length) {
        const w = this.queue.shift()!;
        if (w.inst.state !== 'ACTIVE') continue;
        this.touched.add(w.inst);
        if (w.kind === 'activate') this.activate(w.inst, w.elementId, w.scope, w.trigger, w.inner);
        else if (w.kind === 'complete') this.complete(w.inst, w.key, w.result, w.flows);
        else this.take(w.inst, w.flowId, w.scope);
      }
      if (!this.fireInclusiveJoins()) break;
    }
  }

  private activate(
    inst: InstanceRow,
    elementId: string,
    scope: string,
    trigger?: Record<string, unknown>,
    inner?: { item: unknown; index: number },
  ): void {
    const node = this.node(inst, elementId);
    const el: ElementInstance = { key: this.ctx.keys.next(), id: elementId, scope, state: 'ACTIVATING' };
    if (inner) {
      el.inner = true;
      // Zeebe: each inner instance has loopCounter and the input element as local variables.
      el.vars = { loopCounter: inner.index + 1 };
      if (node.loop!.inputElement) el.vars[node.loop!.inputElement] = inner.item;
      // Zeebe: an outputElement that names a variable makes it local to the inner instance
      // (null until set), so results never leak between instances or into the parent.
      const out = node.loop!.outputElement;
      if (out && 'feel' in out && /^\s*[A-Za-z_$][\w$]*\s*$/.test(out.feel)) el.vars[out.feel.trim()] = null;
    }
    inst.doc.els[el.key] = el;
    this.elementEvent(inst, el, node, 'ELEMENT_ACTIVATING', !!node.loop && !inner);
    if (trigger) {
      // The event already happened: the element completes with what it carried.
      this.markActivated(inst, el, node);
      this.queue.push({ kind: 'complete', inst, key: el.key, result: trigger });
      return;
    }
    this.execute(inst, el);
  }

  /** The element-specific part of activation; re-run when an activation incident is resolved. */
  private execute(inst: InstanceRow, el: ElementInstance): void {
    const node = this.node(inst, el.id);
    try {
      if (node.loop && !el.inner) {
        this.startMultiInstance(inst, el, node);
        return;
      }
      this.applyInputs(inst, el, node);
      if (node.job && !node.script) {
        this.createJob(inst, el, node);
        this.markActivated(inst, el, node);
        this.openBoundaries(inst, el, node);
        return;
      }
      switch (node.type) {
        case 'scriptTask': {
          const value = evaluateExpr(node.script!.expression, visibleVariables(inst.doc, el.key));
          this.markActivated(inst, el, node);
          this.queue.push({ kind: 'complete', inst, key: el.key, result: { [node.script!.resultVariable]: value } });
          return;
        }
        case 'intermediateCatchEvent':
        case 'receiveTask':
          this.openWait(inst, el, node, node.id, el.key);
          this.markActivated(inst, el, node);
          if (node.type === 'receiveTask') this.openBoundaries(inst, el, node);
          return;
        case 'eventBasedGateway': {
          const def = this.ctx.definition(inst.definitionKey);
          for (const f of node.outgoing) {
            const target = def.elements[def.flows[f].target];
            this.openWait(inst, el, target, target.id, el.key);
          }
          this.markActivated(inst, el, node);
          return;
        }
        case 'subProcess':
          this.markActivated(inst, el, node);
          this.openBoundaries(inst, el, node);
          this.queue.push({ kind: 'activate', inst, elementId: node.noneStart!, scope: el.key });
          return;
        case 'callActivity': {
          let processId: string;
          try {
            processId = evaluateString(node.called!.processId, visibleVariables(inst.doc, el.key), 'the called process id');
          } catch (e) {
            throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
          }
          this.markActivated(inst, el, node);
          this.openBoundaries(inst, el, node);
          this.pending.push({ kind: 'call', inst, elementKey: el.key, processId });
          return;
        }
        case 'endEvent':
          if (node.event?.kind === 'error') {
            this.markActivated(inst, el, node);
            this.throwError(inst, el, node.event.errorCode!, '');
            return;
          }
        // falls through
        default:
          // None events, undefined/manual tasks and gateways pass straight through.
          this.markActivated(inst, el, node);
          if (node.boundaries.length) this.openBoundaries(inst, el, node);
          this.queue.push({ kind: 'complete', inst, key: el.key });
      }
    } catch (e) {
      this.incidentFrom(e, inst, el, 'activate');
    }
  }

  // ---- waits: timers and message subscriptions ------------------------------------------------

  /** Boundary timers and messages of an activity open when it is activated. */
  private openBoundaries(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    // A multi-instance activity's boundary events belong to its body, not to each inner instance.
    if (el.inner) return;
    const def = this.ctx.definition(inst.definitionKey);
    for (const b of node.boundaries) {
      const boundary = def.elements[b];
      if (boundary.event?.kind === 'timer' || boundary.event?.kind === 'message') {
        this.openWait(inst, el, boundary, boundary.id, el.key, boundary.cancelActivity !== false);
      }
    }
  }

  /** A timer or a message subscription owned by element instance `ownerKey`, firing `targetId`. */
  private openWait(inst: InstanceRow, owner: ElementInstance, event: FlowNode, targetId: string, ownerKey: string, interrupting = true): void {
    const vars = visibleVariables(inst.doc, owner.key);
    if (event.event?.kind === 'timer') {
      const t = event.event.timer;
      let schedule;
      try {
        const text = evaluateExpr(t.expression, vars);
        schedule = scheduleTimer(t.kind, String(text ?? ''), this.ctx.now);
      } catch (e) {
        throw new IncidentSignal('EXTRACT_VALUE_ERROR', `timer of '${event.id}': ${(e as Error).message}`);
      }
      const row: TimerRow = {
        key: this.ctx.keys.next(),
        due_at: schedule.dueAt,
        process_instance_key: inst.key,
        element_instance_key: ownerKey,
        element_id: owner.id,
        target_element_id: targetId,
        definition_key: inst.definitionKey,
        bpmn_process_id: inst.bpmnProcessId,
        repetitions: schedule.repetitions,
        cycle: schedule.cycle ?? null,
        created_at: this.ctx.now,
      };
      this.ctx.effects.createTimer(row);
      this.waitEvent(inst, owner, 'TIMER', 'CREATED', { timerKey: row.key, targetElementId: targetId, dueDate: new Date(row.due_at).toISOString() });
      return;
    }
    if (event.event?.kind === 'message') {
      const m = event.event.message;
      let name: string;
      let correlationKey: string;
      try {
        name = evaluateString(m.name, vars, 'the message name');
        const k = evaluateExpr(m.correlationKey!, vars);
        if (typeof k !== 'string' && typeof k !== 'number') {
          throw new FeelEvaluationError(`expected the correlation key to be a string or a number, but got ${JSON.stringify(k)}`);
        }
        correlationKey = String(k);
      } catch (e) {
        throw new IncidentSignal('EXTRACT_VALUE_ERROR', `message subscription of '${event.id}': ${(e as Error).message}`);
      }
      const sub: SubscriptionRow = {
        key: this.ctx.keys.next(),
        message_name: name,
        correlation_key: correlationKey,
        process_instance_key: inst.key,
        element_instance_key: ownerKey,
        element_id: owner.id,
        target_element_id: targetId,
        bpmn_process_id: inst.bpmnProcessId,
        interrupting,
        created_at: this.ctx.now,
      };
      this.ctx.effects.openSubscription(sub);
      this.waitEvent(inst, owner, 'PROCESS_MESSAGE_SUBSCRIPTION', 'CREATED', { messageName: name, correlationKey, targetElementId: targetId });
      this.pending.push({ kind: 'subscribed', inst, sub });
    }
  }

  /** A non-interrupting cycle timer fired: it is due again, or done. */
  rescheduleOrDrop(timer: { key: string; due_at: number; repetitions: number; cycle: string | null }): void {
    if (timer.cycle && timer.repetitions !== 0) {
      const next = nextCycle(timer.cycle, timer.due_at);
      this.ctx.effects.rescheduleTimer(timer.key, next, timer.repetitions < 0 ? -1 : timer.repetitions - 1);
    } else {
      this.ctx.effects.deleteTimer(timer.key);
    }
  }

  // ---- multi-instance ---------------------------------------------------------------------

  private startMultiInstance(inst: InstanceRow, body: ElementInstance, node: FlowNode): void {
    const loop = node.loop!;
    const context = visibleVariables(inst.doc, body.scope);
    let items: unknown;
    try {
      items = evaluateExpr(loop.inputCollection, context);
    } catch (e) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
    }
    if (!Array.isArray(items)) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Expected result of the expression '${loop.inputCollection && 'feel' in loop.inputCollection ? loop.inputCollection.feel : ''}' to be 'ARRAY', but was '${items === null ? 'NULL' : typeof items}'.`);
    }
    body.mi = { items, next: 0, active: 0, completed: 0, terminated: 0 };
    body.vars = {};
    if (loop.outputCollection) body.vars[loop.outputCollection] = items.map(() => null);
    this.markActivated(inst, body, node);
    this.openBoundaries(inst, body, node);
    if (items.length === 0) {
      // Zeebe: an empty input collection completes the body at once.
      this.queue.push({ kind: 'complete', inst, key: body.key });
      return;
    }
    const count = loop.sequential ? 1 : items.length;
    for (let i = 0; i < count; i++) this.startInner(inst, body);
  }

  private startInner(inst: InstanceRow, body: ElementInstance): void {
    const mi = body.mi!;
    const index = mi.next++;
    mi.active++;
    this.queue.push({ kind: 'activate', inst, elementId: body.id, scope: body.key, inner: { item: mi.items[index], index } });
  }

  /** An inner instance completed: collect its output, then start the next or finish the body. */
  private innerCompleted(inst: InstanceRow, inner: ElementInstance, node: FlowNode): void {
    const body = inst.doc.els[inner.scope];
    if (!body?.mi) return;
    const loop = node.loop!;
    const mi = body.mi;
    mi.active--;
    mi.completed++;
    const loopCounter = Number(inner.vars?.loopCounter ?? 0);
    if (loop.outputCollection && loop.outputElement) {
      const value = this.evalMapping(loop.outputElement, visibleVariables(inst.doc, inner.key), 'output', loop.outputElement && 'feel' in loop.outputElement ? loop.outputElement.feel : '');
      const list = (body.vars![loop.outputCollection] as unknown[]).slice();
      list[loopCounter - 1] = value;
      body.vars![loop.outputCollection] = list;
    }
    let done = mi.completed + mi.terminated >= mi.items.length;
    if (!done && loop.completionCondition) {
      const ctx = {
        ...visibleVariables(inst.doc, body.key),
        numberOfInstances: mi.items.length,
        numberOfActiveInstances: mi.active,
        numberOfCompletedInstances: mi.completed,
        numberOfTerminatedInstances: mi.terminated,
      };
      let met: boolean;
      try {
        met = evaluateCondition(loop.completionCondition, ctx);
      } catch (e) {
        throw new IncidentSignal('CONDITION_ERROR', (e as Error).message);
      }
      if (met) {
        for (const other of Object.values(inst.doc.els)) {
          if (other.scope === body.key && other.key !== inner.key) {
            this.terminateElement(inst, other);
            mi.active--;
            mi.terminated++;
          }
        }
        done = true;
      }
    }
    if (done) {
      this.queue.push({ kind: 'complete', inst, key: body.key });
    } else if (loop.sequential && mi.next < mi.items.length) {
      this.startInner(inst, body);
    }
  }

  private markActivated(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    if (el.state === 'ACTIVATED') return;
    el.state = 'ACTIVATED';
    this.elementEvent(inst, el, node, 'ELEMENT_ACTIVATED');
  }

  private complete(
    inst: InstanceRow,
    key: string,
    result?: Record<string, unknown>,
    flowOverride?: string[],
    triggers?: Record<string, Record<string, unknown>>,
  ): void {
    const el = inst.doc.els[key];
    if (!el) return;
    const node = this.node(inst, el.id);
    const isBody = !!node.loop && !el.inner;
    let flows: string[];
    try {
      // Gateways choose their way before anything changes, so an incident leaves no trace.
      flows = el.inner ? [] : (flowOverride ?? this.outgoingFlows(inst, el, node));
      if (el.state !== 'COMPLETING') {
        el.state = 'COMPLETING';
        this.elementEvent(inst, el, node, 'ELEMENT_COMPLETING', isBody);
      }
      if (isBody) {
        // The body's output collection leaves through its own output mappings, or propagates.
        const out = node.loop!.outputCollection;
        if (out) propagate(inst.doc, el.scope, { [out]: el.vars![out] });
      } else {
        this.applyOutputs(inst, el, node, result);
      }
      if (el.inner) this.innerCompleted(inst, el, node);
    } catch (e) {
      this.incidentFrom(e, inst, el, 'complete', result);
      return;
    }
    delete inst.doc.els[key];
    this.ctx.effects.leave(key);
    this.elementEvent(inst, el, node, 'ELEMENT_COMPLETED', isBody);

    if (node.terminate) {
      this.terminateChildren(inst, el.scope);
      this.setJoins(inst, el.scope, undefined);
    }
    if (el.inner) return;
    for (const f of flows) {
      const def = this.ctx.definition(inst.definitionKey);
      const target = def.flows[f].target;
      if (triggers?.[target]) {
        this.takeEvent(inst, f, el.scope);
        this.queue.push({ kind: 'activate', inst, elementId: target, scope: el.scope, trigger: triggers[target] });
      } else {
        this.queue.push({ kind: 'take', inst, flowId: f, scope: el.scope });
      }
    }
    if (!flows.length) this.maybeCompleteScope(inst, el.scope);
  }

  private takeEvent(inst: InstanceRow, flowId: string, scope: string): void {
    this.ctx.effects.event({
      valueType: 'PROCESS_INSTANCE',
      intent: 'SEQUENCE_FLOW_TAKEN',
      processInstanceKey: inst.key,
      elementInstanceKey: this.ctx.keys.next(),
      elementId: flowId,
      elementType: 'SEQUENCE_FLOW',
      flowScopeKey: scope,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
    });
  }

  private take(inst: InstanceRow, flowId: string, scope: string): void {
    const def = this.ctx.definition(inst.definitionKey);
    const target = def.elements[def.flows[flowId].target];
    this.takeEvent(inst, flowId, scope);
    const joining = target.incoming.length > 1 && (target.type === 'parallelGateway' || target.type === 'inclusiveGateway');
    if (!joining) {
      this.queue.push({ kind: 'activate', inst, elementId: target.id, scope });
      return;
    }
    const joins = this.getJoins(inst, scope) ?? {};
    const arrivals = (joins[target.id] ??= {});
    arrivals[flowId] = (arrivals[flowId] ?? 0) + 1;
    this.setJoins(inst, scope, joins);
    if (target.type === 'parallelGateway') {
      // Zeebe: a parallel gateway joins when a token has arrived on every incoming flow.
      if (target.incoming.every((f) => (arrivals[f] ?? 0) > 0)) {
        this.consumeArrivals(inst, scope, target.id, target.incoming);
        this.queue.push({ kind: 'activate', inst, elementId: target.id, scope });
      }
    }
  }

  /**
   * Zeebe's inclusive join: it activates when tokens have arrived and no other token in the
   * flow scope can still reach it. Checked only once every token of the command has moved.
   */
  private fireInclusiveJoins(): boolean {
    let fired = false;
    for (const inst of this.touched) {
      if (inst.state !== 'ACTIVE') continue;
      const def = this.ctx.definition(inst.definitionKey);
      const scopes = [inst.key, ...Object.values(inst.doc.els).filter((e) => e.joins).map((e) => e.key)];
      for (const scope of scopes) {
        const joins = this.getJoins(inst, scope);
        if (!joins) continue;
        for (const [gatewayId, arrivals] of Object.entries(joins)) {
          if (def.elements[gatewayId].type !== 'inclusiveGateway') continue;
          if (!Object.values(arrivals).some((n) => n > 0)) continue;
          if (this.canStillBeReached(inst, scope, gatewayId)) continue;
          this.consumeArrivals(inst, scope, gatewayId, Object.keys(arrivals).filter((f) => arrivals[f] > 0));
          this.queue.push({ kind: 'activate', inst, elementId: gatewayId, scope });
          fired = true;
        }
      }
    }
    return fired;
  }

  private canStillBeReached(inst: InstanceRow, scope: string, gatewayId: string): boolean {
    const def = this.ctx.definition(inst.definitionKey);
    for (const el of Object.values(inst.doc.els)) {
      if (el.scope === scope && reachable(def, el.id).has(gatewayId)) return true;
    }
    const joins = this.getJoins(inst, scope) ?? {};
    for (const [other, arrivals] of Object.entries(joins)) {
      if (other === gatewayId || !Object.values(arrivals).some((n) => n > 0)) continue;
      if (reachable(def, other).has(gatewayId)) return true;
    }
    return false;
  }

  private consumeArrivals(inst: InstanceRow, scope: string, gatewayId: string, flows: string[]): void {
    const joins = this.getJoins(inst, scope)!;
    const arrivals = joins[gatewayId];
    for (const f of flows) {
      arrivals[f] -= 1;
      if (arrivals[f] <= 0) delete arrivals[f];
    }
    if (!Object.keys(arrivals).length) delete joins[gatewayId];
    this.setJoins(inst, scope, Object.keys(joins).length ? joins : undefined);
  }

  /** Which flows a completing element takes; for gateways, by their conditions. */
  private outgoingFlows(inst: InstanceRow, el: ElementInstance, node: FlowNode): string[] {
    if (node.type !== 'exclusiveGateway' && node.type !== 'inclusiveGateway') return node.outgoing;
    if (node.outgoing.length <= 1 && !node.defaultFlow) {
      const only = node.outgoing[0];
      const cond = only ? this.ctx.definition(inst.definitionKey).flows[only].condition : undefined;
      if (!only || !cond) return node.outgoing;
    }
    const def = this.ctx.definition(inst.definitionKey);
    const vars = visibleVariables(inst.doc, el.scope);
    const chosen: string[] = [];
    for (const f of node.outgoing) {
      if (f === node.defaultFlow) continue;
      const cond = def.flows[f].condition;
      if (!cond) continue;
      let ok: boolean;
      try {
        ok = evaluateCondition(cond, vars);
      } catch (e) {
        throw new IncidentSignal('CONDITION_ERROR', (e as Error).message);
      }
      if (ok) {
        chosen.push(f);
        if (node.type === 'exclusiveGateway') break;
      }
    }
    if (chosen.length) return chosen;
    if (node.defaultFlow) return [node.defaultFlow];
    throw new IncidentSignal(
      'CONDITION_ERROR',
      `Expected at least one condition to evaluate to true, or to have a default flow (${node.type} '${node.id}')`,
    );
  }

  /** A scope with no tokens left — no element instances, no waiting join arrivals — completes. */
  private maybeCompleteScope(inst: InstanceRow, scope: string): void {
    if (inst.state !== 'ACTIVE') return;
    for (const el of Object.values(inst.doc.els)) if (el.scope === scope) return;
    const joins = this.getJoins(inst, scope);
    if (joins && Object.keys(joins).length) return;
    if (this.queue.some((w) => w.inst === inst && (w.kind === 'take' ? w.scope === scope : w.kind === 'activate' && w.scope === scope))) return;
    if (scope === inst.key) {
      this.processEvent(inst, 'ELEMENT_COMPLETING');
      this.processEvent(inst, 'ELEMENT_COMPLETED');
      inst.state = 'COMPLETED';
      inst.endedAt = this.ctx.now;
      inst.hasIncident = false;
      if (inst.parentProcessInstanceKey) this.pending.push({ kind: 'childDone', child: inst });
      if (inst.startCorrelationKey) this.pending.push({ kind: 'messageStartFreed', inst });
      return;
    }
    const container = inst.doc.els[scope];
    if (container && !container.mi && this.node(inst, container.id).type === 'subProcess') {
      this.queue.push({ kind: 'complete', inst, key: container.key });
    }
  }

  /** Terminates every element instance in `scope` (children first), with their jobs and incidents. */
  private terminateChildren(inst: InstanceRow, scope: string): void {
    for (const el of Object.values(inst.doc.els)) {
      if (el.scope === scope) this.terminateElement(inst, el);
    }
  }

  /** One element instance and everything inside it: jobs, waits, incidents, called instances. */
  private terminateElement(inst: InstanceRow, el: ElementInstance): void {
    if (!inst.doc.els[el.key]) return;
    this.terminateChildren(inst, el.key);
    const node = this.node(inst, el.id);
    const isBody = !!node.loop && !el.inner;
    this.elementEvent(inst, el, node, 'ELEMENT_TERMINATING', isBody);
    if (el.job) {
      this.ctx.effects.deleteJob(el.job);
      this.jobEvent(inst, el, el.job, 'CANCELED');
    }
    if (el.incident) this.ctx.effects.resolveIncident(el.incident, this.ctx.now);
    if (el.child) this.pending.push({ kind: 'cancelChild', childKey: el.child });
    delete inst.doc.els[el.key];
    this.ctx.effects.leave(el.key);
    this.elementEvent(inst, el, node, 'ELEMENT_TERMINATED', isBody);
    // Commands queued for the terminated token are now void.
    this.queue = this.queue.filter((w) => w.inst !== inst || (w.kind === 'complete' ? !!inst.doc.els[w.key] : !!inst.doc.els[w.scope] || w.scope === inst.key));
  }

  // ---- variables --------------------------------------------------------------------------

  /** Zeebe: input mappings create local variables of the element. */
  private applyInputs(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    if (!node.inputs.length) return;
    const local: Record<string, unknown> = {};
    const context = visibleVariables(inst.doc, el.key);
    for (const m of node.inputs) {
      const value = this.evalMapping(m.source, { ...context, ...local }, 'input', m.target);
      // Zeebe: a nested input target builds a fresh context; only output mappings merge.
      setPath(local, m.target, value);
    }
    el.vars = { ...(el.vars ?? {}), ...local };
  }

  /**
   * Zeebe: without output mappings every result variable propagates from the element's own
   * scope outward; with them, results become local and only the mapped variables leave, from
   * the flow scope outward.
   */
  private applyOutputs(inst: InstanceRow, el: ElementInstance, node: FlowNode, result?: Record<string, unknown>): void {
    if (!node.outputs) {
      if (result && Object.keys(result).length) propagate(inst.doc, el.key, result);
      return;
    }
    if (result) el.vars = { ...(el.vars ?? {}), ...result };
    const context = visibleVariables(inst.doc, el.key);
    const outer = visibleVariables(inst.doc, el.scope);
    const mapped: Record<string, unknown> = {};
    for (const m of node.outputs) {
      const value = this.evalMapping(m.source, context, 'output', m.target);
      setPath(mapped, m.target, value, { ...outer, ...mapped });
    }
    // An inner multi-instance activity maps into its own locals first (its outputElement
    // variable lives there), so parallel instances never race on a shared variable.
    propagate(inst.doc, el.inner ? el.key : el.scope, mapped);
  }

  private evalMapping(source: Expr, vars: Record<string, unknown>, kind: string, target: string): unknown {
    try {
      return evaluateExpr(source, vars);
    } catch (e) {
      throw new IncidentSignal('IO_MAPPING_ERROR', `failed to evaluate ${kind} mapping '${target}': ${(e as Error).message}`);
    }
  }

  // ---- jobs -------------------------------------------------------------------------------

  private createJob(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    const vars = visibleVariables(inst.doc, el.key);
    const def = node.job!;
    let type: string;
    let retries: number;
    const headers: Record<string, string> = { ...def.headers };
    try {
      type = evaluateString(def.type, vars, 'the job type');
      retries = Math.trunc(evaluateNumber(def.retries, vars, 'the job retries'));
      if (node.userTask) Object.assign(headers, userTaskHeaders(node, vars));
    } catch (e) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
    }
    const job: JobRow = {
      key: this.ctx.keys.next(),
      type,
      state: 'ACTIVATABLE',
      process_instance_key: inst.key,
      element_instance_key: el.key,
      element_id: el.id,
      bpmn_process_id: inst.bpmnProcessId,
      definition_key: inst.definitionKey,
      version: inst.version,
      retries,
      activatable_at: this.ctx.now,
      custom_headers: headers,
      created_at: this.ctx.now,
    };
    el.job = job.key;
    this.ctx.effects.createJob(job);
    this.jobEvent(inst, el, job.key, 'CREATED', { type, retries });
  }

  // ---- incidents --------------------------------------------------------------------------

  private incidentFrom(e: unknown, inst: InstanceRow, el: ElementInstance, retry: 'activate' | 'complete', pending?: Record<string, unknown>): void {
    if (!(e instanceof IncidentSignal) && !(e instanceof FeelEvaluationError) && !(e instanceof TimerError)) throw e;
    const type: IncidentType = e instanceof IncidentSignal ? e.type : 'UNKNOWN';
    this.raiseIncident(inst, el, type, e.message, retry, pending);
  }

  raiseIncident(
    inst: InstanceRow,
    el: ElementInstance,
    errorType: IncidentType,
    message: string,
    retry?: 'activate' | 'complete',
    pending?: Record<string, unknown>,
    jobKey?: string,
  ): string {
    const key = this.ctx.keys.next();
    el.incident = key;
    if (retry) el.retry = retry;
    if (pending) el.pending = pending;
    inst.hasIncident = true;
    this.ctx.effects.createIncident({
      key,
      state: 'ACTIVE',
      error_type: errorType,
      error_message: message,
      process_instance_key: inst.key,
      element_instance_key: el.key,
      element_id: el.id,
      bpmn_process_id: inst.bpmnProcessId,
      definition_key: inst.definitionKey,
      job_key: jobKey ?? null,
      created_at: this.ctx.now,
    });
    this.ctx.effects.event({
      valueType: 'INCIDENT',
      intent: 'CREATED',
      processInstanceKey: inst.key,
      elementInstanceKey: el.key,
      elementId: el.id,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
      payload: { incidentKey: key, errorType, errorMessage: message, jobKey: jobKey ?? null },
    });
    return key;
  }

  // ---- helpers ----------------------------------------------------------------------------

  private node(inst: InstanceRow, id: string): FlowNode {
    return this.ctx.definition(inst.definitionKey).elements[id];
  }

  private getJoins(inst: InstanceRow, scope: string): JoinArrivals | undefined {
    return scope === inst.key ? inst.doc.joins : inst.doc.els[scope]?.joins;
  }

  private setJoins(inst: InstanceRow, scope: string, joins: JoinArrivals | undefined): void {
    if (scope === inst.key) {
      if (joins) inst.doc.joins = joins;
      else delete inst.doc.joins;
    } else if (inst.doc.els[scope]) {
      if (joins) inst.doc.els[scope].joins = joins;
      else delete inst.doc.els[scope].joins;
    }
  }

  private elementEvent(inst: InstanceRow, el: ElementInstance, node: FlowNode, intent: string, isBody = false): void {
    this.ctx.effects.event({
      valueType: 'PROCESS_INSTANCE',
      intent,
      processInstanceKey: inst.key,
      elementInstanceKey: el.key,
      elementId: el.id,
      elementType: isBody ? 'MULTI_INSTANCE_BODY' : ZEEBE_ELEMENT_TYPE[node.type],
      flowScopeKey: el.scope,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
    });
  }

  private processEvent(inst: InstanceRow, intent: string): void {
    this.ctx.effects.event({
      valueType: 'PROCESS_INSTANCE',
      intent,
      processInstanceKey: inst.key,
      elementInstanceKey: inst.key,
      elementId: inst.bpmnProcessId,
      elementType: 'PROCESS',
      flowScopeKey: inst.parentElementInstanceKey ?? null,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
    });
  }

  private waitEvent(inst: InstanceRow, el: ElementInstance, valueType: string, intent: string, payload: Record<string, unknown>): void {
    this.ctx.effects.event({
      valueType,
      intent,
      processInstanceKey: inst.key,
      elementInstanceKey: el.key,
      elementId: el.id,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
      payload,
    });
  }

  jobEvent(inst: InstanceRow, el: ElementInstance, jobKey: string, intent: string, payload?: Record<string, unknown>): void {
    this.ctx.effects.event({
      valueType: 'JOB',
      intent,
      processInstanceKey: inst.key,
      elementInstanceKey: el.key,
      elementId: el.id,
      bpmnProcessId: inst.bpmnProcessId,
      at: this.ctx.now,
      payload: { jobKey, ...payload },
    });
  }
}

/** Zeebe's job-based user task: the assignment and schedule travel as job headers. */
function userTaskHeaders(node: FlowNode, vars: Record<string, unknown>): Record<string, string> {
  const ut = node.userTask!;
  const h: Record<string, string> = {};
  if (ut.assignee) h['io.camunda.zeebe:assignee'] = evaluateString(ut.assignee, vars, 'the assignee');
  if (ut.candidateGroups) h['io.camunda.zeebe:candidateGroups'] = JSON.stringify(toList(ut.candidateGroups, vars, 'candidate groups'));
  if (ut.candidateUsers) h['io.camunda.zeebe:candidateUsers'] = JSON.stringify(toList(ut.candidateUsers, vars, 'candidate users'));
  if (ut.dueDate) h['io.camunda.zeebe:dueDate'] = toDate(ut.dueDate, vars, 'the due date');
  if (ut.followUpDate) h['io.camunda.zeebe:followUpDate'] = toDate(ut.followUpDate, vars, 'the follow-up date');
  if (ut.formKey) h['io.camunda.zeebe:formKey'] = ut.formKey;
  return h;
}

function toList(expr: Expr, vars: Record<string, unknown>, what: string): string[] {
  const v = evaluateExpr(expr, vars);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new FeelEvaluationError(`expected ${what} to be a list of strings or a comma-separated string, but got ${JSON.stringify(v)}`);
}

function toDate(expr: Expr, vars: Record<string, unknown>, what: string): string {
  const v = evaluateExpr(expr, vars);
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  throw new FeelEvaluationError(`expected ${what} to be an ISO 8601 date-time, but got ${JSON.stringify(v)}`);
}

const reachCache = new WeakMap<ExecutableProcess, Map<string, Set<string>>>();

/** Elements reachable from `from` along sequence flows (memoised per process). */
export function reachable(def: ExecutableProcess, from: string): Set<string> {
  let byId = reachCache.get(def);
  if (!byId) reachCache.set(def, (byId = new Map()));
  let set = byId.get(from);
  if (set) return set;
  set = new Set();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const f of def.elements[id]?.outgoing ?? []) {
      const t = def.flows[f].target;
      if (!set.has(t)) {
        set.add(t);
        stack.push(t);
      }
    }
  }
  byId.set(from, set);
  return set;
}

export { isPlainObject, IncidentSignal };
