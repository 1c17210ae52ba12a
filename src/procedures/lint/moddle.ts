/** Small helpers over bpmn-moddle elements, shared by the rules. */
import type { RuleVersion, Step } from '../types.js';

export function is(node: any, type: string): boolean {
  return typeof node?.$instanceOf === 'function' && node.$instanceOf(type);
}

/** The Zeebe extension element of a type (`zeebe:AssignmentDefinition`…), if any. */
export function ext(node: any, type: string): any {
  return (node?.extensionElements?.values ?? []).find((v: any) => v.$type === type);
}

/** The steps (of any agency) that a BPMN element performs, with their agency codes. */
export function stepsOn(version: RuleVersion, elementId: string): Array<{ agency: string; step: Step }> {
  return version.agencies.flatMap((a) => a.steps.filter((s) => s.elementId === elementId).map((step) => ({ agency: a.code, step })));
}

/** Flow nodes of a process or sub-process (no flows, no artifacts). */
export function flowNodes(container: any): any[] {
  return (container?.flowElements ?? []).filter((e: any) => is(e, 'bpmn:FlowNode'));
}

export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

/** A comma-separated static list, as Zeebe reads candidate groups. */
export function staticList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
