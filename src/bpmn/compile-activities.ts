/** Activities at deploy: job tasks, user tasks, call activities, multi-instance and input/output mappings. */
import type { ElementType, FlowNode, Mapping, UserTaskDefinition } from './model.js';
import { ext, feel, headers, isExpressionText, type Problem } from './zeebe-ext.js';

/** Activities: what boundary events attach to and multi-instance applies to. */
export const ACTIVITIES = new Set<ElementType>([
  'task',
  'manualTask',
  'serviceTask',
  'sendTask',
  'scriptTask',
  'businessRuleTask',
  'userTask',
  'receiveTask',
  'subProcess',
  'callActivity',
]);

/** The job type of Zeebe's job-worker user tasks. */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

export function compileLoop(n: any, node: FlowNode, problem: Problem): void {
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

export function compileCall(n: any, node: FlowNode, problem: Problem): void {
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

export function compileJobTask(n: any, node: FlowNode, problem: Problem): void {
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
  if (retries && 'static' in retries && !/^\d+$/.test(retries.static))
    problem(n, `retries must be a whole number or a FEEL expression, not '${retries.static}'`);
  if (type && retries) node.job = { type, retries, headers: headers(n) };
}

export function compileUserTask(n: any, node: FlowNode, problem: Problem): void {
  const a = ext(n, 'zeebe:AssignmentDefinition');
  const s = ext(n, 'zeebe:TaskSchedule');
  const form = ext(n, 'zeebe:FormDefinition');
  const priority = ext(n, 'zeebe:PriorityDefinition');
  const camunda = !!ext(n, 'zeebe:UserTask');
  const opt = (what: string, v?: string) => (v ? feel(n, what, v, problem) : undefined);
  const ut: UserTaskDefinition = {
    camunda,
    assignee: opt('assignee', a?.assignee),
    candidateGroups: opt('candidateGroups', a?.candidateGroups),
    candidateUsers: opt('candidateUsers', a?.candidateUsers),
    dueDate: opt('dueDate', s?.dueDate),
    followUpDate: opt('followUpDate', s?.followUpDate),
  };
  node.userTask = ut;
  if (!camunda) {
    if (priority) problem(n, 'zeebe:priorityDefinition applies to Camunda user tasks only: add zeebe:userTask');
    if (form?.formId || form?.externalReference)
      problem(n, 'a form by formId or externalReference needs a Camunda user task: add zeebe:userTask (or use formKey)');
    if (form?.formKey) ut.formKey = form.formKey;
    node.job = { type: { static: USER_TASK_JOB_TYPE }, retries: { static: '1' }, headers: headers(n) };
    return;
  }
  if (ext(n, 'zeebe:TaskDefinition')) problem(n, 'a Camunda user task (zeebe:userTask) has no job type: remove zeebe:taskDefinition');
  if (form) {
    const set = ['formKey', 'formId', 'externalReference'].filter((k) => form[k]);
    if (set.length > 1) problem(n, `zeebe:formDefinition may set one of formId and externalReference, not ${set.join(' and ')}`);
    else if (form.formKey) problem(n, 'a Camunda user task links its form by formId (a deployed .form) or externalReference, not formKey');
    if (form.formId) ut.formId = String(form.formId).trim();
    if (form.externalReference) ut.externalReference = opt('externalReference', form.externalReference);
    const binding = form.$attrs?.bindingType;
    if (binding && binding !== 'latest') problem(n, `form bindingType '${binding}' is not supported: the engine links the latest version`);
  }
  if (priority?.priority !== undefined && priority.priority !== '') {
    const p = opt('priority', String(priority.priority));
    if (p && 'static' in p && !(/^\d+$/.test(p.static) && Number(p.static) <= 100))
      problem(n, `priority must be a whole number from 0 to 100, not '${p.static}'`);
    ut.priority = p;
  }
  ut.headers = headers(n);
}

export function compileMappings(n: any, node: FlowNode, problem: Problem): void {
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
