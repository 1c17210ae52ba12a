/** Event definitions at deploy: what each kind of event may carry, its message and its timer. */
import type { Expr } from '../feel/index.js';
import { checkTimer } from './timers.js';
import type { FlowNode, ScopeKind, TimerDefinition } from './model.js';
import { ext, feel, type Problem } from './zeebe-ext.js';

export function compileEvent(n: any, node: FlowNode, scope: ScopeKind, problem: Problem): void {
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
    startEvent:
      scope === 'process'
        ? ['MessageEventDefinition', 'TimerEventDefinition', 'SignalEventDefinition']
        : scope === 'eventSubProcess'
          ? ['MessageEventDefinition', 'TimerEventDefinition', 'ErrorEventDefinition', 'EscalationEventDefinition', 'SignalEventDefinition']
          : [],
    endEvent: [
      'TerminateEventDefinition',
      'ErrorEventDefinition',
      'MessageEventDefinition',
      'EscalationEventDefinition',
      'SignalEventDefinition',
      'CompensateEventDefinition',
    ],
    intermediateThrowEvent: [
      'MessageEventDefinition',
      'EscalationEventDefinition',
      'SignalEventDefinition',
      'CompensateEventDefinition',
      'LinkEventDefinition',
    ],
    intermediateCatchEvent: ['MessageEventDefinition', 'TimerEventDefinition', 'SignalEventDefinition', 'LinkEventDefinition'],
    boundaryEvent: [
      'MessageEventDefinition',
      'TimerEventDefinition',
      'ErrorEventDefinition',
      'EscalationEventDefinition',
      'SignalEventDefinition',
      'CompensateEventDefinition',
    ],
  };
  if (!(allowed[node.type] ?? []).includes(kind)) {
    const where =
      node.type === 'startEvent' && scope === 'subProcess'
        ? ' inside a sub-process'
        : node.type === 'startEvent' && scope === 'eventSubProcess'
          ? ' of an event sub-process'
          : '';
    problem(n, `unsupported event definition ${kind} on ${node.type}${where}`);
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
  } else if (kind === 'SignalEventDefinition') {
    const raw = d.signalRef?.name;
    if (!raw) {
      problem(n, 'needs a signal with a name');
      return;
    }
    const name = feel(n, 'signal name', raw, problem);
    if (name) node.event = { kind: 'signal', signal: { name } };
  } else if (kind === 'EscalationEventDefinition') {
    const code = d.escalationRef?.escalationCode;
    const throws = node.type === 'endEvent' || node.type === 'intermediateThrowEvent';
    if (throws && !code) problem(n, 'an escalation throw event needs an escalation with an escalation code');
    if (code && /^=/.test(code)) problem(n, 'escalation codes must be static');
    node.event = { kind: 'escalation', escalationCode: code || undefined };
  } else if (kind === 'LinkEventDefinition') {
    const name = String(d.name ?? '').trim();
    if (!name) problem(n, 'a link event needs a name');
    else node.event = { kind: 'link', name };
  } else if (kind === 'CompensateEventDefinition') {
    if (d.waitForCompletion === false) problem(n, 'waitForCompletion="false" is not supported: a compensation throw event waits for its handlers, as on Zeebe');
    node.event = { kind: 'compensation', activityRef: node.type === 'boundaryEvent' ? undefined : (d.activityRef?.id ?? undefined) };
  } else if (kind === 'MessageEventDefinition') {
    if (node.type === 'endEvent' || node.type === 'intermediateThrowEvent') {
      // Zeebe: a message throw event is work for a job worker.
      return;
    }
    // A process's message start needs no key; every other message catch (an event sub-process's start too) does.
    const m = compileMessage(n, d.messageRef, node.type !== 'startEvent' || scope !== 'process', problem);
    if (m) node.event = { kind: 'message', message: m };
  }
}

function compileMessage(n: any, ref: any, needsKey: boolean, problem: Problem) {
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

function compileTimer(n: any, d: any, node: FlowNode, problem: Problem): TimerDefinition | undefined {
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
  if (kind === 'cycle' && node.type === 'startEvent' && node.cancelActivity === true)
    problem(n, 'an interrupting timer start event of an event sub-process cannot have a cycle');
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
