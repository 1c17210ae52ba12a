/**
 * The project's JSON Schemas and the one place that validates with them. Shared by every room
 * that checks JSON, like errors.ts (it imports no room).
 *
 * - **One Ajv** for the whole service (draft 2020-12, ajv-formats, the `x-message` keyword),
 *   built on first use with every `*.json` under `schemas/` added once by its `$id`
 *   (`lienthong:/schemas/<path under schemas/>`). Each is compiled when first asked for (compiling
 *   all of them costs ~0.5 s, paid at every start and in every test file); schemas/ ships with the
 *   code and tests/schemas compiles every one, so a broken schema fails the tests, never a request.
 *   Rooms ask it for a validator by `$id`.
 * - **One shape of problem**: `{ path, messageVi, messageEn }`, `path` a JSON pointer into what
 *   was checked, the reason in Vietnamese and English. `problemsOf` turns ajv's errors into it;
 *   `problem` makes one by hand for what a schema cannot say.
 *
 * `schemas/` is found by walking up from this file, so the same code works from src/ (tests)
 * and from dist/src/ (npm start).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// ajv-formats is CommonJS with `exports.default`; NodeNext types see the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

// ---- where the schemas are -------------------------------------------------------------------

export const SCHEMA_ID_PREFIX = 'lienthong:/schemas/';

/** The `$id` of the schema at `path` under schemas/: `api/auth-login.json` → `lienthong:/schemas/api/auth-login.json`. */
export const schemaId = (path: string): string => `${SCHEMA_ID_PREFIX}${path}`;

let found: string | undefined;

export function schemasDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return (found = join(dir, 'schemas'));
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the schemas/ folder above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Every `.json` file below `dir`, sorted. */
export function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

// ---- the one Ajv -----------------------------------------------------------------------------

interface Loaded {
  ajv: Ajv2020;
  /** Every schema document, by `$id`, in file order. */
  documents: Map<string, object>;
}

let loaded: Loaded | undefined;
let instances = 0;

