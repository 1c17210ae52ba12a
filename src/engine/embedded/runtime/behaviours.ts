/** Which behaviour activates an element: the table of element types and their behaviour files. */
import type { ElementType, FlowNode } from '../../../bpmn/index.js';
import type { Activate } from './behaviour.js';
import { activateCallActivity } from './call-activity.js';
import { activateCompensationThrow } from './compensation.js';
import { activateCatchEvent } from './catch-events.js';
import { activateEndEvent } from './errors.js';
import { activateEscalationThrow } from './escalation.js';
import { activateEventGateway } from './event-gateway.js';
import { activateJobTask } from './job-task.js';
import { activateLinkThrow, passThrough } from './pass-through.js';
import { activateScriptTask } from './script-task.js';
import { activateSignalThrow } from './signal.js';
import { activateSubProcess } from './sub-process.js';
import { activateUserTask } from './user-task.js';

/** A throw or end event's behaviour by what it throws: an escalation, a signal, or `otherwise`. */
function throwBehaviour(node: FlowNode, otherwise: Activate): Activate {
  if (node.event?.kind === 'escalation') return activateEscalationThrow;
  if (node.event?.kind === 'compensation') return activateCompensationThrow;
  if (node.event?.kind === 'link') return activateLinkThrow;
  if (node.event?.kind === 'signal') return activateSignalThrow;
  return otherwise;
}

const BY_TYPE: Partial<Record<ElementType, Activate>> = {
  scriptTask: activateScriptTask,
  intermediateCatchEvent: (t, inst, el, node) => (node.event?.kind === 'link' ? passThrough : activateCatchEvent)(t, inst, el, node),
  intermediateThrowEvent: (t, inst, el, node) => throwBehaviour(node, passThrough)(t, inst, el, node),
  receiveTask: activateCatchEvent,
  eventBasedGateway: activateEventGateway,
  subProcess: activateSubProcess,
  callActivity: activateCallActivity,
  endEvent: (t, inst, el, node) => throwBehaviour(node, activateEndEvent)(t, inst, el, node),
};

/** The behaviour of a (non multi-instance) element: a job task's, or its type's, or passing through. */
export function behaviourOf(node: FlowNode): Activate {
  if (node.userTask?.camunda) return activateUserTask;
  if (node.job && !node.script) return activateJobTask;
  return BY_TYPE[node.type] ?? passThrough;
}
