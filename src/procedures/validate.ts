/**
 * A procedure.json is checked twice: against its JSON Schema (shape), then for what a schema
 * cannot say (the folder is the code, versions do not overlap, the BPMN files exist, codes are
 * unique). Every problem names the file and the JSON pointer of what is wrong.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { reportedProblemsOf, schemaId, summarize, validatorFor } from '../schemas.js';
import { Invalid } from '../errors.js';
import { FeelSyntaxError, toFeel } from '../feel/index.js';
import type { Procedure, RuleVersion } from './types.js';

export const PROCEDURE_SCHEMA_ID = schemaId('procedure.schema.json');

export interface CatalogProblem {
  /** procedure.json as shown to people, e.g. `processes/birth-registration-group/procedure.json`. */
  file: string;
  /** JSON pointer into the file ('' for the whole file). */
  path: string;
  message: string;
}

/** The catalog cannot be loaded; `details` lists every problem found. */
export class ProcedureCatalogError extends Invalid {
  constructor(readonly problems: CatalogProblem[]) {
    super(
      summarize(problems, (p) => `${p.file}: ${p.path || '(root)'} ${p.message}`, 5, true),
      problems,
    );
  }
}

/**
 * Shape problems of one parsed procedure.json (empty: valid), from the service's one Ajv and its
 * one formatter. A catalog problem keeps the shape its readers know: `path` is ajv's (the object
 * missing a property, not the property) and `message` the English one.
 */
export function schemaProblems(value: unknown, file: string): CatalogProblem[] {
  const validate = validatorFor(PROCEDURE_SCHEMA_ID);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: CatalogProblem[] = [];
  for (const p of reportedProblemsOf(validate.errors ?? [], { form: { vi: 'procedure.json', en: 'procedure.json' }, legacy: 'catalog' })) {
    const key = `${p.instancePath}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, path: p.instancePath, message: p.message });
  }
  return out;
}

/** What the schema cannot check; `dir` is the procedure's folder. */
export function semanticProblems(p: Procedure, dir: string, file: string): CatalogProblem[] {
  const out: CatalogProblem[] = [];
  const problem = (path: string, message: string) => out.push({ file, path, message });

  if (p.code !== basename(dir)) problem('/code', `must equal the folder name '${basename(dir)}'`);

  const versions = new Set<string>();
  p.versions.forEach((v, i) => {
    const at = `/versions/${i}`;
    if (versions.has(v.version)) problem(`${at}/version`, `duplicate version '${v.version}'`);
    versions.add(v.version);
    if (v.effectiveTo !== null && v.effectiveTo < v.effectiveFrom) problem(`${at}/effectiveTo`, `must not be before effectiveFrom (${v.effectiveFrom})`);
    const next = p.versions[i + 1];
    if (next) {
      if (next.effectiveFrom <= v.effectiveFrom) problem(`/versions/${i + 1}/effectiveFrom`, 'versions must be listed oldest first');
      else if (v.effectiveTo === null || v.effectiveTo >= next.effectiveFrom) {
        problem(`${at}/effectiveTo`, `must end before the next version starts (${next.effectiveFrom}); versions may not overlap`);
      }
    }

    const files = [
      { path: `${at}/process/file`, file: v.process.file },
      ...(v.process.calledProcesses ?? []).map((c, j) => ({ path: `${at}/process/calledProcesses/${j}/file`, file: c.file })),
    ];
    for (const f of files) if (!existsSync(join(dir, f.file))) problem(f.path, `BPMN file '${f.file}' does not exist in ${basename(dir)}/`);

    unique(
      v.agencies.map((a) => a.code),
      (k, j) => problem(`${at}/agencies/${j}/code`, `duplicate agency code '${k}'`),
    );
    v.agencies.forEach((a, j) =>
      unique(
        a.steps.map((s) => s.id),
        (k, n) => problem(`${at}/agencies/${j}/steps/${n}/id`, `duplicate step id '${k}' for agency '${a.code}'`),
      ),
    );
    // Several agencies may share a step (a multi-instance task), but then on the same element.
    const elementOf = new Map<string, string>();
    v.agencies.forEach((a, j) =>
      a.steps.forEach((s, n) => {
        const prev = elementOf.get(s.id);
        if (prev !== undefined && prev !== s.elementId)
          problem(`${at}/agencies/${j}/steps/${n}/elementId`, `step '${s.id}' is on element '${prev}' for another agency`);
        elementOf.set(s.id, s.elementId);
      }),
    );
    unique(
      v.documents.map((d) => d.code),
      (k, j) => problem(`${at}/documents/${j}/code`, `duplicate document code '${k}'`),
    );
    unique(
      v.fees.map((f) => f.code),
      (k, j) => problem(`${at}/fees/${j}/code`, `duplicate fee code '${k}'`),
    );
    unique(
      (v.thresholds ?? []).map((t) => t.code),
      (k, j) => problem(`${at}/thresholds/${j}/code`, `duplicate threshold code '${k}'`),
    );
    unique(
      v.process.variables.map((x) => x.name),
      (k, j) => problem(`${at}/process/variables/${j}/name`, `duplicate variable '${k}'`),
    );
    caseProblems(v, at, problem);
  });
  return out;
}

/** A case names only the version's steps and agencies, and its condition is FEEL. */
function caseProblems(v: RuleVersion, at: string, problem: (path: string, message: string) => void): void {
  const cases = v.cases ?? [];
  unique(
    cases.map((c) => c.code),
    (k, j) => problem(`${at}/cases/${j}/code`, `duplicate case code '${k}'`),
  );
  const stepIds = new Set(v.agencies.flatMap((a) => a.steps.map((s) => s.id)));
  const agencies = new Set(v.agencies.map((a) => a.code));
  cases.forEach((c, j) => {
    try {
      toFeel(c.appliesWhen);
    } catch (e) {
      if (!(e instanceof FeelSyntaxError)) throw e;
      problem(`${at}/cases/${j}/appliesWhen`, `is not a FEEL expression: ${e.message}`);
    }
    for (const id of Object.keys(c.stepLimits ?? {}))
      if (!stepIds.has(id)) problem(`${at}/cases/${j}/stepLimits/${id}`, `no agency of the version performs a step '${id}'`);
    for (const code of Object.keys(c.performers ?? {}))
      if (!agencies.has(code)) problem(`${at}/cases/${j}/performers/${code}`, `the version lists no agency '${code}'`);
  });
}

function unique(keys: string[], dup: (key: string, index: number) => void): void {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k)) dup(k, i);
    seen.add(k);
  });
}
