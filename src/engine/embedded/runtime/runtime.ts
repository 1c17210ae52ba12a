/**
 * The token loop. It moves tokens through an executable graph, in memory, for one command: it
 * reads and changes the loaded instance documents and records every effect (events, jobs,
 * incidents) in `Effects`, which the caller writes in the same transaction. Nothing here
 * touches the database, so one command is one short transaction.
 *
 * Element lifecycle (Zeebe's): ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or
 * → TERMINATED when cancelled. A token waits in ACTIVATED (job, join) and moves on otherwise.
 * What each kind of element does on activation is its behaviour, one file each beside this one
 * (job-task, user-task, script-task, catch-events, event-gateway, sub-process, call-activity,
 * multi-instance, errors, pass-through); joins, gateway choices, variables, incidents and the
 * records written have their own files too.
 */
import type { ExecutableProcess, FlowNode } from '../../../bpmn/index.js';
import { Invalid } from '../../../errors.js';
import { FeelEvaluationError } from '../../../feel/index.js';
import type { ElementInstance, InstanceRow } from '../state.js';
import type { Pending, RuntimeContext, Tokens, Variables } from './behaviour.js';
import { behaviourOf } from './behaviours.js';
import { childVariables, resultOfChild } from './call-activity.js';
import { rescheduleOrDrop } from './catch-events.js';
import { catchError, raiseUncaught } from './errors.js';
import { catchEscalation } from './escalation.js';
import { isEventSubProcessStart, openEventSubProcesses, startEventSubProcess } from './event-sub-process.js';
import { outgoingFlows } from './gateways.js';
import { IncidentSignal, incidentFrom, raiseIncident, type IncidentType } from './incidents.js';
import { completeJob } from './job-task.js';
import { arrive, fireInclusiveJoins, getJoins, isJoin, setJoins } from './joins.js';
import { activateMultiInstanceBody, innerCompleted, innerVariables } from './multi-instance.js';
import { elementEvent, jobEvent, processEvent, takeEvent } from './records.js';
import { cancelUserTask } from './user-task.js';
import { compensationAfterComplete, forgetCompensable } from './compensation.js';
import { applyInputs, applyOutputs, localsOf, propagateVariables, setVariables } from './variables.js';

export type { IncidentType, Pending, RuntimeContext };

type Work =
  /** `trigger`: the event already happened (a message or timer caught), so it completes at once. */
  | { kind: 'activate'; inst: InstanceRow; elementId: string; scope: string; trigger?: Variables; inner?: { item: unknown; index: number } }
  | { kind: 'complete'; inst: InstanceRow; key: string; result?: Variables; flows?: string[] }
  | { kind: 'take'; inst: InstanceRow; flowId: string; scope: string };

/** A function of the command's context, less that first parameter: what the runtime's wrappers take. */
type WithoutContext<F> = F extends (ctx: RuntimeContext, ...rest: infer R) => unknown ? R : never;

export class Runtime implements Tokens {
  private queue: Work[] = [];
  /** Filled while tokens move; the engine drains it between runs. */
  readonly pending: Pending[] = [];
  /** Instances this command moved tokens in: their inclusive joins are re-checked at the end. */
  private touched = new Set<InstanceRow>();

  constructor(readonly ctx: RuntimeContext) {}

  // ---- commands ------------------------------------------------------------------------

  /** A new instance: the process activates and its none start event fires. */
  startInstance(inst: InstanceRow, startElementId?: string, trigger?: Variables): void {
    const def = this.definitionOf(inst);
    const start = startElementId ?? def.noneStart;
    processEvent(this.ctx, inst, 'ELEMENT_ACTIVATING');
    processEvent(this.ctx, inst, 'ELEMENT_ACTIVATED');
    try {
      openEventSubProcesses(this, inst, undefined);
    } catch (e) {
      // No element holds a process-level wait: a wait that cannot open refuses the instance.
      if (e instanceof IncidentSignal || e instanceof FeelEvaluationError) throw new Invalid(`process '${inst.bpmnProcessId}': ${e.message}`);
      throw e;
    }
    this.queue.push({ kind: 'activate', inst, elementId: start, scope: inst.key, trigger: startElementId ? (trigger ?? {}) : undefined });
    this.drain();
  }

