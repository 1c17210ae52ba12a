/**
 * A call activity starts an instance of another process (found by the command, which needs the
 * database) and completes when that child completes.
 */
import { evaluateString } from '../../../feel/index.js';
import { visibleVariables, type InstanceRow } from '../state.js';
import type { Activate, Tokens, Variables } from './behaviour.js';
import { openBoundaries } from './catch-events.js';
import { IncidentSignal } from './incidents.js';

export const activateCallActivity: Activate = (t, inst, el, node) => {
  let processId: string;
  try {
    processId = evaluateString(node.called!.processId, visibleVariables(inst.doc, el.key), 'the called process id');
  } catch (e) {
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
  }
  t.markActivated(inst, el, node);
  openBoundaries(t, inst, el, node);
  t.pend({ kind: 'call', inst, elementKey: el.key, processId });
};

/** The child's variables: the parent's when the call propagates them all, else the call's locals. */
export function childVariables(t: Tokens, parent: InstanceRow, elementKey: string): Variables {
  const el = parent.doc.els[elementKey];
  const node = t.node(parent, el.id);
  return node.called!.propagateAllParentVariables ? visibleVariables(parent.doc, el.key) : { ...(el.vars ?? {}) };
}

/** What a completed child hands back to its call activity. */
export function resultOfChild(t: Tokens, parent: InstanceRow, elementKey: string, childVars: Variables): Variables {
  const node = t.node(parent, parent.doc.els[elementKey].id);
  // Zeebe: output mappings always see the child's variables; without them, all propagate only if asked.
  return node.called!.propagateAllChildVariables || node.outputs ? childVars : {};
}
