/** None events, undefined and manual tasks and gateways: activated, then completed at once; link throw events. */
import type { Activate } from './behaviour.js';
import { openBoundaries } from './catch-events.js';

export const passThrough: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  if (node.boundaries.length) openBoundaries(t, inst, el, node);
  t.queueComplete(inst, el.key);
};

/** A link throw event: completes and goes on at the link catch event of its name, in the same scope. */
export const activateLinkThrow: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  t.queueComplete(inst, el.key);
  // Queued with the completion: the scope is not empty while the token jumps (it has no outgoing flow).
  t.queueActivate(inst, node.linkTarget!, el.scope);
};
