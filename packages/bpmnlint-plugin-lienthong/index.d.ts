/**
 * Types of bpmnlint-plugin-lienthong for TypeScript consumers. The procedure types are the
 * parts of procedure.json the rules read (lienthong's RuleVersion is one of them).
 */

/** A moddle element (bpmn-moddle with the Zeebe extension). */
export type ModdleElement = any;

export type RuleCategory = 'error' | 'warn' | 'off';

export interface TimeLimit {
  value: number;
  unit: 'working_days' | 'working_hours';
}

/** A procedure's statutory total: working time, or calendar days where the law counts them. */
export interface StatutoryLimit {
  value: number;
  unit: TimeLimit['unit'] | 'calendar_days';
}

export interface ProcedureStep {
  id: string;
  /** The user task that performs the step. */
  elementId: string;
  limit?: TimeLimit;
}

/** One version of a procedure, as procedure.json holds it (the fields the rules read). */
export interface ProcedureVersion {
  process: {
    bpmnProcessId: string;
    jobTypes: readonly string[];
    messages: ReadonlyArray<{ name: string; correlationKey: string }>;
  };
  agencies: ReadonlyArray<{ code: string; steps: readonly ProcedureStep[] }>;
  totalLimit: StatutoryLimit;
}

/** What a rule gets as its bpmnlint options. */
export interface LienthongContext {
  version: ProcedureVersion;
  /**
   * Processes a call activity may start, by BPMN process id (moddle bpmn:Process elements).
   * Optional: a call activity whose process is not here gets a note and weighs nothing.
   */
  called?: ReadonlyMap<string, ModdleElement> | Readonly<Record<string, ModdleElement>>;
  /** How many working hours one working day holds (default 8: 07:30–11:30, 13:00–17:00). */
  hoursPerWorkingDay?: number;
}

export interface Reporter {
  report(id: string, message: string, path?: string[] | { path?: string[]; [key: string]: any }): void;
}

export interface RuleDefinition {
  meta?: { documentation?: { url?: string } };
  /** Called for every moddle element, parents first; `false` skips the element's subtree. */
  check(node: ModdleElement, reporter: Reporter): boolean | undefined;
}

/** bpmnlint's rule contract: the options of `'lienthong/<rule>': [category, options]` in, a rule out. */
export type RuleFactory = (config?: Partial<LienthongContext>) => RuleDefinition;

export type RuleName =
  'user-task-agency' | 'agency-step-limit' | 'user-task-due-date' | 'statutory-total' | 'service-task-job-type' | 'message-correlation' | 'element-name';

export interface LintConfig {
  /** A bpmnlint config: `{ rules: { 'lienthong/<rule>': [category, context] } }`. */
  config: { rules: Record<string, [Exclude<RuleCategory, 'off'>, LienthongContext]> };
  /** The factories of the rules in `config`, by rule name. */
  rules: Record<string, RuleFactory>;
  /** For `new StaticResolver(cache)`: `rule:bpmnlint-plugin-lienthong/<rule>` → factory. */
  cache: Record<string, RuleFactory>;
}

/** 'bpmnlint-plugin-lienthong' */
export declare const PLUGIN: 'bpmnlint-plugin-lienthong';
export declare const ruleFactories: Readonly<Record<RuleName, RuleFactory>>;
export declare const categories: Readonly<Record<RuleName, Exclude<RuleCategory, 'off'>>>;
export declare const configs: { recommended: { rules: Record<string, Exclude<RuleCategory, 'off'>> } };

/**
 * The bpmnlint configuration that runs the rules with a procedure context, their factories,
 * and a StaticResolver cache. `select` picks rules and categories (default: every rule, in its
 * recommended category; 'off' leaves one out); an unknown rule name throws.
 */
export declare function lintConfig(context: LienthongContext, select?: Partial<Record<RuleName, RuleCategory>>): LintConfig;
