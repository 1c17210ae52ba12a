/**
 * Compensation at deploy (Zeebe 8.5+): a compensation boundary event is associated (a BPMN
 * association, not a sequence flow) with a handler — an activity marked `isForCompensation`,
 * with no sequence flows, in the same scope as the activity it undoes. A compensation throw event
 * may name one activity (`activityRef`) of its scope (of the outer scope, from an event
 * sub-process) that has a handler.
 */
import type { ExecutableProcess, FlowNode } from './model.js';
import type { Problem } from './zeebe-ext.js';

/** `sourceRef → targetRef` of the associations of a process or sub-process (`artifacts`). */
export function associations(container: any, into: Map<string, string[]>): void {
  for (const a of container.artifacts ?? []) {
    if (a.$type !== 'bpmn:Association' || !a.sourceRef?.id || !a.targetRef?.id) continue;
    into.set(a.sourceRef.id, [...(into.get(a.sourceRef.id) ?? []), a.targetRef.id]);
  }
}

/** Links each compensation activity to its handler and checks the throw events' `activityRef`. */
export function linkCompensation(out: ExecutableProcess, links: Map<string, string[]>, raw: Map<string, any>, problem: Problem): void {
  for (const b of Object.values(out.elements)) {
    if (b.type !== 'boundaryEvent' || b.event?.kind !== 'compensation') continue;
    const host = b.attachedTo ? out.elements[b.attachedTo] : undefined;
    const targets = (links.get(b.id) ?? []).map((id) => out.elements[id]).filter((x): x is FlowNode => !!x);
    if (targets.length !== 1) {
      problem(raw.get(b.id), 'a compensation boundary event needs exactly one association to its compensation handler');
      continue;
    }
    const handler = targets[0];
    if (!handler.forCompensation) problem(raw.get(handler.id), 'a compensation handler must be marked isForCompensation="true"');
    else if (host && handler.scope !== host.scope)
      problem(raw.get(handler.id), 'a compensation handler must be in the same scope as the activity it compensates');
    else if (host?.compensationHandler) problem(raw.get(b.id), 'an activity may have only one compensation boundary event');
    else if (host) host.compensationHandler = handler.id;
    if (b.outgoing.length) problem(raw.get(b.id), 'a compensation boundary event has no outgoing sequence flow (it is associated with its handler)');
  }
  for (const el of Object.values(out.elements)) {
    if (el.forCompensation && (el.incoming.length || el.outgoing.length)) problem(raw.get(el.id), 'a compensation handler cannot have sequence flows');
    if (el.forCompensation && el.boundaries.length) problem(raw.get(el.id), 'a compensation handler cannot have boundary events');
    if (el.event?.kind !== 'compensation' || el.type === 'boundaryEvent' || !el.event.activityRef) continue;
    const target = out.elements[el.event.activityRef];
    const container = out.elements[el.scope];
    const scope = container?.type === 'eventSubProcess' ? container.scope : el.scope;
    if (!target || target.scope !== scope || !target.compensationHandler) {
      problem(raw.get(el.id), `activityRef '${el.event.activityRef}' must be an activity of the throw event's scope with a compensation boundary event`);
    }
  }
}
