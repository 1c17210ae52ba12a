/**
 * BPMN errors: thrown by a job (ThrowError), an error end event or a called process; caught by
 * the nearest matching error boundary event outward through the scopes (by code, else the
 * catch-all); uncaught, an incident.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import type { ElementInstance, InstanceRow } from '../state.js';
import type { Activate, RuntimeContext, Tokens, Variables } from './behaviour.js';
import { raiseIncident } from './incidents.js';
import { errorEventSubProcess, startEventSubProcess } from './event-sub-process.js';
import { passThrough } from './pass-through.js';

/** An end event: an error end event throws its error; any other passes through. */
export const activateEndEvent: Activate = (t, inst, el, node) => {
  if (node.event?.kind !== 'error') {
    passThrough(t, inst, el, node);
    return;
  }
  t.markActivated(inst, el, node);
  t.throwError(inst, el, node.event.errorCode!, '');
};

/** Tries to catch an error in `inst`, starting at `from`; true when a boundary event took it. */
export function catchError(t: Tokens, inst: InstanceRow, from: ElementInstance, errorCode: string, variables: Variables): boolean {
  const def = t.definitionOf(inst);
  let current: ElementInstance | undefined = from;
  // Event sub-processes the error was thrown within: none catches its own error.
  const within = new Set<string>();
  while (current) {
    const node: FlowNode = def.elements[current.id];
    if (node.type === 'eventSubProcess') within.add(node.id);
    if (!current.inner) {
      const boundaries = node.boundaries.map((b) => def.elements[b]).filter((b) => b.event?.kind === 'error');
      const match =
        boundaries.find((b) => b.event?.kind === 'error' && b.event.errorCode === errorCode) ??
        boundaries.find((b) => b.event?.kind === 'error' && !b.event.errorCode);
      if (match) {
        const host: ElementInstance = current;
        t.terminateElement(inst, host);
        t.queueActivate(inst, match.id, host.scope, variables);
        return true;
      }
    }
    // Then the error event sub-processes of the flow scope it is in (not a multi-instance body).
    const scopeKey = current.scope;
    const scopeEl = inst.doc.els[scopeKey] as ElementInstance | undefined;
    const scopeId = scopeKey === inst.key ? def.id : scopeEl && !scopeEl.mi ? scopeEl.id : undefined;
    const esp = scopeId === undefined ? undefined : errorEventSubProcess(def, scopeId, errorCode, within);
    if (esp) {
      startEventSubProcess(t, inst, scopeKey, esp, variables);
      return true;
    }
    current = scopeEl;
  }
  return false;
}

export function raiseUncaught(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string): void {
  raiseIncident(
    ctx,
    inst,
    el,
    'UNHANDLED_ERROR_EVENT',
    `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught.`,
    undefined,
    undefined,
    el.errorJob,
  );
}
