/**
 * Moves tokens through an executable graph, in memory, for one command. It reads and changes
 * the loaded instance documents and records every effect (events, jobs, incidents) in
 * `Effects`, which the caller writes in the same transaction. Nothing here touches the
 * database, so one command is one short transaction.
 *
 * Element lifecycle (Zeebe's): ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or
 * → TERMINATED when cancelled. A token waits in ACTIVATED (job, join) and moves on otherwise.
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
import type { Effects, JobRow } from './effects.js';
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

export type IncidentType = 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'IO_MAPPING_ERROR' | 'UNKNOWN';

type Work =
  | { kind: 'activate'; inst: InstanceRow; elementId: string; scope: string }
  | { kind: 'complete'; inst: InstanceRow; key: string; result?: Record<string, unknown> }
  | { kind: 'take'; inst: InstanceRow; flowId: string; scope: string };

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
  /** Instances this command moved tokens in: their inclusive joins are re-checked at the end. */
  private touched = new Set<InstanceRow>();

  constructor(private readonly ctx: RuntimeContext) {}

  // ---- commands ------------------------------------------------------------------------

  /** A new instance: the process activates and its none start event fires. */
  startInstance(inst: InstanceRow): void {
    const def = this.ctx.definition(inst.definitionKey);
    this.processEvent(inst, 'ELEMENT_ACTIVATING');
    this.processEvent(inst, 'ELEMENT_ACTIVATED');
    this.queue.push({ kind: 'activate', inst, elementId: def.noneStart, scope: inst.key });
    this.drain();
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
    this.terminateChildren(inst, inst.key);
    inst.doc.joins = undefined;
    this.processEvent(inst, 'ELEMENT_TERMINATING');
    this.processEvent(inst, 'ELEMENT_TERMINATED');
    inst.state = 'TERMINATED';
    inst.endedAt = this.ctx.now;
    inst.hasIncident = false;
  }

  // ---- the token loop -------------------------------------------------------------------

  private drain(): void {
    for (;;) {
      while (this.queue.length) {
        const w = this.queue.shift()!;
        if (w.inst.state !== 'ACTIVE') continue;
        this.touched.add(w.inst);
        if (w.kind === 'activate') this.activate(w.inst, w.elementId, w.scope);
        else if (w.kind === 'complete') this.complete(w.inst, w.key, w.result);
        else this.take(w.inst, w.flowId, w.scope);
      }
      if (!this.fireInclusiveJoins()) break;
    }
  }

  private activate(inst: InstanceRow, elementId: string, scope: string): void {
    const node = this.node(inst, elementId);
    const el: ElementInstance = { key: this.ctx.keys.next(), id: elementId, scope, state: 'ACTIVATING' };
    inst.doc.els[el.key] = el;
    this.elementEvent(inst, el, node, 'ELEMENT_ACTIVATING');
    this.execute(inst, el);
  }

  /** The element-specific part of activation; re-run when an activation incident is resolved. */
  private execute(inst: InstanceRow, el: ElementInstance): void {
    const node = this.node(inst, el.id);
    try {
      this.applyInputs(inst, el, node);
      switch (node.type) {
        case 'serviceTask':
        case 'sendTask':
        case 'businessRuleTask':
        case 'userTask':
        case 'scriptTask':
          if (node.script) {
            const value = evaluateExpr(node.script.expression, visibleVariables(inst.doc, el.key));
            this.markActivated(inst, el, node);
            this.queue.push({ kind: 'complete', inst, key: el.key, result: { [node.script.resultVariable]: value } });
          } else {
            this.createJob(inst, el, node);
            this.markActivated(inst, el, node);
          }
          return;
        default:
          // Events, undefined/manual tasks and gateways pass straight through.
          this.markActivated(inst, el, node);
          this.queue.push({ kind: 'complete', inst, key: el.key });
      }
    } catch (e) {
      this.incidentFrom(e, inst, el, 'activate');
    }
  }

  private markActivated(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    if (el.state === 'ACTIVATED') return;
    el.state = 'ACTIVATED';
    this.elementEvent(inst, el, node, 'ELEMENT_ACTIVATED');
  }

  private complete(inst: InstanceRow, key: string, result?: Record<string, unknown>): void {
    const el = inst.doc.els[key];
    if (!el) return;
    const node = this.node(inst, el.id);
    let flows: string[];
    try {
      // Gateways choose their way before anything changes, so an incident leaves no trace.
      flows = this.outgoingFlows(inst, el, node);
      if (el.state !== 'COMPLETING') {
        el.state = 'COMPLETING';
        this.elementEvent(inst, el, node, 'ELEMENT_COMPLETING');
      }
      this.applyOutputs(inst, el, node, result);
    } catch (e) {
      this.incidentFrom(e, inst, el, 'complete', result);
      return;
    }
    delete inst.doc.els[key];
    this.elementEvent(inst, el, node, 'ELEMENT_COMPLETED');

    if (node.terminate) {
      this.terminateChildren(inst, el.scope);
      this.setJoins(inst, el.scope, undefined);
    }
    for (const f of flows) this.queue.push({ kind: 'take', inst, flowId: f, scope: el.scope });
    if (!flows.length) this.maybeCompleteScope(inst, el.scope);
  }

  private take(inst: InstanceRow, flowId: string, scope: string): void {
    const def = this.ctx.definition(inst.definitionKey);
    const flow = def.flows[flowId];
    const target = def.elements[flow.target];
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
    }
  }

  /** Terminates every element instance in `scope` (children first), with their jobs and incidents. */
  private terminateChildren(inst: InstanceRow, scope: string): void {
    for (const el of Object.values(inst.doc.els)) {
      if (el.scope !== scope) continue;
      this.terminateChildren(inst, el.key);
      const node = this.node(inst, el.id);
      this.elementEvent(inst, el, node, 'ELEMENT_TERMINATING');
      if (el.job) {
        this.ctx.effects.deleteJob(el.job);
        this.jobEvent(inst, el, el.job, 'CANCELED');
      }
      if (el.incident) this.ctx.effects.resolveIncident(el.incident, this.ctx.now);
      delete inst.doc.els[el.key];
      this.elementEvent(inst, el, node, 'ELEMENT_TERMINATED');
    }
    // Commands queued for the terminated tokens are now void.
    this.queue = this.queue.filter((w) => w.inst !== inst || (w.kind === 'complete' ? !!inst.doc.els[w.key] : w.scope !== scope));
  }

  // ---- variables --------------------------------------------------------------------------

  /** Zeebe: input mappings create local variables of the element. */
  private applyInputs(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
    if (!node.inputs.length) return;
    const local: Record<string, unknown> = {};
    const context = visibleVariables(inst.doc, el.scope);
    for (const m of node.inputs) {
      const value = this.evalMapping(m.source, { ...context, ...local }, 'input', m.target);
      setPath(local, m.target, value, context);
    }
    el.vars = local;
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
    propagate(inst.doc, el.scope, mapped);
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
    if (!(e instanceof IncidentSignal) && !(e instanceof FeelEvaluationError)) throw e;
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

  private elementEvent(inst: InstanceRow, el: ElementInstance, node: FlowNode, intent: string): void {
    this.ctx.effects.event({
      valueType: 'PROCESS_INSTANCE',
      intent,
      processInstanceKey: inst.key,
      elementInstanceKey: el.key,
      elementId: el.id,
      elementType: ZEEBE_ELEMENT_TYPE[node.type],
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

export { isPlainObject };
