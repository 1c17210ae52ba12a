/**
 * moddle tree → executable graph, refusing at deploy everything the embedded engine would not
 * run exactly as Zeebe does. Each problem names the element id and its BPMN type.
 */
import { ACTIVITIES, compileCall, compileJobTask, compileLoop, compileMappings, compileUserTask } from './compile-activities.js';
import { compileEvent } from './compile-events.js';
import { associations, linkCompensation } from './compile-compensation.js';
import { ext, feel, refuseUnknownExtensions, type Problem } from './zeebe-ext.js';
import { BpmnValidationError, type BpmnProblem, type ElementType, type ExecutableProcess, type FlowNode, type ScopeKind, type SequenceFlow } from './model.js';

const TYPES: Record<string, ElementType> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:Task': 'task',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:CallActivity': 'callActivity',
};

/** Elements that are work for a job worker (zeebe:taskDefinition). */
const JOB_TASKS = new Set<ElementType>(['serviceTask', 'sendTask', 'scriptTask', 'businessRuleTask']);
/** Flow elements that carry no token and need no executing. */
const ARTIFACTS = new Set(['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference', 'bpmn:Group']);

export function compileDefinitions(definitions: any, resourceName: string): ExecutableProcess[] {
  const problems: BpmnProblem[] = [];
  const processes: ExecutableProcess[] = [];
  for (const root of definitions.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process') continue;
    if (root.isExecutable === false) continue;
    processes.push(compileProcess(root, problems));
  }
  if (!problems.length && processes.length === 0) {
    problems.push({
      elementId: definitions.id ?? resourceName,
      elementType: 'bpmn:Definitions',
      message: 'contains no executable process',
    });
  }
  if (problems.length) throw new BpmnValidationError(resourceName, problems);
  return processes;
}

function compileProcess(proc: any, problems: BpmnProblem[]): ExecutableProcess {
  const out: ExecutableProcess = {
    id: proc.id,
    name: proc.name,
    versionTag: ext(proc, 'zeebe:VersionTag')?.value,
    elements: {},
    flows: {},
    noneStart: '',
    messageStarts: [],
    signalStarts: [],
    timerStarts: [],
  };
  const problem = (el: any, message: string) => problems.push({ elementId: el?.id ?? '(no id)', elementType: el?.$type ?? 'unknown', message });
  if (!proc.id) problem(proc, 'a process needs an id');
  const raw = new Map<string, any>();
  refuseUnknownExtensions(proc, problem);
  compileScope(proc, proc.id, 'process', out, raw, problem);

  // Boundary events know their host; hosts learn their boundary events.
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'boundaryEvent') continue;
    const host = el.attachedTo ? out.elements[el.attachedTo] : undefined;
    if (!host || !ACTIVITIES.has(host.type)) problem(raw.get(el.id), 'a boundary event must be attached to an activity of the same process');
    else if (el.event?.kind === 'escalation' && host.type !== 'subProcess' && host.type !== 'callActivity') {
      problem(raw.get(el.id), 'an escalation boundary event may only be attached to a sub-process or a call activity');
    } else if (el.event?.kind !== 'compensation') host.boundaries.push(el.id); // a compensation boundary is no wait
  }
  const links = new Map<string, string[]>();
  associations(proc, links);
  for (const n of raw.values()) associations(n, links);
  linkCompensation(out, links, raw, problem);
  linkEvents(out, raw, problem);
  // Event-based gateways: every outgoing flow leads to a message, timer or signal catch event.
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'eventBasedGateway') continue;
    if (el.outgoing.length < 2) problem(raw.get(el.id), 'an event-based gateway needs at least two outgoing flows');
    for (const f of el.outgoing) {
      const t = out.elements[out.flows[f].target];
      if (!t || t.type !== 'intermediateCatchEvent' || (t.event?.kind !== 'message' && t.event?.kind !== 'timer' && t.event?.kind !== 'signal')) {
        problem(raw.get(el.id), `flow '${f}' of an event-based gateway must lead to a message, timer or signal intermediate catch event`);
      } else if (t.incoming.length > 1) {
        problem(raw.get(t.id), 'an event after an event-based gateway may have only that one incoming flow');
      }
    }
  }
  return out;
}

