/**
 * Requests generated for one operation of the OpenAPI document: a caller, path parameters
 * (the seed's real keys for reads, well-formed unknown ones, keys that are not keys, overlong
 * codes, `../`, encoded nulls, broken percent-encoding), a query string (documented parameters
 * with valid-ish and hostile values, repeated or unknown keys) and a body (valid-ish from the
 * route's request schema, then mutated; or raw: broken JSON, deep nesting, primitives, an
 * oversized body, another media type).
 */
import fc from 'fast-check';
import { hostileValue, mutate, mutation, nested, rawNumbers, validish, type SchemaIndex } from './schema-arb.js';
import { CALLERS, type Caller, type Seed } from './support.js';

export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, Record<string, unknown>>;
  bodySchema?: Record<string, unknown>;
  /** `x-roles` (empty: any signed-in user); undefined for a public route. */
  roles?: string[];
}

export interface FuzzRequest {
  caller: Caller;
  /** The header a 'forged' caller sends. */
  authorization?: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

/** The operations of an OpenAPI document (HEAD and OPTIONS aside). */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const params: any[] = op.parameters ?? [];
      const ref: string | undefined = op.requestBody?.content?.['application/json']?.schema?.$ref;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        bodySchema: ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : undefined,
        roles: op['x-roles'],
      });
    }
  }
  return ops;
}

/** encodeURIComponent, but a lone surrogate becomes its (invalid) CESU-8 bytes instead of throwing. */
export function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Array.from(s)
      .map((ch) => (/[\uD800-\uDFFF]/.test(ch) && ch.length === 1 ? '%ED%A0%80' : encodeURIComponent(ch)))
      .join('');
  }
}

/** Path segments that are not what the route expects; already in URL form (some deliberately broken). */
const HOSTILE_SEGMENTS = [
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%20',
  '%0A',
  'NaN',
  'null',
  'undefined',
  '-1',
  '0',
  '1.5',
  '1e3',
  '0x10',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '99999999999999999999999',
  '%27%3B%20drop%20table%20domain.dossiers%3B--',
  'constructor',
  '__proto__',
  'A'.repeat(101),
  'X'.repeat(5000),
  encodeURIComponent('Hồ-sơ'),
];

function realValues(name: string, seed: Seed): string[] {
  const a = seed.commune.A;
  const b = seed.commune.B;
  const byName: Record<string, string[]> = {
    code: [a.code, b.code],
    id: [a.taskId, b.taskId],
    processInstanceKey: [seed.processInstanceKey, a.processInstanceKey, b.processInstanceKey],
    processDefinitionKey: [seed.processDefinitionKey],
    jobKey: [seed.jobKey],
    incidentKey: [seed.incidentKey],
    bpmnProcessId: ['birth-registration-group', 'fuzz-model'],
    no: ['01', '02', '03', '04', '05', '06', '07'],
    year: ['2026'],
    date: ['2026-01-05'],
  };
  return byName[name] ?? ['1'];
}

function pathValue(name: string, method: string, seed: Seed): fc.Arbitrary<string> {
  const unknown = fc.constantFrom('999999', '9223372036854775807', 'KHONG-CO', '2251799813685249');
  const hostile = fc.oneof(
    fc.constantFrom(...HOSTILE_SEGMENTS),
    hostileValue.filter((v): v is string => typeof v === 'string').map((v) => enc(v.slice(0, 6000)).replace(/%2F/g, '/')),
  );
  if (method !== 'GET') return fc.oneof({ weight: 1, arbitrary: unknown }, { weight: 3, arbitrary: hostile });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...realValues(name, seed).map(encodeURIComponent)) },
    { weight: 1, arbitrary: unknown },
    { weight: 3, arbitrary: hostile },
  );
}

function queryString(op: Operation, index: SchemaIndex): fc.Arbitrary<string> {
  const value = (schema: Record<string, unknown>) =>
    fc.oneof(
      { weight: 2, arbitrary: validish(index, schema, 'lienthong:/query').map((v) => enc(typeof v === 'string' ? v : JSON.stringify(v))) },
      { weight: 2, arbitrary: hostileValue.map((v) => enc(typeof v === 'string' ? v.slice(0, 9000) : (JSON.stringify(v)?.slice(0, 9000) ?? ''))) },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    );
  const known = Object.entries(op.query).map(([name, schema]) =>
    fc.option(
      fc.array(value(schema), { minLength: 1, maxLength: 2 }).map((vs) => vs.map((v) => `${encodeURIComponent(name)}=${v}`).join('&')),
      { nil: undefined, freq: 2 },
    ),
  );
  const extra = fc.option(fc.constantFrom('x=1', '__proto__[a]=1', 'constructor=1', 'a[b][c]=1', '=', '&&&', '%=%', 'secret=' + 'x'.repeat(50), 'page=-1'), {
    nil: undefined,
    freq: 4,
  });
  return fc.tuple(fc.tuple(...known), extra).map(([ks, e]) => {
    const parts = [...ks, e].filter((p): p is string => !!p);
    return parts.length ? '?' + parts.join('&') : '';
  });
}

