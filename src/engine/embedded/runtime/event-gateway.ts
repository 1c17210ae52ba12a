/** The event-based gateway: it waits on every event after it; the first to happen wins. */
import type { Activate } from './behaviour.js';
import { openWait } from './catch-events.js';

export const activateEventGateway: Activate = (t, inst, el, node) => {
  const def = t.definitionOf(inst);
  for (const f of node.outgoing) {
    const target = def.elements[def.flows[f].target];
    openWait(t, inst, el, target, target.id, el.key);
  }
  t.markActivated(inst, el, node);
};
