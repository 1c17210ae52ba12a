/**
 * Joining gateways. Tokens arriving at a parallel or inclusive gateway with several incoming
 * flows are counted per flow in their flow scope (`joins` of the instance or the sub-process).
 * A parallel gateway joins when every incoming flow has a token; an inclusive gateway when
 * tokens have arrived and no other token in the scope can still reach it (Zeebe's rule), which
 * is checked once every token of the command has moved.
 */
import type { ExecutableProcess, FlowNode } from '../../../bpmn/index.js';
import type { InstanceRow, JoinArrivals } from '../state.js';
import type { Tokens } from './behaviour.js';

/** Whether a token reaching `target` waits at a join rather than activating it. */
export function isJoin(target: FlowNode): boolean {
  return target.incoming.length > 1 && (target.type === 'parallelGateway' || target.type === 'inclusiveGateway');
}

/** A token arrived at join `target` along `flowId`; a parallel gateway with all its tokens activates. */
export function arrive(t: Tokens, inst: InstanceRow, target: FlowNode, flowId: string, scope: string): void {
  const joins = getJoins(inst, scope) ?? {};
  const arrivals = (joins[target.id] ??= {});
  arrivals[flowId] = (arrivals[flowId] ?? 0) + 1;
  setJoins(inst, scope, joins);
  if (target.type === 'parallelGateway') {
    // Zeebe: a parallel gateway joins when a token has arrived on every incoming flow.
    if (target.incoming.every((f) => (arrivals[f] ?? 0) > 0)) {
      consumeArrivals(inst, scope, target.id, target.incoming);
      t.queueActivate(inst, target.id, scope);
    }
  }
}

/** Activates the inclusive joins of `instances` that no token can still reach; true when one fired. */
export function fireInclusiveJoins(t: Tokens, instances: Iterable<InstanceRow>): boolean {
  let fired = false;
  for (const inst of instances) {
    if (inst.state !== 'ACTIVE') continue;
    const def = t.definitionOf(inst);
    const scopes = [
      inst.key,
      ...Object.values(inst.doc.els)
        .filter((e) => e.joins)
        .map((e) => e.key),
    ];
    for (const scope of scopes) {
      const joins = getJoins(inst, scope);
      if (!joins) continue;
      for (const [gatewayId, arrivals] of Object.entries(joins)) {
        if (def.elements[gatewayId].type !== 'inclusiveGateway') continue;
        if (!Object.values(arrivals).some((n) => n > 0)) continue;
        if (canStillBeReached(def, inst, scope, gatewayId)) continue;
        consumeArrivals(
          inst,
          scope,
          gatewayId,
          Object.keys(arrivals).filter((f) => arrivals[f] > 0),
        );
        t.queueActivate(inst, gatewayId, scope);
        fired = true;
      }
    }
  }
  return fired;
}

function canStillBeReached(def: ExecutableProcess, inst: InstanceRow, scope: string, gatewayId: string): boolean {
  for (const el of Object.values(inst.doc.els)) {
    if (el.scope === scope && reachable(def, el.id).has(gatewayId)) return true;
  }
  const joins = getJoins(inst, scope) ?? {};
  for (const [other, arrivals] of Object.entries(joins)) {
    if (other === gatewayId || !Object.values(arrivals).some((n) => n > 0)) continue;
    if (reachable(def, other).has(gatewayId)) return true;
  }
  return false;
}

function consumeArrivals(inst: InstanceRow, scope: string, gatewayId: string, flows: string[]): void {
  const joins = getJoins(inst, scope)!;
  const arrivals = joins[gatewayId];
  for (const f of flows) {
    arrivals[f] -= 1;
    if (arrivals[f] <= 0) delete arrivals[f];
  }
  if (!Object.keys(arrivals).length) delete joins[gatewayId];
  setJoins(inst, scope, Object.keys(joins).length ? joins : undefined);
}

export function getJoins(inst: InstanceRow, scope: string): JoinArrivals | undefined {
  return scope === inst.key ? inst.doc.joins : inst.doc.els[scope]?.joins;
}

export function setJoins(inst: InstanceRow, scope: string, joins: JoinArrivals | undefined): void {
  if (scope === inst.key) {
    if (joins) inst.doc.joins = joins;
    else delete inst.doc.joins;
  } else if (inst.doc.els[scope]) {
    if (joins) inst.doc.els[scope].joins = joins;
    else delete inst.doc.els[scope].joins;
  }
}

const reachCache = new WeakMap<ExecutableProcess, Map<string, Set<string>>>();

/** Elements reachable from `from` along sequence flows (memoised per process). */
export function reachable(def: ExecutableProcess, from: string): Set<string> {
  let byId = reachCache.get(def);
  if (!byId) reachCache.set(def, (byId = new Map<string, Set<string>>()));
  let set = byId.get(from);
  if (set) return set;
  set = new Set();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const f of def.elements[id]?.outgoing ?? []) {
      const target = def.flows[f].target;
      if (!set.has(target)) {
        set.add(target);
        stack.push(target);
      }
    }
  }
  byId.set(from, set);
  return set;
}
