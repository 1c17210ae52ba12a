/**
 * Escalations (Zeebe's rules). An escalation intermediate throw or end event escalates its code;
 * the nearest catch event outward through the scopes takes it — an escalation event sub-process
 * of the thrower's scope, then an escalation boundary event of the sub-process or call activity
 * that scope is, and so on out to the process, then the calling process's call activity — by
 * code, else a catch-all. An interrupting catch ends the scope it interrupts (the thrower with
 * it); otherwise, or when nothing catches it, the throw event completes and its flow goes on:
 * an escalation is never an incident.
 */
import type { ElementInstance, InstanceRow } from '../state.js';
import type { Activate, Tokens } from './behaviour.js';
import { catchThrown } from './catching.js';

/** An escalation throw event: it escalates, then completes unless an interrupting catch ended it. */
export const activateEscalationThrow: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  const code = node.event?.kind === 'escalation' ? node.event.escalationCode! : '';
  const caughtBy = catchEscalation(t, inst, el, code);
  t.ctx.effects.event({
    valueType: 'ESCALATION',
    intent: caughtBy ? 'ESCALATED' : 'NOT_ESCALATED',
    processInstanceKey: inst.key,
    elementInstanceKey: el.key,
    elementId: el.id,
    bpmnProcessId: inst.bpmnProcessId,
    at: t.ctx.now,
    payload: { escalationCode: code, catchElementId: caughtBy ?? null },
  });
  if (!caughtBy && inst.parentProcessInstanceKey) t.pend({ kind: 'childEscalation', child: inst, escalationCode: code });
  t.queueComplete(inst, el.key);
};

/**
 * Finds and triggers the catch event of an escalation thrown at `from` (or at the call activity
 * `from`, for one that came up from its child); returns the catching element's id, if any.
 */
export function catchEscalation(t: Tokens, inst: InstanceRow, from: ElementInstance, code: string): string | undefined {
  return catchThrown(t, inst, from, 'escalation', code, {});
}
