/**
 * The lint at deploy: each BPMN process of a deployment whose id is the `bpmnProcessId` of a
 * catalog procedure is held to that procedure's version in force today (or, when none is in
 * force yet, its newest one). Processes the catalog does not know are not held to its rules; a
 * file that does not parse is left to the engine, which refuses it with its own problems.
 */
import { BpmnValidationError, parseBpmnXml } from '../../bpmn/index.js';
import type { Catalog } from '../catalog.js';
import type { LoadedProcedure, RuleVersion } from '../types.js';
import { withCases } from '../cases.js';
import { ruleVersionAt } from '../versions.js';
import { findProcess, runRules, type RuleReport } from './run.js';
import type { LintCategory, LintContext } from './types.js';

/** One problem, in the shape of the engine's deploy problems plus the rule and the file. */
export interface DeploymentProblem {
  elementId: string;
  /** The moddle type of the element, e.g. `bpmn:UserTask` (as the engine's problems name it). */
  elementType: string;
  rule: string;
  message: string;
  category: LintCategory;
  /** The deployed resource's name, e.g. `birth-registration-group/process.bpmn`. */
  resourceName: string;
}

/** Errors refuse the deployment; warnings are shown. */
export interface DeploymentLint {
  errors: DeploymentProblem[];
  warnings: DeploymentProblem[];
}

export interface DeploymentResource {
  name: string;
  content: string | Uint8Array;
}

export type DeploymentLinter = (resources: readonly DeploymentResource[]) => Promise<DeploymentLint>;

export interface CatalogLinterOptions {
  /** The day whose version is in force (default: now). */
  now?: () => Date;
  /** Working hours in a working day (default 8). */
  hoursPerWorkingDay?: number;
}

/** The lint of a deployment against `catalog` (see the top of this file). */
export function catalogLinter(catalog: Catalog, options: CatalogLinterOptions = {}): DeploymentLinter {
  const byProcessId = new Map<string, LoadedProcedure>();
  for (const p of catalog.procedures) {
    for (const v of p.versions) if (!byProcessId.has(v.process.bpmnProcessId)) byProcessId.set(v.process.bpmnProcessId, p);
  }
  // Called processes from the catalog's own files, parsed once.
  const catalogProcesses = new Map<string, Promise<any>>();
  const catalogProcess = (procedure: LoadedProcedure, file: string, id: string): Promise<any> => {
    const key = `${procedure.code}/${file}#${id}`;
    let p = catalogProcesses.get(key);
    if (!p) {
      p = (async () => {
        try {
          return findProcess(await parseBpmnXml(catalog.bpmn(procedure, file), `${procedure.code}/${file}`), id);
        } catch {
          return undefined; // the call activity gets the rule's note
        }
      })();
      catalogProcesses.set(key, p);
    }
    return p;
  };

  return async (resources) => {
    const files: Array<{ name: string; definitions: any }> = [];
    for (const r of resources) {
      if (/\.form$/i.test(r.name)) continue; // a Camunda form, not a process
      const xml = typeof r.content === 'string' ? r.content : Buffer.from(r.content).toString('utf8');
      try {
        files.push({ name: r.name, definitions: await parseBpmnXml(xml, r.name) });
      } catch (e) {
        if (!(e instanceof BpmnValidationError)) throw e;
      }
    }
    // A called process deployed together with its caller is the one that will run.
    const deployed = new Map<string, any>();
    for (const f of files) for (const p of processes(f.definitions)) if (!deployed.has(p.id)) deployed.set(p.id, p);

    const out: DeploymentLint = { errors: [], warnings: [] };
    for (const f of files) {
      for (const process of processes(f.definitions)) {
        const procedure = byProcessId.get(process.id);
        if (!procedure) continue;
        const inForce = versionFor(procedure, process.id, options.now?.() ?? new Date());
        const called = new Map<string, any>();
        for (const c of inForce.process.calledProcesses ?? []) {
          const p = deployed.get(c.bpmnProcessId) ?? (await catalogProcess(procedure, c.file, c.bpmnProcessId));
          if (p) called.set(c.bpmnProcessId, p);
        }
        const types = elementTypes([f.definitions, ...called.values()]);
        // The version, then each of its cases: a case's own limits and performers must fit the diagram too.
        const reports: RuleReport[] = [];
        const seen = new Set<string>();
        for (const version of withCases(inForce)) {
          const ctx: LintContext = { procedure, version, called, hoursPerWorkingDay: options.hoursPerWorkingDay ?? 8 };
          for (const r of await runRules(f.definitions, ctx)) {
            const key = `${r.rule}|${r.elementId ?? ''}|${r.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            reports.push(
              version.appliedCase ? { ...r, message: `trường hợp ${version.appliedCase.name.vi} (case ${version.appliedCase.code}): ${r.message}` } : r,
            );
          }
        }
        for (const r of reports) {
          const elementId = r.elementId ?? process.id;
          const problem: DeploymentProblem = {
            elementId,
            elementType: types.get(elementId) ?? 'unknown',
            rule: r.rule,
            message: r.message,
            category: r.category,
            resourceName: f.name,
          };
          (r.category === 'error' ? out.errors : out.warnings).push(problem);
        }
      }
    }
    return out;
  };
}

/** `<resource>: <type> '<id>' [<rule>] <message>`, joined by '; '. */
export function formatDeploymentProblems(problems: readonly DeploymentProblem[]): string {
  return problems.map((p) => `${p.resourceName}: ${p.elementType} '${p.elementId}' [${p.rule}] ${p.message}`).join('; ');
}

/** The version of `procedure` running `processId` in force on `day`, else the newest such version. */
function versionFor(procedure: LoadedProcedure, processId: string, day: Date): RuleVersion {
  const candidates = procedure.versions.filter((v) => v.process.bpmnProcessId === processId);
  try {
    const inForce = ruleVersionAt({ ...procedure, versions: candidates }, day);
    return inForce;
  } catch {
    return candidates.reduce((newest, v) => (v.effectiveFrom >= newest.effectiveFrom ? v : newest));
  }
}

function processes(definitions: any): any[] {
  return (definitions?.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process');
}

/** Element id → moddle type, for every element contained in the given trees. */
function elementTypes(roots: readonly any[]): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<any>();
  const walk = (element: any): void => {
    if (seen.has(element)) return;
    seen.add(element);
    if (typeof element.id === 'string' && !out.has(element.id)) out.set(element.id, element.$type);
    for (const prop of element.$descriptor?.properties ?? []) {
      if (prop.isReference || prop.isAttr) continue;
      const value = element[prop.name];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && typeof child.$type === 'string') walk(child);
      }
    }
  };
  for (const r of roots) walk(r);
  return out;
}