function load(): Loaded {
  if (loaded) return loaded;
  // strictRequired off: `oneOf: [{ required: [a] }, { required: [b] }]` and `if/then: { required }`
  // name properties defined beside them, not inside each branch. verbose: the messages read the
  // failing schema (`x-message`, the branches of a oneOf). validateSchema off: checking each
  // document against the draft 2020-12 meta-schema compiles that meta-schema (~0.1 s at every
  // start and in every test file) for files that ship with the code; tests/schemas checks them.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, validateSchema: false });
  instances++;
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-message', schemaType: 'object' });
  const root = schemasDir();
  const documents = new Map<string, object>();
  for (const file of jsonFiles(root)) {
    const path = relative(root, file).split(sep).join('/');
    let schema: { $id?: unknown };
    try {
      schema = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`schemas/${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (schema.$id !== schemaId(path)) throw new Error(`schemas/${path} must have $id ${schemaId(path)}`);
    ajv.addSchema(schema as object);
    documents.set(schema.$id, schema);
  }
  // Compiled on first use (validatorFor), after all are added so that $refs between files resolve.
  return (loaded = { ajv, documents });
}

/** The service's one Ajv, every schema under schemas/ added. Prefer `validatorFor`. */
export function schemaAjv(): Ajv2020 {
  return load().ajv;
}

/** How many Ajv instances this module has built: one, after the first validation (tests check it). */
export function ajvInstanceCount(): number {
  return instances;
}

/** The `$id`s of the schemas under `folder` of schemas/ (every one when omitted), sorted. */
export function schemaIds(folder?: string): string[] {
  const prefix = folder ? schemaId(`${folder.replace(/\/+$/, '')}/`) : SCHEMA_ID_PREFIX;
  return [...load().documents.keys()].filter((id) => id.startsWith(prefix));
}

/** The schema document with `$id` `id`, as written. */
export function schemaDocument(id: string): object {
  const d = load().documents.get(id);
  if (!d) throw new Error(`no JSON Schema with $id ${id}`);
  return d;
}

/** The compiled validator of schema `id`; a wrong id throws. */
export function validatorFor(id: string): ValidateFunction {
  const v = load().documents.has(id) ? load().ajv.getSchema(id) : undefined;
  if (!v) throw new Error(`no JSON Schema with $id ${id}`);
  return v;
}

/** Every problem of `value` against schema `id`; empty when it is valid. */
export function validate(id: string, value: unknown, opts: ProblemOptions = {}): Problem[] {
  const v = validatorFor(id);
  return v(value) ? [] : problemsOf(v.errors ?? [], opts);
}

// ---- the one shape of problem ----------------------------------------------------------------

/** One thing wrong with a JSON value: where (a JSON pointer, '' for the whole), and why in Vietnamese and English. */
export interface Problem {
  path: string;
  messageVi: string;
  messageEn: string;
}

/**
 * A problem as a 400 answer lists it: the problem plus the keys such answers carried before
 * every room used this module, kept for the clients that read them — ajv's `instancePath`, an
 * English `message` and the `schemaPath` of the rule.
 */
export interface ReportedProblem extends Problem {
  instancePath: string;
  message: string;
  schemaPath: string;
}

export interface ProblemOptions {
  /** JSON pointer of the checked value inside what the problems are about (`/decision`); default ''. */
  prefix?: string;
  /** What was checked, for "the property 'x' is not part of …"; default: this form. */
  form?: { vi: string; en: string };
  /** Words added to a problem's reason (a hint particular to one room), by the ajv error. */
  note?: (e: ErrorObject) => { vi: string; en: string } | undefined;
}

/**
 * Which `instancePath` and `message` a reported problem carries, as the room that answered
 * wrote them before: `ajv` (bodies and query strings: ajv's instancePath, its message made
 * readable), `decision` (task decisions: the path of the property itself, 'is required'),
 * `catalog` (procedure.json: like ajv, "must have the property 'x'").
 */
export type LegacyStyle = 'ajv' | 'decision' | 'catalog';

export function problem(path: string, messageVi: string, messageEn: string): Problem {
  return { path, messageVi, messageEn };
}

/**
 * A problem made by hand for a 400 answer, with the keys such answers carried before: the
 * `instancePath` (the same pointer) and an English `message` (by default `messageEn`).
 */
export function reportedProblem(path: string, messageVi: string, messageEn: string, message = messageEn): Problem & { instancePath: string; message: string } {
  return { instancePath: path, message, path, messageVi, messageEn };
}

/** A JSON pointer from its segments: `pointer('a', 0, 'b/c')` → `/a/0/b~1c`. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** ajv's errors as people read them, one problem per distinct path and reason, in ajv's order. */
export function problemsOf(errors: readonly ErrorObject[], opts: ProblemOptions = {}): Problem[] {
  return relevant(errors)
    .map((e) => translate(e, opts))
    .filter(distinct((p) => `${p.path}\u0000${p.messageEn}`));
}

/** `problemsOf`, each with the keys answers carried before (see ReportedProblem). */
export function reportedProblemsOf(errors: readonly ErrorObject[], opts: ProblemOptions & { legacy?: LegacyStyle } = {}): ReportedProblem[] {
  const style = opts.legacy ?? 'ajv';
  return relevant(errors)
    .map((e): ReportedProblem => {
      const p = translate(e, opts);
      const instancePath = style === 'decision' ? p.path : `${opts.prefix ?? ''}${e.instancePath}`;
      return { instancePath, message: legacyMessage(e, style), schemaPath: e.schemaPath, ...p };
    })
    .filter(distinct((p) => `${p.path}\u0000${p.messageEn}`));
}

/**
 * The first `n` of `items` as one line for an error's message (`line` each, joined by '; '), with
 * '; …' after when there are more (and how many, when `counted`).
 */
export function summarize<T>(items: readonly T[], line: (x: T) => string, n = 3, counted = false): string {
  const more = items.length > n ? (counted ? `; … (${items.length} problems)` : '; …') : '';
  return items.slice(0, n).map(line).join('; ') + more;
}

/**
 * The errors worth showing: not `if` (its `then` says the same, better); for an `anyOf` or
 * `oneOf` of "give a or b" (branches of `required` only), the one summary instead of each
 * branch's `required`; for another `anyOf`, its branches' errors instead of "must match a schema
 * in anyOf".
 */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  const summaries = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && requiredBranches(e));
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.keyword === 'anyOf' && !requiredBranches(e)) return false;
    if (e.keyword === 'required' && summaries.some((s) => s.instancePath === e.instancePath && e.schemaPath.startsWith(`${s.schemaPath}/`))) return false;
    return true;
  });
}

/** For an anyOf/oneOf whose every branch is `{ required: [...] }`: the names of each branch. */
function requiredBranches(e: ErrorObject): string[][] | undefined {
  if (!Array.isArray(e.schema) || !e.schema.length) return undefined;
  const names = e.schema.map((b: any) => (b && typeof b === 'object' && Object.keys(b).join() === 'required' ? b.required : undefined));
  return names.every((n: unknown) => Array.isArray(n)) ? (names as string[][]) : undefined;
}

const TYPE_VI: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  integer: 'số nguyên',
  boolean: 'giá trị đúng/sai',
  object: 'đối tượng',
  array: 'danh sách',
  null: 'null',
};

/** Keywords whose error is about the node's own value, where the node's `x-message` applies (not `required`-style ones about its children). */
const OWN_VALUE = new Set([
  'type',
  'pattern',
  'format',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);
const COMPARISON_VI: Record<string, string> = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' };
const FORM = { vi: 'mẫu này', en: 'this form' };

function translate(e: ErrorObject, opts: ProblemOptions): Problem {
  const p = reason(e, opts.form ?? FORM);
  const note = opts.note?.(e);
  return {
    path: `${opts.prefix ?? ''}${p.path}`,
    messageVi: note ? p.messageVi + note.vi : p.messageVi,
    messageEn: note ? p.messageEn + note.en : p.messageEn,
  };
}

function reason(e: ErrorObject, form: { vi: string; en: string }): Problem {
  const params = e.params;
  const at = e.instancePath;
  const custom = (e.parentSchema as { 'x-message'?: { vi: string; en: string } } | undefined)?.['x-message'];
  if (custom && OWN_VALUE.has(e.keyword)) return problem(at, custom.vi, custom.en);
  switch (e.keyword) {
    case 'required':
      return problem(
        at + pointer(params.missingProperty),
        `thiếu thông tin bắt buộc '${params.missingProperty}'`,
        `the required property '${params.missingProperty}' is missing`,
      );
    case 'dependentRequired':
      return problem(
        at + pointer(params.missingProperty),
        `thiếu thông tin '${params.missingProperty}', bắt buộc khi có '${params.property}'`,
        `the property '${params.missingProperty}' is required when '${params.property}' is given`,
      );
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = params.additionalProperty ?? params.unevaluatedProperty;
      return problem(at + pointer(name), `không có trường '${name}' trong ${form.vi}`, `the property '${name}' is not part of ${form.en}`);
    }
    case 'type':
      return problem(
        at,
        `phải là ${String(params.type)
          .split(',')
          .map((t) => TYPE_VI[t] ?? t)
          .join(' hoặc ')}`,
        `must be ${article(String(params.type))}`,
      );
    case 'enum':
      return problem(at, `phải là một trong các giá trị ${list(params.allowedValues)}`, `must be one of ${list(params.allowedValues)}`);
    case 'const':
      return problem(at, `phải là ${JSON.stringify(params.allowedValue)}`, `must be ${JSON.stringify(params.allowedValue)}`);
    case 'format':
      return problem(at, `không đúng định dạng ${params.format}`, `must be a valid ${params.format}`);
    case 'pattern':
      return problem(at, 'không đúng định dạng quy định', `must match the pattern ${params.pattern}`);
    case 'minLength':
      return problem(at, `phải có ít nhất ${params.limit} ký tự`, `must have at least ${params.limit} characters`);
    case 'maxLength':
      return problem(at, `không được dài quá ${params.limit} ký tự`, `must have at most ${params.limit} characters`);
    case 'minItems':
      return problem(at, `phải có ít nhất ${params.limit} mục`, `must have at least ${params.limit} items`);
    case 'maxItems':
      return problem(at, `không được quá ${params.limit} mục`, `must have at most ${params.limit} items`);
    case 'uniqueItems':
      return problem(
        at,
        `mục thứ ${Number(params.j) + 1} và thứ ${Number(params.i) + 1} trùng nhau`,
        `items ${Number(params.j) + 1} and ${Number(params.i) + 1} are the same`,
      );
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return problem(at, `phải ${COMPARISON_VI[e.keyword]} ${params.limit}`, `must be ${params.comparison} ${params.limit}`);
    case 'anyOf': {
      const names = requiredBranches(e);
      if (names) {
        const shown = names.map((n) => n.map((x) => `'${x}'`).join(' + ')).join(', ');
        return problem(at, `phải có ít nhất một trong các thông tin ${shown}`, `must have at least one of ${shown}`);
      }
      return problem(at, 'chưa thỏa điều kiện nào trong các phương án cho phép', 'must match one of the allowed alternatives');
    }
    case 'oneOf': {
      const names = requiredBranches(e);
      if (names) {
        const shown = names.map((n) => n.map((x) => `'${x}'`).join(' + ')).join(', ');
        return problem(at, `phải có đúng một trong các thông tin ${shown}`, `must have exactly one of ${shown}`);
      }
      return problem(at, 'phải thỏa đúng một trong các phương án cho phép', 'must match exactly one of the allowed alternatives');
    }
    default:
      return problem(at, `không hợp lệ (${e.keyword})`, e.message ?? e.keyword);
  }
}

/** The English `message` a room's answers carried before this module (see LegacyStyle). */
function legacyMessage(e: ErrorObject, style: LegacyStyle): string {
  const p = e.params;
  if (e.keyword === 'required' && style === 'decision') return 'is required';
  if (e.keyword === 'required' && style === 'catalog') return `must have the property '${p.missingProperty}'`;
  if (e.keyword === 'additionalProperties' && style === 'decision') return 'is not a field of this decision';
  switch (e.keyword) {
    case 'additionalProperties':
      return `must NOT have the property '${p.additionalProperty}'`;
    case 'unevaluatedProperties':
      return `must NOT have the property '${p.unevaluatedProperty}'`;
    case 'enum':
      return `must be one of ${list(p.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'oneOf': {
      const names = requiredBranches(e);
      if (names) return `must have exactly one of ${names.map((n) => n.map((x) => `'${x}'`).join(' + ')).join(', ')}`;
      return e.message ?? 'must match exactly one schema in oneOf';
    }
    case 'dependentRequired':
      return `must have the property '${p.missingProperty}' when it has '${p.property}'`;
    default:
      return e.message ?? e.keyword;
  }
}

function distinct<T>(key: (x: T) => string): (x: T) => boolean {
  const seen = new Set<string>();
  return (x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
}

function list(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function article(type: string): string {
  if (type.includes(',')) return type.split(',').map(article).join(' or ');
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