/** One flow scope: the process or a sub-process, with its elements and flows. */
function compileScope(container: any, scopeId: string, kind: ScopeKind, out: ExecutableProcess, raw: Map<string, any>, problem: Problem): void {
  const isProcess = kind === 'process';
  const flowEls: any[] = container.flowElements ?? [];
  const nodes = flowEls.filter((e) => e.$type !== 'bpmn:SequenceFlow' && !ARTIFACTS.has(e.$type));
  const flows = flowEls.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const nodeIds = new Set(nodes.map((n) => n.id));

  for (const f of flows) {
    const flow: SequenceFlow = { id: f.id, name: f.name, source: f.sourceRef?.id, target: f.targetRef?.id };
    if (!f.sourceRef || !nodeIds.has(f.sourceRef.id)) problem(f, 'dangling sequence flow: its source is missing or outside its scope');
    if (!f.targetRef || !nodeIds.has(f.targetRef.id)) problem(f, 'dangling sequence flow: its target is missing or outside its scope');
    if (f.conditionExpression) {
      const body = String(f.conditionExpression.body ?? '').trim();
      const c = feel(f, 'condition', body, problem, true);
      if (c) flow.condition = c;
      else flow.conditionInvalid = true;
    }
    out.flows[f.id] = flow;
  }

  const starts: FlowNode[] = [];
  for (const n of nodes) {
    raw.set(n.id, n);
    if (n.$type === 'bpmn:Transaction' || n.$type === 'bpmn:AdHocSubProcess') {
      problem(n, `unsupported element: the embedded engine does not execute ${n.$type.replace('bpmn:', '')}`);
      continue;
    }
    const type: ElementType | undefined = n.$type === 'bpmn:SubProcess' && n.triggeredByEvent ? 'eventSubProcess' : TYPES[n.$type];
    if (!type) {
      problem(n, `unsupported element: the embedded engine does not execute ${n.$type.replace('bpmn:', '')}`);
      continue;
    }
    if (out.elements[n.id]) problem(n, 'duplicate element id');
    const node: FlowNode = {
      id: n.id,
      type,
      name: n.name,
      scope: scopeId,
      incoming: flows.filter((f) => f.targetRef?.id === n.id).map((f) => f.id),
      outgoing: flows.filter((f) => f.sourceRef?.id === n.id).map((f) => f.id),
      inputs: [],
      boundaries: [],
    };
    if (n.default) node.defaultFlow = n.default.id;
    if (n.isForCompensation) node.forCompensation = true;
    refuseUnknownExtensions(n, problem);
    // An event sub-process's start interrupts its scope unless it says otherwise (an error start always does).
    if (type === 'startEvent' && kind === 'eventSubProcess') node.cancelActivity = n.isInterrupting !== false;
    compileEvent(n, node, kind, problem);
    if (type === 'startEvent' && kind === 'eventSubProcess' && node.event?.kind === 'error' && !node.cancelActivity) {
      problem(n, 'an error start event of an event sub-process is always interrupting');
    }
    compileMappings(n, node, problem);
    if (n.loopCharacteristics) compileLoop(n, node, problem);
    if (JOB_TASKS.has(type) || isMessageThrow(n, type)) compileJobTask(n, node, problem);
    if (type === 'userTask') compileUserTask(n, node, problem);
    if (type === 'callActivity') compileCall(n, node, problem);
    if (type === 'boundaryEvent') {
      node.attachedTo = n.attachedToRef?.id;
      node.cancelActivity = n.cancelActivity !== false;
      if (node.event?.kind === 'error' && !node.cancelActivity) problem(n, 'an error boundary event is always interrupting');
    }
    out.elements[n.id] = node;
    if (type === 'startEvent') starts.push(node);
    if (type === 'subProcess' || type === 'eventSubProcess') compileScope(n, n.id, type, out, raw, problem);
  }

  // A scope starts at one none start event; a process may instead start by message or timer.
  const none = starts.filter((s) => !s.event);
  if (none.length > 1) problem(raw.get(none[1].id), 'a scope may have only one none start event');
  if (isProcess) {
    out.noneStart = none[0]?.id ?? '';
    for (const s of starts) {
      if (s.event?.kind === 'message') {
        const name = s.event.message.name;
        if ('feel' in name) problem(raw.get(s.id), 'a message start event needs a static message name');
        else out.messageStarts.push({ elementId: s.id, messageName: name.static });
      } else if (s.event?.kind === 'signal') {
        const name = s.event.signal.name;
        if ('feel' in name) problem(raw.get(s.id), 'a signal start event needs a static signal name');
        else out.signalStarts.push({ elementId: s.id, signalName: name.static });
      } else if (s.event?.kind === 'timer') {
        out.timerStarts.push({ elementId: s.id, timer: s.event.timer });
      }
    }
    if (starts.length === 0) problem(container, 'a process needs a start event');
  } else if (kind === 'eventSubProcess') {
    const sub = out.elements[scopeId];
    if (starts.length !== 1 || !starts[0].event)
      problem(container, 'an event sub-process needs exactly one start event, with a message, timer or error definition');
    else if (sub) sub.eventStart = starts[0].id;
  } else {
    const sub = out.elements[scopeId];
    if (none.length !== 1 || starts.length !== 1) problem(container, 'an embedded sub-process needs exactly one none start event');
    if (sub && none[0]) sub.noneStart = none[0].id;
  }

  for (const n of nodes) {
    const el = out.elements[n.id];
    if (!el || el.scope !== scopeId) continue;
    checkStructure(n, el, out, flows, problem);
  }
}

