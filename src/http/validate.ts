/**
 * Request bodies are checked against the JSON Schemas in `schemas/` (draft 2020-12, one schema
 * per file, each with its own `$id`) before anything runs, so a bad request is refused with the
 * paths of what is wrong and changes nothing.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { RequestHandler } from 'express';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { jsonFiles, schemasDir } from '../schemas.js';
import { Invalid } from '../errors.js';

// ajv-formats is CommonJS with `exports.default`; NodeNext types see the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** Ids of the schemas are `lienthong:/schemas/<path under schemas/>`. */
export const schemaId = (path: string) => `lienthong:/schemas/${path}`;

/** One problem of a request body: where (JSON pointer into the body), what, and which rule. */
export interface ValidationProblem {
  instancePath: string;
  message: string;
  schemaPath: string;
}

export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  private readonly raw = new Map<string, object>();

  private constructor() {
    // strictRequired off: `oneOf: [{ required: [a] }, { required: [b] }]` (give a or b) names
    // properties defined beside the oneOf, not inside each branch.
    this.ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(this.ajv);
  }

  /**
   * Loads (and compiles) every `*.json` below `dir` — by default `schemas/v2`, the bodies of the
   * /v2 API (other rooms load their own schemas); a broken schema stops startup.
   */
  static load(dir = join(schemasDir(), 'v2')): SchemaRegistry {
    const r = new SchemaRegistry();
    const ids: string[] = [];
    for (const file of jsonFiles(dir)) {
      let schema: { $id?: unknown; [k: string]: unknown };
      try {
        schema = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`schema ${relative(dir, file)} is not valid JSON: ${(e as Error).message}`);
      }
      if (typeof schema.$id !== 'string') throw new Error(`schema ${relative(dir, file)} has no $id`);
      r.ajv.addSchema(schema as object);
      r.raw.set(schema.$id, schema);
      ids.push(schema.$id);
    }
    // Compiled now (after all are added, so $refs between files resolve): a broken one stops startup.
    for (const id of ids) r.ajv.getSchema(id);
    return r;
  }

  /** Every schema held, by `$id` (the OpenAPI document embeds them). */
  schemasById(): ReadonlyMap<string, object> {
    return this.raw;
  }

  validator(id: string): ValidateFunction {
    const v = this.ajv.getSchema(id);
    if (!v) throw new Error(`no JSON Schema with $id ${id}`);
    return v;
  }

  /** Throws `Invalid` listing every problem when `value` does not match schema `id`. */
  check(id: string, value: unknown, what = 'request body'): void {
    const v = this.validator(id);
    if (v(value)) return;
    const problems = describe(v.errors ?? []);
    const summary = problems
      .slice(0, 3)
      .map((p) => `${p.instancePath || '(root)'} ${p.message}`)
      .join('; ');
    throw new Invalid(`${what} is invalid: ${summary}${problems.length > 3 ? '; …' : ''}`, problems);
  }
}

/**
 * Middleware: the JSON body must match schema `id`; an absent body becomes `{}` first. The
 * handler carries `{ schemaId, schemas }`, which the OpenAPI document reads (openapi.ts): the
 * schema that validates a body is the one the document shows.
 */
export function validBody(schemas: SchemaRegistry, id: string): RequestHandler {
  schemas.validator(id); // a wrong id fails when the app is built, not on a request
  const handler: RequestHandler = (req, _res, next) => {
    req.body ??= {};
    schemas.check(id, req.body);
    next();
  };
  Object.defineProperty(handler, 'bodySchema', { value: Object.freeze({ schemaId: id, schemas }) });
  return handler;
}

/** The body schema a `validBody` handler checks, or undefined for any other handler. */
export function bodySchemaOf(handler: unknown): { schemaId: string; schemas: SchemaRegistry } | undefined {
  return (handler as { bodySchema?: { schemaId: string; schemas: SchemaRegistry } } | undefined)?.bodySchema;
}

function describe(errors: ErrorObject[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue; // its `then` error says the same, better
    const message = messageOf(e);
    const k = `${e.instancePath}\u0000${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ instancePath: e.instancePath, message, schemaPath: e.schemaPath });
  }
  return out;
}

function messageOf(e: ErrorObject): string {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `must NOT have the property '${p.additionalProperty}'`;
    case 'unevaluatedProperties':
      return `must NOT have the property '${p.unevaluatedProperty}'`;
    case 'enum':
      return `must be one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'oneOf': {
      // `oneOf: [{ required: [a] }, { required: [b] }]` says "give a or b, not both".
      const names = Array.isArray(e.schema) ? e.schema.map((b: any) => (Object.keys(b).join() === 'required' ? b.required : undefined)) : [];
      if (names.length && names.every((n: unknown) => Array.isArray(n))) {
        return `must have exactly one of ${names.map((n: string[]) => n.map((x) => `'${x}'`).join(' + ')).join(', ')}`;
      }
      return e.message ?? 'must match exactly one schema in oneOf';
    }
    case 'dependentRequired':
      return `must have the property '${p.missingProperty}' when it has '${p.property}'`;
    default:
      return e.message ?? e.keyword;
  }
}

export { schemasDir } from '../schemas.js';