  /**
   * A timer or message arrived for element instance `ownerKey` and fires `targetId`: the catch
   * event itself, one event after an event-based gateway, or a boundary event of the owner.
   * Returns false when the owner is gone (the wait was stale).
   */
  trigger(inst: InstanceRow, ownerKey: string, targetId: string, variables: Variables, interrupting = true): boolean {
    const start = this.definitionOf(inst).elements[targetId];
    if (isEventSubProcessStart(this.definitionOf(inst), start)) {
      // The scope's own wait: the process (its key) or a sub-process instance still running.
      if (inst.state !== 'ACTIVE' || (ownerKey !== inst.key && inst.doc.els[ownerKey]?.state !== 'ACTIVATED')) return false;
      startEventSubProcess(this, inst, ownerKey, start, variables);
      this.drain();
      return true;
    }
    const owner = inst.doc.els[ownerKey];
    if (!owner || inst.state !== 'ACTIVE' || owner.state !== 'ACTIVATED') return false;
    const def = this.definitionOf(inst);
    const ownerNode = def.elements[owner.id];
    const target = def.elements[targetId];
    if (targetId === owner.id) {
      this.queue.push({ kind: 'complete', inst, key: owner.key, result: variables });
    } else if (ownerNode.type === 'eventBasedGateway') {
      // First event wins: the gateway completes along the flow to it; the other waits go with it.
      const flow = ownerNode.outgoing.find((f) => def.flows[f].target === targetId)!;
      this.completeNow(inst, owner.key, undefined, [flow], { [targetId]: variables });
    } else if (target?.attachedTo === owner.id) {
      if (interrupting) this.terminateElement(inst, owner);
      this.queue.push({ kind: 'activate', inst, elementId: targetId, scope: owner.scope, trigger: variables });
    } else return false;
    this.drain();
    return true;
  }

  /** A called process instance completed: its call activity completes with the child's variables. */
  completeCallActivity(parent: InstanceRow, elementKey: string, childVars: Variables): void {
    const el = parent.doc.els[elementKey];
    if (!el || !el.child) return;
    delete el.child;
    this.queue.push({ kind: 'complete', inst: parent, key: el.key, result: resultOfChild(this, parent, elementKey, childVars) });
    this.drain();
  }

  /** A new instance called by `parent`'s call activity `el`, with the parent's variables. */
  startChild(parent: InstanceRow, elementKey: string, child: InstanceRow): void {
    const el = parent.doc.els[elementKey];
    child.doc.vars = {};
    setVariables(this.ctx, child, child.key, child.doc.vars, childVariables(this, parent, elementKey));
    child.parentProcessInstanceKey = parent.key;
    child.parentElementInstanceKey = el.key;
    el.child = child.key;
    this.startInstance(child);
  }

  /** Fires a timer start event or message start event of a new instance. */
  startBy(inst: InstanceRow, startElementId: string, variables: Variables): void {
    inst.doc.vars = { ...inst.doc.vars };
    this.startInstance(inst, startElementId, variables);
  }

  /**
   * An error thrown from `el` (a job's ThrowError, an error end event, a child process).
   * Caught by the nearest matching error boundary event, outward through scopes; otherwise
   * handed to the calling parent, or an incident.
   */
  throwError(inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string, variables: Variables = {}): void {
    if (catchError(this, inst, el, errorCode, variables)) {
      this.drain();
      return;
    }
    if (inst.parentProcessInstanceKey) {
      this.pending.push({ kind: 'childError', child: inst, elementKey: el.key, errorCode, errorMessage, variables });
      return;
    }
    raiseUncaught(this.ctx, inst, el, errorCode, errorMessage);
  }

  raiseUncaught(inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string): void {
    raiseUncaught(this.ctx, inst, el, errorCode, errorMessage);
  }

  /** Tries to catch an error in `inst`, starting at `from`; true when a boundary event took it. */
  catchError(inst: InstanceRow, from: ElementInstance, errorCode: string, variables: Variables): boolean {
    return catchError(this, inst, from, errorCode, variables);
  }

  /** An escalation came up from a called instance to call activity `callEl`; the id of what caught it, if anything did. */
  catchEscalation(inst: InstanceRow, callEl: ElementInstance, escalationCode: string): string | undefined {
    const caughtBy = catchEscalation(this, inst, callEl, escalationCode);
    this.drain();
    return caughtBy;
  }

  /** A job's work is done: the element completes with the job's variables. */
  completeJob(inst: InstanceRow, el: ElementInstance, variables: Variables): void {
    completeJob(this, inst, el, variables);
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
    processEvent(this.ctx, inst, 'ELEMENT_TERMINATING');
    this.terminateChildren(inst, inst.key);
    inst.doc.joins = undefined;
    processEvent(this.ctx, inst, 'ELEMENT_TERMINATED');
    inst.state = 'TERMINATED';
    this.ctx.effects.leave(inst.key);
    inst.endedAt = this.ctx.now;
    inst.hasIncident = false;
    if (inst.startCorrelationKey) this.pending.push({ kind: 'messageStartFreed', inst });
  }

