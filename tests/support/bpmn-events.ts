/**
 * BPMN builders and an engine harness for the event scenarios (timers, messages, errors,
 * sub-processes, call activities, multi-instance, cancel) in tests/engine-events.
 *
 * The XML is what Camunda Modeler writes: flow nodes list their <incoming>/<outgoing>, Zeebe's
 * properties sit in <extensionElements>, and the <bpmn:message>/<bpmn:error> a node refers to
 * are declared once at the top of <definitions>.
 *
 *   processXml('p',
 *     start('s'), messageCatch('paid', 'payment-received', '=dossierCode'), end('e'),
 *     ...chain('s', 'paid', 'e'))
 *
 * Time never passes by itself: the engine runs without its scheduler on a ManualClock, and a
 * test moves it with `h.advance(ms)` (clock + one scheduler round).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import type { ActivatedJob, ProcessMetadata, Variables } from '../../src/engine/port.js';
import { createScratchDatabase, openTestDb, type TestDb } from './db.js';
import { resetEngine } from './engine.js';

// ---- XML items ------------------------------------------------------------------------------

export interface NodeItem {
  kind: 'node';
  id: string;
  tag: string;
  attrs?: Record<string, string | undefined>;
  /** <extensionElements> content. */
  ext?: string;
  /** Content after <incoming>/<outgoing>: event definitions, loop characteristics, children. */
  tail?: string;
  /** Root elements (<bpmn:message>, <bpmn:error>) this node refers to, hoisted to <definitions>. */
  roots?: string[];
  /** A sub-process's own elements and flows. */
  children?: Item[];
}

export interface FlowItem {
  kind: 'flow';
  id: string;
  from: string;
  to: string;
  condition?: string;
}

export type Item = NodeItem | FlowItem;
type Items = Array<Item | Item[]>;

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

