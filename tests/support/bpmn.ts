/**
 * The one BPMN builder of the tests: BPMN 2.0 XML from a compact description, the way Camunda
 * Modeler writes it. Each flow node lists its <incoming>/<outgoing> flows, a gateway names its
 * default flow, Zeebe's properties sit in <extensionElements>, and the <bpmn:message>/<bpmn:error>
 * a node refers to are declared once at the top of <definitions>.
 *
 *   processXml('order',
 *     start('s'),
 *     serviceTask('pay', 'payment', { retries: 5 }),
 *     messageCatch('paid', 'payment-received', '=dossierCode'),
 *     end('e'),
 *     ...chain('s', 'pay', 'paid', 'e'),
 *   )
 *
 * Several processes in one resource: `definitions(proc('parent', …), proc('child', …))`.
 * The engine harness that runs these is engine.ts (`useEngine`).
 */

// ---- XML items ------------------------------------------------------------------------------

export interface NodeItem {
  kind: 'node';
  id: string;
  /** BPMN tag without the prefix: serviceTask, exclusiveGateway… */
  tag: string;
  attrs?: Record<string, string | undefined>;
  /** <extensionElements> content. */
  ext?: string;
  /** Content after <incoming>/<outgoing>: event definitions, loop characteristics. */
  tail?: string;
  /** Root elements (<bpmn:message>, <bpmn:error>) this node refers to, hoisted to <definitions>. */
  roots?: string[];
  /** A sub-process's own elements and flows. */
  children?: Item[];
  /** XML placed after the node in its scope (an association to it). */
  after?: string;
}

export interface FlowItem {
  kind: 'flow';
  id: string;
  from: string;
  to: string;
  condition?: string;
  isDefault?: boolean;
}

export type Item = NodeItem | FlowItem;
type Items = Array<Item | Item[]>;

/** Input and output mappings: `{ target: source }`, e.g. `{ total: '=price * qty' }`. */
export interface Mappings {
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
}

export interface MultiInstance {
  inputCollection: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  sequential?: boolean;
  completionCondition?: string;
}

export interface ActivityOptions extends Mappings {
  mi?: MultiInstance;
}

export type TimerSpec = { duration: string } | { date: string } | { cycle: string };

// ---- definitions and processes ----------------------------------------------------------------

export interface Process {
  id: string;
  /** The process's BPMN name (see `named`). */
  name?: string;
  items: Items;
}

/** A deployable resource holding several processes (e.g. a parent and the process it calls). */
export function definitions(...processes: Process[]): string {
  const roots = new Map<string, string>();
  const bodies = processes.map(
    (p) => `  <bpmn:process${attributes({ id: p.id, name: p.name })} isExecutable="true">\n${renderItems(p.items.flat(), roots)}\n  </bpmn:process>`,
  );
  return rawDefinitions([...[...roots.values()].map((r) => '  ' + r), ...bodies].join('\n'));
}

export function proc(id: string, ...items: Items): Process {
  return { id, items };
}

/**
 * A flow node or process with a BPMN name (what Operate and the task lists show), e.g.
 * `named('Xử lý', serviceTask('work', 'job'))`; an undefined name leaves it as it is.
 */
export function named<T extends NodeItem | Process>(name: string | undefined, x: T): T {
  if (name === undefined) return x;
  return 'kind' in x ? { ...x, attrs: { ...x.attrs, name } } : { ...x, name };
}

/** A resource with one executable process. */
export function processXml(id: string, ...items: Items): string {
  return definitions(proc(id, ...items));
}

