/**
 * BPMN errors: thrown by a job (ThrowError), an error end event or a called process; caught by
 * the nearest error boundary event or error event sub-process outward through the scopes
 * (catching.ts: by code, else the catch-all); uncaught, an incident.
 */
import type { ElementInstance, InstanceRow } from '../state.js';
import type { Activate, RuntimeContext, Tokens, Variables } from './behaviour.js';
import { raiseIncident } from './incidents.js';
import { catchThrown } from './catching.js';
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

/** Tries to catch an error in `inst`, starting at `from`; true when a boundary event or event sub-process took it. */
export function catchError(t: Tokens, inst: InstanceRow, from: ElementInstance, errorCode: string, variables: Variables): boolean {
  return catchThrown(t, inst, from, 'error', errorCode, variables) !== undefined;
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
