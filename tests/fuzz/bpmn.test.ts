/**
 * Feature: POST /v2/deployments meets the four procedures' BPMN and the test models mutated
 * (bpmn-mutations.ts) and documents built to hurt (entity expansion, external entities, deep
 * nesting, huge files, XML that is not BPMN, binary, hostile names, several files at once).
 *
 *   - the answer is a 2xx for a model still valid, else a 400 (413 for a file over the limit)
 *     in the error shape, naming the problem — never a 5xx, never no answer;
 *   - a refused deployment deploys nothing (no write committed for it, no new deployment or
 *     definition); an accepted one adds one deployment and the definitions it lists, each
 *     readable;
 *   - the service stays alive (GET /healthz after each).
 *
 * Deterministic: FUZZ_SEED seeds the run, FUZZ_BPMN_RUNS deployments (default 60).
 */
import fc from 'fast-check';
import { deploymentArb, SPECIAL, type Deployment } from './bpmn-mutations.js';
import { startFuzzService, type Caller, type FuzzService } from './support.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_BPMN_RUNS ?? 60);

let s: FuzzService;
let n = 0;
const tally: Record<string, number> = {};

beforeAll(async () => {
  s = await startFuzzService();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const counts = async () =>
  (await s.t.db.query(`select (select count(*)::int from engine.deployments) as deployments, (select count(*)::int from engine.definitions) as definitions`))
    .rows[0] as {
    deployments: number;
    definitions: number;
  };

async function check(d: Deployment, caller: Caller): Promise<string | undefined> {
  const id = `bpmn${++n}`;
  const before = await counts();
  const form = new FormData();
  for (const f of d.files) form.append('resources', new Blob([new Uint8Array(f.content)], { type: 'application/octet-stream' }), f.name);
  let res;
  try {
    res = await s.send(caller, { method: 'POST', path: '/v2/deployments', body: form }, id);
  } catch (e) {
    return `no answer: ${(e as Error).message}`;
  }
  tally[res.status] = (tally[res.status] ?? 0) + 1;
  const body = res.body;
  if (process.env.FUZZ_LOG) process.stderr.write(`${id} ${d.what.slice(0, 120)} → ${res.status} ${JSON.stringify(body).slice(0, 200)}\n`);
  const text = JSON.stringify(body).slice(0, 400);
  if (!(await s.send('anonymous', { method: 'GET', path: '/healthz' }, `${id}-health`)).status.toString().startsWith('2'))
    return 'the service is not healthy after it';
  const after = await counts();
  if (res.status === 200) {
    const listed = (body.deployments ?? []).filter((x: any) => x.processDefinition).map((x: any) => x.processDefinition.processDefinitionKey as string);
    if (after.deployments !== before.deployments + 1) return `200 but deployments went ${before.deployments} → ${after.deployments}`;
    if (after.definitions - before.definitions > listed.length)
      return `200 listing ${listed.length} definitions but ${after.definitions - before.definitions} were added`;
    for (const key of listed) {
      const r = await s.send('admin', { method: 'GET', path: `/v2/process-definitions/${key}/xml` }, `${id}-read`);
      if (r.status !== 200) return `200 but definition ${key} reads ${r.status}`;
    }
    return undefined;
  }
  if (res.status !== 400 && res.status !== 413) return `${res.status} ${text}`;
  if (typeof body?.error !== 'string' || typeof body.message !== 'string' || body.message.length < 10)
    return `${res.status} without an error body naming the problem: ${text}`;
  const named =
    d.files.some((f) => body.message.includes(f.name) || body.details?.resource === f.name) ||
    Array.isArray(body.details?.problems) ||
    /multipart|file|resource|too large|field|process|element|XML|DTD/i.test(body.message);
  if (!named) return `${res.status} does not name the file or the problem: ${text}`;
  const wrote = s.writes.filter((w) => w.request === id);
  if (wrote.length) return `${res.status} but wrote ${[...new Set(wrote.map((w) => w.table))].join(', ')}`;
  if (after.deployments !== before.deployments || after.definitions !== before.definitions)
    return `${res.status} but deployed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
  return undefined;
}

test('Given each document built to hurt (entities, nesting, size, not BPMN, binary, names, several files), when deployed, then a 2xx or a 400/413 naming the problem, and nothing deployed on refusal', async () => {
  const failures: string[] = [];
  for (const d of SPECIAL) {
    const problem = await check(d, 'admin');
    if (problem) failures.push(`${d.what}: ${problem}`);
  }
  expect(failures).toEqual([]);
}, 300_000);

test('Given mutated procedures, test models and hostile documents, when deployed, then a 2xx for a valid model or a 400/413 naming the problem, nothing deployed on refusal, and the service alive', async () => {
  let problem: string | undefined;
  /** FUZZ_ALL=1: every failing case is collected and printed instead of stopping at the first. */
  const all: string[] = [];
  const details = await fc.check(
    fc.asyncProperty(deploymentArb, fc.constantFrom<Caller>('admin', 'designer'), async (d, caller) => {
      problem = await check(d, caller);
      if (problem && process.env.FUZZ_ALL)
        all.push(
          `${caller} deploys ${d.what} [${d.files
            .map((f) => f.name.slice(0, 80))
            .join(', ')
            .slice(0, 200)}] → ${problem}`,
        );
      return problem === undefined || !!process.env.FUZZ_ALL;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: !process.env.FUZZ_SHRINK },
  );
  if (process.env.FUZZ_LOG) console.log(`${n} deployments: ${JSON.stringify(tally)}`);
  expect(all).toEqual([]);
  if (details.failed) {
    const [d, caller] = details.counterexample ?? [];
    throw new Error(
      `FUZZ_SEED=${SEED} (path ${details.counterexamplePath}): ${caller} deploys ${d?.what} [${d?.files.map((f) => f.name).join(', ')}] → ${problem}`,
    );
  }
}, 600_000);
