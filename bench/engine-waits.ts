/**
 * Timers and messages: how fast the embedded engine fires due timers and correlates messages.
 *
 *   npm run bench:waits -- [--db pglite|postgres] [--timers 100000] [--waiting 10000]
 *                          [--schedulers 4] [--batch 500] [--publishers 16]
 *
 * Timers: `--timers` instances of start → timer catch (PT1H) → end are laid down by SQL in bulk
 * (setup is not what is measured: each row is what the engine itself writes when an instance
 * enters the catch event), then the engine clock jumps past the due time and `--schedulers`
 * concurrent scheduler loops (`fireDueTimers(--batch)`, as `tick()` does) fire them all; each
 * firing completes its instance. Reported: timers fired per second, wall time.
 *
 * Messages: `--waiting` instances of start → message catch (correlation key = its dossier code)
 * → end are created through the engine; then one message per instance is published (TTL 0) by
 * `--publishers` concurrent publishers. Reported: messages correlated per second.
 *
 * PostgreSQL runs in a scratch database created and dropped here (synchronous_commit on); PGlite
 * in a temporary data directory. The last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { EmbeddedEngine } from '../src/engine/embedded/engine.js';
import { ManualClock } from '../src/clock.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    timers: { type: 'string' },
    waiting: { type: 'string' },
    schedulers: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
    publishers: { type: 'string', default: '16' },
  },
});
const kind = values.db === 'postgres' ? 'postgres' : 'pglite';
const timers = Number(values.timers ?? (kind === 'postgres' ? 100_000 : 20_000));
const waiting = Number(values.waiting ?? (kind === 'postgres' ? 10_000 : 2_000));
const schedulers = kind === 'pglite' ? 1 : Number(values.schedulers);
const batch = Number(values.batch);
const publishers = Number(values.publishers);

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">`;
const TIMER_BPMN = `${HEAD}
  <bpmn:process id="bench-timer" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
const MESSAGE_BPMN = `${HEAD}
  <bpmn:message id="m" name="answer"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="bench-message" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

async function main(): Promise<void> {
  const scratch = await openScratchDb(kind, { poolMax: Math.max(schedulers, publishers) + 2 });
  const { db } = scratch;
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 1, 0, 0));
  const engine = new EmbeddedEngine(db, { clock, scheduler: false });
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    // ---- timers ----
    const dep = await engine.deployResources([{ name: 'timer.bpmn', content: TIMER_BPMN }]);
    const defKey = dep.processes[0].processDefinitionKey;
    const now = clock.now();
    const due = now + 3_600_000;
    // Keys far above the engine's own blocks, so nothing collides.
    const base = 2n ** 60n;
    await db.query(
      `insert into engine.process_instances (key, definition_key, bpmn_process_id, version, state, doc, has_incident, started_at)
       select ($1::bigint + g * 2), $2, 'bench-timer', 1, 'ACTIVE',
         jsonb_build_object('vars', '{}'::jsonb, 'els', jsonb_build_object(($1::bigint + g * 2 + 1)::text,
           jsonb_build_object('key', ($1::bigint + g * 2 + 1)::text, 'id', 'wait', 'scope', ($1::bigint + g * 2)::text, 'state', 'ACTIVATED'))),
         false, to_timestamp($3 / 1000.0)
       from generate_series(1, $4) g`,
      [base.toString(), defKey, now, timers],
    );
    await db.query(
      `insert into engine.timers (key, due_at, process_instance_key, element_instance_key, element_id, target_element_id,
         definition_key, bpmn_process_id, repetitions, created_at)
       select ($1::bigint + g * 2 + 2 * $4 + 10), to_timestamp($3 / 1000.0), ($1::bigint + g * 2), ($1::bigint + g * 2 + 1),
         'wait', 'wait', $2, 'bench-timer', 0, to_timestamp($3 / 1000.0)
       from generate_series(1, $4) g`,
      [base.toString(), defKey, due, timers],
    );
    await db.query('analyze engine.timers');
    await db.query('analyze engine.process_instances');
    clock.set(due);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: schedulers }, async () => {
        for (;;) {
          const n = await engine.fireDueTimers(batch);
          if (n === 0) break;
        }
      }),
    );
    const timerSec = (performance.now() - t0) / 1000;
    const { rows: done } = await db.query<{ n: number }>(
      `select count(*)::int as n from engine.process_instances where bpmn_process_id = 'bench-timer' and state = 'COMPLETED'`,
    );
    if (done[0].n !== timers) throw new Error(`expected ${timers} completed timer instances, found ${done[0].n}`);

    // ---- messages ----
    await engine.deployResources([{ name: 'message.bpmn', content: MESSAGE_BPMN }]);
    let next = 0;
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        while (next < waiting) {
          const i = next++;
          await engine.createProcessInstance({ bpmnProcessId: 'bench-message', variables: { dossierCode: `HS-${i}` } });
        }
      }),
    );
    const t1 = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        while (sent < waiting) {
          const i = sent++;
          await engine.publishMessage({ name: 'answer', correlationKey: `HS-${i}`, timeToLive: 0, variables: { i } });
        }
      }),
    );
    const msgSec = (performance.now() - t1) / 1000;
    const { rows: mdone } = await db.query<{ n: number }>(
      `select count(*)::int as n from engine.process_instances where bpmn_process_id = 'bench-message' and state = 'COMPLETED'`,
    );
    if (mdone[0].n !== waiting) throw new Error(`expected ${waiting} completed message instances, found ${mdone[0].n}`);

    clearInterval(sample);
    const result = {
      bench: 'engine-waits',
      db: kind,
      timers,
      timersPerSec: Math.round(timers / timerSec),
      timerSeconds: Number(timerSec.toFixed(2)),
      waitingInstances: waiting,
      messagesPerSec: Math.round(waiting / msgSec),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
    console.log(`engine-waits on ${kind} (${scratch.where}; synchronous_commit=${scratch.settings.synchronous_commit})`);
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| timers due at once | ${timers} |`);
    console.log(`| fired in | ${result.timerSeconds} s (${schedulers} schedulers × batch ${batch}) |`);
    console.log(`| timers/s | ${result.timersPerSec} |`);
    console.log(`| waiting instances | ${waiting} |`);
    console.log(`| messages correlated/s | ${result.messagesPerSec} (${publishers} publishers) |`);
    console.log(`| peak RSS | ${result.peakRssMb} MB |`);
    console.log(JSON.stringify(result));
  } finally {
    clearInterval(sample);
    await engine.close();
    await scratch.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
