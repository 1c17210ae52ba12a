/**
 * moddle tree → executable graph, refusing at deploy everything the embedded engine would not
 * run exactly as Zeebe does. Each problem names the element id and its BPMN type.
 */
import { FeelSyntaxError, toExpr, toFeel, type Expr } from '../feel/index.js';
import { checkTimer } from './timers.js';
import {
  BpmnValidationError,
  type TimerDefinition,
  type BpmnProblem,
  type ElementType,
  type ExecutableProcess,
  type FlowNode,
  type Mapping,
  type SequenceFlow,
} from './model.js';

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

/** Activities: what boundary events attach to and multi-instance applies to. */
const ACTIVITIES = new Set<ElementType>(['task', 'manualTask', 'serviceTask', 'sendTask', 'scriptTask', 'businessRuleTask', 'userTask', 'receiveTask', 'subProcess', 'callActivity']);

/** Elements that are work for a job worker (zeebe:taskDefinition). */
const JOB_TASKS = new Set<ElementType>(['serviceTask', 'sendTask', 'scriptTask', 'businessRuleTask']);
/** Flow elements that carry no token and need no executing. */
const ARTIFACTS = new Set(['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference', 'bpmn:Group']);

export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

export function compileDefinitions(definitions: any, resourceName: string): ExecutableProcess[] {
  const problems: BpmnProblem[] = [];
  const processes: ExecutableProcess[] = [];
  for (const root of definitions.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process') continue;
    if (root.isExecutable === false) continue;
    processes.push(compileProcess(root, problems));
  }
  if (!problems.length && processes.length === 0) {
    problems.push({ elementId: definitions.id ?? resourceName, elementType: 'bpmn:Definitions', message: 'contains no executable process' });
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
    timerStarts: [],
  };
  const problem = (el: any, message: string) =>
    problems.push({ elementId: el?.id ?? '(no id)', elementType: el?.$type ?? 'unknown', message });
  if (!proc.id) problem(proc, 'a process needs an id');
  const raw = new Map<string, any>();
  compileScope(proc, proc.id, true, out, raw, problem);

  // Boundary events know their host; hosts learn their boundary events.
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'boundaryEvent') continue;
    const host = el.attachedTo ? out.elements[el.attachedTo] : undefined;
    if (!host || !ACTIVITIES.has(host.type)) problem(raw.get(el.id), 'a boundary event must be attached to an activity of the same process');
    else host.boundaries.push(el.id);
  }
  // Event-based gateways: every outgoing flow leads to a message or timer catch event.
  for (const el of Object.values(out.elements)) {
    if (el.type !== 'eventBasedGateway') continue;
    if (el.outgoing.length < 2) problem(raw.get(el.id), 'an event-based gateway needs at least two outgoing flows');
    for (const f of el.outgoing) {
      const t = out.elements[out.flows[f].target];
      if (!t || t.type !== 'intermediateCatchEvent' || (t.event?.kind !== 'message' && t.event?.kind !== 'timer')) {
        problem(raw.get(el.id), `flow '${f}' of an event-based gateway must lead to a message or timer intermediate catch event`);
      } else if (t.incoming.length > 1) {
        problem(raw.get(t.id), 'an event after an event-based gateway may have only that one incoming flow');
      }
    }
  }
  return out;
}

/** One flow scope: the process or a sub-process, with its elements and flows. */
function compileScope(
  container: any,
  scopeId: string,
  isProcess: boolean,
  out: ExecutableProcess,
  raw: Map<string, any>,
  problem: (el: any, m: string) => void,
): void {
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
    if (n.$type === 'bpmn:SubProcess' && n.triggeredByEvent) {
      problem(n, 'event sub-processes are not supported');
      continue;
    }
    if (n.$type === 'bpmn:Transaction' || n.$type === 'bpmn:AdHocSubProcess') {
      problem(n, `unsupported element: the embedded engine does not execute ${n.$type.replace('bpmn:', '')}`);
      continue;
    }
    const type = TYPES[n.$type];
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
    compileEvent(n, node, isProcess, problem);
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
    if (type === 'subProcess') compileScope(n, n.id, false, out, raw, problem);
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
      } else if (s.event?.kind === 'timer') {
        out.timerStarts.push({ elementId: s.id, timer: s.event.timer });
      }
    }
    if (starts.length === 0) problem(container, 'a process needs a start event');
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

