// The process the crash test kills: the BUILT engine (dist/) on a database it shares with the
// test — CRASH_DATABASE_URL (PostgreSQL) or CRASH_PGLITE_DIR (a PGlite data directory).
//
//   node tests/crash/child.mjs start <instances>   deploy, create the instances, run workers
//   node tests/crash/child.mjs work                deploy again (a no-op), run workers
//   node tests/crash/child.mjs finish              the same, until every instance is COMPLETED,
//                                                  then shut down cleanly
// (`start` and `work` run until they are killed.)
//
// Each handler first records its job's effect in crash_effects, under an attempt id of its own,
// then completes the job with a variable naming that attempt — so the test can tell which of a
// job's recorded effects belongs to the completion that moved the token. Every acknowledged step
// is written to stdout as one line:
//   CREATED <instanceKey>
//   ACK <jobKey> <instanceKey> <step> <attempt>   (complete() resolved: the completion committed)
//   DONE
import { randomUUID } from 'node:crypto';

const dist = new URL('../../dist/src/', import.meta.url);
const { openDb } = await import(new URL('db/index.js', dist).href);
const { EmbeddedEngine } = await import(new URL('engine/embedded/engine.js', dist).href);

const STEPS = 3;
const [mode, count] = process.argv.slice(2);
const url = process.env.CRASH_DATABASE_URL;
const dir = process.env.CRASH_PGLITE_DIR;
if (!url && !dir) throw new Error('set CRASH_DATABASE_URL or CRASH_PGLITE_DIR');
// Short reservations: jobs held by a killed process go back to the workers soon.
const JOB_TIMEOUT = Number(process.env.CRASH_JOB_TIMEOUT ?? 3000);

const out = (line) => process.stdout.write(line + '\n');

const tasks = Array.from(
  { length: STEPS },
  (_, i) =>
    `<bpmn:serviceTask id="step${i + 1}"><bpmn:extensionElements><zeebe:taskDefinition type="crash-step-${i + 1}"/></bpmn:extensionElements></bpmn:serviceTask>`,
);
const ids = ['start', ...tasks.map((_, i) => `step${i + 1}`), 'end'];
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="crash" targetNamespace="http://lienthong.vn/crash">
  <bpmn:process id="crash-test" isExecutable="true">
    <bpmn:startEvent id="start"/>
    ${tasks.join('\n    ')}
    <bpmn:endEvent id="end"/>
    ${ids
      .slice(1)
      .map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}"/>`)
      .join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;

const db = await openDb(url ? { databaseUrl: url, poolMax: 6 } : { dataDir: dir });
await db.query(`create table if not exists public.crash_effects (
  attempt uuid primary key,
  job_key bigint not null,
  instance_key bigint not null,
  step int not null,
  pid int not null,
  at timestamptz not null default now())`);
const engine = new EmbeddedEngine(db);
await engine.start();
await engine.deployResources([{ name: 'crash-test.bpmn', content: xml }]);

if (mode === 'start') {
  const n = Number(count);
  for (let i = 0; i < n; i++) {
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'crash-test', variables: { n: i } });
    out(`CREATED ${processInstanceKey}`);
  }
} else if (mode !== 'work' && mode !== 'finish') {
  throw new Error(`unknown mode ${mode}`);
}

const workers = [];
for (let s = 1; s <= STEPS; s++) {
  workers.push(
    engine.createWorker({
      type: `crash-step-${s}`,
      concurrency: 8,
      timeout: JOB_TIMEOUT,
      pollInterval: 200,
      onError: (e) => {
        // A completion refused because a redelivered twin won is at-least-once, not a failure.
        if (!/not found/.test(String(e?.message))) process.stderr.write(`worker crash-step-${s}: ${e?.stack ?? e}\n`);
      },
      handler: async (job) => {
        const attempt = randomUUID();
        await db.query(`insert into public.crash_effects (attempt, job_key, instance_key, step, pid) values ($1, $2, $3, $4, $5)`, [
          attempt,
          job.key,
          job.processInstanceKey,
          s,
          process.pid,
        ]);
        const done = await job.complete({ [`step${s}`]: { jobKey: job.key, attempt } });
        out(`ACK ${job.key} ${job.processInstanceKey} ${s} ${attempt}`);
        return done;
      },
    }),
  );
}

if (mode === 'finish') {
  // Run until nothing is left, then shut down the way a deploy would.
  for (;;) {
    const { rows } = await db.query(`select count(*)::int as n from engine.process_instances where state = 'ACTIVE'`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await Promise.all(workers.map((w) => w.close()));
  await engine.close();
  await db.close();
  out('DONE');
}
