/**
 * Builds BPMN 2.0 XML for engine tests from a compact description, the way Camunda Modeler
 * writes it: each flow node lists its <incoming>/<outgoing> flows, a gateway names its default
 * flow, Zeebe's properties sit in <extensionElements>.
 *
 *   processXml('order',
 *     start('s'),
 *     serviceTask('pay', { type: 'payment', retries: 5 }),
 *     end('e'),
 *     ...chain('s', 'pay', 'e'),
 *   )
 */

export interface FlowNodeItem {
  kind: 'node';
  id: string;
  /** BPMN tag without the prefix: serviceTask, exclusiveGateway… */
  tag: string;
  /** Extension elements and event definitions, already XML. */
  body: string;
}

export interface FlowItem {
  kind: 'flow';
  id: string;
  from: string;
  to: string;
  condition?: string;
  isDefault?: boolean;
}

export type Item = FlowNodeItem | FlowItem;

/** A whole deployable resource with one executable process. */
export function processXml(id: string, ...items: Array<Item | Item[]>): string {
  const all = items.flat();
  const flows = all.filter((i): i is FlowItem => i.kind === 'flow');
  const nodes = all.filter((i): i is FlowNodeItem => i.kind === 'node');
  const body = [
    ...nodes.map((n) => renderNode(n, flows)),
    ...flows.map(renderFlow),
  ].join('\n');
  return definitions(`  <bpmn:process id="${esc(id)}" isExecutable="true">\n${body}\n  </bpmn:process>`);
}

/** Wraps process XML in <definitions> with the BPMN, Zeebe and XSI namespaces. */
export function definitions(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">
${inner}
</bpmn:definitions>`;
}

// ---- flow nodes ---------------------------------------------------------------------------

export const start = (id = 'start'): FlowNodeItem => node('startEvent', id);
export const end = (id = 'end'): FlowNodeItem => node('endEvent', id);
export const terminateEnd = (id = 'terminate'): FlowNodeItem =>
  node('endEvent', id, `<bpmn:terminateEventDefinition id="${esc(id)}_def"/>`);

export const exclusiveGateway = (id: string): FlowNodeItem => node('exclusiveGateway', id);
export const parallelGateway = (id: string): FlowNodeItem => node('parallelGateway', id);
export const inclusiveGateway = (id: string): FlowNodeItem => node('inclusiveGateway', id);

/** Input and output mappings: `{ target: source }`, e.g. `{ total: '=price * qty' }`. */
export interface Mappings {
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
}

export interface JobTaskOptions extends Mappings {
  /** zeebe:taskDefinition type; static text or `=FEEL`. Omit to leave the definition out. */
  type?: string;
  /** zeebe:taskDefinition retries; static or `=FEEL`. */
  retries?: string | number;
  /** zeebe:taskHeaders. */
  headers?: Record<string, string>;
}

export const serviceTask = (id: string, o: JobTaskOptions = {}): FlowNodeItem => jobTask('serviceTask', id, o);
export const sendTask = (id: string, o: JobTaskOptions = {}): FlowNodeItem => jobTask('sendTask', id, o);
export const businessRuleTask = (id: string, o: JobTaskOptions = {}): FlowNodeItem => jobTask('businessRuleTask', id, o);

/** A script task: a job (`type`) or evaluated by the engine (`script`, Zeebe's FEEL script). */
export function scriptTask(id: string, o: JobTaskOptions & { script?: { expression: string; resultVariable: string } } = {}): FlowNodeItem {
  if (!o.script) return jobTask('scriptTask', id, o);
  const script = tag('zeebe:script', { expression: o.script.expression, resultVariable: o.script.resultVariable });
  return node('scriptTask', id, extensions(script, ioMapping(o)));
}

export interface UserTaskOptions extends Mappings {
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  headers?: Record<string, string>;
}

/** A job-based user task (Zeebe 8.x): zeebe:assignmentDefinition, zeebe:taskSchedule. */
export function userTask(id: string, o: UserTaskOptions = {}): FlowNodeItem {
  const assignment =
    o.assignee || o.candidateGroups || o.candidateUsers
      ? tag('zeebe:assignmentDefinition', { assignee: o.assignee, candidateGroups: o.candidateGroups, candidateUsers: o.candidateUsers })
      : '';
  const schedule = o.dueDate || o.followUpDate ? tag('zeebe:taskSchedule', { dueDate: o.dueDate, followUpDate: o.followUpDate }) : '';
  return node('userTask', id, extensions(assignment, schedule, taskHeaders(o.headers), ioMapping(o)));
}

/** Any other flow node, with raw inner XML (for elements the engine should refuse). */
export function node(tagName: string, id: string, body = ''): FlowNodeItem {
  return { kind: 'node', id, tag: tagName, body };
}

// ---- sequence flows -----------------------------------------------------------------------

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

// ---- rendering ----------------------------------------------------------------------------

function jobTask(tagName: string, id: string, o: JobTaskOptions): FlowNodeItem {
  const def =
    o.type !== undefined || o.retries !== undefined
      ? tag('zeebe:taskDefinition', { type: o.type, retries: o.retries === undefined ? undefined : String(o.retries) })
      : '';
  return node(tagName, id, extensions(def, taskHeaders(o.headers), ioMapping(o)));
}

function taskHeaders(headers?: Record<string, string>): string {
  if (!headers || !Object.keys(headers).length) return '';
  const rows = Object.entries(headers).map(([key, value]) => tag('zeebe:header', { key, value }));
  return `<zeebe:taskHeaders>${rows.join('')}</zeebe:taskHeaders>`;
}

function ioMapping(m: Mappings): string {
  const inputs = Object.entries(m.inputs ?? {}).map(([target, source]) => tag('zeebe:input', { source, target }));
  const outputs = Object.entries(m.outputs ?? {}).map(([target, source]) => tag('zeebe:output', { source, target }));
  if (!inputs.length && !outputs.length) return '';
  return `<zeebe:ioMapping>${inputs.join('')}${outputs.join('')}</zeebe:ioMapping>`;
}

function extensions(...parts: string[]): string {
  const inner = parts.filter(Boolean).join('');
  return inner ? `<bpmn:extensionElements>${inner}</bpmn:extensionElements>` : '';
}

function renderNode(n: FlowNodeItem, flows: FlowItem[]): string {
  const incoming = flows.filter((f) => f.to === n.id).map((f) => `<bpmn:incoming>${esc(f.id)}</bpmn:incoming>`);
  const outgoing = flows.filter((f) => f.from === n.id).map((f) => `<bpmn:outgoing>${esc(f.id)}</bpmn:outgoing>`);
  const def = flows.find((f) => f.from === n.id && f.isDefault);
  const attrs = attributes({ id: n.id, default: def?.id });
  return `    <bpmn:${n.tag}${attrs}>${n.body}${incoming.join('')}${outgoing.join('')}</bpmn:${n.tag}>`;
}

function renderFlow(f: FlowItem): string {
  const attrs = attributes({ id: f.id, sourceRef: f.from, targetRef: f.to });
  if (f.condition === undefined) return `    <bpmn:sequenceFlow${attrs}/>`;
  return `    <bpmn:sequenceFlow${attrs}><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`;
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

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
