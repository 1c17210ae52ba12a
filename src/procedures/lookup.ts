/**
 * The catalog as a process designer reads it beside a diagram: each procedure with its versions
 * and which one is in force on a day, and, for a BPMN process id, the procedure that runs it with
 * the whole rule version (agencies, steps and their limits with sources, total limit, cut-off…).
 * Pure: the day is given ('YYYY-MM-DD' in Asia/Ho_Chi_Minh, see `localDate`).
 */
import type { Catalog } from './catalog.js';
import type { Procedure, ProcedureSummary, ProcessProcedure, RuleVersion, VersionSummary } from './types.js';

export type { ProcedureSummary, ProcessProcedure, VersionSummary };

export function inForceOn(v: Pick<RuleVersion, 'effectiveFrom' | 'effectiveTo'>, day: string): boolean {
  return v.effectiveFrom <= day && (v.effectiveTo === null || day <= v.effectiveTo);
}

export function versionSummaries(p: Procedure, day: string): VersionSummary[] {
  return p.versions.map((v) => ({
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    bpmnProcessId: v.process.bpmnProcessId,
    inForce: inForceOn(v, day),
  }));
}

/** Every procedure of the catalog (no file locations). */
export function catalogSummary(catalog: Catalog, day: string): ProcedureSummary[] {
  return catalog.procedures.map((p) => ({ code: p.code, name: p.name, field: p.field, versions: versionSummaries(p, day) }));
}

/** Whether a version runs the process: as its own process or as one its process calls. */
function runs(v: RuleVersion, bpmnProcessId: string): boolean {
  return v.process.bpmnProcessId === bpmnProcessId || (v.process.calledProcesses ?? []).some((c) => c.bpmnProcessId === bpmnProcessId);
}

/**
 * The procedure running `bpmnProcessId` and, of its versions that run it, the one in force on
 * `day` — or the newest when none is. Undefined when no procedure runs that process.
 */
export function procedureForProcess(catalog: Catalog, bpmnProcessId: string, day: string): ProcessProcedure | undefined {
  for (const p of catalog.procedures) {
    const running = p.versions.filter((v) => runs(v, bpmnProcessId));
    if (!running.length) continue;
    const current = running.find((v) => inForceOn(v, day));
    // Versions are listed oldest first (the catalog refuses any other order).
    const version = current ?? running[running.length - 1];
    return {
      bpmnProcessId,
      procedure: { code: p.code, name: p.name, field: p.field },
      inForce: current !== undefined,
      version,
      versions: versionSummaries(p, day),
    };
  }
  return undefined;
}
