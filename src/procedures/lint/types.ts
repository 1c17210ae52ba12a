/**
 * The lint's types. The rules themselves are bpmnlint rules of the plugin in
 * packages/bpmnlint-plugin-lienthong: a rule factory gets the procedure context as its bpmnlint
 * options and returns `{ check(node, reporter) }`, which bpmnlint's Linter calls for every
 * moddle element of the file, parents before children.
 */
import type { RuleDefinition, RuleFactory as PluginRuleFactory } from 'bpmnlint-plugin-lienthong';
import type { Procedure, RuleVersion } from '../types.js';

export type { Reporter } from 'bpmnlint-plugin-lienthong';
export type Rule = RuleDefinition;
export type RuleFactory = PluginRuleFactory;

/** What every rule gets as its bpmnlint options. */
export interface LintContext {
  procedure: Procedure;
  version: RuleVersion;
  /** Processes a call activity may start, by BPMN process id (moddle elements). */
  called: ReadonlyMap<string, any>;
  /** How many working hours one working day holds (8 with the default office hours). */
  hoursPerWorkingDay: number;
}

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
