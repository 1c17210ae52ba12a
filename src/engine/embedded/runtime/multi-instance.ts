/**
 * Multi-instance activities: a body element instance over an input collection, with inner
 * instances started all at once (parallel) or one after another (sequential), each with
 * `loopCounter` and its input element; an output collection filled in order; a completion
 * condition that ends the body early, terminating the inner instances still active.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateCondition, evaluateExpr } from '../../../feel/index.js';
import { visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Activate, Tokens } from './behaviour.js';
import { openBoundaries } from './catch-events.js';
import { IncidentSignal } from './incidents.js';
import { evalMapping, setVariable } from './variables.js';

export const activateMultiInstanceBody: Activate = (t, inst, body, node) => {
  const loop = node.loop!;
  const context = visibleVariables(inst.doc, body.scope);
  let items: unknown;
  try {
    items = evaluateExpr(loop.inputCollection, context);
  } catch (e) {
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
  }
  if (!Array.isArray(items)) {
    throw new IncidentSignal(
      'EXTRACT_VALUE_ERROR',
      `Expected result of the expression '${loop.inputCollection && 'feel' in loop.inputCollection ? loop.inputCollection.feel : ''}' to be 'ARRAY', but was '${items === null ? 'NULL' : typeof items}'.`,
    );
  }
  body.mi = { items, next: 0, active: 0, completed: 0, terminated: 0 };
  body.vars = {};
  if (loop.outputCollection)
    setVariable(
      t.ctx,
      inst,
      body.key,
      body.vars,
      loop.outputCollection,
      items.map(() => null),
      body,
    );
  t.markActivated(inst, body, node);
  openBoundaries(t, inst, body, node);
  if (items.length === 0) {
    // Zeebe: an empty input collection completes the body at once.
    t.queueComplete(inst, body.key);
    return;
  }
  const count = loop.sequential ? 1 : items.length;
  for (let i = 0; i < count; i++) startInner(t, inst, body);
};

/** The local variables an inner instance starts with. */
export function innerVariables(node: FlowNode, inner: { item: unknown; index: number }): Record<string, unknown> {
  // Zeebe: each inner instance has loopCounter and the input element as local variables.
  const vars: Record<string, unknown> = { loopCounter: inner.index + 1 };
  if (node.loop!.inputElement) vars[node.loop!.inputElement] = inner.item;
  // Zeebe: an outputElement that names a variable makes it local to the inner instance
  // (null until set), so results never leak between instances or into the parent.
  const out = node.loop!.outputElement;
  if (out && 'feel' in out && /^\s*[A-Za-z_$][\w$]*\s*$/.test(out.feel)) vars[out.feel.trim()] = null;
  return vars;
}

function startInner(t: Tokens, inst: InstanceRow, body: ElementInstance): void {
  const mi = body.mi!;
  const index = mi.next++;
  mi.active++;
  t.queueActivate(inst, body.id, body.key, undefined, { item: mi.items[index], index });
}

/** An inner instance completed: collect its output, then start the next or finish the body. */
export function innerCompleted(t: Tokens, inst: InstanceRow, inner: ElementInstance, node: FlowNode): void {
  const body = inst.doc.els[inner.scope];
  if (!body?.mi) return;
  const loop = node.loop!;
  const mi = body.mi;
  mi.active--;
  mi.completed++;
  const loopCounter = Number(inner.vars?.loopCounter ?? 0);
  if (loop.outputCollection && loop.outputElement) {
    const value = evalMapping(loop.outputElement, visibleVariables(inst.doc, inner.key), 'output', 'feel' in loop.outputElement ? loop.outputElement.feel : '');
    const list = (body.vars![loop.outputCollection] as unknown[]).slice();
    list[loopCounter - 1] = value;
    setVariable(t.ctx, inst, body.key, body.vars!, loop.outputCollection, list, inner);
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
          t.terminateElement(inst, other);
          mi.active--;
          mi.terminated++;
        }
      }
      done = true;
    }
  }
  if (done) {
    t.queueComplete(inst, body.key);
  } else if (loop.sequential && mi.next < mi.items.length) {
    startInner(t, inst, body);
  }
}
