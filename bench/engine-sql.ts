/**
 * Every SQL statement of the embedded engine, measured where it runs: the statements under
 * src/engine/embedded/sql (and the key-block sequence), each named by the function that sends it.
 *
 *   npm run bench:engine-sql -- [--db postgres|pglite] [--history 10000] [--measured 500]
 *
 * First `--history` instances build a history (each: start → job task with a timer boundary →
 * message catch → end; one in ten fails its job into an incident that is then resolved, one in
 * twenty is cancelled, one in ten gets variables set, one in four has its message published
 * before it waits, so the message is buffered), then ANALYZE. Then `--measured` more instances run
 * the same workload while every statement's latency is recorded by its sending function, and the
 * clock moves two days so the boundary timers of the instances still waiting fire. Each
 * statement's plan is read with EXPLAIN (not ANALYZE: writes are not repeated) on the parameters of
 * its first call, and summarised as the scans it uses.
 *
 * PostgreSQL runs in a scratch database created and dropped here; PGlite in a temporary directory.
 * Prints a table; the last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { Db, Queryable } from '../src/db/index.js';
import { ManualClock } from '../src/clock.js';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    history: { type: 'string', default: '10000' },
    measured: { type: 'string', default: '500' },
  },
});
const kind = values.db === 'pglite' ? 'pglite' : 'postgres';
const HISTORY = Number(values.history);
const MEASURED = Number(values.measured);
const TYPE = 'bench-sql-work';
const DAY = 86_400_000;

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://lienthong.vn/bench">
  <bpmn:message id="m" name="paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=key"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="bench-sql" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" name="Xử lý"><bpmn:extensionElements><zeebe:taskDefinition type="${TYPE}" retries="3"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="lateEnd"/>
    <bpmn:endEvent id="lateEnd"/>
  </bpmn:process>
</bpmn:definitions>`;

interface Stat {
  ms: number[];
  sample?: { sql: string; params?: unknown[] };
}

/** Who sent a statement: the first frame of the engine's own files (`sql/timers.claimDueTimers`). */
function sender(): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(2)) {
    const m = /at (?:async )?([\w.<>]+) \(.*\/engine\/embedded\/((?:sql\/)?[\w-]+)\.js/.exec(line);
    if (m) return `${m[2]}.${m[1].replace(/^.*\./, '')}`;
  }
  return undefined;
}

class Recorder {
  on = false;
  readonly stats = new Map<string, Stat>();
  wrap(db: Db): Db {
    const timed = (q: Queryable): Queryable => ({
      query: async (sql, params) => {
        const who = this.on ? sender() : undefined;
        const t = performance.now();
        try {
          return await q.query(sql, params);
        } finally {
          if (who) {
            const s = this.stats.get(who) ?? { ms: [] };
            s.ms.push(performance.now() - t);
            s.sample ??= { sql, params };
            this.stats.set(who, s);
          }
        }
      },
    });
    const top = timed(db);
    return { ...db, query: (sql, params) => top.query(sql, params), tx: (fn) => db.tx((q) => fn(timed(q))) };
  }
}

