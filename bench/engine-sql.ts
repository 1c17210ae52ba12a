/**
 * Every SQL statement of the embedded engine, measured where it runs: the statements under
 * src/engine/embedded/sql, each named by the function of sql/ that the engine calls to send it (a
 * search's count, when the page cannot tell it, is its own row: `… (count)`).
 *
 *   npm run bench:engine-sql -- [--db postgres|pglite] [--history 10000] [--measured 500] [--reads 200]
 *
 * First `--history` instances build a history (each: start → job task with a timer boundary →
 * message catch → end; one in ten fails its job into an incident that is then resolved, one in
 * twenty is cancelled, one in ten gets variables set, one in four has its message published
 * before it waits, so the message is buffered; every job's type is read as a worker token's
 * authorization reads it; and one in ten starts a Camunda user task process beside it — a task
 * with candidate groups and a form, and a signal boundary event of its own name —, half of whose
 * tasks are completed and one in six withdrawn by its signal), then ANALYZE. Then `--measured`
 * more instances run the same workload while every statement's latency is recorded by its sending function, and the
 * clock moves two days so the boundary timers of the instances still waiting fire. Then the read
 * side (EmbeddedEngineQueries: searches, lookups by key, the trace's reads, user tasks, forms and
 * a task's variables) is read `--reads` times (default 200) over the measured instances. Each
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
import { jobTypeOf } from '../src/engine/embedded/job-type.js';
import { EmbeddedEngineQueries } from '../src/engine/embedded/queries.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    history: { type: 'string', default: '10000' },
    measured: { type: 'string', default: '500' },
    reads: { type: 'string', default: '200' },
  },
});
const kind = values.db === 'pglite' ? 'pglite' : 'postgres';
const HISTORY = Number(values.history);
const MEASURED = Number(values.measured);
const READS = Number(values.reads);
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

/** The user task process: a Camunda user task with a form and candidate groups, withdrawn by a signal named per instance. */
const TASK_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="t" targetNamespace="http://lienthong.vn/bench">
  <bpmn:signal id="withdraw" name="=withdrawSignal"/>
  <bpmn:process id="bench-sql-task" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Thẩm định"><bpmn:extensionElements><zeebe:userTask/><zeebe:assignmentDefinition candidateGroups="g1, g2"/><zeebe:formDefinition formId="bench-form"/></bpmn:extensionElements></bpmn:userTask>
    <bpmn:boundaryEvent id="withdrawn" attachedToRef="review"><bpmn:signalEventDefinition signalRef="withdraw"/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="withdrawn" targetRef="withdrawnEnd"/>
    <bpmn:endEvent id="withdrawnEnd"/>
  </bpmn:process>