const RAW_BODIES: [string, string | undefined][] = [
  ['{"a":', 'application/json'],
  ['{"a":1,}', 'application/json'],
  ["{'a':1}", 'application/json'],
  ['', 'application/json'],
  ['null', 'application/json'],
  ['[]', 'application/json'],
  ['"x"', 'application/json'],
  ['1', 'application/json'],
  ['true', 'application/json'],
  ['{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', 'application/json'],
  ['{"a":1,"a":2}', 'application/json'],
  ['\uFEFF{}', 'application/json'],
  ['{"a":"\\ud800"}', 'application/json'],
  ['{"a":"\\u0000"}', 'application/json'],
  ['{"a":1e999}', 'application/json'],
  ['{}', 'application/json; charset=utf-7'],
  ['{}', 'application/json; charset=latin1'],
  ['{}', 'application/merge-patch+json'],
  ['a=1&b=2', 'application/x-www-form-urlencoded'],
  ['plain text', 'text/plain'],
  ['<a/>', 'application/xml'],
  ['--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', 'multipart/form-data; boundary=x'],
  ['--x\r\nbroken', 'multipart/form-data; boundary=x'],
  ['{}', undefined],
];

function rawBody(): fc.Arbitrary<{ body: string; contentType?: string }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...RAW_BODIES).map(([body, contentType]) => ({ body, contentType })) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 200_000).map((n) => ({ body: '['.repeat(n) + ']'.repeat(n), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 200_000).map((n) => ({ body: '{"a":'.repeat(n) + '1' + '}'.repeat(n), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constant({ body: JSON.stringify(nested(2_000)), contentType: 'application/json' }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(1.2, 5).map((mb) => ({ body: JSON.stringify({ a: 'x'.repeat(mb * 1024 * 1024) }), contentType: 'application/json' })),
    },
  );
}

/**
 * A long poll for a job would wait on the service's ManualClock, which never moves: a
 * job-activation body that would be accepted is told not to wait.
 */
function noLongPoll(op: Operation, body: unknown): unknown {
  if (op.path !== '/v2/jobs/activation' || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  // A raw-number placeholder (schema-arb.ts) counts as the number it becomes: '-0' waits too.
  const raw = b.requestTimeout;
  const t = typeof raw === 'string' && raw.startsWith('\u0001raw:') ? Number(raw.slice(5)) : raw;
  if (t === undefined || (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= 2147483647)) return { ...b, requestTimeout: -1 };
  return body;
}

function bodyArb(op: Operation, index: SchemaIndex): fc.Arbitrary<{ body?: string; contentType?: string }> {
  if (op.method === 'GET' || op.method === 'HEAD') return fc.constant({});
  const base = op.bodySchema ? validish(index, op.bodySchema, (op.bodySchema.$id as string | undefined) ?? 'lienthong:/x') : fc.constant({});
  const json = (v: unknown) => ({ body: rawNumbers(JSON.stringify(noLongPoll(op, v)) ?? 'null'), contentType: 'application/json' });
  return fc.oneof(
    { weight: 2, arbitrary: base.map(json) },
    { weight: 6, arbitrary: fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, m]) => json(mutate(v, m))) },
    { weight: 2, arbitrary: rawBody() },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Tokens nobody issued: malformed, unsigned (alg none), badly signed, huge, another scheme. */
const FORGED = [
  'Bearer',
  'Bearer ',
  'Bearer x.y.z',
  `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'quantri', role: 'admin', exp: 4102444800 })}.`,
  `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'quantri', role: 'admin', ver: 0, exp: 4102444800 })}.AAAA`,
  `Bearer ${b64({ alg: 'RS256', kid: '../../etc/passwd' })}.${b64({ role: 'admin' })}.sig`,
  `Bearer ${'A'.repeat(9000)}`,
  'Basic cXVhbnRyaTpkZW1vLXF1YW50cmktMjAyNg==',
  'bearer lowercase',
  'Bearer a b c',
];

const ROLE_OF: Partial<Record<Caller, string>> = {
  designer: 'designer',
  officerA: 'officer',
  officerB: 'officer',
  counterA: 'counter',
  counterB: 'counter',
  auditor: 'auditor',
  admin: 'admin',
};

/** Every caller; twice as often one the route lets in, so most requests get past the guard. */
function callerArb(op: Operation): fc.Arbitrary<Caller> {
  const allowed = CALLERS.filter((c) => ROLE_OF[c] && (!op.roles?.length || op.roles.includes(ROLE_OF[c])));
  return allowed.length
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...CALLERS) }, { weight: 2, arbitrary: fc.constantFrom(...allowed) })
    : fc.constantFrom(...CALLERS);
}

export function requestArb(op: Operation, index: SchemaIndex, seed: Seed): fc.Arbitrary<FuzzRequest> {
  const params = op.pathParams.map((name) => pathValue(name, op.method, seed));
  return fc
    .tuple(callerArb(op), fc.constantFrom(...FORGED), fc.tuple(...params), queryString(op, index), bodyArb(op, index))
    .map(([caller, forged, values, query, body]) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => values[i++]);
      return { caller, ...(caller === 'forged' ? { authorization: forged } : {}), method: op.method, path: path + query, ...body };
    });
}

/** A short, printable form of a request for failure messages. */
export function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  return `${r.caller}${r.authorization ? ` (${JSON.stringify(r.authorization.slice(0, 80))})` : ''} ${r.method} ${cut(r.path)}${r.body !== undefined ? ` [${r.contentType ?? 'no content-type'}] ${cut(r.body)}` : ''}`;
}
