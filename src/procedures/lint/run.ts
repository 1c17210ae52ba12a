/**
 * The one way the server runs the lint rules: the bpmnlint plugin in
 * packages/bpmnlint-plugin-lienthong, configured by its own `lintConfig` (as the designer
 * configures it for @camunda/linting), run by bpmnlint's Linter with a StaticResolver.
 */
import { Linter } from 'bpmnlint';
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver.js';
import { categories, lintConfig, ruleFactories, type LienthongContext } from 'bpmnlint-plugin-lienthong';
import type { LintCategory, RuleFactory } from './types.js';

/** The plugin's rules with their categories (an error refuses, a warning is shown). */
export const RULES: Readonly<Record<string, { factory: RuleFactory; category: LintCategory }>> = Object.fromEntries(
  Object.entries(ruleFactories).map(([name, factory]) => [name, { factory, category: categories[name as keyof typeof categories] }]),
);

export interface LintOptions {
  /** Working hours in a working day (default 8: 07:30–11:30 and 13:00–17:00). */
  hoursPerWorkingDay?: number;
  /** Which rules of RULES to run, with their categories (default: all of RULES). */
  rules?: Readonly<Record<string, { category: LintCategory }>>;
}

/** One report of a rule, on the element it names. */
export interface RuleReport {
  rule: string;
  category: LintCategory;
  /** Undefined only when a rule failed without naming an element. */
  elementId?: string;
  message: string;
}

/**
 * Runs the plugin's rules over one parsed BPMN file (its bpmn:Definitions) with bpmnlint's
 * Linter, the way the designer does: the configuration and the StaticResolver come from the
 * plugin's `lintConfig`. A rule that throws is reported as an error of that rule.
 */
export async function runRules(definitions: unknown, context: LienthongContext, rules: LintOptions['rules'] = RULES): Promise<RuleReport[]> {
  const { config, cache } = lintConfig(context, Object.fromEntries(Object.entries(rules).map(([name, r]) => [name, r.category])));
  // A Linter keeps its rules (bound to their options) once resolved: one per run.
  const linter = new Linter({ config, resolver: new StaticResolver(cache) });
  const results = await linter.lint(definitions);
  const out: RuleReport[] = [];
  for (const [key, reports] of Object.entries(results)) {
    const rule = key.replace(/^lienthong\//, '');
    for (const r of reports) {
      const failed = r.category === 'rule-error';
      out.push({
        rule,
        category: failed || r.category === 'error' ? 'error' : 'warn',
        elementId: r.id,
        message: failed ? `luật kiểm tra bị lỗi (the rule failed): ${r.message}` : r.message,
      });
    }
  }
  return out;
}

/** The bpmn:Process of a file's definitions with this id. */
export function findProcess(definitions: any, id: string): any {
  return (definitions?.rootElements ?? []).find((e: any) => e.$type === 'bpmn:Process' && e.id === id);
}
