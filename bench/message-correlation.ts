/**
 * CorrelateMessage latency against the size of the event history.
 *
 *   node scripts/build-if-needed.mjs && node dist/bench/message-correlation.js \
 *     [--db postgres|pglite] [--sizes 10000,1000000] [--messages 400] [--starts 100] [--warmup 50]
 *
 * For each size, in order: `--messages` instances of start → message catch (correlation key =
 * its dossier code) → end are created through the engine, then engine.events is topped up to
 * that many rows with filler events (`INSERT … SELECT generate_series`: a realistic mix, one in
 * ten a MESSAGE CORRELATED event of some other message), then ANALYZE. Measured, one call at a
 * time so the figure is latency, not throughput: `correlateMessage` for each waiting instance,
 * then `--starts` more that start an instance by a message start event. Every call's answer is
 * checked against the instance its CORRELATED event names (after the timing). `--warmup` rounds
 * of both kinds run first, unmeasured.
 *
 * For comparison the bench also times, on the same data, the statement correlateMessage used to
 * send after publishing — the first MESSAGE CORRELATED event with this message key, found by
 * filtering engine.events on `payload->>'messageKey'` — and shows its plan's rows removed by the
 * filter (50 calls per size). The engine no longer sends it: the publish command returns the
 * instance.
 *
 * PostgreSQL runs in a scratch database created and dropped here (synchronous_commit on); PGlite
 * in a temporary data directory. Prints a table; the last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { Db } from '../src/db/index.js';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { countingDb, DbCounters } from './support/counting-db.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    sizes: { type: 'string', default: '10000,1000000' },
    messages: { type: 'string', default: '400' },
    starts: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '50' },
  },
});
const kind = values.db === 'postgres' ? 'postgres' : 'pglite';
const sizes = values.sizes.split(',').map((s) => Number(s.replace(/_/g, '')));
const messages = Number(values.messages);
const starts = Number(values.starts);
const warmup = Number(values.warmup);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(messages > 0) || !(starts >= 0)) throw new Error('bad --sizes, --messages or --starts');

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">`;
const WAITING_BPMN = `${HEAD}
  <bpmn:message id="m" name="answer"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="bench-waiting" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
const START_BPMN = `${HEAD}
  <bpmn:message id="m" name="dossier-received"/>
  <bpmn:process id="bench-start" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

/** The statement correlateMessage sent after publishing until it was removed (for comparison only). */
const OLD_READ = `select process_instance_key::text as k from engine.events
  where value_type = 'MESSAGE' and intent = 'CORRELATED' and payload->>'messageKey' = $1 order by position limit 1`;

/** Calls of the removed read timed per size (it is slow on a long history). */
const OLD_SAMPLES = 50;