async function workload(engine: EmbeddedEngine, from: number, count: number): Promise<void> {
  const CHUNK = 50;
  for (let start = from; start < from + count; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, from + count - start) }, (_, i) => start + i);
    const keys = new Map<number, string>();
    for (const i of ids) {
      if (i % 4 === 0) await engine.publishMessage({ name: 'paid', correlationKey: `k${i}`, timeToLive: DAY, messageId: `m${i}` });
      const version = i % 3 === 0 ? 1 : undefined; // by id and version, or the latest
      keys.set(i, (await engine.createProcessInstance({ bpmnProcessId: 'bench-sql', version, variables: { key: `k${i}` } })).processInstanceKey);
    }
    for (const i of ids) if (i % 20 === 19) await engine.cancelProcessInstance(keys.get(i)!);
    const jobs = await engine.activateJobs({ type: TYPE, worker: 'bench', maxJobsToActivate: CHUNK, timeout: 60_000 });
    const byInstance = new Map(jobs.map((j) => [j.processInstanceKey, j]));
    for (const i of ids) {
      const job = byInstance.get(keys.get(i)!);
      if (job && i % 10 === 3) await engine.setVariables({ elementInstanceKey: job.elementInstanceKey, variables: { note: `n${i}` }, local: true });
      else if (i % 10 === 4) await engine.setVariables({ elementInstanceKey: keys.get(i)!, variables: { note: `n${i}` } });
    }
    const completions: Promise<void>[] = []; // completed together: the engine batches them
    for (const i of ids) {
      const job = byInstance.get(keys.get(i)!);
      if (!job) continue;
      if (i % 10 === 7) {
        await engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'bench' });
        await engine.updateJobRetries(job.key, 1);
        const [incident] = (await engine.db.query<{ key: string }>(`select key::text from engine.incidents where job_key = $1 and state = 'ACTIVE'`, [job.key]))
          .rows;
        await engine.resolveIncident(incident.key);
        continue; // its job waits, activatable again: the timer fires it later
      }
      if (i % 8 === 5) {
        await engine.updateJobTimeout(job.key, 120_000);
        continue; // left waiting: the boundary timer takes it two days later
      }
      completions.push(engine.completeJob({ jobKey: job.key, variables: { done: true } }));
    }
    await Promise.all(completions);
    for (const i of ids) {
      if (i % 4 !== 0 && i % 10 !== 7 && i % 8 !== 5) await engine.publishMessage({ name: 'paid', correlationKey: `k${i}`, timeToLive: 0 });
    }
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** The scans a plan uses, e.g. `Index Scan jobs_pkey, Seq Scan timers`. */
function scans(plan: any): string {
  const out = new Set<string>();
  const walk = (n: any) => {
    const t: string = n['Node Type'];
    if (/Scan|Insert|Update|Delete|ModifyTable|Function/.test(t))
      out.add([t, n['Index Name'] ?? n['Relation Name'] ?? n['Function Name']].filter(Boolean).join(' '));
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan.Plan);
  return [...out].join(', ');
}

async function main(): Promise<void> {
  const scratch = await openScratchDb(kind, { poolMax: 4 });
  const rec = new Recorder();
  const db = rec.wrap(scratch.db);
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 1, 0, 0));
  const engine = new EmbeddedEngine(db, { clock, scheduler: false });
  try {
    await engine.deployResources([{ name: 'bench-sql.bpmn', content: XML }]);
    const t0 = performance.now();
    await workload(engine, 0, HISTORY);
    clock.advance(2 * DAY);
    while ((await engine.tick()).timers > 0);
    await db.query('analyze');
    const historyS = (performance.now() - t0) / 1000;
    const events = (await db.query<{ n: number }>('select count(*)::int as n from engine.events')).rows[0].n;
    rec.on = true;
    await engine.deployResources([{ name: 'bench-sql.bpmn', content: XML.replace('Xử lý', 'Xử lý hồ sơ') }]);
    await workload(engine, HISTORY, MEASURED);
    clock.advance(2 * DAY);
    while ((await engine.tick()).timers > 0);
    // Another process's engine reads a definition it has not cached.
    const other = new EmbeddedEngine(db, { clock, scheduler: false });
    const [latest] = (await db.query<{ key: string }>(`select key::text from engine.definitions order by version desc limit 1`)).rows;
    await other.definition(latest.key);
    await other.close();
    rec.on = false;

    const rows = [];
    for (const [who, s] of [...rec.stats].sort((a, b) => a[0].localeCompare(b[0]))) {
      let plan = '';
      if (kind === 'postgres' && s.sample && !/^\s*(begin|commit|rollback)/i.test(s.sample.sql)) {
        try {
          const r = await scratch.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${s.sample.sql}`, s.sample.params);
          plan = scans((r.rows[0]['QUERY PLAN'] as any[])[0]);
        } catch (e) {
          plan = `(no plan: ${(e as Error).message.slice(0, 40)})`;
        }
      }
      rows.push({ statement: who, calls: s.ms.length, p50Ms: +pct(s.ms, 50).toFixed(2), p99Ms: +pct(s.ms, 99).toFixed(2), plan });
    }
    console.log(
      `engine SQL on ${kind} (${scratch.where}), history ${HISTORY} instances (${events} events, built in ${historyS.toFixed(0)} s), measured over ${MEASURED} more; load ${loadavg()[0].toFixed(1)}`,
    );
    console.table(rows);
    console.log(JSON.stringify({ db: kind, history: HISTORY, events, measured: MEASURED, statements: rows }));
  } finally {
    await engine.close();
    await scratch.drop();
  }
}

await main();