/** A deployable resource holding several processes (e.g. a parent and the process it calls). */
export function definitions(...processes: Array<{ id: string; items: Items }>): string {
  const roots = new Map<string, string>();
  const bodies = processes.map((p) => `  <bpmn:process id="${esc(p.id)}" isExecutable="true">\n${renderItems(p.items.flat(), roots)}\n  </bpmn:process>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">
${[...roots.values()].map((r) => '  ' + r).join('\n')}
${bodies.join('\n')}
</bpmn:definitions>`;
}

export function proc(id: string, ...items: Items): { id: string; items: Items } {
  return { id, items };
}

/** A resource with one executable process. */
export function processXml(id: string, ...items: Items): string {
  return definitions(proc(id, ...items));
}

// ---- events -----------------------------------------------------------------------------------

export const start = (id = 'start'): NodeItem => ({ kind: 'node', id, tag: 'startEvent' });
export const end = (id = 'end'): NodeItem => ({ kind: 'node', id, tag: 'endEvent' });
export const terminateEnd = (id = 'terminate'): NodeItem => ({ kind: 'node', id, tag: 'endEvent', tail: `<bpmn:terminateEventDefinition id="${esc(id)}_def"/>` });

export const errorEnd = (id: string, errorCode: string): NodeItem => ({
  kind: 'node',
  id,
  tag: 'endEvent',
  tail: `<bpmn:errorEventDefinition id="${esc(id)}_def" errorRef="${errorId(errorCode)}"/>`,
  roots: [errorRoot(errorCode)],
});

export const timerStart = (id: string, timer: TimerSpec): NodeItem => ({ kind: 'node', id, tag: 'startEvent', tail: timerDef(id, timer) });

/** A message start event (no correlation key: Zeebe does not use one to start). */
export const messageStart = (id: string, messageName: string): NodeItem => {
  const m = messageRoot(messageName);
  return { kind: 'node', id, tag: 'startEvent', tail: `<bpmn:messageEventDefinition id="${esc(id)}_def" messageRef="${m.id}"/>`, roots: [m.xml] };
};

export const timerCatch = (id: string, timer: TimerSpec, o: Mappings = {}): NodeItem => ({
  kind: 'node',
  id,
  tag: 'intermediateCatchEvent',
  ext: ioMapping(o),
  tail: timerDef(id, timer),
});

/** An intermediate message catch event; `correlationKey` is Zeebe's subscription key (`=expr`). */
export const messageCatch = (id: string, messageName: string, correlationKey: string, o: Mappings = {}): NodeItem => {
  const m = messageRoot(messageName, correlationKey);
  return {
    kind: 'node',
    id,
    tag: 'intermediateCatchEvent',
    ext: ioMapping(o),
    tail: `<bpmn:messageEventDefinition id="${esc(id)}_def" messageRef="${m.id}"/>`,
    roots: [m.xml],
  };
};

export const receiveTask = (id: string, messageName: string, correlationKey: string, o: Mappings = {}): NodeItem => {
  const m = messageRoot(messageName, correlationKey);
  return { kind: 'node', id, tag: 'receiveTask', attrs: { messageRef: m.id }, ext: ioMapping(o), roots: [m.xml] };
};

export const eventGateway = (id: string): NodeItem => ({ kind: 'node', id, tag: 'eventBasedGateway' });
export const parallelGateway = (id: string): NodeItem => ({ kind: 'node', id, tag: 'parallelGateway' });

// ---- boundary events --------------------------------------------------------------------------

export interface BoundaryOptions {
  /** Non-interrupting when false (Zeebe's cancelActivity="false"). */
  interrupting?: boolean;
}

export const timerBoundary = (id: string, attachedTo: string, timer: TimerSpec, o: BoundaryOptions = {}): NodeItem => ({
  kind: 'node',
  id,
  tag: 'boundaryEvent',
  attrs: boundaryAttrs(attachedTo, o),
  tail: timerDef(id, timer),
});

export const messageBoundary = (id: string, attachedTo: string, messageName: string, correlationKey: string, o: BoundaryOptions = {}): NodeItem => {
  const m = messageRoot(messageName, correlationKey);
  return {
    kind: 'node',
    id,
    tag: 'boundaryEvent',
    attrs: boundaryAttrs(attachedTo, o),
    tail: `<bpmn:messageEventDefinition id="${esc(id)}_def" messageRef="${m.id}"/>`,
    roots: [m.xml],
  };
};

/** An error boundary event; without a code it is Zeebe's catch-all (no errorRef). */
export const errorBoundary = (id: string, attachedTo: string, errorCode?: string, o: Mappings = {}): NodeItem => ({
  kind: 'node',
  id,
  tag: 'boundaryEvent',
  attrs: { attachedToRef: attachedTo },
  ext: ioMapping(o),
  tail: errorCode
    ? `<bpmn:errorEventDefinition id="${esc(id)}_def" errorRef="${errorId(errorCode)}"/>`
    : `<bpmn:errorEventDefinition id="${esc(id)}_def"/>`,
  roots: errorCode ? [errorRoot(errorCode)] : [],
});

// ---- activities -------------------------------------------------------------------------------

export const serviceTask = (id: string, type: string, o: ActivityOptions = {}): NodeItem => ({
  kind: 'node',
  id,
  tag: 'serviceTask',
  ext: `<zeebe:taskDefinition type="${esc(type)}"/>` + ioMapping(o),
  tail: loop(o.mi),
});

/** An embedded sub-process with its own elements and flows. */
export function subProcess(id: string, items: Items, o: ActivityOptions = {}): NodeItem {
  return { kind: 'node', id, tag: 'subProcess', ext: ioMapping(o), tail: loop(o.mi), children: items.flat() };
}

export interface CallOptions extends ActivityOptions {
  propagateAllChildVariables?: boolean;
  propagateAllParentVariables?: boolean;
}

export const callActivity = (id: string, processId: string, o: CallOptions = {}): NodeItem => ({
  kind: 'node',
  id,
  tag: 'callActivity',
  ext:
    tag('zeebe:calledElement', {
      processId,
      propagateAllChildVariables: o.propagateAllChildVariables === undefined ? undefined : String(o.propagateAllChildVariables),
      propagateAllParentVariables: o.propagateAllParentVariables === undefined ? undefined : String(o.propagateAllParentVariables),
    }) + ioMapping(o),
  tail: loop(o.mi),
});

// ---- flows ------------------------------------------------------------------------------------

export function flow(from: string, to: string, condition?: string): FlowItem {
  return { kind: 'flow', id: `${from}_to_${to}`, from, to, condition };
}

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
    const incoming = flows.filter((f) => f.to === n.id).map((f) => `<bpmn:incoming>${esc(f.id)}</bpmn:incoming>`).join('');
    const outgoing = flows.filter((f) => f.from === n.id).map((f) => `<bpmn:outgoing>${esc(f.id)}</bpmn:outgoing>`).join('');
    const ext = n.ext ? `<bpmn:extensionElements>${n.ext}</bpmn:extensionElements>` : '';
    const inner = n.children ? '\n' + renderItems(n.children, roots, indent + '  ') + '\n' + indent : '';
    out.push(`${indent}<bpmn:${n.tag}${attributes({ id: n.id, ...n.attrs })}>${ext}${incoming}${outgoing}${n.tail ?? ''}${inner}</bpmn:${n.tag}>`);
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

function timerDef(id: string, timer: TimerSpec): string {
  const [el, text] =
    'duration' in timer ? ['timeDuration', timer.duration] : 'date' in timer ? ['timeDate', timer.date] : ['timeCycle', timer.cycle];
  return `<bpmn:timerEventDefinition id="${esc(id)}_def"><bpmn:${el} xsi:type="bpmn:tFormalExpression">${esc(text)}</bpmn:${el}></bpmn:timerEventDefinition>`;
}

function messageRoot(name: string, correlationKey?: string): { id: string; xml: string } {
  const id = 'Message_' + slug(name) + (correlationKey ? '_' + slug(correlationKey) : '');
  const sub = correlationKey ? `<bpmn:extensionElements>${tag('zeebe:subscription', { correlationKey })}</bpmn:extensionElements>` : '';
  return { id, xml: `<bpmn:message id="${id}" name="${esc(name)}">${sub}</bpmn:message>` };
}

const errorId = (code: string) => 'Error_' + slug(code);
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

// ---- the engine harness -------------------------------------------------------------------------

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface InstanceView {
  key: string;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  bpmnProcessId: string;
  version: number;
  /** Root-scope variables. */
  variables: Variables;
  hasIncident: boolean;
  parentProcessInstanceKey: string | null;
  /** Element ids holding a token now (sorted). */
  active: string[];
}

export interface TimerView {
  key: string;
  processInstanceKey: string | null;
  elementId: string;
  targetElementId: string;
  dueAt: number;
  repetitions: number;
}

export interface SubscriptionView {
  processInstanceKey: string;
  elementId: string;
  targetElementId: string;
  messageName: string;
  correlationKey: string;
  interrupting: boolean;
}

export interface JobView {
  key: string;
  type: string;
  state: string;
  elementId: string;
  processInstanceKey: string;
}

export interface IncidentView {
  key: string;
  state: 'ACTIVE' | 'RESOLVED';
  errorType: string;
  errorMessage: string;
  elementId: string;
  jobKey: string | null;
}

export interface EventHarness {
  readonly db: Db;
  readonly engine: EmbeddedEngine;
  readonly clock: ManualClock;
  deploy(xml: string, name?: string): Promise<ProcessMetadata[]>;
  start(bpmnProcessId: string, variables?: Variables): Promise<string>;
  /** Moves the clock and runs one scheduler round; returns how many timers fired. */
  advance(ms: number): Promise<number>;
  instance(key: string): Promise<InstanceView>;
  /** Every process instance of a process id, oldest first. */
  instancesOf(bpmnProcessId: string): Promise<InstanceView[]>;
  /** Process instances a call activity of `parentKey` created. */
  children(parentKey: string): Promise<InstanceView[]>;
  /** Local variables of the element instances of `elementId` (one object per instance). */
  localVariables(processInstanceKey: string, elementId: string): Promise<Variables[]>;
  timers(processInstanceKey?: string | null): Promise<TimerView[]>;
  startTimers(bpmnProcessId: string): Promise<TimerView[]>;
  subscriptions(processInstanceKey?: string): Promise<SubscriptionView[]>;
  bufferedMessages(): Promise<Array<{ name: string; correlationKey: string; messageId: string | null }>>;
  jobs(processInstanceKey?: string): Promise<JobView[]>;
  activate(type: string, max?: number): Promise<ActivatedJob[]>;
  activateOne(type: string): Promise<ActivatedJob>;
  completeOne(type: string, variables?: Variables): Promise<ActivatedJob>;
  incidents(processInstanceKey: string): Promise<IncidentView[]>;
  /** How many engine events of this value type and intent (for one instance, or all). */
  countEvents(valueType: string, intent: string, processInstanceKey?: string): Promise<number>;
  /** Element ids in the order they completed or terminated: `[id, intent]`. */
  elementEnds(processInstanceKey: string): Promise<Array<[string, string]>>;
}

/**
 * One database per test file (PGlite in memory, or a fresh PostgreSQL database when
 * DATABASE_URL is set), emptied before each test; a new engine per test on a ManualClock,
 * with no background scheduler.
 */
export function useEventEngine(): EventHarness {
  let t: TestDb;
  let engine: EmbeddedEngine;
  let clock: ManualClock;

  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await resetEngine(t.db);
    clock = new ManualClock();
    engine = new EmbeddedEngine(t.db, { clock, scheduler: false });
  });
  afterEach(async () => {
    await engine.close();
  });

  return harness(
    () => t.db,
    () => engine,
    () => clock,
  );
}