interface SizeResult {
  events: number;
  eventsMb: number;
  waitingP50: number;
  waitingP99: number;
  startP50: number;
  startP99: number;
  statementsPerCall: number;
  eventReadsPerCall: number;
  oldReadP50: number;
  oldReadP99: number;
  oldReadRowsRemoved: number | null;
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const scratch = await openScratchDb(kind, { poolMax: 4 });
  const { db } = scratch;
  const counters = new DbCounters();
  const engine = new EmbeddedEngine(countingDb(db, counters), { scheduler: false });
  const results: SizeResult[] = [];
  let seq = 0;
  try {
    await engine.deployResources([
      { name: 'waiting.bpmn', content: WAITING_BPMN },
      { name: 'start.bpmn', content: START_BPMN },
    ]);
    // Warm-up, not measured: connections, prepared statements, the definitions cache.
    for (let i = 0; i < warmup; i++) {
      const code = `WARM-${i}`;
      await engine.createProcessInstance({ bpmnProcessId: 'bench-waiting', variables: { dossierCode: code } });
      await engine.correlateMessage({ name: 'answer', correlationKey: code });
      await engine.correlateMessage({ name: 'dossier-received', correlationKey: code });
    }
    for (const size of sizes) {
      // ---- instances waiting for their message ----
      const waiting = new Map<string, string>(); // dossier code → instance
      for (let i = 0; i < messages; i++) {
        const code = `HS-${seq++}`;
        const { processInstanceKey } = await engine.createProcessInstance({
          bpmnProcessId: 'bench-waiting',
          variables: { dossierCode: code },
        });
        waiting.set(code, processInstanceKey);
      }
      // ---- history: top engine.events up to `size` rows ----
      const have = await count(db, 'select count(*)::int as n from engine.events');
      if (have > size) throw new Error(`engine.events already holds ${have} rows, more than --sizes ${size}`);
      const tFill = performance.now();
      await db.query(
        `insert into engine.events (at, value_type, intent, process_instance_key, element_instance_key, element_id, bpmn_process_id, payload)
         select now() - make_interval(secs => ($1 - g) / 100.0),
                case when g % 10 = 0 then 'MESSAGE' when g % 10 < 5 then 'PROCESS_INSTANCE' else 'JOB' end,
                case when g % 10 = 0 then 'CORRELATED' when g % 10 < 5 then 'ELEMENT_COMPLETED' else 'COMPLETED' end,
                1000000 + g / 20, 2000000 + g, 'filler-' || (g % 7), 'filler',
                case when g % 10 = 0 then jsonb_build_object('messageKey', (3000000 + g)::text, 'name', 'other', 'correlationKey', 'X-' || g)
                     else jsonb_build_object('jobKey', (4000000 + g)::text) end
           from generate_series(1, $1) g`,
        [size - have],
      );
      // Fresh statistics for every table a correlation touches, as autovacuum would have them.
      await db.query('analyze engine.events, engine.process_instances, engine.message_subscriptions, engine.message_correlations');
      const fillSec = (performance.now() - tFill) / 1000;
      const events = await count(db, 'select count(*)::int as n from engine.events');
      const eventsMb = await count(db, `select (pg_total_relation_size('engine.events') / 1048576)::int as n`);

      // ---- correlateMessage, one call at a time ----
      counters.reset();
      const waitingMs: number[] = [];
      const answers: { messageKey: string; processInstanceKey: string; expect?: string }[] = [];
      for (const [code, inst] of waiting) {
        const t = performance.now();
        const r = await engine.correlateMessage({ name: 'answer', correlationKey: code, variables: { answered: true } });
        waitingMs.push(performance.now() - t);
        answers.push({ ...r, expect: inst });
      }
      const startMs: number[] = [];
      for (let i = 0; i < starts; i++) {
        const t = performance.now();
        const r = await engine.correlateMessage({ name: 'dossier-received', correlationKey: `NEW-${seq++}` });
        startMs.push(performance.now() - t);
        answers.push(r);
      }
      const calls = messages + starts;
      const eventReads = [...counters.byStatement.entries()].filter(([sql]) => /\bfrom engine\.events\b/i.test(sql)).reduce((n, [, s]) => n + s.calls, 0);
      const statementsPerCall = counters.statements / calls;

      // ---- the answers are the instances the CORRELATED events name ----
      for (const a of answers) {
        const { rows } = await db.query<{ m: string }>(
          `select payload->>'messageKey' as m from engine.events
            where process_instance_key = $1 and value_type = 'MESSAGE' and intent = 'CORRELATED'`,
          [a.processInstanceKey],
        );
        if (rows.length !== 1 || rows[0].m !== a.messageKey || (a.expect && a.expect !== a.processInstanceKey)) {
          throw new Error(
            `message ${a.messageKey}: correlateMessage said ${a.processInstanceKey} (expected ${a.expect ?? 'a new instance'}), whose CORRELATED events name ${JSON.stringify(rows)}`,
          );
        }
      }
      const done = await count(db, `select count(*)::int as n from engine.process_instances where bpmn_process_id = 'bench-waiting' and state = 'ACTIVE'`);
      if (done !== 0) throw new Error(`${done} waiting instances did not get their message`);

      // ---- for comparison: the read correlateMessage used to send after publishing ----
      const oldMs: number[] = [];
      for (const a of answers.filter((_, i) => i % Math.ceil(answers.length / OLD_SAMPLES) === 0)) {
        const t = performance.now();
        await db.query(OLD_READ, [a.messageKey]);
        oldMs.push(performance.now() - t);
      }
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, format text) ${OLD_READ.replace('$1', `'${answers[answers.length - 1].messageKey}'`)}`,
      );
      const removed = plan.rows
        .map((r) => r['QUERY PLAN'])
        .join('\n')
        .match(/Rows Removed by Filter: (\d+)/);

      results.push({
        events,
        eventsMb,
        waitingP50: round(pct(waitingMs, 50)),
        waitingP99: round(pct(waitingMs, 99)),
        startP50: round(pct(startMs, 50)),
        startP99: round(pct(startMs, 99)),
        statementsPerCall: round(statementsPerCall),
        eventReadsPerCall: round(eventReads / calls),
        oldReadP50: round(pct(oldMs, 50)),
        oldReadP99: round(pct(oldMs, 99)),
        oldReadRowsRemoved: removed ? Number(removed[1]) : null,
      });
      console.error(`  ${events} events (${fillSec.toFixed(1)} s to fill): done`);
    }

    const load1 = loadavg();
    console.log(
      `message-correlation on ${kind} ${scratch.settings.server_version} (${scratch.where}; synchronous_commit=${scratch.settings.synchronous_commit})`,
    );
    console.log(
      `${messages} correlations to waiting instances + ${starts} by message start per size, one call at a time; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after`,
    );
    console.log(
      '| rows in engine.events | correlateMessage → waiting instance p50 / p99 | → message start p50 / p99 | statements per call (BEGIN, COMMIT included) | reads of engine.events per call | the removed read, alone: p50 / p99, rows removed by filter |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.events.toLocaleString('en')} (${r.eventsMb} MB) | ${r.waitingP50} / ${r.waitingP99} ms | ${r.startP50} / ${r.startP99} ms | ${r.statementsPerCall} | ${r.eventReadsPerCall} | ${r.oldReadP50} / ${r.oldReadP99} ms, ${r.oldReadRowsRemoved?.toLocaleString('en') ?? '?'} |`,
      );
    }
    console.log(JSON.stringify({ bench: 'message-correlation', db: kind, messages, starts, loadavg: load0, sizes: results }));
  } finally {
    await engine.close();
    await scratch.drop();
  }
}

async function count(db: Db, sql: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql);
  return rows[0].n;
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