function checkStructure(raw: any, el: FlowNode, out: ExecutableProcess, flows: any[], problem: Problem): void {
  if (el.type === 'startEvent' && el.incoming.length) problem(raw, 'a start event cannot have incoming sequence flows');
  if (el.type === 'boundaryEvent' && el.incoming.length) problem(raw, 'a boundary event cannot have incoming sequence flows');
  if (el.type === 'eventSubProcess') {
    if (el.incoming.length || el.outgoing.length) problem(raw, 'an event sub-process cannot have incoming or outgoing sequence flows');
    return;
  }
  const linkCatch = el.type === 'intermediateCatchEvent' && el.event?.kind === 'link';
  if (el.type !== 'startEvent' && el.type !== 'boundaryEvent' && !el.forCompensation && !linkCatch && el.incoming.length === 0) {
    problem(raw, 'has no incoming sequence flow, so no token can ever reach it');
  }
  if (el.type === 'endEvent' && el.outgoing.length) problem(raw, 'an end event cannot have outgoing sequence flows');
  if (el.defaultFlow && !el.outgoing.includes(el.defaultFlow)) problem(raw, `default flow '${el.defaultFlow}' is not one of its outgoing flows`);
  const conditional = el.outgoing.filter((id) => out.flows[id]?.condition);
  if (el.type === 'exclusiveGateway' || el.type === 'inclusiveGateway') {
    if (el.outgoing.length > 1) {
      for (const id of el.outgoing) {
        if (id !== el.defaultFlow && !out.flows[id]?.condition && !out.flows[id]?.conditionInvalid) {
          const f = flows.find((x) => x.id === id);
          problem(f, `unconditioned sequence flow leaving ${el.type} '${el.id}': give it a condition or make it the default flow`);
        }
      }
    }
    // BPMN 10.5.2 and Zeebe (8.2+): a condition on the default flow is ignored.
    if (el.defaultFlow) delete out.flows[el.defaultFlow].condition;
  } else {
    for (const id of conditional) {
      problem(
        flows.find((x) => x.id === id),
        `conditional sequence flows may only leave exclusive or inclusive gateways, not ${el.type} '${el.id}'`,
      );
    }
    if (el.defaultFlow) problem(raw, 'only exclusive and inclusive gateways may have a default flow');
  }
}

/** Link events: each throw goes to the one catch of its name in its scope; a throw has no outgoing flow, a catch no incoming one. */
function linkEvents(out: ExecutableProcess, raw: Map<string, any>, problem: Problem): void {
  const catches = new Map<string, FlowNode[]>();
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'intermediateCatchEvent' || el.event?.kind !== 'link') continue;
    if (el.incoming.length) problem(raw.get(el.id), 'a link catch event cannot have incoming sequence flows');
    const k = `${el.scope}\u0000${el.event.name}`;
    catches.set(k, [...(catches.get(k) ?? []), el]);
  }
  for (const [k, list] of catches) if (list.length > 1) problem(raw.get(list[1].id), `link name '${k.split('\u0000')[1]}' is caught twice in one scope`);
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'intermediateThrowEvent' || el.event?.kind !== 'link') continue;
    if (el.outgoing.length) problem(raw.get(el.id), 'a link throw event cannot have outgoing sequence flows');
    const target = catches.get(`${el.scope}\u0000${el.event.name}`)?.[0];
    if (!target) problem(raw.get(el.id), `no link catch event named '${el.event.name}' in the same scope`);
    else el.linkTarget = target.id;
  }
}

function isMessageThrow(n: any, type: ElementType): boolean {
  return (type === 'endEvent' || type === 'intermediateThrowEvent') && (n.eventDefinitions ?? []).some((d: any) => d.$type === 'bpmn:MessageEventDefinition');
}