  /** Moves the tokens queued by a call made from outside (catchError, cancel). */
  resume(): void {
    this.drain();
  }

  /** A non-interrupting cycle timer fired: it is due again, or done. */
  rescheduleOrDrop(timer: { key: string; due_at: number; repetitions: number; cycle: string | null }): void {
    rescheduleOrDrop(this.ctx, timer);
  }

  /** Opens an incident on `el` (what a command does when a job runs out of retries). */
  raiseIncident(...args: WithoutContext<typeof raiseIncident>): string {
    return raiseIncident(this.ctx, ...args);
  }

  jobEvent(...args: WithoutContext<typeof jobEvent>): void {
    jobEvent(this.ctx, ...args);
  }

  // ---- Tokens: what the behaviours use --------------------------------------------------

  definitionOf(inst: InstanceRow): ExecutableProcess {
    return this.ctx.definition(inst.definitionKey);
  }

  node(inst: InstanceRow, id: string): FlowNode {
    return this.definitionOf(inst).elements[id];
  }

  queueActivate(inst: InstanceRow, elementId: string, scope: string, trigger?: Variables, inner?: { item: unknown; index: number }): void {
    this.queue.push({ kind: 'activate', inst, elementId, scope, trigger, inner });
  }

  queueComplete(inst: InstanceRow, key: string, result?: Variables): void {
    this.queue.push({ kind: 'complete', inst, key, result });
  }

  pend(p: Pending): void {
    this.pending.push(p);
  }

  markActivated(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    if (el.state === 'ACTIVATED') return;
    el.state = 'ACTIVATED';
    elementEvent(this.ctx, inst, el, node, 'ELEMENT_ACTIVATED');
  }

  // ---- the token loop -------------------------------------------------------------------

  private drain(): void {
    for (;;) {
      while (this.queue.length) {
        const w = this.queue.shift()!;
        if (w.inst.state !== 'ACTIVE') continue;
        this.touched.add(w.inst);
        if (w.kind === 'activate') this.activate(w.inst, w.elementId, w.scope, w.trigger, w.inner);
        else if (w.kind === 'complete') this.completeNow(w.inst, w.key, w.result, w.flows);
        else this.take(w.inst, w.flowId, w.scope);
      }
      if (!fireInclusiveJoins(this, this.touched)) break;
    }
  }

