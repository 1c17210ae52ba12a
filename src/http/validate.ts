/**
 * Request bodies and query strings are checked against the JSON Schemas in `schemas/` (draft
 * 2020-12, one schema per file, each with its own `$id`) before anything runs, so a bad request
 * is refused with the paths of what is wrong and changes nothing. The validating itself is the
 * service's one Ajv in `../schemas.ts`; a registry here is the set of schemas of one folder
 * (`v2`, `api`) that routes name and the OpenAPI document embeds.
 */
import type { RequestHandler } from 'express';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { pointer, reportedProblemsOf, schemaDocument, schemaIds, summarize, validatorFor, type ReportedProblem } from '../schemas.js';
import { Invalid } from '../errors.js';

export { schemaId, schemasDir } from '../schemas.js';

/**
 * One problem of a request: `path` (JSON pointer), `messageVi`, `messageEn`, and the keys 400
 * answers carried before (`instancePath`, `message`, `schemaPath`).
 */
export type ValidationProblem = ReportedProblem;

/** What is checked, as a 400's message and its problems name it. */
const WHAT: Record<string, { vi: string; en: string }> = {
  'request body': { vi: 'nội dung yêu cầu', en: 'the request body' },
  'query string': { vi: 'chuỗi truy vấn', en: 'the query string' },
  'multipart fields': { vi: 'các trường của yêu cầu', en: 'the request fields' },
};

export class SchemaRegistry {
  private readonly ids: ReadonlySet<string>;

  private constructor(ids: string[]) {
    this.ids = new Set(ids);
  }

  /**
   * The schemas of `folder` under schemas/ — by default `v2`, the bodies of the /v2 API; `api`
   * for the /api routes. Each is compiled by the one Ajv when first used (tests/schemas compiles
   * every one).
   */
  static load(folder = 'v2'): SchemaRegistry {
    const ids = schemaIds(folder);
    if (!ids.length) throw new Error(`schemas/${folder} holds no schema`);
    return new SchemaRegistry(ids);
  }

  /** Every schema held, by `$id` (the OpenAPI document embeds them). */
  schemasById(): ReadonlyMap<string, object> {
    return new Map([...this.ids].map((id) => [id, schemaDocument(id)]));
  }

  /** Throws when no schema held has `$id` `id` (without compiling it). */
  mustHold(id: string): void {
    if (!this.ids.has(id)) throw new Error(`no JSON Schema with $id ${id}`);
  }

  validator(id: string): ValidateFunction {
    this.mustHold(id);
    return validatorFor(id);
  }

  /** Throws `Invalid` listing every problem when `value` does not match schema `id`. */
  check(id: string, value: unknown, what = 'request body'): void {
    refuseUnstorable(value, what);
    const v = this.validator(id);
    if (v(value)) return;
    const problems = reportedProblemsOf(v.errors ?? [], { form: WHAT[what] ?? WHAT['request body'], legacy: 'ajv' });
    throw new Invalid(`${what} is invalid: ${summarize(problems, (p) => `${p.instancePath || '(root)'} ${p.message}`)}`, problems);
  }
}

/** Deeper than this, a value would overflow the stack of the engine's JSON.stringify (a 500). */
export const MAX_NESTING = 100;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What the database cannot store, as a problem: [vi, en]. */
function textProblem(s: string): [string, string] | undefined {
  if (s.includes('\u0000')) return ['không được chứa ký tự U+0000', 'must not contain the character U+0000'];
  if (LONE_SURROGATE.test(s)) return ['phải là văn bản Unicode hợp lệ (có nửa cặp thay thế)', 'must be valid Unicode text (it holds a lone surrogate)'];
  return undefined;
}

/**
 * Values the service could not store, refused as a 400 naming where they are instead of failing
 * later as a 500: U+0000 or a lone surrogate in a string or key (PostgreSQL's text and jsonb
 * refuse them), nesting deeper than MAX_NESTING levels.
 */
function refuseUnstorable(value: unknown, what: string): void {
  const found = unstorable(value);
  if (!found) return;
  const [at, [vi, en]] = found;
  const path = pointer(...at);
  throw new Invalid(`${what} is invalid: ${path || '(root)'} ${en}`, [{ instancePath: path, message: en, schemaPath: '', path, messageVi: vi, messageEn: en }]);
}

/** The first unstorable value and why, without recursion: bodies may nest deeply. */
function unstorable(root: unknown): [(string | number)[], [string, string]] | undefined {
  interface Node {
    v: unknown;
    depth: number;
    key?: string | number;
    up?: Node;
  }
  const path = (n: Node | undefined, last?: string): (string | number)[] => {
    const out: (string | number)[] = last === undefined ? [] : [last];
    for (; n?.key !== undefined; n = n.up) out.push(n.key);
    return out.reverse();
  };
  const stack: Node[] = [{ v: root, depth: 0 }];
  for (let n = stack.pop(); n; n = stack.pop()) {
    const { v, depth } = n;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) return [path(n), p];
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_NESTING) return [path(n), [`không được lồng sâu quá ${MAX_NESTING} cấp`, `must not nest deeper than ${MAX_NESTING} levels`]];
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, key: i, up: n });
    } else {
      for (const [k, x] of Object.entries(v).reverse()) {
        const p = textProblem(k);
        if (p) return [path(n, k), p];
        stack.push({ v: x, depth: depth + 1, key: k, up: n });
      }
    }
  }
  return undefined;
}

/**
 * Middleware: the JSON body must match schema `id`; an absent body becomes `{}` first. The
 * handler carries `{ schemaId, schemas }`, which the OpenAPI document reads (openapi.ts): the
 * schema that validates a body is the one the document shows.
 */
export function validBody(schemas: SchemaRegistry, id: string): RequestHandler {
  // A wrong id fails when the app is built, not on a request; the schema compiles on its first
  // request (every one at start cost ~140 ms of each start; tests/schemas compiles them all).
  schemas.mustHold(id);
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
