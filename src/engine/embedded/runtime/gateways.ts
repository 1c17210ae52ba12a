/** Which way a completing element goes: all its flows, or for exclusive and inclusive gateways, by their conditions. */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateCondition } from '../../../feel/index.js';
import { visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Tokens } from './behaviour.js';
import { IncidentSignal } from './incidents.js';

export function outgoingFlows(t: Tokens, inst: InstanceRow, el: ElementInstance, node: FlowNode): string[] {
  if (node.type !== 'exclusiveGateway' && node.type !== 'inclusiveGateway') return node.outgoing;
  const def = t.definitionOf(inst);
  if (node.outgoing.length <= 1 && !node.defaultFlow) {
    const only = node.outgoing[0];
    const cond = only ? def.flows[only].condition : undefined;
    if (!only || !cond) return node.outgoing;
  }
  const vars = visibleVariables(inst.doc, el.scope);
  const chosen: string[] = [];
  for (const f of node.outgoing) {
    if (f === node.defaultFlow) continue;
    const cond = def.flows[f].condition;
    if (!cond) continue;
    let ok: boolean;
    try {
      ok = evaluateCondition(cond, vars);
    } catch (e) {
      throw new IncidentSignal('CONDITION_ERROR', (e as Error).message);
    }
    if (ok) {
      chosen.push(f);
      if (node.type === 'exclusiveGateway') break;
    }
  }
  if (chosen.length) return chosen;
  if (node.defaultFlow) return [node.defaultFlow];
  throw new IncidentSignal('CONDITION_ERROR', `Expected at least one condition to evaluate to true, or to have a default flow (${node.type} '${node.id}')`);
}
