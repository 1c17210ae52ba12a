/** An embedded sub-process: a flow scope of its own, with its event sub-processes' waits, started at its none start event. */
import type { Activate } from './behaviour.js';
import { openBoundaries } from './catch-events.js';
import { openEventSubProcesses } from './event-sub-process.js';

export const activateSubProcess: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  openBoundaries(t, inst, el, node);
  openEventSubProcesses(t, inst, el);
  t.queueActivate(inst, node.noneStart!, el.key);
};