function checkStructure(raw: any, el: FlowNode, out: ExecutableProcess, flows: any[], problem: (el: any, m: string) => void): void {
  if (el.type === 'startEvent' && el.incoming.length) problem(raw, 'a start event cannot have incoming sequence flows');
  if (el.type === 'boundaryEvent' && el.incoming.length) problem(raw, 'a boundary event cannot have incoming sequence flows');
  if (el.type !== 'startEvent' && el.type !== 'boundaryEvent' && el.incoming.length === 0) {
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
      problem(flows.find((x) => x.id === id), `conditional sequence flows may only leave exclusive or inclusive gateways, not ${el.type} '${el.id}'`);
    }
    if (el.defaultFlow) problem(raw, 'only exclusive and inclusive gateways may have a default flow');
  }
}

/** Event definitions, by element kind; anything the engine cannot run is a deploy error. */
function compileEvent(n: any, node: FlowNode, isProcessScope: boolean, problem: (el: any, m: string) => void): void {
  const defs: any[] = n.eventDefinitions ?? [];
  if (node.type === 'receiveTask') {
    const m = compileMessage(n, n.messageRef, true, problem);
    if (m) node.event = { kind: 'message', message: m };
    return;
  }
  if (!defs.length) {
    if (node.type === 'intermediateCatchEvent') problem(n, 'an intermediate catch event needs a message or timer definition');
    if (node.type === 'boundaryEvent') problem(n, 'a boundary event needs a timer, message or error definition');
    return;
  }
  if (defs.length > 1) {
    problem(n, 'multiple event definitions on one event are not supported');
    return;
  }
  const d = defs[0];
  const kind = String(d.$type).replace('bpmn:', '');
  const allowed: Record<string, string[]> = {
    startEvent: isProcessScope ? ['MessageEventDefinition', 'TimerEventDefinition'] : [],
    endEvent: ['TerminateEventDefinition', 'ErrorEventDefinition', 'MessageEventDefinition'],
    intermediateThrowEvent: ['MessageEventDefinition'],
    intermediateCatchEvent: ['MessageEventDefinition', 'TimerEventDefinition'],
    boundaryEvent: ['MessageEventDefinition', 'TimerEventDefinition', 'ErrorEventDefinition'],
  };
  if (!(allowed[node.type] ?? []).includes(kind)) {
    problem(n, `unsupported event definition ${kind} on ${node.type}${node.type === 'startEvent' && !isProcessScope ? ' inside a sub-process' : ''}`);
    return;
  }
  if (kind === 'TerminateEventDefinition') {
    node.terminate = true;
    node.event = { kind: 'terminate' };
  } else if (kind === 'TimerEventDefinition') {
    const t = compileTimer(n, d, node, problem);
    if (t) node.event = { kind: 'timer', timer: t };
  } else if (kind === 'ErrorEventDefinition') {
    const code = d.errorRef?.errorCode;
    if (node.type === 'endEvent' && !code) problem(n, 'an error end event needs an error with an error code');
    if (code && /^=/.test(code)) problem(n, 'error codes must be static');
    node.event = { kind: 'error', errorCode: code || undefined };
  } else if (kind === 'MessageEventDefinition') {
    if (node.type === 'endEvent' || node.type === 'intermediateThrowEvent') {
      // Zeebe: a message throw event is work for a job worker.
      return;
    }
    const m = compileMessage(n, d.messageRef, node.type !== 'startEvent', problem);
    if (m) node.event = { kind: 'message', message: m };
  }
}

