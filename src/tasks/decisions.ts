/**
 * What an official may decide on a task: a JSON Schema per task form in `schemas/tasks/`
 * (draft 2020-12, `$id` `lienthong:/schemas/tasks/<path>`). The schema of a task is the first
 * that exists of
 *
 *   <formKey>.json  →  <bpmnProcessId>/<elementId>.json  →  <elementId>.json  →  default.json
 *
 * and the decision's properties become the variables its job completes with, so a schema is
 * also the contract between the form and the process (`decision` read by a gateway, `opinion`
 * collected by a multi-instance step…).
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { reportedProblemsOf, schemaId, schemaIds, summarize, validatorFor, type ReportedProblem } from '../schemas.js';
import { Invalid } from '../errors.js';

const ID_PREFIX = schemaId('tasks/');
export const DEFAULT_DECISION_SCHEMA = 'default';

/**
 * One problem of a decision: `path` (JSON pointer into the request body: `/decision/...`),
 * `messageVi`, `messageEn`, and the keys answers carried before (`instancePath`, the same
 * pointer; `message`; `schemaPath`).
 */
export type DecisionProblem = ReportedProblem;

const WORDING = { prefix: '/decision', form: { vi: 'quyết định này', en: 'this decision' }, legacy: 'decision' } as const;

export interface DecisionTarget {
  formKey: string | null;
  bpmnProcessId: string | null;
  elementId: string;
}

export class DecisionSchemas {
  private readonly names = new Set<string>();

  private constructor() {}

  /** The schemas of schemas/tasks, from the service's one Ajv; without a default.json it throws. */
  static load(): DecisionSchemas {
    const s = new DecisionSchemas();
    for (const id of schemaIds('tasks')) s.names.add(id.slice(ID_PREFIX.length).replace(/\.json$/, ''));
    if (!s.names.has(DEFAULT_DECISION_SCHEMA)) throw new Error(`schemas/tasks has no ${DEFAULT_DECISION_SCHEMA}.json`);
    return s;
  }

  /** The schema a task's decision must match (its name under schemas/tasks, without .json). */
  schemaFor(t: DecisionTarget): string {
    const candidates = [t.formKey ? formName(t.formKey) : undefined, t.bpmnProcessId ? `${t.bpmnProcessId}/${t.elementId}` : undefined, t.elementId];
    return candidates.find((c): c is string => !!c && this.names.has(c)) ?? DEFAULT_DECISION_SCHEMA;
  }

  /** The schema document itself (a form renders from it). */
  schema(name: string): object {
    return this.validator(name).schema as object;
  }

  /** Throws Invalid naming every path of `decision` that does not match the task's schema. */
  check(t: DecisionTarget, decision: unknown): void {
    const name = this.schemaFor(t);
    const v = this.validator(name);
    if (v(decision)) return;
    const problems = reportedProblemsOf(v.errors ?? [], WORDING);
    throw new Invalid(
      `quyết định không hợp lệ theo mẫu '${name}' (the decision does not match schema '${name}'): ${summarize(problems, (p) => `${p.instancePath} ${p.message}`)}`,
      problems,
    );
  }

  private validator(name: string): ValidateFunction {
    if (!this.names.has(name)) throw new Error(`no decision schema ${name}`);
    return validatorFor(`${ID_PREFIX}${name}.json`);
  }
}

/** Camunda's form keys look like `camunda-forms:bpmn:<id>`; the schema is named by the last part. */
function formName(formKey: string): string {
  return formKey.split(':').pop()!;
}
