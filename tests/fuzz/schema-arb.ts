/**
 * JSON Schema (as the OpenAPI document embeds them) → fast-check arbitraries: a "valid-ish" value
 * of a schema (required properties present, enums, patterns, formats and bounds honoured on a
 * best-effort basis), and hostile mutations of it — a required field dropped, a value of the
 * wrong type, huge or unicode-edge strings, numbers at the int64 and double boundaries, NaN-ish
 * strings, deep nesting, prototype keys.
 */
import fc from 'fast-check';

type Schema = Record<string, any>;

/** Every schema of the document by its `$id`, so relative `$ref`s resolve as they do in ajv. */
export class SchemaIndex {
  private readonly byId = new Map<string, Schema>();

  constructor(components: Record<string, Schema>) {
    for (const s of Object.values(components)) if (typeof s.$id === 'string') this.byId.set(s.$id, s);
  }

  /** `{ schema, base }` that `ref` (relative to `base`) points at. */
  resolve(ref: string, base: string): { schema: Schema; base: string } {
    const abs = ref.startsWith('#') ? base + ref : new URL(ref, base).toString();
    const [doc, frag = ''] = abs.split('#');
    let s: any = this.byId.get(doc);
    if (!s) throw new Error(`unresolved $ref ${ref} from ${base}`);
    for (const part of frag.split('/').filter(Boolean)) s = s[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!s) throw new Error(`unresolved $ref ${ref} from ${base}`);
    return { schema: s, base: doc };
  }
}

const MAX_DEPTH = 6;

/** A value meant to satisfy `schema` (best effort: what it cannot honour, it approximates). */
export function validish(index: SchemaIndex, schema: Schema | boolean | undefined, base: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined) return fc.constantFrom<unknown>('x', 1, true, null);
  if (schema === false) return fc.constant(undefined);
  if (typeof schema.$id === 'string') base = schema.$id;
  if (schema.$ref) {
    const r = index.resolve(schema.$ref, base);
    const rest = { ...schema };
    delete rest.$ref;
    return validish(index, { ...r.schema, ...rest }, r.base, depth + 1);
  }
  if (depth > MAX_DEPTH + 4) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { ...schema, allOf: undefined, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
    for (const sub of schema.allOf as Schema[]) {
      const s = sub.$ref ? index.resolve(sub.$ref, base).schema : sub;
      Object.assign(merged.properties, s.properties);
      merged.required.push(...(s.required ?? []));
      merged.type ??= s.type;
    }
    delete merged.allOf;
    return validish(index, merged, base, depth + 1);
  }
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length) {
    const rest = { ...schema, oneOf: undefined, anyOf: undefined };
    return fc.oneof(...alternatives.map((a) => validish(index, { ...rest, ...a }, base, depth + 1)));
  }
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  if (Array.isArray(type)) return fc.oneof(...type.map((t: string) => validish(index, { ...schema, type: t }, base, depth + 1)));
  switch (type) {
    case 'object':
      return objectArb(index, schema, base, depth);
    case 'array': {
      if (depth > MAX_DEPTH) return fc.constant([]);
      const min: number = schema.minItems ?? 0;
      const most: number = schema.maxItems ?? min + 3;
      return fc.array(validish(index, schema.items, base, depth + 1), { minLength: min, maxLength: Math.min(most, min + 3) });
    }
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.constantFrom<unknown>('x', 1, {}, null);
  }
}

function objectArb(index: SchemaIndex, schema: Schema, base: string, depth: number): fc.Arbitrary<unknown> {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>((schema.required ?? []) as string[]);
  if (depth > MAX_DEPTH) return fc.constant(Object.fromEntries([...required].map((k) => [k, 'x'])));
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, s] of Object.entries(props)) model[k] = validish(index, s, base, depth + 1);
  for (const k of required) model[k] ??= fc.constantFrom<unknown>('x', 1);
  const rec = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object' && !Object.keys(props).length) {
    return fc.dictionary(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/), validish(index, extra, base, depth + 1), { maxKeys: 3 });
  }
  return rec;
}

const FORMAT_SAMPLES: Record<string, fc.Arbitrary<string>> = {
  'date-time': fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  date: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  email: fc.constantFrom('a@example.vn', 'nguyen.van.an@example.com'),
  uri: fc.constantFrom('https://example.vn/a', 'urn:x'),
};

function stringArb(schema: Schema): fc.Arbitrary<string> {
  const min: number = schema.minLength ?? 0;
  const most: number = schema.maxLength ?? min + 24;
  const max = Math.min(most, min + 24);
  if (typeof schema.format === 'string' && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format];
  if (typeof schema.pattern === 'string') {
    const re = new RegExp(schema.pattern, 'u');
    return fc.stringMatching(re).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max), unit: 'grapheme' });
}