/** Wraps hand-written XML in <definitions> with the BPMN, Zeebe and XSI namespaces. */
export function rawDefinitions(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">
${inner}
</bpmn:definitions>`;
}

// ---- events -----------------------------------------------------------------------------------

export const start = (id = 'start'): NodeItem => node('startEvent', id);
export const end = (id = 'end'): NodeItem => node('endEvent', id);
export const terminateEnd = (id = 'terminate'): NodeItem => node('endEvent', id, `<bpmn:terminateEventDefinition id="${esc(id)}_def"/>`);

export const errorEnd = (id: string, errorCode: string): NodeItem => ({
  ...node('endEvent', id, errorDef(id, errorCode)),
  roots: [errorRoot(errorCode)],
});

export interface StartOptions {
  /** An event sub-process's start: non-interrupting when false (isInterrupting="false"). */
  interrupting?: boolean;
}

const startAttrs = (o: StartOptions) => (o.interrupting === false ? { isInterrupting: 'false' } : undefined);

export const timerStart = (id: string, timer: TimerSpec, o: StartOptions = {}): NodeItem => ({
  ...node('startEvent', id, timerDef(id, timer)),
  attrs: startAttrs(o),
});

/**
 * A message start event. A process's needs no correlation key (Zeebe does not use one to start);
 * an event sub-process's does (`=expr`).
 */
export const messageStart = (id: string, messageName: string, o: StartOptions & { correlationKey?: string } = {}): NodeItem => ({
  ...messageEvent('startEvent', id, messageRoot(messageName, o.correlationKey)),
  attrs: startAttrs(o),
});

/** A signal intermediate catch event, boundary, start, throw or end event (`name`: static or `=FEEL`). */
export const signalCatch = (id: string, name: string): NodeItem => signalEvent('intermediateCatchEvent', id, name);
export const signalThrow = (id: string, name: string): NodeItem => signalEvent('intermediateThrowEvent', id, name);
export const signalEnd = (id: string, name: string): NodeItem => signalEvent('endEvent', id, name);
export const signalStart = (id: string, name: string, o: StartOptions = {}): NodeItem => ({ ...signalEvent('startEvent', id, name), attrs: startAttrs(o) });
export const signalBoundary = (id: string, attachedTo: string, name: string, o: BoundaryOptions = {}): NodeItem => ({
  ...signalEvent('boundaryEvent', id, name),
  attrs: boundaryAttrs(attachedTo, o),
});

function signalEvent(tagName: string, id: string, name: string): NodeItem {
  const signalId = 'Signal_' + slug(name);
  return {
    ...node(tagName, id, `<bpmn:signalEventDefinition id="${esc(id)}_def" signalRef="${signalId}"/>`),
    roots: [`<bpmn:signal id="${signalId}" name="${esc(name)}"/>`],
  };
}

/** An escalation intermediate throw event (`code` is its escalation code). */
export const escalationThrow = (id: string, code: string): NodeItem => ({
  ...node('intermediateThrowEvent', id, escalationDef(id, code)),
  roots: [escalationRoot(code)],
});

/** An escalation end event. */
export const escalationEnd = (id: string, code: string): NodeItem => ({ ...node('endEvent', id, escalationDef(id, code)), roots: [escalationRoot(code)] });

/** An escalation start event of an event sub-process; without a code it catches every escalation. */
export const escalationStart = (id: string, code?: string, o: StartOptions = {}): NodeItem => ({
  ...node('startEvent', id, escalationDef(id, code)),
  attrs: startAttrs(o),
  roots: code ? [escalationRoot(code)] : [],
});

/** An escalation boundary event (on a sub-process or call activity); without a code, the catch-all. */
export const escalationBoundary = (id: string, attachedTo: string, code?: string, o: BoundaryOptions = {}): NodeItem => ({
  ...node('boundaryEvent', id, escalationDef(id, code)),
  attrs: boundaryAttrs(attachedTo, o),
  roots: code ? [escalationRoot(code)] : [],
});

/** An error start event of an event sub-process; without a code it catches every error. */
export const errorStart = (id: string, errorCode?: string): NodeItem => ({
  ...node('startEvent', id, errorDef(id, errorCode)),
  roots: errorCode ? [errorRoot(errorCode)] : [],
});

export const timerCatch = (id: string, timer: TimerSpec, o: Mappings = {}): NodeItem => ({
  ...node('intermediateCatchEvent', id, timerDef(id, timer)),
  ext: ioMapping(o),
});

/** An intermediate message catch event; `correlationKey` is Zeebe's subscription key (`=expr`). */
export const messageCatch = (id: string, messageName: string, correlationKey: string, o: Mappings = {}): NodeItem => ({
  ...messageEvent('intermediateCatchEvent', id, messageRoot(messageName, correlationKey)),
  ext: ioMapping(o),
});

// ---- gateways ---------------------------------------------------------------------------------

/** A compensation boundary event of `attachedTo`, associated with its `handler` (see compensationHandler). */
export const compensationBoundary = (id: string, attachedTo: string, handler: string): NodeItem => ({
  ...node('boundaryEvent', id, `<bpmn:compensateEventDefinition id="${esc(id)}_def"/>`),
  attrs: { attachedToRef: attachedTo },
  after: `<bpmn:association id="${esc(id)}_to_${esc(handler)}" associationDirection="One" sourceRef="${esc(id)}" targetRef="${esc(handler)}"/>`,
});
/** Marks an activity as a compensation handler (isForCompensation; it has no sequence flows). */
export const compensationHandler = (activity: NodeItem): NodeItem => ({ ...activity, attrs: { ...activity.attrs, isForCompensation: 'true' } });
/** A compensation intermediate throw event: every handler of its scope, or `activityRef`'s. */
export const compensationThrow = (id: string, activityRef?: string): NodeItem =>
  node('intermediateThrowEvent', id, `<bpmn:compensateEventDefinition id="${esc(id)}_def"${activityRef ? ` activityRef="${esc(activityRef)}"` : ''}/>`);
export const compensationEnd = (id: string, activityRef?: string): NodeItem =>
  node('endEvent', id, `<bpmn:compensateEventDefinition id="${esc(id)}_def"${activityRef ? ` activityRef="${esc(activityRef)}"` : ''}/>`);

export const exclusiveGateway = (id: string): NodeItem => node('exclusiveGateway', id);
export const parallelGateway = (id: string): NodeItem => node('parallelGateway', id);
export const inclusiveGateway = (id: string): NodeItem => node('inclusiveGateway', id);
export const eventGateway = (id: string): NodeItem => node('eventBasedGateway', id);

// ---- boundary events --------------------------------------------------------------------------

export interface BoundaryOptions {
  /** Non-interrupting when false (Zeebe's cancelActivity="false"). */
  interrupting?: boolean;
}

export const timerBoundary = (id: string, attachedTo: string, timer: TimerSpec, o: BoundaryOptions = {}): NodeItem => ({
  ...node('boundaryEvent', id, timerDef(id, timer)),
  attrs: boundaryAttrs(attachedTo, o),
});

export const messageBoundary = (id: string, attachedTo: string, messageName: string, correlationKey: string, o: BoundaryOptions = {}): NodeItem => ({
  ...messageEvent('boundaryEvent', id, messageRoot(messageName, correlationKey)),
  attrs: boundaryAttrs(attachedTo, o),
});

/** An error boundary event; without a code it is Zeebe's catch-all (no errorRef). */
export const errorBoundary = (id: string, attachedTo: string, errorCode?: string, o: Mappings = {}): NodeItem => ({
  ...node('boundaryEvent', id, errorDef(id, errorCode)),
  attrs: boundaryAttrs(attachedTo, {}),
  ext: ioMapping(o),
  roots: errorCode ? [errorRoot(errorCode)] : [],
});

// ---- activities -------------------------------------------------------------------------------

export interface JobTaskOptions extends ActivityOptions {
  /** zeebe:taskDefinition retries; static or `=FEEL`. */
  retries?: string | number;
  /** zeebe:taskHeaders. */
  headers?: Record<string, string>;
}

/**
 * A task worked by a job worker. `type` is the zeebe:taskDefinition type, static text or
 * `=FEEL`; without a type (and retries) the task has no task definition.
 */
export const serviceTask = (id: string, type?: string, o: JobTaskOptions = {}): NodeItem => jobTask('serviceTask', id, type, o);
export const sendTask = (id: string, type?: string, o: JobTaskOptions = {}): NodeItem => jobTask('sendTask', id, type, o);
export const businessRuleTask = (id: string, type?: string, o: JobTaskOptions = {}): NodeItem => jobTask('businessRuleTask', id, type, o);

/** A script task: a job of a `type`, or a FEEL `script` the engine evaluates (Zeebe's zeebe:script). */
export function scriptTask(id: string, typeOrScript?: string | { expression: string; resultVariable: string }, o: JobTaskOptions = {}): NodeItem {
  if (typeof typeOrScript !== 'object') return jobTask('scriptTask', id, typeOrScript, o);
  const { expression, resultVariable } = typeOrScript;
  return activity('scriptTask', id, o, tag('zeebe:script', { expression, resultVariable }));
}

export interface UserTaskOptions extends ActivityOptions {
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  headers?: Record<string, string>;
}

/** A job-based user task (Zeebe 8.x): zeebe:assignmentDefinition, zeebe:taskSchedule. */
export function userTask(id: string, o: UserTaskOptions = {}): NodeItem {
  const assignment =
    o.assignee || o.candidateGroups || o.candidateUsers
      ? tag('zeebe:assignmentDefinition', { assignee: o.assignee, candidateGroups: o.candidateGroups, candidateUsers: o.candidateUsers })
      : '';
  const schedule = o.dueDate || o.followUpDate ? tag('zeebe:taskSchedule', { dueDate: o.dueDate, followUpDate: o.followUpDate }) : '';
  return activity('userTask', id, o, assignment + schedule + taskHeaders(o.headers));
}

export interface CamundaUserTaskOptions extends UserTaskOptions {
  name?: string;
  priority?: string;
  formId?: string;
  externalReference?: string;
}

/** A Camunda user task (zeebe:userTask, Camunda 8.6+'s default): no job, the engine keeps the task. */
export function camundaUserTask(id: string, o: CamundaUserTaskOptions = {}): NodeItem {
  const assignment =
    o.assignee || o.candidateGroups || o.candidateUsers
      ? tag('zeebe:assignmentDefinition', { assignee: o.assignee, candidateGroups: o.candidateGroups, candidateUsers: o.candidateUsers })
      : '';
  const schedule = o.dueDate || o.followUpDate ? tag('zeebe:taskSchedule', { dueDate: o.dueDate, followUpDate: o.followUpDate }) : '';
  const form = o.formId || o.externalReference ? tag('zeebe:formDefinition', { formId: o.formId, externalReference: o.externalReference }) : '';
  const priority = o.priority ? tag('zeebe:priorityDefinition', { priority: o.priority }) : '';
  const el = activity('userTask', id, o, '<zeebe:userTask/>' + assignment + schedule + form + priority + taskHeaders(o.headers));
  return o.name ? { ...el, attrs: { ...el.attrs, name: o.name } } : el;
}

export const receiveTask = (id: string, messageName: string, correlationKey: string, o: Mappings = {}): NodeItem => {
  const m = messageRoot(messageName, correlationKey);
  return { ...node('receiveTask', id), attrs: { messageRef: m.id }, ext: ioMapping(o), roots: [m.xml] };
};

/** An embedded sub-process with its own elements and flows. */
export function subProcess(id: string, items: Items, o: ActivityOptions = {}): NodeItem {
  return { ...activity('subProcess', id, o), children: items.flat() };
}

/** An event sub-process: no flows in or out; its one start event says what starts it. */
export function eventSubProcess(id: string, items: Items): NodeItem {
  return { ...node('subProcess', id), attrs: { triggeredByEvent: 'true' }, children: items.flat() };
}

export interface CallOptions extends ActivityOptions {
  propagateAllChildVariables?: boolean;
  propagateAllParentVariables?: boolean;
}

export const callActivity = (id: string, processId: string, o: CallOptions = {}): NodeItem =>
  activity(
    'callActivity',
    id,
    o,
    tag('zeebe:calledElement', {
      processId,
      propagateAllChildVariables: o.propagateAllChildVariables === undefined ? undefined : String(o.propagateAllChildVariables),
      propagateAllParentVariables: o.propagateAllParentVariables === undefined ? undefined : String(o.propagateAllParentVariables),
    }),
  );

/** Any other flow node, with raw XML after its flows (e.g. for elements the engine should refuse). */
export function node(tagName: string, id: string, tail?: string): NodeItem {
  return { kind: 'node', id, tag: tagName, tail };
}

// ---- sequence flows ---------------------------------------------------------------------------

export interface FlowOptions {
  id?: string;
  /** A FEEL condition, e.g. `=amount > 100`. */
  condition?: string;
  /** The default flow of its (gateway) source. */
  isDefault?: boolean;
}

export function flow(from: string, to: string, o: FlowOptions = {}): FlowItem {
  return { kind: 'flow', id: o.id ?? `${from}_to_${to}`, from, to, condition: o.condition, isDefault: o.isDefault };
}

/** Unconditioned flows through the given nodes in order. */
export function chain(...ids: string[]): FlowItem[] {
  return ids.slice(1).map((to, i) => flow(ids[i], to));
}

// ---- rendering --------------------------------------------------------------------------------

function renderItems(items: Item[], roots: Map<string, string>, indent = '    '): string {
  const flows = items.filter((i): i is FlowItem => i.kind === 'flow');
  const nodes = items.filter((i): i is NodeItem => i.kind === 'node');
  const out: string[] = [];
  for (const n of nodes) {
    for (const r of n.roots ?? []) roots.set(/id="([^"]+)"/.exec(r)![1], r);
    const incoming = flows
      .filter((f) => f.to === n.id)
      .map((f) => `<bpmn:incoming>${esc(f.id)}</bpmn:incoming>`)
      .join('');
    const outgoing = flows
      .filter((f) => f.from === n.id)
      .map((f) => `<bpmn:outgoing>${esc(f.id)}</bpmn:outgoing>`)
      .join('');
    const byDefault = flows.find((f) => f.from === n.id && f.isDefault);
    const ext = n.ext ? `<bpmn:extensionElements>${n.ext}</bpmn:extensionElements>` : '';
    const inner = n.children ? '\n' + renderItems(n.children, roots, indent + '  ') + '\n' + indent : '';
    const attrs = attributes({ id: n.id, ...n.attrs, default: byDefault?.id });
    out.push(`${indent}<bpmn:${n.tag}${attrs}>${ext}${incoming}${outgoing}${n.tail ?? ''}${inner}</bpmn:${n.tag}>`);
    if (n.after) out.push(indent + n.after);
  }
  for (const f of flows) {
    const attrs = attributes({ id: f.id, sourceRef: f.from, targetRef: f.to });
    out.push(
      f.condition === undefined
        ? `${indent}<bpmn:sequenceFlow${attrs}/>`
        : `${indent}<bpmn:sequenceFlow${attrs}><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
    );
  }
  return out.join('\n');
}

