/** None events, undefined and manual tasks and gateways: activated, then completed at once. */
import type { Activate } from './behaviour.js';
import { openBoundaries } from './catch-events.js';

export const passThrough: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  if (node.boundaries.length) openBoundaries(t, inst, el, node);
  t.queueComplete(inst, el.key);
};