export function harness(db: () => Db, engine: () => EmbeddedEngine, clock: () => ManualClock): EventHarness {
  const q = <R = any>(sql: string, params?: unknown[]) => db().query<R>(sql, params).then((r) => r.rows);
  const view = (r: any): InstanceView => ({
    key: r.key,
    state: r.state,
    bpmnProcessId: r.bpmn_process_id,
    version: r.version,
    variables: r.doc.vars,
    hasIncident: r.has_incident,
    parentProcessInstanceKey: r.parent,
    active: (Object.values(r.doc.els) as Array<{ id: string }>).map((e) => e.id).sort(),
  });
  const INSTANCE = `select key::text, state, bpmn_process_id, version, doc, has_incident,
                           parent_process_instance_key::text as parent from engine.process_instances`;
  const TIMER = `select key::text, process_instance_key::text as "processInstanceKey", element_id as "elementId",
                        target_element_id as "targetElementId", (extract(epoch from due_at) * 1000)::float8 as "dueAt",
                        repetitions from engine.timers`;

  const h: EventHarness = {
    get db() {
      return db();
    },
    get engine() {
      return engine();
    },
    get clock() {
      return clock();
    },
    async deploy(xml, name = 'process.bpmn') {
      return (await engine().deployResources([{ name, content: xml }])).processes;
    },
    async start(bpmnProcessId, variables) {
      return (await engine().createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
    },
    async advance(ms) {
      clock().advance(ms);
      return (await engine().tick()).timers;
    },
    async instance(key) {
      const rows = await q(`${INSTANCE} where key = $1`, [key]);
      if (!rows[0]) throw new Error(`no process instance ${key}`);
      return view(rows[0]);
    },
    async instancesOf(bpmnProcessId) {
      return (await q(`${INSTANCE} where bpmn_process_id = $1 order by key`, [bpmnProcessId])).map(view);
    },
    async children(parentKey) {
      return (await q(`${INSTANCE} where parent_process_instance_key = $1 order by key`, [parentKey])).map(view);
    },
    async localVariables(processInstanceKey, elementId) {
      const rows = await q(`select doc from engine.process_instances where key = $1`, [processInstanceKey]);
      const els = Object.values(rows[0]?.doc.els ?? {}) as Array<{ id: string; vars?: Variables; key: string }>;
      return els
        .filter((e) => e.id === elementId)
        .sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : 1))
        .map((e) => e.vars ?? {});
    },
    async timers(processInstanceKey) {
      if (processInstanceKey === undefined) return q<TimerView>(`${TIMER} order by due_at, key`);
      if (processInstanceKey === null) return q<TimerView>(`${TIMER} where process_instance_key is null order by due_at, key`);
      return q<TimerView>(`${TIMER} where process_instance_key = $1 order by due_at, key`, [processInstanceKey]);
    },
    async startTimers(bpmnProcessId) {
      return q<TimerView>(`${TIMER} where process_instance_key is null and bpmn_process_id = $1 order by due_at, key`, [bpmnProcessId]);
    },
    async subscriptions(processInstanceKey) {
      const cols = `process_instance_key::text as "processInstanceKey", element_id as "elementId", target_element_id as "targetElementId",
                    message_name as "messageName", correlation_key as "correlationKey", interrupting from engine.message_subscriptions`;
      return processInstanceKey === undefined
        ? q(`select ${cols} order by key`)
        : q(`select ${cols} where process_instance_key = $1 order by key`, [processInstanceKey]);
    },
    async bufferedMessages() {
      return q(`select name, correlation_key as "correlationKey", message_id as "messageId" from engine.messages order by key`);
    },
    async jobs(processInstanceKey) {
      const cols = `key::text, type, state, element_id as "elementId", process_instance_key::text as "processInstanceKey" from engine.jobs`;
      return processInstanceKey === undefined
        ? q(`select ${cols} order by key`)
        : q(`select ${cols} where process_instance_key = $1 order by key`, [processInstanceKey]);
    },
    async activate(type, max = 32) {
      return engine().activateJobs({ type, worker: 'test-worker', maxJobsToActivate: max, timeout: 5 * MINUTE });
    },
    async activateOne(type) {
      const jobs = await h.activate(type);
      if (jobs.length !== 1) throw new Error(`expected one job of type '${type}', got ${jobs.length}`);
      return jobs[0];
    },
    async completeOne(type, variables) {
      const job = await h.activateOne(type);
      await engine().completeJob({ jobKey: job.key, variables });
      return job;
    },
    async incidents(processInstanceKey) {
      return q(
        `select key::text, state, error_type as "errorType", error_message as "errorMessage", element_id as "elementId",
                job_key::text as "jobKey" from engine.incidents where process_instance_key = $1 order by key`,
        [processInstanceKey],
      );
    },
    async countEvents(valueType, intent, processInstanceKey) {
      const rows =
        processInstanceKey === undefined
          ? await q(`select count(*)::int as n from engine.events where value_type = $1 and intent = $2`, [valueType, intent])
          : await q(`select count(*)::int as n from engine.events where value_type = $1 and intent = $2 and process_instance_key = $3`, [
              valueType,
              intent,
              processInstanceKey,
            ]);
      return rows[0].n;
    },
    async elementEnds(processInstanceKey) {
      const rows = await q(
        `select element_id, intent from engine.events
          where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
            and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED') order by position`,
        [processInstanceKey],
      );
      return rows.map((r: any) => [r.element_id, r.intent] as [string, string]);
    },
  };
  return h;
}

/**
 * A database that outlives its connection, to stop and restart the service: a PGlite data
 * directory, or (DATABASE_URL set) a PostgreSQL database of its own.
 */
export async function durableDatabase(): Promise<{ open(): Promise<Db>; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase();
    return { open: () => openDb({ databaseUrl: scratch.url, poolMax: 4 }), drop: () => scratch.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-restart-'));
  return {
    open: () => openDb({ dataDir: dir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the command to be rejected, but it succeeded');
}
