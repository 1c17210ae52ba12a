/**
 * The linked-procedure lint: bpmnlint-style rules that hold a procedure's BPMN against its
 * procedure.json. The designer can show them live; the catalog test (and deployment) treats any
 * `error` as a refusal.
 */
import { BpmnValidationError, compileBpmn } from '../../bpmn/index.js';
import { parseBpmnXml } from '../../bpmn/index.js';
import type { Catalog } from '../catalog.js';
import type { Procedure, RuleVersion } from '../types.js';
import agencyStepLimit from './agency-step-limit.js';
import elementName from './element-name.js';
import messageCorrelation from './message-correlation.js';
import serviceTaskJobType from './service-task-job-type.js';
import statutoryTotal from './statutory-total.js';
import type { LintCategory, LintContext, LintProblem, RuleFactory } from './types.js';
import userTaskAgency from './user-task-agency.js';
import userTaskDueDate from './user-task-due-date.js';

export type { LintCategory, LintContext, LintProblem, Reporter, Rule, RuleFactory } from './types.js';

export const RULES: Readonly<Record<string, { factory: RuleFactory; category: LintCategory }>> = {
  'user-task-agency': { factory: userTaskAgency, category: 'error' },
  'agency-step-limit': { factory: agencyStepLimit, category: 'error' },
  'user-task-due-date': { factory: userTaskDueDate, category: 'error' },
  'statutory-total': { factory: statutoryTotal, category: 'error' },
  'service-task-job-type': { factory: serviceTaskJobType, category: 'error' },
  'message-correlation': { factory: messageCorrelation, category: 'error' },
  'element-name': { factory: elementName, category: 'warn' },
};

export interface LintOptions {
  /** Working hours in a working day (default 8: 07:30–11:30 and 13:00–17:00). */
  hoursPerWorkingDay?: number;
  /** Rules to run (default: all of RULES). */
  rules?: Readonly<Record<string, { factory: RuleFactory; category: LintCategory }>>;
}

/** Lints one version: `bpmn(file)` returns the text of a BPMN file of the procedure's folder. */
export async function lintVersion(procedure: Procedure, version: RuleVersion, bpmn: (file: string) => string, options: LintOptions = {}): Promise<LintProblem[]> {
  const file = `${procedure.code}/${version.process.file}`;
  const out: LintProblem[] = [];
  const problem = (rule: string, category: LintCategory, elementId: string, message: string, f = file) =>
    out.push({ procedure: procedure.code, version: version.version, file: f, rule, category, elementId, message });

  const main = await load(version.process.file);
  if (!main) return out;
  const process = findProcess(main, version.process.bpmnProcessId);
  if (!process) {
    problem('process-id', 'error', version.process.bpmnProcessId, `tệp không có quy trình '${version.process.bpmnProcessId}' (the file has no executable process with this id)`);
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
  for (const [name, { factory, category }] of Object.entries(options.rules ?? RULES)) {
    const rule = factory(ctx);
    const reporter = { report: (elementId: string, message: string) => problem(name, category, elementId, message) };
    traverse(process, (node) => rule.check(node, reporter));
  }
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

/** Lints every version of every procedure of the catalog. */
export async function lintCatalog(catalog: Catalog, options: LintOptions = {}): Promise<LintProblem[]> {
  const out: LintProblem[] = [];
  for (const p of catalog.procedures) {
    for (const v of p.versions) out.push(...(await lintVersion(p, v, (f) => catalog.bpmn(p, f), options)));
  }
  return out;
}

/** One line per problem, for logs and test failures. */
export function formatProblems(problems: readonly LintProblem[]): string {
  return problems.map((p) => `${p.category} ${p.file}@${p.version} ${p.elementId} [${p.rule}] ${p.message}`).join('\n');
}

function findProcess(definitions: any, id: string): any {
  return (definitions.rootElements ?? []).find((e: any) => e.$type === 'bpmn:Process' && e.id === id);
}

/** bpmnlint's walk: every contained moddle element, parents first (references are not followed). */
function traverse(element: any, visit: (node: any) => void, seen = new Set<any>()): void {
  if (seen.has(element)) return;
  seen.add(element);
  visit(element);
  for (const prop of element.$descriptor?.properties ?? []) {
    if (prop.isReference || prop.isAttr) continue;
    const value = element[prop.name];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof child.$type === 'string') traverse(child, visit, seen);
    }
  }
}
