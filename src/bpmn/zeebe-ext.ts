/**
 * Reading Zeebe's extension elements and FEEL properties off moddle elements, for the compiler.
 * moddle's tree is untyped (`any`): this and the compile files are where it is read.
 */
import { FeelSyntaxError, toExpr, toFeel, type Expr } from '../feel/index.js';

/** Records a deploy problem on a moddle element. */
export type Problem = (el: any, m: string) => void;

export function headers(n: any): Record<string, string> {
  const h: Record<string, string> = {};
  for (const v of ext(n, 'zeebe:TaskHeaders')?.values ?? []) if (v.key) h[v.key] = v.value ?? '';
  return h;
}

export function ext(el: any, type: string): any {
  return (el.extensionElements?.values ?? []).find((v: any) => v.$type === type);
}

export function isExpressionText(s: string): boolean {
  return s.trimStart().startsWith('=');
}

/** Parses a property; `alwaysFeel` for conditions and scripts, which are FEEL with or without `=`. */
export function feel(el: any, what: string, raw: string, problem: Problem, alwaysFeel = false): Expr | undefined {
  try {
    return alwaysFeel ? toFeel(raw) : toExpr(raw);
  } catch (e) {
    if (e instanceof FeelSyntaxError) {
      problem(el, `${what}: FEEL expression '${e.expression}' does not parse (at position ${e.position})`);
      return undefined;
    }
    throw e;
  }
}

/** Zeebe extension elements the engine executes (or, for zeebe:properties, that carry only metadata). */
const UNDERSTOOD = new Set([
  'zeebe:TaskDefinition',
  'zeebe:TaskHeaders',
  'zeebe:IoMapping',
  'zeebe:AssignmentDefinition',
  'zeebe:TaskSchedule',
  'zeebe:FormDefinition',
  'zeebe:UserTask',
  'zeebe:PriorityDefinition',
  'zeebe:CalledElement',
  'zeebe:Script',
  'zeebe:LoopCharacteristics',
  'zeebe:Subscription',
  'zeebe:VersionTag',
  'zeebe:Properties',
]);

const WHY: Record<string, string> = {
  'zeebe:ExecutionListeners': 'execution listeners (zeebe:executionListeners) are not supported',
  'zeebe:TaskListeners':
    'task listeners (zeebe:taskListeners) are not supported: a listener job that must finish before a task is assigned or completed is not in the subset',
  'zeebe:CalledDecision': 'calling a DMN decision (zeebe:calledDecision) is not supported: give the task a zeebe:taskDefinition for a job worker instead',
};

/** Refuses, naming it, any Zeebe extension of `el` the engine would otherwise ignore. */
export function refuseUnknownExtensions(el: any, problem: Problem): void {
  for (const v of el.extensionElements?.values ?? []) {
    const type = String(v.$type);
    if (!type.startsWith('zeebe:') || UNDERSTOOD.has(type)) continue;
    problem(el, WHY[type] ?? `the Zeebe extension ${type} is not supported by the embedded engine`);
  }
}