function compileMessage(n: any, ref: any, needsKey: boolean, problem: (el: any, m: string) => void) {
  if (!ref || !ref.name) {
    problem(n, 'needs a message with a name');
    return undefined;
  }
  const name = feel(n, 'message name', ref.name, problem);
  const sub = ext(ref, 'zeebe:Subscription');
  let correlationKey: Expr | undefined;
  if (needsKey) {
    if (!sub?.correlationKey) {
      problem(n, `message '${ref.name}' needs a correlation key (zeebe:subscription correlationKey)`);
      return undefined;
    }
    correlationKey = feel(n, 'correlation key', sub.correlationKey, problem);
  }
  return name ? { name, correlationKey } : undefined;
}

function compileTimer(n: any, d: any, node: FlowNode, problem: (el: any, m: string) => void): TimerDefinition | undefined {
  const kinds = [
    ['date', d.timeDate],
    ['duration', d.timeDuration],
    ['cycle', d.timeCycle],
  ].filter(([, v]) => v && String(v.body ?? '').trim()) as ['date' | 'duration' | 'cycle', any][];
  if (kinds.length !== 1) {
    problem(n, 'a timer needs exactly one of timeDate, timeDuration or timeCycle');
    return undefined;
  }
  const [kind, v] = kinds[0];
  if (kind === 'cycle' && node.type === 'intermediateCatchEvent') problem(n, 'a timer catch event cannot have a cycle');
  if (kind === 'cycle' && node.type === 'boundaryEvent' && n.cancelActivity !== false) problem(n, 'an interrupting timer boundary event cannot have a cycle');
  const expression = feel(n, `timer ${kind}`, String(v.body).trim(), problem);
  if (!expression) return undefined;
  if ('static' in expression) {
    const err = checkTimer(kind, expression.static);
    if (err) {
      problem(n, `invalid timer ${kind} '${expression.static}': ${err}`);
      return undefined;
    }
  }
  return { kind, expression };
}

function compileLoop(n: any, node: FlowNode, problem: (el: any, m: string) => void): void {
  const lc = n.loopCharacteristics;
  if (lc.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    problem(n, 'standard loops are not supported; use multi-instance');
    return;
  }
  if (!ACTIVITIES.has(node.type)) {
    problem(n, 'multi-instance applies to activities only');
    return;
  }
  const z = ext(lc, 'zeebe:LoopCharacteristics');
  if (!z?.inputCollection) {
    problem(n, 'multi-instance needs zeebe:loopCharacteristics inputCollection');
    return;
  }
  const inputCollection = feel(n, 'inputCollection', z.inputCollection, problem, true);
  const outputElement = z.outputElement ? feel(n, 'outputElement', z.outputElement, problem, true) : undefined;
  const body = lc.completionCondition?.body ? String(lc.completionCondition.body).trim() : '';
  const completionCondition = body ? feel(n, 'completionCondition', body, problem, true) : undefined;
  if (z.outputCollection && !z.outputElement) problem(n, 'outputCollection needs an outputElement');
  if (!inputCollection) return;
  node.loop = {
    sequential: !!lc.isSequential,
    inputCollection,
    inputElement: z.inputElement || undefined,
    outputCollection: z.outputCollection || undefined,
    outputElement,
    completionCondition,
  };
}

function compileCall(n: any, node: FlowNode, problem: (el: any, m: string) => void): void {
  const c = ext(n, 'zeebe:CalledElement');
  if (!c?.processId) {
    problem(n, 'a call activity needs zeebe:calledElement processId');
    return;
  }
  const processId = feel(n, 'called processId', c.processId, problem);
  if (!processId) return;
  node.called = {
    processId,
    propagateAllChildVariables: c.propagateAllChildVariables !== false,
    propagateAllParentVariables: c.propagateAllParentVariables !== false,
  };
}

