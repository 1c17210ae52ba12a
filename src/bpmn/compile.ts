/**
 * moddle tree → executable graph, refusing at deploy everything the embedded engine would not
 * run exactly as Zeebe does. Each problem names the element id and its BPMN type.
 */
import { FeelSyntaxError, toExpr, toFeel, type Expr } from '../feel/index.js';
import {
  BpmnValidationError,
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
};

/** Elements that are work for a job worker (zeebe:taskDefinition). */
const JOB_TASKS = new Set<ElementType>(['serviceTask', 'sendTask', 'scriptTask', 'businessRuleTask']);
const GATEWAYS = new Set<ElementType>(['exclusiveGateway', 'inclusiveGateway', 'parallelGateway']);
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
  };
  const problem = (el: any, message: string) =>
    problems.push({ elementId: el?.id ?? '(no id)', elementType: el?.$type ?? 'unknown', message });

  if (!proc.id) problem(proc, 'a process needs an id');
  const flowEls: any[] = proc.flowElements ?? [];
  const nodes = flowEls.filter((e) => e.$type !== 'bpmn:SequenceFlow' && !ARTIFACTS.has(e.$type));
  const flows = flowEls.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const nodeIds = new Set(nodes.map((n) => n.id));

  for (const f of flows) {
    const flow: SequenceFlow = { id: f.id, name: f.name, source: f.sourceRef?.id, target: f.targetRef?.id };
    if (!f.sourceRef || !nodeIds.has(f.sourceRef.id)) problem(f, 'dangling sequence flow: its source is missing or outside this process');
    if (!f.targetRef || !nodeIds.has(f.targetRef.id)) problem(f, 'dangling sequence flow: its target is missing or outside this process');
    if (f.conditionExpression) {
      const body = String(f.conditionExpression.body ?? '').trim();
      const c = feel(f, 'condition', body, problem, true);
      if (c) flow.condition = c;
    }
    out.flows[f.id] = flow;
  }

  for (const n of nodes) {
    const type = TYPES[n.$type];
    if (!type) {
      problem(n, `unsupported element: the embedded engine does not execute ${n.$type.replace('bpmn:', '')}`);
      continue;
    }
    const node: FlowNode = {
      id: n.id,
      type,
      name: n.name,
      scope: proc.id,
      incoming: (n.incoming ?? []).map((f: any) => f.id).filter((id: string) => out.flows[id]),
      outgoing: (n.outgoing ?? []).map((f: any) => f.id).filter((id: string) => out.flows[id]),
      inputs: [],
    };
    // moddle fills incoming/outgoing from the flows' refs; fall back to the flows themselves.
    if (!node.incoming.length) node.incoming = flows.filter((f) => f.targetRef?.id === n.id).map((f) => f.id);
    if (!node.outgoing.length) node.outgoing = flows.filter((f) => f.sourceRef?.id === n.id).map((f) => f.id);
    if (n.default) node.defaultFlow = n.default.id;

    const eventDefs: any[] = n.eventDefinitions ?? [];
    if (type === 'startEvent' || type === 'intermediateThrowEvent') {
      if (eventDefs.length) problem(n, `unsupported event definition ${eventDefs[0].$type.replace('bpmn:', '')}`);
    }
    if (type === 'endEvent') {
      if (eventDefs.length === 1 && eventDefs[0].$type === 'bpmn:TerminateEventDefinition') node.terminate = true;
      else if (eventDefs.length) problem(n, `unsupported event definition ${eventDefs[0].$type.replace('bpmn:', '')}`);
    }
    if (n.loopCharacteristics) problem(n, 'multi-instance and loop characteristics are not supported yet');

    compileMappings(n, node, problem);
    if (JOB_TASKS.has(type)) compileJobTask(n, node, problem);
    if (type === 'userTask') compileUserTask(n, node, problem);
    out.elements[n.id] = node;
  }

  // Structural rules.
  const starts = Object.values(out.elements).filter((e) => e.type === 'startEvent');
  if (starts.length === 0) problem(proc, 'a process needs a none start event');
  if (starts.length > 1) problem(starts[1] && nodes.find((n) => n.id === starts[1].id), 'a process may have only one none start event');
  out.noneStart = starts[0]?.id ?? '';

  for (const el of Object.values(out.elements)) {
    const raw = nodes.find((n) => n.id === el.id);
    if (el.type === 'startEvent' && el.incoming.length) problem(raw, 'a start event cannot have incoming sequence flows');
    if (el.type !== 'startEvent' && el.incoming.length === 0) problem(raw, 'has no incoming sequence flow, so no token can ever reach it');
    if (el.type === 'endEvent' && el.outgoing.length) problem(raw, 'an end event cannot have outgoing sequence flows');
    if (el.defaultFlow && !el.outgoing.includes(el.defaultFlow)) problem(raw, `default flow '${el.defaultFlow}' is not one of its outgoing flows`);

    const conditional = el.outgoing.filter((id) => out.flows[id]?.condition);
    if (el.type === 'exclusiveGateway' || el.type === 'inclusiveGateway') {
      if (el.outgoing.length > 1) {
        for (const id of el.outgoing) {
          if (id !== el.defaultFlow && !out.flows[id]?.condition) {
            const f = flows.find((x) => x.id === id);
            problem(f, `unconditioned sequence flow leaving ${el.type} '${el.id}': give it a condition or make it the default flow`);
          }
        }
      }
      if (el.defaultFlow && out.flows[el.defaultFlow]?.condition) {
        problem(flows.find((x) => x.id === el.defaultFlow), 'a default flow cannot have a condition');
      }
    } else if (conditional.length) {
      for (const id of conditional) {
        problem(flows.find((x) => x.id === id), `conditional sequence flows may only leave exclusive or inclusive gateways, not ${el.type} '${el.id}'`);
      }
    }
    if (el.defaultFlow && !GATEWAYS.has(el.type)) problem(raw, 'only exclusive and inclusive gateways may have a default flow');
    if (el.type === 'parallelGateway' && el.defaultFlow) problem(raw, 'a parallel gateway cannot have a default flow');
  }
  return out;
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

