/**
 * bpmnlint's rule contract, with the procedure version as the rule's context: a rule factory
 * gets what it needs to know about the procedure and returns `{ check(node, reporter) }`,
 * which the runner calls for every moddle element of the process, parents before children.
 */
import type { Procedure, RuleVersion } from '../types.js';

export interface LintContext {
  procedure: Procedure;
  version: RuleVersion;
  /** Processes a call activity may start, by BPMN process id (moddle elements). */
  called: ReadonlyMap<string, any>;
  /** How many working hours one working day holds (8 with the default office hours). */
  hoursPerWorkingDay: number;
}

export interface Reporter {
  report(elementId: string, message: string): void;
}

export interface Rule {
  check(node: any, reporter: Reporter): void;
}

export type RuleFactory = (ctx: LintContext) => Rule;

export type LintCategory = 'error' | 'warn';

export interface LintProblem {
  procedure: string;
  version: string;
  /** `<code>/<file>` of the BPMN. */
  file: string;
  rule: string;
  category: LintCategory;
  elementId: string;
  message: string;
}
