/**
 * The due date of every agency step of a dossier (`dueDates.<step id>`, the process variable
 * each user task's `zeebe:taskSchedule` reads), from the rule version's step limits.
 *
 * Rule: a step is due when every step before it on the longest path from the start has used its
 * whole limit, and then its own: `due(step) = receipt + (longest chain of limits ending with
 * it)`, counted in working time from the receipt under the version's cut-off. A step several
 * agencies perform (a multi-instance step) has a due date per agency. A step whose limit is 0
 * (the counter's hand-back) adds no time: it is due at the appointment on form 01. Paths run
 * along sequence flows and from an activity to its boundary events; waits for the citizen add
 * nothing (the same weighting as the `statutory-total` lint rule).
 */
import { compileBpmn, type ExecutableProcess } from '../bpmn/index.js';
import type { Catalog, LoadedProcedure, RuleVersion } from '../procedures/index.js';
import type { CutOff, Limit } from '../sla/index.js';

/** Working hours from the receipt to the end of each step, per performing agency. */
export interface StepOffsets {
  /** step id → agency code → office hours (0: the appointment). */
  steps: Map<string, Map<string, number>>;
  /** True when every limit is in working days, so offsets are whole or half days of 8 h. */
  allDays: boolean;
}

const HOURS_PER_DAY = 8;

export async function stepOffsets(catalog: Catalog, procedure: LoadedProcedure, version: RuleVersion): Promise<StepOffsets> {
  const [process] = (await compileBpmn(catalog.bpmn(procedure, version.process.file), version.process.file)).filter(
    (p) => p.id === version.process.bpmnProcessId,
  );
  if (!process) throw new Error(`${procedure.code}: ${version.process.file} has no process '${version.process.bpmnProcessId}'`);
  return offsetsIn(process, version);
}

export function offsetsIn(process: ExecutableProcess, version: RuleVersion): StepOffsets {
  const hours = (l: { value: number; unit: string }) => (l.unit === 'working_days' ? l.value * HOURS_PER_DAY : l.value);
  const byElement = new Map<string, { stepId: string; agency: string; hours: number }[]>();
  let allDays = true;
  for (const a of version.agencies) {
    for (const s of a.steps) {
      if (s.limit.unit !== 'working_days') allDays = false;
      byElement.set(s.elementId, [...(byElement.get(s.elementId) ?? []), { stepId: s.id, agency: a.code, hours: hours(s.limit) }]);
    }
  }

  const preds = new Map<string, string[]>();
  for (const f of Object.values(process.flows)) preds.set(f.target, [...(preds.get(f.target) ?? []), f.source]);
  for (const el of Object.values(process.elements)) if (el.attachedTo) preds.set(el.id, [...(preds.get(el.id) ?? []), el.attachedTo]);

  /** Longest chain of limits ending when `id` is done. */
  const finish = new Map<string, number>();
  const visiting = new Set<string>();
  const endOf = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`${process.id}: the process has a loop through '${id}'; step due dates cannot be computed`);
    visiting.add(id);
    const start = Math.max(0, ...(preds.get(id) ?? []).map(endOf));
    const own = Math.max(0, ...(byElement.get(id) ?? []).map((s) => s.hours));
    visiting.delete(id);
    finish.set(id, start + own);
    return start + own;
  };

  const steps = new Map<string, Map<string, number>>();
  for (const [elementId, performers] of byElement) {
    if (!process.elements[elementId]) continue;
    const start = Math.max(0, ...(preds.get(elementId) ?? []).map(endOf));
    for (const p of performers) {
      const m = steps.get(p.stepId) ?? new Map<string, number>();
      m.set(p.agency, p.hours === 0 ? 0 : start + p.hours);
      steps.set(p.stepId, m);
    }
  }
  return { steps, allDays };
}

/** What computes a due instant: SlaService.dueDate. */
export type DueDateFn = (limit: Limit, start: Date, cutOff?: CutOff) => Date;

/**
 * `dueDates` as the process reads it: `{ <step>: ISO }`, or `{ <step>: { <agency>: ISO } }` for
 * a step several agencies perform (only the `performing` ones, when given).
 */
export function dueDatesVariable(
  offsets: StepOffsets,
  receivedAt: Date,
  appointmentAt: Date,
  dueDate: DueDateFn,
  cutOff: CutOff | undefined,
  performing?: readonly string[],
): Record<string, string | Record<string, string>> {
  const out: Record<string, string | Record<string, string>> = {};
  const at = (h: number) => {
    if (h === 0) return isoVn(appointmentAt);
    const limit: Limit =
      offsets.allDays && Number.isInteger((h / HOURS_PER_DAY) * 2) ? { value: h / HOURS_PER_DAY, unit: 'working_days' } : { value: h, unit: 'working_hours' };
    return isoVn(dueDate(limit, receivedAt, cutOff));
  };
  for (const [step, byAgency] of offsets.steps) {
    if (byAgency.size === 1) {
      out[step] = at([...byAgency.values()][0]);
      continue;
    }
    const per: Record<string, string> = {};
    for (const [agency, h] of byAgency) if (!performing || performing.includes(agency)) per[agency] = at(h);
    out[step] = per;
  }
  return out;
}

/** ISO 8601 with the Vietnamese offset ('2026-01-07T10:00:00+07:00'): the same instant, readable as local time. */
export function isoVn(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19) + '+07:00';
}
