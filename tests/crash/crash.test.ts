/**
 * Feature: `kill -9` at any instant loses nothing, and a restart simply goes on
 * (docs/architecture.md, "The engine port": every command is one transaction, nothing is held only in
 * memory).
 *
 * A child process running the built engine (tests/crash/child.mjs) deploys start → 3 service
 * tasks → end, creates the instances and works them; each handler records its effect in
 * crash_effects, then completes. The test SIGKILLs it a third of the way through, starts a second
 * child that is SIGKILLed two thirds of the way through, then a third that finishes. Jobs are
 * delivered at least once (Zeebe), so a job may have effects from a delivery whose completion was
 * lost — but exactly one completion per job moved the token, and the effect of that completion
 * is the one the instance's variables point at.
 *
 * PostgreSQL: a scratch database (DATABASE_URL set). PGlite: a data directory in a temporary
 * directory, opened by one process at a time — PGlite recovers from the kill by WAL replay on the
 * next open.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../../src/db/index.js';
import { createScratchDatabase } from '../support/db.js';

const kind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const INSTANCES = kind === 'postgres' ? 200 : 100;
const STEPS = 3;
const JOBS = INSTANCES * STEPS;
const root = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./child.mjs', import.meta.url));

interface Ack {
  jobKey: string;
  instanceKey: string;
  step: number;
  attempt: string;
}
interface Run {
  created: string[];
  acks: Ack[];
  done: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

const children = new Set<ChildProcess>();
let env: Record<string, string>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  // The children run dist/: make sure it is the code under test.
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase();
    env = { CRASH_DATABASE_URL: scratch.url };
    cleanup = () => scratch.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-crash-'));
    env = { CRASH_PGLITE_DIR: join(dir, 'data') };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
}, 200_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('close', r)))));
  await cleanup?.();
});

/** Runs the child until `killWhen` says so (SIGKILL), or until it exits; never longer than `limitMs`. */
function runChild(args: string[], limitMs: number, killWhen?: (r: Run) => boolean): Promise<Run> {
  const child = spawn(process.execPath, [childScript, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const run: Run = { created: [], acks: [], done: false, code: null, signal: null, stderr: '' };
  let buf = '';
  let killed = false;
  const kill = () => {
    if (!killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [tag, ...f] = buf.slice(0, nl).split(' ');
      buf = buf.slice(nl + 1);
      if (tag === 'CREATED') run.created.push(f[0]);
      else if (tag === 'ACK' && f.length === 4) run.acks.push({ jobKey: f[0], instanceKey: f[1], step: Number(f[2]), attempt: f[3] });
      else if (tag === 'DONE') run.done = true;
      if (killWhen?.(run)) kill();
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (run.stderr += chunk));
  const timer = setTimeout(kill, limitMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

test(`Scenario: workers SIGKILLed twice mid-run on ${kind} — every instance completes, each job completes exactly once, no acknowledged completion is lost`, async () => {
  // Given a process killed after a third of the jobs were acknowledged
  const first = await runChild(['start', String(INSTANCES)], 90_000, (r) => r.acks.length >= JOBS / 3);
  expect({ signal: first.signal, stderr: first.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
  expect(first.created).toHaveLength(INSTANCES);
  // …which really was mid-run: some instances had finished, not all.
  const finishedFirst = first.acks.filter((a) => a.step === STEPS).length;
  expect(first.acks.length).toBeLessThan(JOBS);
  expect(finishedFirst).toBeGreaterThan(0);
  expect(finishedFirst).toBeLessThan(INSTANCES);

  // And a second process on the same database killed at two thirds
  const second = await runChild(['work'], 90_000, (r) => first.acks.length + r.acks.length >= (2 * JOBS) / 3);
  expect({ signal: second.signal, stderr: second.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
  expect(second.acks.length).toBeGreaterThan(0);

  // When a third process resumes
  const third = await runChild(['finish'], 120_000);
  expect({ code: third.code, done: third.done, stderr: third.stderr }).toEqual({ code: 0, done: true, stderr: '' });

  // Then, read back by this process:
  const db: Db = await openDb(env.CRASH_DATABASE_URL ? { databaseUrl: env.CRASH_DATABASE_URL, poolMax: 2 } : { dataDir: env.CRASH_PGLITE_DIR });
  try {
    const { rows: instances } = await db.query<{ key: string; state: string; vars: Record<string, { jobKey: string; attempt: string }> }>(
      `select key::text, state, doc->'vars' as vars from engine.process_instances where bpmn_process_id = 'crash-test'`,
    );
    // every instance created is COMPLETED
    expect(instances.map((i) => i.key).sort()).toEqual([...first.created].sort());
    expect(instances.filter((i) => i.state !== 'COMPLETED')).toEqual([]);

    // each (instance, task) has exactly one JOB COMPLETED and one ELEMENT_COMPLETED
    const { rows: counts } = await db.query<{ instance: string; element: string; jobs: number; elements: number; job: string | null }>(
      `select process_instance_key::text as instance, element_id as element,
              count(*) filter (where value_type = 'JOB' and intent = 'COMPLETED')::int as jobs,
              count(*) filter (where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED')::int as elements,
              max(payload->>'jobKey') filter (where value_type = 'JOB' and intent = 'COMPLETED') as job
         from engine.events
        where bpmn_process_id = 'crash-test' and element_id like 'step%'
        group by 1, 2`,
    );
    expect(counts).toHaveLength(JOBS);
    expect(counts.filter((c) => c.jobs !== 1 || c.elements !== 1)).toEqual([]);
    const completedJob = new Map(counts.map((c) => [`${c.instance}/${c.element}`, c.job]));
    const { rows: processEnds } = await db.query<{ n: number }>(
      `select count(*)::int as n from engine.events
        where bpmn_process_id = 'crash-test' and value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and element_type = 'PROCESS'`,
    );
    expect(processEnds[0].n).toBe(INSTANCES);

    // the variables each completion wrote are there once, from the completion that moved the
    // token, and point at an effect recorded for that very job
    const { rows: effects } = await db.query<{ attempt: string; job_key: string; instance_key: string; step: number }>(
      `select attempt::text, job_key::text, instance_key::text, step from public.crash_effects`,
    );
    const effectOf = new Map(effects.map((e) => [e.attempt, e]));
    const wrong: string[] = [];
    const winners = new Set<string>();
    for (const inst of instances) {
      for (let s = 1; s <= STEPS; s++) {
        const v = inst.vars[`step${s}`];
        const e = v && effectOf.get(v.attempt);
        const job = completedJob.get(`${inst.key}/step${s}`);
        if (!v || !e || v.jobKey !== job || e.job_key !== job || e.instance_key !== inst.key || e.step !== s) {
          wrong.push(`${inst.key}/step${s}: var ${JSON.stringify(v)}, effect ${JSON.stringify(e)}, completed job ${job}`);
        } else winners.add(v.attempt);
      }
    }
    expect(wrong).toEqual([]);
    expect(winners.size).toBe(JOBS);

    // every completion acknowledged to a worker — even by a process killed a moment later — is
    // the one that counted; the other effects are deliveries whose completion never committed
    const acks = [...first.acks, ...second.acks, ...third.acks];
    expect(acks.filter((a) => !winners.has(a.attempt))).toEqual([]);
    expect(new Set(acks.map((a) => `${a.instanceKey}/${a.step}`)).size).toBe(acks.length);
    const redelivered = effects.filter((e) => !winners.has(e.attempt));

    // and nothing is left behind
    const { rows: left } = await db.query<{ jobs: number; incidents: number }>(
      `select (select count(*) from engine.jobs where bpmn_process_id = 'crash-test')::int as jobs,
              (select count(*) from engine.incidents where bpmn_process_id = 'crash-test')::int as incidents`,
    );
    expect(left[0]).toEqual({ jobs: 0, incidents: 0 });

    console.log(
      `crash (${kind}): ${INSTANCES} instances × ${STEPS} jobs; killed after ${first.acks.length} and ${first.acks.length + second.acks.length} acknowledged completions ` +
        `(${finishedFirst} instances finished before the first kill); ${effects.length} effects recorded, ${redelivered.length} from deliveries whose completion was lost`,
    );
  } finally {
    await db.close();
  }
}, 400_000);
