/**
 * Cases of a rule version (procedure.json `cases`): kinds of dossier with figures of their own,
 * such as a detached house under the construction permit (15 days instead of 20, decided by the
 * commune instead of the province).
 *
 * At receipt, `caseFor` picks the dossier's case from its intake (the first whose `appliesWhen`
 * holds); the dossier keeps it for good. Everything that reads figures from a dossier's version
 * reads `withCase(version, caseCode)`: the version with the case's total and step limits, and its
 * performers in the place of the agencies they replace. So the appointment, the due dates, the
 * clocks, form 01 and the inbox's step limits all follow the case without knowing cases exist.
 */
import { evaluateCondition, FeelEvaluationError, toFeel } from '../feel/index.js';
import type { ProcedureCase, RuleVersion } from './types.js';

/** The case of a dossier with this intake: the first case whose `appliesWhen` yields true. */
export function caseFor(version: RuleVersion, intake: Record<string, unknown>): ProcedureCase | undefined {
  return (version.cases ?? []).find((c) => {
    try {
      return evaluateCondition(toFeel(c.appliesWhen), intake);
    } catch (e) {
      // A condition over a field the intake left out is not met; a case's own error is the catalog's.
      if (e instanceof FeelEvaluationError) return false;
      throw e;
    }
  });
}

const views = new WeakMap<RuleVersion, Map<string, RuleVersion>>();

/**
 * The version as it applies to dossiers of `caseCode` (the same object for the same case, so
 * caches keyed by version hold); the version itself when there is no case.
 */
export function withCase(version: RuleVersion, caseCode: string | null | undefined): RuleVersion {
  if (!caseCode) return version;
  let byCase = views.get(version);
  if (!byCase) views.set(version, (byCase = new Map<string, RuleVersion>()));
  const known = byCase.get(caseCode);
  if (known) return known;
  const c = version.cases?.find((x) => x.code === caseCode);
  if (!c) throw new Error(`rule version ${version.version} has no case '${caseCode}' (the catalog changed under a dossier that has it)`);
  const view: RuleVersion = {
    ...version,
    totalLimit: c.totalLimit,
    agencies: version.agencies.map((a) => {
      const by = c.performers?.[a.code];
      return {
        ...a,
        ...(by ? { code: by.code, name: by.name, level: by.level } : {}),
        steps: a.steps.map((s) => {
          const limit = c.stepLimits?.[s.id];
          return limit ? { ...s, limit } : s;
        }),
      };
    }),
    appliedCase: c,
  };
  byCase.set(caseCode, view);
  return view;
}

/** The version, then the version as each of its cases has it: what the lint holds to the diagram. */
export function withCases(version: RuleVersion): RuleVersion[] {
  return [version, ...(version.cases ?? []).map((c) => withCase(version, c.code))];
}