</bpmn:definitions>`;

const FORM = JSON.stringify({ id: 'bench-form', type: 'default', schemaVersion: 16, components: [{ type: 'textfield', key: 'note', label: 'Ghi chú' }] });

interface Stat {
  ms: number[];
  sample?: { sql: string; params?: unknown[] };
}

Error.stackTraceLimit = 40; // deep enough to see where a statement entered sql/

/**
 * Who sent a statement: the first frame of the engine's own files, and when that is in sql/, the
 * outermost frame of sql/ the call came through (`sql/timers.claimDueTimers`;
 * `sql/searchTables.searchIncidents`, not the `runSearch` it calls).
 */
function sender(): string | undefined {
  const stack = new Error().stack ?? '';
  let who: string | undefined;
  for (const line of stack.split('\n').slice(2)) {
    const m = /at (?:async )?([\w.<>]+) \(.*\/engine\/embedded\/((?:sql\/)?[\w-]+)\.js/.exec(line);
    if (!m) continue;
    const name = `${m[2]}.${m[1].replace(/^.*\./, '')}`;
    if (!who) who = name;
    else if (who.startsWith('sql/') && m[2].startsWith('sql/')) who = name;
    else break;
    if (!who.startsWith('sql/')) break;
  }
  return who;
}

class Recorder {
  on = false;
  readonly stats = new Map<string, Stat>();
  wrap(db: Db): Db {
    const timed = (q: Queryable): Queryable => ({
      query: async (sql, params) => {
        const who = this.on ? sender() : undefined;
        const label = who && /^select count\(\*\)::int as n from/.test(sql) ? `${who} (count)` : who;
        const t = performance.now();
        try {
          return await q.query(sql, params);
        } finally {
          if (label) {
            const s = this.stats.get(label) ?? { ms: [] };
            s.ms.push(performance.now() - t);
            s.sample ??= { sql, params };
            this.stats.set(label, s);
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
    const tasks = new Map<number, string>(); // the user task process's instances
    for (const i of ids) {
      if (i % 4 === 0) await engine.publishMessage({ name: 'paid', correlationKey: `k${i}`, timeToLive: DAY, messageId: `m${i}` });
      const version = i % 3 === 0 ? 1 : undefined; // by id and version, or the latest
      keys.set(i, (await engine.createProcessInstance({ bpmnProcessId: 'bench-sql', version, variables: { key: `k${i}` } })).processInstanceKey);
      if (i % 10 === 1) {
        const variables = { withdrawSignal: `withdraw-${i}`, applicant: `a${i}` };
        tasks.set(i, (await engine.createProcessInstance({ bpmnProcessId: 'bench-sql-task', variables })).processInstanceKey);
      }
    }
    for (const [i, pik] of tasks) {
      if (i % 20 === 1) {
        const [task] = (await engine.db.query<{ key: string }>(`select key::text from engine.user_tasks where process_instance_key = $1`, [pik])).rows;
        await engine.completeUserTask({ userTaskKey: task.key, variables: { approved: true } });
      } else if (i % 30 === 11) await engine.broadcastSignal({ signalName: `withdraw-${i}` });
    }
    for (const i of ids) if (i % 20 === 19) await engine.cancelProcessInstance(keys.get(i)!);
    const jobs = await engine.activateJobs({ type: TYPE, worker: 'bench', maxJobsToActivate: CHUNK, timeout: 60_000 });
    const byInstance = new Map(jobs.map((j) => [j.processInstanceKey, j]));
    for (const j of jobs) await jobTypeOf(engine.db, j.key); // as a worker token's authorization reads it
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

/**
 * The read side over the measured instances: what the dossier pages, the trace, the inbox and the
 * REST API's searches and lookups send, `count` times each.
 */
async function reads(db: Db, count: number): Promise<void> {
  const queries = new EmbeddedEngineQueries(db);
  const pick = async (sql: string) => (await db.query<{ key: string }>(sql, [count])).rows.map((r) => r.key);
  const instances = await pick(`select key::text from engine.process_instances where bpmn_process_id = 'bench-sql' order by key desc limit $1`);
  const incidents = await pick(`select key::text from engine.incidents order by key desc limit $1`);
  const tasks = await pick(`select key::text from engine.user_tasks order by key desc limit $1`);
  const [definition] = await pick(`select key::text from engine.definitions where bpmn_process_id = 'bench-sql' order by version desc limit $1`);
  const [form] = await pick(`select key::text from engine.forms order by key desc limit $1`);
  const page = { limit: 50 };
  for (let n = 0; n < count; n++) {
    const pik = instances[n % instances.length];
    const task = tasks[n % tasks.length];
    await queries.searchProcessInstances({
      filter: { processDefinitionId: 'bench-sql', state: n % 2 ? 'ACTIVE' : 'COMPLETED' },
      sort: [{ field: 'startDate', order: 'DESC' }],
      page: { limit: 50, from: (n % 5) * 50 },
    });
    await queries.getProcessInstance(pik);
    await queries.getSequenceFlows(pik);
    await queries.getElementInstanceStatistics(pik);
    await queries.searchElementInstances({ filter: { processInstanceKey: pik }, page });
    await queries.searchVariableChanges({ filter: { processInstanceKey: pik }, page });
    await queries.searchIncidents({ filter: { processDefinitionId: 'bench-sql' }, sort: [{ field: 'creationTime', order: 'DESC' }], page });
    await queries.getIncident(incidents[n % incidents.length]);
    await queries.searchProcessDefinitions({ filter: { processDefinitionId: 'bench-sql', isLatestVersion: true }, page });
    await queries.getProcessDefinition(definition);
    await queries.getProcessDefinitionXml(definition);
    await queries.searchUserTasks({
      filter: { state: 'CREATED', candidateGroup: n % 2 ? 'g1' : { $in: ['g2', 'g3'] } },
      sort: [{ field: 'creationDate', order: 'DESC' }],
      page,
    });
    await queries.getUserTask(task);
    await queries.getUserTaskForm(task);
    await queries.searchUserTaskVariables(task, { filter: {}, page });
    await queries.getForm(n % 2 ? { formId: 'bench-form' } : { formKey: form });
    await queries.listLatestForms();
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
    await engine.deployResources([
      { name: 'bench-sql.bpmn', content: XML },
      { name: 'bench-sql-task.bpmn', content: TASK_XML },
      { name: 'bench-form.form', content: FORM },
    ]);
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
    await reads(db, READS);
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
      `engine SQL on ${kind} (${scratch.where}), history ${HISTORY} instances (${events} events, built in ${historyS.toFixed(0)} s), measured over ${MEASURED} more and ${READS} rounds of reads; load ${loadavg()[0].toFixed(1)}`,
    );
    console.table(rows);
    console.log(JSON.stringify({ db: kind, history: HISTORY, events, measured: MEASURED, reads: READS, statements: rows }));
  } finally {
    await engine.close();
    await scratch.drop();
  }
}

await main();
