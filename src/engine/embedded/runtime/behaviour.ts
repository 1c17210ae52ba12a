/**
 * What an element behaviour works with: the command's context and the token loop's operations.
 * The token loop (runtime.ts) implements `Tokens`; each behaviour file (job-task.ts, catch-events.ts,
 * multi-instance.ts…) is a set of functions over it, as Zeebe's BPMN element processors are.
 */
import type { ExecutableProcess, FlowNode } from '../../../bpmn/index.js';
import type { Effects, SubscriptionRow, UserTaskRow } from '../effects.js';
import type { KeyRange } from '../keys.js';
import type { ElementInstance, InstanceRow } from '../state.js';

export interface RuntimeContext {
  keys: KeyRange;
  now: number;
  effects: Effects;
  definition(definitionKey: string): ExecutableProcess;
  /** What the running command acts on, carried by the VARIABLE records it writes (records.ts). */
  cause?: CommandCause;
}

/** The command behind a variable change: its name and the job, user task or message it named. */
export interface CommandCause {
  command: string;
  jobKey?: string;
  userTaskKey?: string;
  messageName?: string;
}

/** Work the command must finish outside the in-memory runtime (it needs the database). */
export type Pending =
  | { kind: 'call'; inst: InstanceRow; elementKey: string; processId: string }
  | { kind: 'childDone'; child: InstanceRow }
  | {
      kind: 'childError';
      child: InstanceRow;
      elementKey: string;
      errorCode: string;
      errorMessage: string;
      variables: Record<string, unknown>;
    }
  | { kind: 'cancelChild'; childKey: string }
  /** A signal thrown: every wait for it, in any instance, fires, and processes that start by it start. */
  | { kind: 'broadcast'; signalName: string; variables: Record<string, unknown> }
  /** An escalation nothing in the child caught: the calling process may. */
  | { kind: 'childEscalation'; child: InstanceRow; escalationCode: string }
  | { kind: 'subscribed'; inst: InstanceRow; sub: SubscriptionRow }
  /** A user task linking a form by id: the latest version is looked up before the task opens. */
  | { kind: 'userTaskForm'; inst: InstanceRow; elementKey: string; formId: string; task: UserTaskRow }
  /** An instance started by a message ended: a buffered message with its key may start the next. */
  | { kind: 'messageStartFreed'; inst: InstanceRow };

export type Variables = Record<string, unknown>;

/** The token loop's operations a behaviour may use. Queued work runs after the current step. */
export interface Tokens {
  readonly ctx: RuntimeContext;
  definitionOf(inst: InstanceRow): ExecutableProcess;
  node(inst: InstanceRow, id: string): FlowNode;
  /** Queues the activation of `elementId` in flow scope `scope`; `trigger`: the event already happened. */
  queueActivate(inst: InstanceRow, elementId: string, scope: string, trigger?: Variables, inner?: { item: unknown; index: number }): void;
  /** Queues the completion of element instance `key` with its result variables. */
  queueComplete(inst: InstanceRow, key: string, result?: Variables): void;
  /** Completes element instance `key` now, along `flows`, activating their targets with `triggers`. */
  completeNow(inst: InstanceRow, key: string, result: Variables | undefined, flows: string[], triggers: Record<string, Variables>): void;
  markActivated(inst: InstanceRow, el: ElementInstance, node: FlowNode): void;
  /** One element instance and everything inside it: jobs, waits, incidents, called instances. */
  terminateElement(inst: InstanceRow, el: ElementInstance): void;
  /** An error thrown from `el`: caught outward through scopes, handed to the parent, or an incident. */
  throwError(inst: InstanceRow, el: ElementInstance, errorCode: string, errorMessage: string, variables?: Variables): void;
  /** Hands work that needs the database back to the command. */
  pend(p: Pending): void;
}

/** The element-specific part of activation; re-run when an activation incident is resolved. */
export type Activate = (t: Tokens, inst: InstanceRow, el: ElementInstance, node: FlowNode) => void;
