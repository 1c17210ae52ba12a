/**
 * Zeebe's variable rules for an element: input mappings make locals, output mappings choose what
 * leaves. Every write of a variable goes through `setVariable`, which writes Zeebe's VARIABLE
 * record (CREATED, UPDATED) when the value changed — the variable history of the trace.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateExpr, type Expr } from '../../../feel/index.js';
import { propagate, rootScope, setPath, visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { RuntimeContext, Variables } from './behaviour.js';
import { IncidentSignal } from './incidents.js';
import { variableEvent } from './records.js';

/**
 * Sets `name` in `target`, the variables of scope `scopeKey` (the instance's key for its own), and
 * records the change — only a change: a value written again unchanged writes no record. `by` is
 * the element whose mapping or result wrote it.
 */
export function setVariable(
  ctx: RuntimeContext,
  inst: InstanceRow,
  scopeKey: string,
  target: Variables,
  name: string,
  value: unknown,
  by?: ElementInstance,
): void {
  const had = Object.prototype.hasOwnProperty.call(target, name);
  const before = target[name];
  target[name] = value;
  if (had && sameJson(before, value)) return;
  variableEvent(ctx, inst, scopeKey, name, value, had ? 'UPDATED' : 'CREATED', by);
}

/** `setVariable` for each of `vars`. */
export function setVariables(ctx: RuntimeContext, inst: InstanceRow, scopeKey: string, target: Variables, vars: Variables, by?: ElementInstance): void {
  for (const [name, value] of Object.entries(vars)) setVariable(ctx, inst, scopeKey, target, name, value, by);
}

/** Zeebe's propagation (state.ts `propagate`), recording each change. */
export function propagateVariables(ctx: RuntimeContext, inst: InstanceRow, fromScope: string, vars: Variables, by?: ElementInstance): void {
  propagate(inst.doc, fromScope, vars, (target, scopeKey, name, value) => {
    setVariable(ctx, inst, scopeKey === rootScope ? inst.key : scopeKey, target, name, value, by);
  });
}

/** The element's local variables, made a fresh object (documents are never shared between rows). */
export function localsOf(el: ElementInstance): Variables {
  el.vars = { ...(el.vars ?? {}) };
  return el.vars;
}

/** JSON values equal as values: objects by their members whatever their order (jsonb reorders them). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameJson(x[k], y[k]));
}

/** Zeebe: input mappings create local variables of the element. */
export function applyInputs(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
  if (!node.inputs.length) return;
  const local: Variables = {};
  const context = visibleVariables(inst.doc, el.key);
  for (const m of node.inputs) {
    const value = evalMapping(m.source, { ...context, ...local }, 'input', m.target);
    // Zeebe: a nested input target builds a fresh context; only output mappings merge.
    setPath(local, m.target, value);
  }
  setVariables(ctx, inst, el.key, localsOf(el), local, el);
}

/**
 * Zeebe: without output mappings every result variable propagates from the element's own
 * scope outward; with them, results become local and only the mapped variables leave, from
 * the flow scope outward.
 */
export function applyOutputs(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, node: FlowNode, result?: Variables): void {
  if (!node.outputs) {
    if (result && Object.keys(result).length) propagateVariables(ctx, inst, el.key, result, el);
    return;
  }
  if (result) setVariables(ctx, inst, el.key, localsOf(el), result, el);
  const context = visibleVariables(inst.doc, el.key);
  const outer = visibleVariables(inst.doc, el.scope);
  const mapped: Variables = {};
  for (const m of node.outputs) {
    const value = evalMapping(m.source, context, 'output', m.target);
    setPath(mapped, m.target, value, { ...outer, ...mapped });
  }
  // An inner multi-instance activity maps into its own locals first (its outputElement
  // variable lives there), so parallel instances never race on a shared variable.
  propagateVariables(ctx, inst, el.inner ? el.key : el.scope, mapped, el);
}

export function evalMapping(source: Expr, vars: Variables, kind: string, target: string): unknown {
  try {
    return evaluateExpr(source, vars);
  } catch (e) {
    throw new IncidentSignal('IO_MAPPING_ERROR', `failed to evaluate ${kind} mapping '${target}': ${(e as Error).message}`);
  }
}