// ---------------------------------------------------------------- hostile values

const INT64 = ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551616', '0', '-1', '00001'];
const NANISH = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x1F', '1_000', ' 42 ', '+1', '١٢٣', '1.5', '1e3', '', ' ', 'null', 'undefined', 'true'];
const UNICODE = [
  '\uD800',
  '\uDFFF',
  'a\u0000b',
  '\u0000',
  '\u202Eabc',
  '\uFEFF',
  '\u200B\u200D',
  'Nguyễn Văn An',
  'e\u0301'.repeat(300),
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '👨‍👩‍👧‍👦'.repeat(50),
  '\r\n\t',
  "'; drop table domain.dossiers; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '../../../etc/passwd',
];
const NUMBERS = [
  Number('9223372036854775807'), // as JSON: 9223372036854776000
  -Number('9223372036854775808'),
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  2 ** 53 + 2,
  2147483647,
  -(2 ** 53),
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  1e308,
  -1e308,
  5e-324,
  -0,
  0.5,
  -1,
  0,
];
/**
 * Numbers JSON can write but a double cannot hold: a placeholder string the request's JSON turns
 * into the bare literal (rawNumbers).
 */
const RAW_NUMBERS = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551615',
  '1e400',
  '-1e400',
  '1E-400',
  '-0',
  '0.0000000000000000000001',
  '123456789012345678901234567890',
];
const RAW = (n: string) => `\u0001raw:${n}`;

/** Values JSON.stringify cannot write (they would overflow its stack): deep nesting, as text. */
const RAW_DEEP: Record<string, string> = {
  'deep-array': '['.repeat(100_000) + ']'.repeat(100_000),
  'deep-object': '{"a":'.repeat(50_000) + 'null' + '}'.repeat(50_000),
};

/** JSON text with every placeholder made the literal it stands for. */
export function rawNumbers(json: string): string {
  return json.replace(/"\\u0001raw:([^"]+)"/g, (_m, n: string) => RAW_DEEP[n] ?? n);
}

const DATES = ['2025-02-30', '2025-13-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '2025-01-01T25:61:61+99:99'];

/** Nested arrays `depth` deep, as a value. */
export function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, [], {}, true, false, 0, '', [null], { '': '' }) },
  { weight: 3, arbitrary: fc.constantFrom(...INT64, ...NANISH, ...DATES) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_NUMBERS.map(RAW)) },
  { weight: 1, arbitrary: fc.constantFrom(...Object.keys(RAW_DEEP).map(RAW)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(60, 300, 1000).map(nested) },
  { weight: 1, arbitrary: fc.constantFrom(5_000, 70_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000).map((n) => Array.from({ length: n }, (_, i) => i)) },
);

type Path = (string | number)[];

function paths(v: unknown, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
  if (depth > 8 || out.length > 200) return out;
  if (Array.isArray(v)) {
    v.slice(0, 20).forEach((x, i) => {
      out.push([...prefix, i]);
      paths(x, [...prefix, i], out, depth + 1);
    });
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([...prefix, k]);
      paths(x, [...prefix, k], out, depth + 1);
    }
  }
  return out;
}

function setAt(root: unknown, path: Path, op: 'drop' | 'set', value?: unknown): unknown {
  if (!path.length) return op === 'drop' ? undefined : value;
  const copy = structuredClone(root) as any;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path[path.length - 1];
  if (op === 'drop') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

export type Mutation = { kind: 'drop'; at: number } | { kind: 'set'; at: number; value: unknown } | { kind: 'extra'; at: number; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  fc.record({
    kind: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.constantFrom('x', 'constructor', 'toString', 'hasOwnProperty', '', '$where', 'a.b'),
    value: hostileValue,
  }),
);

/** `value` with each mutation applied at the node its `at` picks (root included). */
export function mutate(value: unknown, muts: Mutation[]): unknown {
  let v = value;
  for (const m of muts) {
    const all: Path[] = [[], ...paths(v)];
    const path = all[m.at % all.length];
    if (m.kind === 'drop') v = path.length ? setAt(v, path, 'drop') : v;
    else if (m.kind === 'set') v = setAt(v, path, 'set', m.value);
    else {
      const objects = all.filter((p) => {
        const node = p.reduce<any>((o, k) => o?.[k], v);
        return node && typeof node === 'object' && !Array.isArray(node);
      });
      if (objects.length) v = setAt(v, [...objects[m.at % objects.length], m.key], 'set', m.value);
    }
  }
  return v;
}
