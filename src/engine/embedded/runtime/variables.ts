/** Zeebe's variable rules for an element: input mappings make locals, output mappings choose what leaves. */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateExpr, type Expr } from '../../../feel/index.js';
import { propagate, setPath, visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Variables } from './behaviour.js';
import { IncidentSignal } from './incidents.js';

/** Zeebe: input mappings create local variables of the element. */
export function applyInputs(inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
  if (!node.inputs.length) return;
  const local: Variables = {};
  const context = visibleVariables(inst.doc, el.key);
  for (const m of node.inputs) {
    const value = evalMapping(m.source, { ...context, ...local }, 'input', m.target);
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
export function applyOutputs(inst: InstanceRow, el: ElementInstance, node: FlowNode, result?: Variables): void {
  if (!node.outputs) {
    if (result && Object.keys(result).length) propagate(inst.doc, el.key, result);
    return;
  }
  if (result) el.vars = { ...(el.vars ?? {}), ...result };
  const context = visibleVariables(inst.doc, el.key);
  const outer = visibleVariables(inst.doc, el.scope);
  const mapped: Variables = {};
  for (const m of node.outputs) {
    const value = evalMapping(m.source, context, 'output', m.target);
    setPath(mapped, m.target, value, { ...outer, ...mapped });
  }
  // An inner multi-instance activity maps into its own locals first (its outputElement
  // variable lives there), so parallel instances never race on a shared variable.
  propagate(inst.doc, el.inner ? el.key : el.scope, mapped);
}

export function evalMapping(source: Expr, vars: Variables, kind: string, target: string): unknown {
  try {
    return evaluateExpr(source, vars);
  } catch (e) {
    throw new IncidentSignal('IO_MAPPING_ERROR', `failed to evaluate ${kind} mapping '${target}': ${(e as Error).message}`);
  }
}
