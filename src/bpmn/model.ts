/** The executable graph the engine runs: one per BPMN process, built once at deploy. */
import type { Expr } from '../feel/index.js';

export type ElementType =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateThrowEvent'
  | 'intermediateCatchEvent'
  | 'boundaryEvent'
  | 'task'
  | 'manualTask'
  | 'serviceTask'
  | 'sendTask'
  | 'scriptTask'
  | 'businessRuleTask'
  | 'userTask'
  | 'receiveTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'eventSubProcess'
  | 'callActivity';

/** What contains a flow element: the process, an embedded sub-process or an event sub-process. */
export type ScopeKind = 'process' | 'subProcess' | 'eventSubProcess';

/** Zeebe's BpmnElementType names, used in events and the /v2 API. */
export const ZEEBE_ELEMENT_TYPE: Record<ElementType | 'process', string> = {
  process: 'PROCESS',
  startEvent: 'START_EVENT',
  endEvent: 'END_EVENT',
  intermediateThrowEvent: 'INTERMEDIATE_THROW_EVENT',
  intermediateCatchEvent: 'INTERMEDIATE_CATCH_EVENT',
  boundaryEvent: 'BOUNDARY_EVENT',
  task: 'TASK',
  manualTask: 'MANUAL_TASK',
  serviceTask: 'SERVICE_TASK',
  sendTask: 'SEND_TASK',
  scriptTask: 'SCRIPT_TASK',
  businessRuleTask: 'BUSINESS_RULE_TASK',
  userTask: 'USER_TASK',
  receiveTask: 'RECEIVE_TASK',
  exclusiveGateway: 'EXCLUSIVE_GATEWAY',
  parallelGateway: 'PARALLEL_GATEWAY',
  inclusiveGateway: 'INCLUSIVE_GATEWAY',
  eventBasedGateway: 'EVENT_BASED_GATEWAY',
  subProcess: 'SUB_PROCESS',
  eventSubProcess: 'EVENT_SUB_PROCESS',
  callActivity: 'CALL_ACTIVITY',
};

export interface Mapping {
  source: Expr;
  /** Variable name, or a dotted path into a context (`a.b.c`). */
  target: string;
}

export interface JobDefinition {
  type: Expr;
  retries: Expr;
  headers: Record<string, string>;
}

export interface UserTaskDefinition {
  /**
   * A Camunda user task (`zeebe:userTask`): the engine keeps the task itself (engine.user_tasks)
   * instead of creating an `io.camunda.zeebe:userTask` job.
   */
  camunda: boolean;
  assignee?: Expr;
  candidateGroups?: Expr;
  candidateUsers?: Expr;
  dueDate?: Expr;
  followUpDate?: Expr;
  /** Job-worker user tasks: the form's key, passed on as a job header. */
  formKey?: string;
  /** Camunda user tasks: a deployed form by its id (the latest version at the task's creation). */
  formId?: string;
  /** Camunda user tasks: a form held elsewhere (a URL or a name), passed on as written. */
  externalReference?: Expr;
  /** Camunda user tasks: 0–100 (Camunda's default 50). */
  priority?: Expr;
  /** Camunda user tasks: zeebe:taskHeaders, shown as the task's custom headers. */
  headers?: Record<string, string>;
}

/** When a timer is due: at a date, after a duration, or on a cycle (ISO repetitions or cron). */
export interface TimerDefinition {
  kind: 'date' | 'duration' | 'cycle';
  expression: Expr;
}

export interface MessageDefinition {
  name: Expr;
  /** Absent on message start events (they are not correlated by key). */
  correlationKey?: Expr;
}

export type EventDefinition =
  | { kind: 'timer'; timer: TimerDefinition }
  | { kind: 'message'; message: MessageDefinition }
  /** errorCode absent: a catch-all error catch event. */
  | { kind: 'error'; errorCode?: string }
  | { kind: 'signal'; signal: { name: Expr } }
  /** escalationCode absent: a catch-all escalation catch event. */
  | { kind: 'escalation'; escalationCode?: string }
  | { kind: 'terminate' }
  /** A compensation boundary event (no wait: it links its activity to a handler), or a throw event: one activity's handler, or every one in its scope. */
  | { kind: 'compensation'; activityRef?: string }
  /** A link throw event jumps to the link catch event of the same name in its scope (`linkTarget`). */
  | { kind: 'link'; name: string };

export interface LoopDefinition {
  sequential: boolean;
  inputCollection: Expr;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: Expr;
  completionCondition?: Expr;
}

export interface CallDefinition {
  processId: Expr;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
}

export interface FlowNode {
  id: string;
  type: ElementType;
  name?: string;
  /** Id of the process or sub-process that contains it. */
  scope: string;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  inputs: Mapping[];
  /** Undefined: no output mappings, every result variable propagates (Zeebe's rule). */
  outputs?: Mapping[];
  job?: JobDefinition;
  userTask?: UserTaskDefinition;
  /** Script task evaluated by the engine (zeebe:script). */
  script?: { expression: Expr; resultVariable: string };
  /** End event with a terminate event definition. */
  terminate?: boolean;
  /** Timer, message or error definition of an event (or a receive task's message). */
  event?: EventDefinition;
  /**
   * Boundary events: the activity they are attached to, and whether they interrupt it. The start
   * event of an event sub-process: whether it interrupts its scope (`isInterrupting`).
   */
  attachedTo?: string;
  cancelActivity?: boolean;
  /** Ids of the boundary events attached to this activity. */
  boundaries: string[];
  /** Sub-process: its none start event. */
  noneStart?: string;
  /** Event sub-process: its start event (message, timer or error), which the scope's waits fire. */
  eventStart?: string;
  called?: CallDefinition;
  loop?: LoopDefinition;
  /** A compensation handler (`isForCompensation`): no sequence flows; activated by a compensation throw event. */
  forCompensation?: boolean;
  /** A compensation activity: the handler its compensation boundary event is associated with. */
  compensationHandler?: string;
  /** A link throw event: the link catch event it goes to. */
  linkTarget?: string;
}

export interface SequenceFlow {
  id: string;
  name?: string;
  source: string;
  target: string;
  condition?: Expr;
  /** Its condition did not parse (already reported; not also "unconditioned"). */
  conditionInvalid?: boolean;
}

export interface ExecutableProcess {
  id: string;
  name?: string;
  versionTag?: string;
  elements: Record<string, FlowNode>;
  flows: Record<string, SequenceFlow>;
  /** Id of the none start event of the process scope ('' when it starts only by message or timer). */
  noneStart: string;
  messageStarts: { elementId: string; messageName: string }[];
  /** Signal start events of the process (static names). */
  signalStarts: { elementId: string; signalName: string }[];
  timerStarts: { elementId: string; timer: TimerDefinition }[];
}

/** One element-specific problem found at deploy. */
export interface BpmnProblem {
  elementId: string;
  elementType: string;
  message: string;
}

export class BpmnValidationError extends Error {
  constructor(
    readonly resourceName: string,
    readonly problems: BpmnProblem[],
  ) {
    super(`${resourceName}: ` + problems.map((p) => `${p.elementType} '${p.elementId}': ${p.message}`).join('; '));
    this.name = 'BpmnValidationError';
  }
}
