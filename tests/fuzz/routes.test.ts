/**
 * Feature: every route of the OpenAPI document — read from the running service, so a route added
 * tomorrow is fuzzed without anyone listing it — meets malformed, oversized, wrongly typed and
 * boundary-valued bodies, query strings and path parameters, as every role (the public,
 * forged tokens, designer, officers and counter staff of two communes, auditor, admin — twice
 * as often a role the route lets in). Properties:
 *
 *   - never a 5xx (and always an answer);
 *   - a 4xx changes nothing: no write committed for the request (the recording database of
 *     support.ts), and the observable tables are as before whenever no worker wrote meanwhile —
 *     a failed sign-in may only leave its audit row and throttle count;
 *   - an officer's or counter's 2xx body holds nothing of the other commune's dossier (its
 *     code, applicant, citizen ID, process instance key) unless the request itself named it.
 *
 * Deterministic: FUZZ_SEED (default below) seeds every route's run; FUZZ_RUNS requests per
 * route (default 16; `npm run fuzz` runs 120, ≈ 11,800 requests). A failure prints the route,
 * the seed, the request (FUZZ_SHRINK=1: shrunk) and what went wrong; FUZZ_LOG=1 prints every
 * request and a tally of the answers.
 */
import fc from 'fast-check';
import { describeRequest, operationsOf, requestArb, type FuzzRequest, type Operation } from './requests.js';
import { SchemaIndex } from './schema-arb.js';
import { COMMUNE_OF, startFuzzService, type FuzzService } from './support.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 16);

let s: FuzzService;
let ops: Operation[];
let index: SchemaIndex;
let sent = 0;
/** Answers by status (FUZZ_LOG=1 prints them). */
const tally: Record<string, number> = {};

beforeAll(async () => {
  s = await startFuzzService();
  const doc = (await s.send('anonymous', { method: 'GET', path: '/api/openapi.json' }, 'doc')).body;
  // Sign-in routes last: their failed attempts count against the address, and a caller whose
  // session a fuzzed sign-out ended signs in again.
  ops = operationsOf(doc).sort((a, b) => Number(SIGN_IN.test(`${a.method} ${a.path}`)) - Number(SIGN_IN.test(`${b.method} ${b.path}`)));
  index = new SchemaIndex(doc.components.schemas);
}, 180_000);
afterAll(async () => {
  await s?.close();
});

/** Routes where a refused request is still remembered: a failed sign-in (audit row, throttle count). */
const SIGN_IN = /^POST (\/api\/auth\/login|\/login|\/oauth\/token)$/;
const SIGN_IN_TABLES = /audit_log|login_failures|throttl/;
/** …and a wrong code or lookup secret (the lookup throttle's count, src/dossiers/lookup.ts). */
const LOOKUP = /^(GET \/api\/dossiers\/\{code\}|POST \/api\/dossiers\/\{code\}\/(supplements|withdrawal))$/;
const LOOKUP_TABLES = /dossier_lookup_failures/;

/**
 * Known defects, reported and not fixed here: the answer is a 4xx, yet the table named was
 * written. Remove an entry once fixed — the suite then holds the route to it. (None today: the
 * correlation that found no subscriber used to commit its publication first.)
 */
const KNOWN_WRITES: Record<string, RegExp> = {};

/** A stable number per route, so adding a route does not change the others' runs. */
function routeSeed(key: string): number {
  let h = SEED | 0;
  for (const c of key) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

/** The last snapshot taken and how many writes had been recorded then (see `snapshotBefore`). */
let last: { writes: number; snapshot: Record<string, unknown> } | undefined;

/** The tables now: the last snapshot while no write has been recorded since, else a new one. */
async function snapshotBefore(): Promise<Record<string, unknown>> {
  if (last?.writes !== s.writes.length) last = { writes: s.writes.length, snapshot: await s.snapshot() };
  return last.snapshot;
}

async function check(op: Operation, r: FuzzRequest): Promise<string | undefined> {
  const id = `r${++sent}`;
  if (process.env.FUZZ_LOG) process.stderr.write(`${id} ${describeRequest(r).slice(0, 200)}\n`);
  const before = await snapshotBefore();
  const writesBefore = s.writes.length;
  let res;
  try {
    res = await s.send(r.caller, r, id);
  } catch (e) {
    return `no answer: ${(e as Error).message}`;
  }
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const bucket = `${res.status}`;
  tally[bucket] = (tally[bucket] ?? 0) + 1;
  if (res.status === 401 || /logout/.test(op.path)) await s.signedOut(r.caller);
  if (res.status >= 500) return `${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 400) {
    const key = `${op.method} ${op.path}`;
    const remembered = (table: string) => (SIGN_IN.test(key) && SIGN_IN_TABLES.test(table)) || (LOOKUP.test(key) && LOOKUP_TABLES.test(table));
    const mine = s.writes.filter((w) => w.request === id && !remembered(w.table) && !KNOWN_WRITES[key]?.test(w.table));
    if (mine.length) return `${res.status} but wrote ${mine.map((w) => `${w.table} (${w.sql})`).join(', ')}`;
    const others = s.writes.slice(writesBefore).filter((w) => w.request !== id);
    if (!others.length && !SIGN_IN.test(`${op.method} ${op.path}`)) {
      const after = await s.snapshot(); // always taken anew: it is what catches a write the recorder missed
      last = { writes: s.writes.length, snapshot: after };
      if (JSON.stringify(after) !== JSON.stringify(before)) return `${res.status} but the tables changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
    }
  } else {
    const side = COMMUNE_OF[r.caller];
    if (side) {
      const other = s.seed.commune[side === 'A' ? 'B' : 'A'];
      const asked = `${r.path} ${r.body ?? ''}`;
      const leaked = other.markers.filter((m) => text.includes(m) && !asked.includes(m) && !asked.includes(encodeURIComponent(m)));
      if (leaked.length) return `${res.status} shows the other commune's ${leaked.join(', ')}: ${text.slice(0, 300)}`;
    }
  }
  return undefined;
}

