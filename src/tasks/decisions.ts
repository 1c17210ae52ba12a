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
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { jsonFiles, schemasDir } from '../schemas.js';
import { Invalid } from '../errors.js';

// ajv-formats is CommonJS with `exports.default`; NodeNext types see the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const ID_PREFIX = 'lienthong:/schemas/tasks/';
export const DEFAULT_DECISION_SCHEMA = 'default';

export interface DecisionProblem {
  /** JSON pointer into the request body: `/decision/...`. */
  instancePath: string;
  message: string;
  schemaPath: string;
}

export interface DecisionTarget {
  formKey: string | null;
  bpmnProcessId: string | null;
  elementId: string;
}

export class DecisionSchemas {
  private readonly ajv: Ajv2020;
  private readonly names = new Set<string>();

  private constructor() {
    // strictRequired off: `if/then: { required: [x] }` names a property defined beside the if.
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(this.ajv);
  }

  /** Every `*.json` below `dir` (default: the project's schemas/tasks); a broken one throws. */
  static load(dir = join(schemasDir(), 'tasks')): DecisionSchemas {
    const s = new DecisionSchemas();
    for (const file of existsSync(dir) ? jsonFiles(dir) : []) {
      const name = relative(dir, file).split(sep).join('/').replace(/\.json$/, '');
      let schema: { $id?: unknown };
      try {
        schema = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`decision schema ${name}.json is not valid JSON: ${(e as Error).message}`);
      }
      if (schema.$id !== `${ID_PREFIX}${name}.json`) throw new Error(`decision schema ${name}.json must have $id ${ID_PREFIX}${name}.json`);
      s.ajv.addSchema(schema as object);
      s.names.add(name);
    }
    for (const n of s.names) s.validator(n);
    if (!s.names.has(DEFAULT_DECISION_SCHEMA)) throw new Error(`${dir} has no ${DEFAULT_DECISION_SCHEMA}.json`);
    return s;
  }

  /** The schema a task's decision must match (its name under schemas/tasks, without .json). */
  schemaFor(t: DecisionTarget): string {
    const candidates = [
      t.formKey ? formName(t.formKey) : undefined,
      t.bpmnProcessId ? `${t.bpmnProcessId}/${t.elementId}` : undefined,
      t.elementId,
    ];
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
    const problems = describe(v.errors ?? []);
    const summary = problems
      .slice(0, 3)
      .map((p) => `${p.instancePath} ${p.message}`)
      .join('; ');
    throw new Invalid(
      `quyết định không hợp lệ theo mẫu '${name}' (the decision does not match schema '${name}'): ${summary}${problems.length > 3 ? '; …' : ''}`,
      problems,
    );
  }

  private validator(name: string): ValidateFunction {
    const v = this.ajv.getSchema(`${ID_PREFIX}${name}.json`);
    if (!v) throw new Error(`no decision schema ${name}`);
    return v;
  }
}

/** Camunda's form keys look like `camunda-forms:bpmn:<id>`; the schema is named by the last part. */
function formName(formKey: string): string {
  return formKey.split(':').pop()!;
}

function describe(errors: ErrorObject[]): DecisionProblem[] {
  const out: DecisionProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const p = e.params as Record<string, any>;
    let instancePath = `/decision${e.instancePath}`;
    let message = e.message ?? e.keyword;
    if (e.keyword === 'required') {
      instancePath = `${instancePath}/${p.missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      instancePath = `${instancePath}/${p.additionalProperty}`;
      message = 'is not a field of this decision';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    }
    const k = `${instancePath}\u0000${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ instancePath, message, schemaPath: e.schemaPath });
  }
  return out;
}
