/**
 * The state of one process instance, stored as the jsonb `doc` of its row. Only what is still
 * live is kept: completed element instances leave the document (their story is in
 * engine.events).
 */
import { Invalid } from '../../errors.js';

export type JoinArrivals = Record<string, Record<string, number>>; // gateway id → flow id → tokens

export interface ElementInstance {
  key: string;
  /** BPMN element id. */
  id: string;
  /** Key of the flow scope: the process instance key, or a sub-process's element instance key. */
  scope: string;
  state: 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING';
  /** Local variables (input mappings, local set-variables, result variables before output mapping). */
  vars?: Record<string, unknown>;
  /** The job this element waits for. */
  job?: string;
  /** A compensation throw event: how many of the handlers it invoked are still running. */
  compensating?: number;
  /** The Camunda user task this element waits for. */
  userTask?: string;
  /** The job ran out of retries (its incident is `incident`). */
  jobFailed?: boolean;
  /** An active incident on this element; resolving it retries `retry`. */
  incident?: string;
  retry?: 'activate' | 'complete';
  /** Variables of the completion that raised the incident, to replay on resolution. */
  pending?: Record<string, unknown>;
  /** Join arrivals inside this element (when it is a scope). */
  joins?: JoinArrivals;
  /** Multi-instance: the body's bookkeeping, or the inner instance's marker. */
  mi?: MultiInstanceState;
  inner?: boolean;
  /** The job whose thrown error nobody caught (its incident makes it activatable again). */
  errorJob?: string;
  /** Call activity: the child process instance. */
  child?: string;
  /** A sub-process: the waits its event sub-processes opened (closed when one interrupts it). */
  eventWaits?: EventSubProcessWaits;
}

/** The timers and message subscriptions a scope opened for its event sub-processes' start events. */
export interface EventSubProcessWaits {
  timers: string[];
  subscriptions: string[];
  signals?: string[];
}

export interface MultiInstanceState {
  items: unknown[];
  /** Index of the next item to start (sequential) — parallel starts all at once. */
  next: number;
  active: number;
  completed: number;
  terminated: number;
}

export interface InstanceDoc {
  vars: Record<string, unknown>;
  els: Record<string, ElementInstance>;
  joins?: JoinArrivals;
  /** The process's own event sub-processes' waits. */
  eventWaits?: EventSubProcessWaits;
  /** Completed activities that have a compensation handler, until compensated (runtime/compensation.ts). */
  compensable?: CompensableRecord[];
}

/** One completion of a compensation activity: its handler, and the flow scopes it completed in, innermost first. */
export interface CompensableRecord {
  elementId: string;
  handler: string;
  path: string[];
}

export interface InstanceRow {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  version: number;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  doc: InstanceDoc;
  parentProcessInstanceKey?: string | null;
  parentElementInstanceKey?: string | null;
  hasIncident: boolean;
  startCorrelationKey?: string | null;
  startedAt: number;
  endedAt?: number | null;
}

/** Variables visible from a scope: its own, then each enclosing scope's, then the root's. */
export function visibleVariables(doc: InstanceDoc, scopeKey: string): Record<string, unknown> {
  const chain: Record<string, unknown>[] = [];
  let k: string | undefined = scopeKey;
  while (k && doc.els[k]) {
    const el: ElementInstance = doc.els[k];
    if (el.vars) chain.push(el.vars);
    k = el.scope;
  }
  const out: Record<string, unknown> = { ...doc.vars };
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i]);
  return out;
}

/**
 * Zeebe's propagation rule: a variable goes to the nearest scope, starting at `fromScope`, that
 * already holds a variable of that name; if none does, it is created in the root scope.
 */
export function propagate(doc: InstanceDoc, fromScope: string, vars: Record<string, unknown>, set: VariableSetter = assign): void {
  for (const [name, value] of Object.entries(vars)) {
    let k: string | undefined = fromScope;
    let placed = false;
    while (k && doc.els[k]) {
      const el: ElementInstance = doc.els[k];
      if (el.vars && Object.prototype.hasOwnProperty.call(el.vars, name)) {
        set(el.vars, k, name, value);
        placed = true;
        break;
      }
      k = el.scope;
    }
    if (!placed) set(doc.vars, rootScope, name, value);
  }
}

/** The scope key `propagate` names for the root scope (the process instance's own variables). */
export const rootScope = '';

/** Writes one variable into the variables of scope `scopeKey` (the runtime's records its change too). */
export type VariableSetter = (target: Record<string, unknown>, scopeKey: string, name: string, value: unknown) => void;

const assign: VariableSetter = (target, _scopeKey, name, value) => {
  target[name] = value;
};

/** Sets `value` at a dotted path inside `target`, merging into contexts that already exist there. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown, base?: Record<string, unknown>): void {
  const parts = path.split('.');
  if (parts.length === 1) {
    target[path] = value;
    return;
  }
  const [head, ...rest] = parts;
  const existing = head in target ? target[head] : base?.[head];
  const obj = isPlainObject(existing) ? structuredClone(existing) : {};
  target[head] = obj;
  setPath(obj, rest.join('.'), value);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The variables of a request: absent is none; anything but a JSON object is a 400. */
export function checkVariables(v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw new Invalid('variables must be a JSON object');
  return v;
}