/** An activity: `ext` (its Zeebe properties) then its io mapping; multi-instance after its flows. */
function activity(tagName: string, id: string, o: ActivityOptions, ext = ''): NodeItem {
  return { ...node(tagName, id, loop(o.mi)), ext: ext + ioMapping(o) };
}

function jobTask(tagName: string, id: string, type: string | undefined, o: JobTaskOptions): NodeItem {
  const def =
    type !== undefined || o.retries !== undefined
      ? tag('zeebe:taskDefinition', { type, retries: o.retries === undefined ? undefined : String(o.retries) })
      : '';
  return activity(tagName, id, o, def + taskHeaders(o.headers));
}

function taskHeaders(headers?: Record<string, string>): string {
  if (!headers || !Object.keys(headers).length) return '';
  const rows = Object.entries(headers).map(([key, value]) => tag('zeebe:header', { key, value }));
  return `<zeebe:taskHeaders>${rows.join('')}</zeebe:taskHeaders>`;
}

function timerDef(id: string, timer: TimerSpec): string {
  const [el, text] = 'duration' in timer ? ['timeDuration', timer.duration] : 'date' in timer ? ['timeDate', timer.date] : ['timeCycle', timer.cycle];
  return `<bpmn:timerEventDefinition id="${esc(id)}_def"><bpmn:${el} xsi:type="bpmn:tFormalExpression">${esc(text)}</bpmn:${el}></bpmn:timerEventDefinition>`;
}

