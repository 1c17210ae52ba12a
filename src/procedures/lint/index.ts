/**
 * The linked-procedure lint: the rules of the bpmnlint plugin in
 * packages/bpmnlint-plugin-lienthong, run by bpmnlint's own Linter, hold a procedure's BPMN
 * against its procedure.json. The browser designer runs the same plugin live (through
 * @camunda/linting); the catalog test, the start and every deployment (deployment.ts) treat any
 * `error` as a refusal.
 */
import { BpmnValidationError, compileBpmn } from '../../bpmn/index.js';
import { parseBpmnXml } from '../../bpmn/index.js';
import { withCases } from '../cases.js';
import type { Catalog } from '../catalog.js';
import type { Procedure, RuleVersion } from '../types.js';
import { findProcess, RULES, runRules, type LintOptions } from './run.js';
import type { LintCategory, LintContext, LintProblem } from './types.js';

export type { LintCategory, LintContext, LintProblem, Reporter, Rule, RuleFactory } from './types.js';
export { RULES, runRules, type LintOptions, type RuleReport } from './run.js';
export {
  catalogLinter,
  formatDeploymentProblems,
  type DeploymentLint,
  type DeploymentLinter,
  type DeploymentProblem,
  type DeploymentResource,
} from './deployment.js';

/** Lints one version: `bpmn(file)` returns the text of a BPMN file of the procedure's folder. */
export async function lintVersion(
  procedure: Procedure,
  version: RuleVersion,
  bpmn: (file: string) => string,
  options: LintOptions = {},
): Promise<LintProblem[]> {
  const file = `${procedure.code}/${version.process.file}`;
  const out: LintProblem[] = [];
  const problem = (rule: string, category: LintCategory, elementId: string, message: string, f = file) =>
    out.push({ procedure: procedure.code, version: versionLabel(version), file: f, rule, category, elementId, message });

  const main = await load(version.process.file);
  if (!main) return out;
  const process = findProcess(main, version.process.bpmnProcessId);
  if (!process) {
    problem(
      'process-id',
      'error',
      version.process.bpmnProcessId,
      `tệp không có quy trình '${version.process.bpmnProcessId}' (the file has no executable process with this id)`,
    );
    return out;
  }
  const called = new Map<string, any>();
  for (const c of version.process.calledProcesses ?? []) {
    const defs = await load(c.file);
    const p = defs && findProcess(defs, c.bpmnProcessId);
    if (p) called.set(c.bpmnProcessId, p);
    else if (defs) problem('process-id', 'error', c.bpmnProcessId, `tệp không có quy trình '${c.bpmnProcessId}'`, `${procedure.code}/${c.file}`);
  }

  const ctx: LintContext = { procedure, version, called, hoursPerWorkingDay: options.hoursPerWorkingDay ?? 8 };
  for (const r of await runRules(main, ctx, options.rules ?? RULES)) problem(r.rule, r.category, r.elementId ?? process.id, r.message);
  return out;

  /** Parses (and compiles, so what would not deploy is reported too) one BPMN file. */
  async function load(f: string): Promise<any> {
    const shown = `${procedure.code}/${f}`;
    const xml = bpmn(f);
    try {
      await compileBpmn(xml, shown);
    } catch (e) {
      if (!(e instanceof BpmnValidationError)) throw e;
      for (const p of e.problems) problem('deployable', 'error', p.elementId, `${p.elementType}: ${p.message}`, shown);
    }
    try {
      return await parseBpmnXml(xml, shown);
    } catch (e) {
      if (!(e instanceof BpmnValidationError)) throw e;
      return undefined; // already reported by the compile step
    }
  }
}

/** Lints every version of every procedure of the catalog, and each version as each of its cases has it. */
export async function lintCatalog(catalog: Catalog, options: LintOptions = {}): Promise<LintProblem[]> {
  const out: LintProblem[] = [];
  for (const p of catalog.procedures) {
    for (const v of p.versions) {
      const seen = new Set<string>();
      for (const view of withCases(v)) {
        for (const problem of await lintVersion(p, view, (f) => catalog.bpmn(p, f), options)) {
          const key = `${problem.file}|${problem.elementId}|${problem.rule}|${problem.message}`;
          if (!seen.has(key)) out.push(problem);
          seen.add(key);
        }
      }
    }
  }
  return out;
}

/** '2026.12', or '2026.12 (nha-o-rieng-le)' for a case. */
function versionLabel(version: RuleVersion): string {
  return version.appliedCase ? `${version.version} (${version.appliedCase.code})` : version.version;
}

/** One line per problem, for logs and test failures. */
export function formatProblems(problems: readonly LintProblem[]): string {
  return problems.map((p) => `${p.category} ${p.file}@${p.version} ${p.elementId} [${p.rule}] ${p.message}`).join('\n');
}