  private activate(inst: InstanceRow, elementId: string, scope: string, trigger?: Variables, inner?: { item: unknown; index: number }): void {
    const node = this.node(inst, elementId);
    const el: ElementInstance = { key: this.ctx.keys.next(), id: elementId, scope, state: 'ACTIVATING' };
    if (inner) {
      el.inner = true;
      setVariables(this.ctx, inst, el.key, localsOf(el), innerVariables(node, inner), el);
    }
    inst.doc.els[el.key] = el;
    elementEvent(this.ctx, inst, el, node, 'ELEMENT_ACTIVATING', !!node.loop && !inner);
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
        activateMultiInstanceBody(this, inst, el, node);
        return;
      }
      applyInputs(this.ctx, inst, el, node);
      behaviourOf(node)(this, inst, el, node);
    } catch (e) {
      incidentFrom(this.ctx, e, inst, el, 'activate');
    }
  }

  completeNow(inst: InstanceRow, key: string, result?: Variables, flowOverride?: string[], triggers?: Record<string, Variables>): void {
    const el = inst.doc.els[key];
    if (!el) return;
    const node = this.node(inst, el.id);
    const isBody = !!node.loop && !el.inner;
    let flows: string[];
    try {
      // Gateways choose their way before anything changes, so an incident leaves no trace.
      flows = el.inner ? [] : (flowOverride ?? outgoingFlows(this, inst, el, node));
      if (el.state !== 'COMPLETING') {
        el.state = 'COMPLETING';
        elementEvent(this.ctx, inst, el, node, 'ELEMENT_COMPLETING', isBody);
      }
      if (isBody) {
        // The body's output collection leaves through its own output mappings, or propagates.
        const out = node.loop!.outputCollection;
        if (out) propagateVariables(this.ctx, inst, el.scope, { [out]: el.vars![out] }, el);
      } else {
        applyOutputs(this.ctx, inst, el, node, result);
      }
      if (el.inner) innerCompleted(this, inst, el, node);
    } catch (e) {
      incidentFrom(this.ctx, e, inst, el, 'complete', result);
      return;
    }
    delete inst.doc.els[key];
    this.ctx.effects.leave(key);
    elementEvent(this.ctx, inst, el, node, 'ELEMENT_COMPLETED', isBody);
    compensationAfterComplete(this, inst, el, node);

    if (node.terminate) {
      this.terminateChildren(inst, el.scope);
      setJoins(inst, el.scope, undefined);
    }
    if (el.inner) return;
    for (const f of flows) {
      const target = this.definitionOf(inst).flows[f].target;
      if (triggers?.[target]) {
        takeEvent(this.ctx, inst, f, el.scope);
        this.queue.push({ kind: 'activate', inst, elementId: target, scope: el.scope, trigger: triggers[target] });
      } else {
        this.queue.push({ kind: 'take', inst, flowId: f, scope: el.scope });
      }
    }
    if (!flows.length) this.maybeCompleteScope(inst, el.scope);
  }

  private take(inst: InstanceRow, flowId: string, scope: string): void {
    const def = this.definitionOf(inst);
    const target = def.elements[def.flows[flowId].target];
    takeEvent(this.ctx, inst, flowId, scope);
    if (isJoin(target)) arrive(this, inst, target, flowId, scope);
    else this.queue.push({ kind: 'activate', inst, elementId: target.id, scope });
  }

  /** A scope with no tokens left — no element instances, no waiting join arrivals — completes. */
  private maybeCompleteScope(inst: InstanceRow, scope: string): void {
    if (inst.state !== 'ACTIVE') return;
    for (const el of Object.values(inst.doc.els)) if (el.scope === scope) return;
    const joins = getJoins(inst, scope);
    if (joins && Object.keys(joins).length) return;
    if (this.queue.some((w) => w.inst === inst && (w.kind === 'take' ? w.scope === scope : w.kind === 'activate' && w.scope === scope))) return;
    if (scope === inst.key) {
      processEvent(this.ctx, inst, 'ELEMENT_COMPLETING');
      processEvent(this.ctx, inst, 'ELEMENT_COMPLETED');
      inst.state = 'COMPLETED';
      this.ctx.effects.leave(inst.key);
      inst.endedAt = this.ctx.now;
      inst.hasIncident = false;
      if (inst.parentProcessInstanceKey) this.pending.push({ kind: 'childDone', child: inst });
      if (inst.startCorrelationKey) this.pending.push({ kind: 'messageStartFreed', inst });
      return;
    }
    const container = inst.doc.els[scope];
    const containerType = container ? this.node(inst, container.id).type : undefined;
    if (container && !container.mi && (containerType === 'subProcess' || containerType === 'eventSubProcess')) {
      this.queue.push({ kind: 'complete', inst, key: container.key });
    }
  }

  /** Terminates every element instance in `scope` (children first), with their jobs and incidents. */
  private terminateChildren(inst: InstanceRow, scope: string): void {
    for (const el of Object.values(inst.doc.els)) {
      if (el.scope === scope) this.terminateElement(inst, el);
    }
  }

  terminateElement(inst: InstanceRow, el: ElementInstance): void {
    if (!inst.doc.els[el.key]) return;
    this.terminateChildren(inst, el.key);
    const node = this.node(inst, el.id);
    const isBody = !!node.loop && !el.inner;
    elementEvent(this.ctx, inst, el, node, 'ELEMENT_TERMINATING', isBody);
    if (el.job) {
      this.ctx.effects.deleteJob(el.job);
      jobEvent(this.ctx, inst, el, el.job, 'CANCELED');
    }
    if (el.userTask) cancelUserTask(this.ctx, inst, el);
    if (el.incident) this.ctx.effects.resolveIncident(el.incident, this.ctx.now);
    if (el.child) this.pending.push({ kind: 'cancelChild', childKey: el.child });
    forgetCompensable(inst, el.key);
    delete inst.doc.els[el.key];
    this.ctx.effects.leave(el.key);
    elementEvent(this.ctx, inst, el, node, 'ELEMENT_TERMINATED', isBody);
    // Commands queued for the terminated token are now void.
    this.queue = this.queue.filter((w) => w.inst !== inst || (w.kind === 'complete' ? !!inst.doc.els[w.key] : !!inst.doc.els[w.scope] || w.scope === inst.key));
  }
}