function messageEvent(tagName: string, id: string, m: { id: string; xml: string }): NodeItem {
  return { ...node(tagName, id, `<bpmn:messageEventDefinition id="${esc(id)}_def" messageRef="${m.id}"/>`), roots: [m.xml] };
}

function messageRoot(name: string, correlationKey?: string): { id: string; xml: string } {
  const id = 'Message_' + slug(name) + (correlationKey ? '_' + slug(correlationKey) : '');
  const sub = correlationKey ? `<bpmn:extensionElements>${tag('zeebe:subscription', { correlationKey })}</bpmn:extensionElements>` : '';
  return { id, xml: `<bpmn:message id="${id}" name="${esc(name)}">${sub}</bpmn:message>` };
}

function errorDef(id: string, errorCode?: string): string {
  return `<bpmn:errorEventDefinition id="${esc(id)}_def"${errorCode ? ` errorRef="${errorId(errorCode)}"` : ''}/>`;
}

const errorId = (code: string) => 'Error_' + slug(code);
const escalationId = (code: string) => 'Escalation_' + slug(code);
const escalationRoot = (code: string) => `<bpmn:escalation id="${escalationId(code)}" name="${esc(code)}" escalationCode="${esc(code)}"/>`;
function escalationDef(id: string, code?: string): string {
  return `<bpmn:escalationEventDefinition id="${esc(id)}_def"${code ? ` escalationRef="${escalationId(code)}"` : ''}/>`;
}
const errorRoot = (code: string) => `<bpmn:error id="${errorId(code)}" name="${esc(code)}" errorCode="${esc(code)}"/>`;

