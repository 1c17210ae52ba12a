/**
 * Where a thrown error or escalation is caught (Zeebe's rule for both): outward from the element
 * that threw it — its own boundary events, then the event sub-processes of the flow scope it is
 * in, then the boundary events of that scope's element, and so on out to the process. An event
 * sub-process never catches what was thrown inside itself; a multi-instance body is not a scope
 * of its own here (its inner instances are).
 */
import type { FlowNode } from '../../../bpmn/index.js';
import type { ElementInstance, InstanceRow } from '../state.js';
import type { Tokens, Variables } from './behaviour.js';
import { eventSubProcessesIn, startEventSubProcess } from './event-sub-process.js';

export type CatchKind = 'error' | 'escalation';

/**
 * Finds the nearest catch event of `kind` for `code` (by code, else a catch-all) and triggers it:
 * a boundary event (interrupting: its host ends first) or an event sub-process. Returns the id of
 * the event that caught it.
 */
export function catchThrown(t: Tokens, inst: InstanceRow, from: ElementInstance, kind: CatchKind, code: string, variables: Variables): string | undefined {
  const def = t.definitionOf(inst);
  const within = new Set<string>();
  let current: ElementInstance | undefined = from;
  while (current) {
    const node: FlowNode = def.elements[current.id];
    if (node.type === 'eventSubProcess') within.add(node.id);
    const boundary = current.inner
      ? undefined
      : matching(
          node.boundaries.map((b) => def.elements[b]),
          kind,
          code,
        );
    if (boundary) {
      const host: ElementInstance = current;
      if (boundary.cancelActivity !== false) t.terminateElement(inst, host);
      t.queueActivate(inst, boundary.id, host.scope, variables);
      return boundary.id;
    }
    const scopeKey = current.scope;
    const scopeEl = inst.doc.els[scopeKey] as ElementInstance | undefined;
    const scopeId = scopeKey === inst.key ? def.id : scopeEl && !scopeEl.mi ? scopeEl.id : undefined;
    if (scopeId !== undefined) {
      const starts = eventSubProcessesIn(def, scopeId)
        .filter((esp) => !within.has(esp.id))
        .map((esp) => def.elements[esp.eventStart!]);
      const start = matching(starts, kind, code);
      if (start) {
        startEventSubProcess(t, inst, scopeKey, start, variables);
        return start.id;
      }
    }
    current = scopeEl;
  }
  return undefined;
}

/** The catch event among `candidates` for `code`: the one with that code, else the catch-all. */
function matching(candidates: FlowNode[], kind: CatchKind, code: string): FlowNode | undefined {
  const codeOf = (c: FlowNode) => (c.event?.kind === 'error' ? c.event.errorCode : c.event?.kind === 'escalation' ? c.event.escalationCode : undefined);
  const catches = candidates.filter((c) => c.event?.kind === kind);
  return catches.find((c) => codeOf(c) === code) ?? catches.find((c) => !codeOf(c));
}
