/**
 * Compensation (Zeebe 8.5+). Each completion of an activity that has a compensation handler is
 * remembered with the scopes it completed in (`doc.compensable`). A compensation throw event —
 * intermediate or end — invokes, all at once, the handlers of the completed activities of its
 * scope (from an event sub-process: of the scope around it), including those that completed
 * inside embedded sub-processes of that scope that have completed too; `activityRef` narrows it
 * to one activity of the scope. Handlers of activities still active or terminated are not
 * invoked, nor those of child processes. The throw event waits until every handler it invoked has
 * completed; each completion is compensated once. A multi-instance activity is compensated once,
 * when its body completed.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import type { CompensableRecord, ElementInstance, InstanceRow } from '../state.js';
import type { Activate, Tokens } from './behaviour.js';
import { waitEvent } from './records.js';

export const activateCompensationThrow: Activate = (t, inst, el, node) => {
  t.markActivated(inst, el, node);
  const ref = node.event?.kind === 'compensation' ? node.event.activityRef : undefined;
  const container = inst.doc.els[el.scope];
  const scope = container && t.node(inst, container.id).type === 'eventSubProcess' ? container.scope : el.scope;
  const chosen: CompensableRecord[] = [];
  const kept: CompensableRecord[] = [];
  for (const r of inst.doc.compensable ?? []) {
    const at = r.path.indexOf(scope);
    // In the scope, or in sub-processes of it that have completed (none of the inner scopes is still active).
    const reachable = at >= 0 && r.path.slice(0, at).every((k) => !inst.doc.els[k]);
    if (reachable && (!ref || (at === 0 && r.elementId === ref))) chosen.push(r);
    else kept.push(r);
  }
  inst.doc.compensable = kept.length ? kept : undefined;
  waitEvent(t.ctx, inst, el, 'COMPENSATION_SUBSCRIPTION', 'TRIGGERED', { handlers: chosen.map((r) => r.handler), activityRef: ref ?? null });
  if (!chosen.length) {
    t.queueComplete(inst, el.key);
    return;
  }
  el.compensating = chosen.length;
  for (const r of chosen) t.queueActivate(inst, r.handler, el.scope);
};

/** After an element completed: remember a compensation activity; a finished handler may let its throw event go on. */
export function compensationAfterComplete(t: Tokens, inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
  if (el.inner) return;
  if (node.compensationHandler) {
    const path: string[] = [];
    for (let k: string | undefined = el.scope; k; k = k === inst.key ? undefined : inst.doc.els[k]?.scope) path.push(k);
    (inst.doc.compensable ??= []).push({ elementId: el.id, handler: node.compensationHandler, path });
    waitEvent(t.ctx, inst, el, 'COMPENSATION_SUBSCRIPTION', 'CREATED', { handler: node.compensationHandler });
  }
  if (node.forCompensation) {
    const waiting = Object.values(inst.doc.els).find((w) => w.scope === el.scope && (w.compensating ?? 0) > 0);
    if (!waiting) return;
    waiting.compensating! -= 1;
    if (waiting.compensating === 0) {
      delete waiting.compensating;
      t.queueComplete(inst, waiting.key);
    }
  }
}

/** A scope was terminated: what completed inside it can no longer be compensated. */
export function forgetCompensable(inst: InstanceRow, scopeKey: string): void {
  if (!inst.doc.compensable) return;
  const kept = inst.doc.compensable.filter((r) => !r.path.includes(scopeKey));
  inst.doc.compensable = kept.length ? kept : undefined;
}