test('Given the seeded state, when the document is read, then it lists routes of every room and the seed is in place', () => {
  expect(ops.length).toBeGreaterThan(40);
  expect(ops.filter((o) => o.bodySchema).length).toBeGreaterThan(15);
  for (const side of ['A', 'B'] as const) expect(s.seed.commune[side].markers.length).toBeGreaterThanOrEqual(3);
});

test("Given each commune's dossier, when its own officer reads it, then every marker the leak check looks for is there (the check is not vacuous)", async () => {
  for (const side of ['A', 'B'] as const) {
    const own = s.seed.commune[side];
    const r = await s.send(side === 'A' ? 'officerA' : 'officerB', { method: 'GET', path: `/api/dossiers/${own.code}` }, `own-${side}`);
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.body);
    expect(own.markers.filter((m) => !text.includes(m))).toEqual([]);
  }
});

test('Given the recording database, when a request writes, then its writes carry its id (the 4xx check is not vacuous)', async () => {
  const r = await s.send(
    'admin',
    { method: 'POST', path: '/v2/process-instances', body: JSON.stringify({ processDefinitionId: 'fuzz-model' }), contentType: 'application/json' },
    'self-test',
  );
  expect(r.status).toBe(200);
  expect(s.writes.filter((w) => w.request === 'self-test').map((w) => w.table)).toEqual(expect.arrayContaining(['engine.process_instances']));
});

describe('Scenario: inputs the fuzzing found (500s before), refused naming the problem', () => {
  const json = (body: unknown) => ({ body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' });
  test.each([
    ['a path parameter that is not UTF-8', 'officerA', 'GET', '/api/dossiers/%ED%A0%80', undefined, /percent-encoded/],
    ['a calendar day that does not exist', 'admin', 'DELETE', '/api/calendar/overrides/2025-02-30', undefined, /2025-02-30/],
    [
      'a NUL character in a string',
      'admin',
      'POST',
      '/v2/jobs/activation',
      { type: 'x', worker: 'a\u0000b', timeout: 1000, maxJobsToActivate: 1, requestTimeout: -1 },
      /\/worker .*U\+0000/,
    ],
    [
      'a message time to live of 2^63-1 ms',
      'designer',
      'POST',
      '/v2/messages/publication',
      '{"name":"x","timeToLive":9223372036854775807}',
      /\/timeToLive must be <= 3155760000000/,
    ],
    ['a NUL character in a key', 'admin', 'POST', '/v2/process-instances', { processDefinitionId: 'fuzz-model', variables: { 'a\u0000': 1 } }, /U\+0000/],
    [
      'variables nested 5,000 arrays deep',
      'admin',
      'POST',
      '/v2/process-instances',
      `{"processDefinitionId":"fuzz-model","variables":{"a":${'['.repeat(5_000)}1${']'.repeat(5_000)}}}`,
      /\/variables\/a(\/0){98} must not nest deeper than 100 levels/,
    ],
    ['a lone surrogate', 'admin', 'POST', '/v2/messages/publication', '{"name":"\\ud800"}', /\/name must be valid Unicode/],
    ['a body nested 200,000 deep', 'admin', 'POST', '/v2/signals/broadcast', '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000), /./],
  ] as const)('Given %s, when sent, then 400 naming it', async (_what, caller, method, path, body, mentions) => {
    const r = await s.send(caller, { method, path, ...(body === undefined ? {} : json(body)) }, `found-${path}`);
    expect({ status: r.status, error: r.body?.error }).toEqual({ status: 400, error: 'Invalid' });
    expect(r.body.message).toMatch(mentions);
  });
});

test('Given every route × every role, when sent generated hostile requests, then never a 5xx, a 4xx changes nothing, and no officer sees the other commune', async () => {
  const failures: string[] = [];
  for (const op of ops) {
    const key = `${op.method} ${op.path}`;
    const seed = routeSeed(key);
    let problem: string | undefined;
    const details = await fc.check(
      fc.asyncProperty(requestArb(op, index, s.seed), async (r) => {
        problem = await check(op, r);
        return problem === undefined;
      }),
      { seed, numRuns: RUNS, endOnFailure: !process.env.FUZZ_SHRINK },
    );
    if (details.failed) {
      const r = details.counterexample?.[0];
      failures.push(
        `${key} (FUZZ_SEED=${SEED}, route seed ${seed}, path ${details.counterexamplePath}): ${r ? describeRequest(r) : '?'} → ${problem ?? String(details.errorInstance)}`,
      );
    }
  }
  if (failures.length) console.log(`fuzz failures (seed ${SEED}):\n${failures.join('\n')}`);
  if (process.env.FUZZ_LOG) console.log(`${sent} requests over ${ops.length} routes: ${JSON.stringify(tally)}`);
  expect(failures).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(ops.length * Math.min(RUNS, 5));
}, 600_000);