function boundaryAttrs(attachedTo: string, o: BoundaryOptions): Record<string, string | undefined> {
  return { attachedToRef: attachedTo, cancelActivity: o.interrupting === false ? 'false' : undefined };
}

function loop(mi?: MultiInstance): string {
  if (!mi) return '';
  const z = tag('zeebe:loopCharacteristics', {
    inputCollection: mi.inputCollection,
    inputElement: mi.inputElement,
    outputCollection: mi.outputCollection,
    outputElement: mi.outputElement,
  });
  const cc = mi.completionCondition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${esc(mi.completionCondition)}</bpmn:completionCondition>`
    : '';
  return `<bpmn:multiInstanceLoopCharacteristics${mi.sequential ? ' isSequential="true"' : ''}><bpmn:extensionElements>${z}</bpmn:extensionElements>${cc}</bpmn:multiInstanceLoopCharacteristics>`;
}

function ioMapping(m: Mappings): string {
  const inputs = Object.entries(m.inputs ?? {}).map(([target, source]) => tag('zeebe:input', { source, target }));
  const outputs = Object.entries(m.outputs ?? {}).map(([target, source]) => tag('zeebe:output', { source, target }));
  if (!inputs.length && !outputs.length) return '';
  return `<zeebe:ioMapping>${inputs.join('')}${outputs.join('')}</zeebe:ioMapping>`;
}

function tag(name: string, attrs: Record<string, string | undefined>): string {
  return `<${name}${attributes(attrs)}/>`;
}

function attributes(attrs: Record<string, string | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join('');
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