function compileJobTask(n: any, node: FlowNode, problem: (el: any, m: string) => void): void {
  const script = ext(n, 'zeebe:Script');
  if (node.type === 'scriptTask' && script) {
    if (!script.expression) problem(n, 'zeebe:script needs an expression');
    if (!script.resultVariable) problem(n, 'zeebe:script needs a resultVariable');
    const e = feel(n, 'script expression', script.expression ?? '', problem, true);
    if (e && script.resultVariable) node.script = { expression: e, resultVariable: script.resultVariable };
    return;
  }
  const def = ext(n, 'zeebe:TaskDefinition');
  if (!def || !def.type || !String(def.type).trim()) {
    problem(n, 'missing job type: add zeebe:taskDefinition with a type');
    return;
  }
  const type = feel(n, 'job type', def.type, problem);
  const retries = feel(n, 'retries', def.retries ?? '3', problem);
  if (retries && 'static' in retries && !/^\d+$/.test(retries.static)) problem(n, `retries must be a whole number or a FEEL expression, not '${retries.static}'`);
  if (type && retries) node.job = { type, retries, headers: headers(n) };
}

function compileUserTask(n: any, node: FlowNode, problem: (el: any, m: string) => void): void {
  const a = ext(n, 'zeebe:AssignmentDefinition');
  const s = ext(n, 'zeebe:TaskSchedule');
  const form = ext(n, 'zeebe:FormDefinition');
  const ut: FlowNode['userTask'] = {};
  const opt = (what: string, v?: string) => (v ? feel(n, what, v, problem) : undefined);
  ut.assignee = opt('assignee', a?.assignee);
  ut.candidateGroups = opt('candidateGroups', a?.candidateGroups);
  ut.candidateUsers = opt('candidateUsers', a?.candidateUsers);
  ut.dueDate = opt('dueDate', s?.dueDate);
  ut.followUpDate = opt('followUpDate', s?.followUpDate);
  if (form?.formKey) ut.formKey = form.formKey;
  node.userTask = ut;
  node.job = { type: { static: USER_TASK_JOB_TYPE }, retries: { static: '1' }, headers: headers(n) };
}

function compileMappings(n: any, node: FlowNode, problem: (el: any, m: string) => void): void {
  const io = ext(n, 'zeebe:IoMapping');
  if (!io) return;
  const map = (p: any, kind: string): Mapping | undefined => {
    if (!p.target) {
      problem(n, `${kind} mapping without a target`);
      return undefined;
    }
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(p.target)) {
      problem(n, `${kind} mapping target '${p.target}' is not a variable name or path`);
      return undefined;
    }
    // An empty source maps null, as Zeebe does.
    const src = p.source === undefined || p.source === '' ? '=null' : p.source;
    const source = isExpressionText(src) ? feel(n, `${kind} mapping '${p.target}'`, src, problem) : { static: src };
    return source ? { source, target: p.target } : undefined;
  };
  node.inputs = (io.inputParameters ?? []).map((p: any) => map(p, 'input')).filter(Boolean) as Mapping[];
  const outs = (io.outputParameters ?? []).map((p: any) => map(p, 'output')).filter(Boolean) as Mapping[];
  if ((io.outputParameters ?? []).length) node.outputs = outs;
}

function isMessageThrow(n: any, type: ElementType): boolean {
  return (type === 'endEvent' || type === 'intermediateThrowEvent') && (n.eventDefinitions ?? []).some((d: any) => d.$type === 'bpmn:MessageEventDefinition');
}

function headers(n: any): Record<string, string> {
  const h: Record<string, string> = {};
  for (const v of ext(n, 'zeebe:TaskHeaders')?.values ?? []) if (v.key) h[v.key] = v.value ?? '';
  return h;
}

function ext(el: any, type: string): any {
  return (el.extensionElements?.values ?? []).find((v: any) => v.$type === type);
}

function isExpressionText(s: string): boolean {
  return s.trimStart().startsWith('=');
}

/** Parses a property; `alwaysFeel` for conditions and scripts, which are FEEL with or without `=`. */
function feel(el: any, what: string, raw: string, problem: (el: any, m: string) => void, alwaysFeel = false): Expr | undefined {
  try {
    return alwaysFeel ? toFeel(raw) : toExpr(raw);
  } catch (e) {
    if (e instanceof FeelSyntaxError) {
      problem(el, `${what}: FEEL expression '${e.expression}' does not parse (at position ${e.position})`);
      return undefined;
    }
    throw e;
  }
}

