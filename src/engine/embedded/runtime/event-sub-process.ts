/**
 * Event sub-processes (Zeebe's rules). When a scope — the process, or an embedded sub-process
 * instance — activates, the timer and message start events of the event sub-processes it
 * contains open their waits, owned by the scope; an error start waits for an error thrown inside
 * the scope. When one fires, an instance of the event sub-process starts in that scope, its start
 * event completing with what the event carried:
 *  - interrupting: everything else in the scope ends first (other event sub-process instances
 *    too), and the scope's other event sub-process waits close — nothing else starts there;
 *  - non-interrupting: it runs beside the scope's tokens, and its wait stays open (a message may
 *    start it again; a cycle timer fires again).
 * Its variables are those of its scope. The scope completes once it has no token left, event
 * sub-process instances included; its waits close with it.
 */
import type { ExecutableProcess, FlowNode } from '../../../bpmn/index.js';
import type { ElementInstance, EventSubProcessWaits, InstanceRow } from '../state.js';
import type { Tokens, Variables } from './behaviour.js';
import { openWait } from './catch-events.js';
import { setJoins } from './joins.js';
import { elementEvent } from './records.js';

const byScope = new WeakMap<ExecutableProcess, Map<string, FlowNode[]>>();

/** The event sub-processes directly inside scope `scopeId` (the process id or a sub-process's id). */
export function eventSubProcessesIn(def: ExecutableProcess, scopeId: string): FlowNode[] {
  let map = byScope.get(def);
  if (!map) {
    map = new Map();
    for (const el of Object.values(def.elements)) {
      if (el.type !== 'eventSubProcess') continue;
      map.set(el.scope, [...(map.get(el.scope) ?? []), el]);
    }
    byScope.set(def, map);
  }
  return map.get(scopeId) ?? [];
}

/** Opens the timer and message waits of the event sub-processes in a scope (`undefined`: the process). */
export function openEventSubProcesses(t: Tokens, inst: InstanceRow, scope: ElementInstance | undefined): void {
  const def = t.definitionOf(inst);
  const owner: ElementInstance = scope ?? { key: inst.key, id: inst.bpmnProcessId, scope: inst.key, state: 'ACTIVATED' };
  const waits: EventSubProcessWaits = { timers: [], subscriptions: [], signals: [] };
  for (const esp of eventSubProcessesIn(def, scope ? scope.id : def.id)) {
    const start = def.elements[esp.eventStart!];
    if (start.event?.kind !== 'timer' && start.event?.kind !== 'message' && start.event?.kind !== 'signal') continue;
    const opened = openWait(t, inst, owner, start, start.id, owner.key, start.cancelActivity !== false);
    if (opened && 'timer' in opened) waits.timers.push(opened.timer);
    else if (opened && 'signal' in opened) waits.signals!.push(opened.signal);
    else if (opened) waits.subscriptions.push(opened.subscription);
  }
  if (!waits.timers.length && !waits.subscriptions.length && !waits.signals!.length) return;
  if (scope) scope.eventWaits = waits;
  else inst.doc.eventWaits = waits;
}

/** Whether `target` is the start event of an event sub-process (what a scope's waits fire). */
export function isEventSubProcessStart(def: ExecutableProcess, target: FlowNode | undefined): target is FlowNode {
  return target?.type === 'startEvent' && def.elements[target.scope]?.type === 'eventSubProcess';
}

/** An event sub-process starts in scope `scopeKey` (the process instance's key, or a sub-process instance's). */
export function startEventSubProcess(t: Tokens, inst: InstanceRow, scopeKey: string, start: FlowNode, variables: Variables): void {
  const def = t.definitionOf(inst);
  const esp = def.elements[start.scope];
  if (start.cancelActivity !== false) {
    for (const other of Object.values(inst.doc.els)) if (other.scope === scopeKey) t.terminateElement(inst, other);
    setJoins(inst, scopeKey, undefined);
    closeEventSubProcessWaits(t, inst, scopeKey);
  }
  const el: ElementInstance = { key: t.ctx.keys.next(), id: esp.id, scope: scopeKey, state: 'ACTIVATING' };
  inst.doc.els[el.key] = el;
  elementEvent(t.ctx, inst, el, esp, 'ELEMENT_ACTIVATING');
  t.markActivated(inst, el, esp);
  t.queueActivate(inst, start.id, el.key, variables);
}

function closeEventSubProcessWaits(t: Tokens, inst: InstanceRow, scopeKey: string): void {
  const holder = scopeKey === inst.key ? inst.doc : inst.doc.els[scopeKey];
  if (!holder?.eventWaits) return;
  for (const key of holder.eventWaits.timers) t.ctx.effects.deleteTimer(key);
  for (const key of holder.eventWaits.subscriptions) t.ctx.effects.deleteSubscription(key);
  for (const key of holder.eventWaits.signals ?? []) t.ctx.effects.deleteSignalSubscription(key);
  delete holder.eventWaits;
}
