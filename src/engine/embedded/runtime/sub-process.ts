/** An embedded sub-process: a flow scope of its own, started at its none start event. */
import type { Activate } from './behaviour.js';
import { openBoundaries } from './catch-events.js';

export const activateSubProcess: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  openBoundaries(t, inst, el, node);
  t.queueActivate(inst, node.noneStart!, el.key);
};
