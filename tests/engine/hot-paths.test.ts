/**
 * Two hot paths, checked by the statements the engine sends:
 *
 * - CorrelateMessage answers with the instance the message correlated to first, taken from the
 *   publish command itself: no statement reads engine.events, so its cost does not grow with the
 *   event history.
 * - Deployed definitions are cached by key: completing a job, or starting an instance of the
 *   latest version, reads nothing from engine.definitions; the latest version is confirmed by the
 *   write statement, so a version deployed by another engine process is still seen at once.
 */
import type { Db, Queryable } from '../../src/db/index.js';
import { ManualClock } from '../../src/clock.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { NotFound } from '../../src/errors.js';
import { callActivity, chain, end, messageCatch, messageStart, processXml, serviceTask, start } from '../support/bpmn.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { resetEngine } from '../support/engine.js';

/** A Db that records the text of every statement sent through it. */
function recording(db: Db, log: string[]): Db {
  const wrap = (q: Queryable): Queryable => ({
    query(sql, params) {
      log.push(sql.replace(/\s+/g, ' ').trim());
      return q.query(sql, params);
    },
  });
  const top = wrap(db);
  return {
    kind: db.kind,
    knex: db.knex,
    query: (sql, params) => top.query(sql, params),
    tx: (fn) => db.tx((q) => fn(wrap(q))),
    listen: (channel, cb) => db.listen(channel, cb),
    close: () => db.close(),
  };
}

const readsEvents = (sql: string) => /\bfrom\s+engine\.events\b/i.test(sql);
// The write statement (writeEffects, the one with the events CTE) may confirm the latest version.
const readsDefinitions = (sql: string) => /\bfrom\s+engine\.definitions\b/i.test(sql) && !/\bins_ev as \(/.test(sql);

let t: TestDb;
let log: string[];
let engine: EmbeddedEngine;
const engines: EmbeddedEngine[] = [];

function newEngine(options: ConstructorParameters<typeof EmbeddedEngine>[1] = {}): EmbeddedEngine {
  const e = new EmbeddedEngine(recording(t.db, log), { clock: new ManualClock(), scheduler: false, ...options });
  engines.push(e);
  return e;
}

/** The statements `fn` sends. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const from = log.length;
  await fn();
  return log.slice(from);
}

beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await resetEngine(t.db);
  log = [];
  engine = newEngine();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const deploy = async (xml: string, e = engine) => (await e.deployResources([{ name: 'process.bpmn', content: xml }])).processes[0];

/** start → paid (message `payment-received`, key `=code`) → after (job) → end */
const waitForPayment = (id = 'p') =>
  processXml(
    id,
    start('s'),
    messageCatch('paid', 'payment-received', '=code'),
    serviceTask('after', `after-${id}`),
    end('e'),
    ...chain('s', 'paid', 'after', 'e'),
  );

async function activeElements(key: string): Promise<string[]> {
  const { rows } = await t.db.query<{ doc: { els: Record<string, { id: string }> } }>(`select doc from engine.process_instances where key = $1`, [key]);
  return Object.values(rows[0].doc.els)
    .map((e) => e.id)
    .sort();
}

describe('CorrelateMessage: the instance comes from the publish command', () => {
  test('several instances wait with different keys: each message returns its own instance, and nothing reads engine.events', async () => {
    await deploy(waitForPayment());
    const codes = ['HS-1', 'HS-2', 'HS-3', 'HS-4', 'HS-5'];
    const keys = new Map<string, string>();
    for (const code of codes) keys.set(code, (await engine.createProcessInstance({ bpmnProcessId: 'p', variables: { code } })).processInstanceKey);

    for (const code of ['HS-3', 'HS-1', 'HS-5', 'HS-2', 'HS-4']) {
      let r: { messageKey: string; processInstanceKey: string } | undefined;
      const sent = await statementsOf(async () => {
        r = await engine.correlateMessage({ name: 'payment-received', correlationKey: code, variables: { paid: code } });
      });
      expect(r!.processInstanceKey).toBe(keys.get(code));
      expect(sent.filter(readsEvents)).toEqual([]);
      // It is the instance the CORRELATED event names, and only that one moved on.
      const { rows } = await t.db.query<{ k: string }>(
        `select process_instance_key::text as k from engine.events
          where value_type = 'MESSAGE' and intent = 'CORRELATED' and payload->>'messageKey' = $1`,
        [r!.messageKey],
      );
      expect(rows).toEqual([{ k: keys.get(code) }]);
      expect(await activeElements(keys.get(code)!)).toEqual(['after']);
    }
  });

  test('a message start event creates the instance: its key is returned, and nothing reads engine.events', async () => {
    await deploy(
      processXml('intake', messageStart('received', 'dossier-received'), serviceTask('check', 'check'), end('e'), ...chain('received', 'check', 'e')),
    );
    let r: { messageKey: string; processInstanceKey: string } | undefined;
    const sent = await statementsOf(async () => {
      r = await engine.correlateMessage({ name: 'dossier-received', correlationKey: 'HS-9', variables: { code: 'HS-9' } });
    });
    expect(sent.filter(readsEvents)).toEqual([]);
    const { rows } = await t.db.query<{ key: string; bpmn_process_id: string; start_correlation_key: string; doc: any }>(
      `select key::text, bpmn_process_id, start_correlation_key, doc from engine.process_instances`,
    );
    expect(rows).toHaveLength(1);
    expect(r!.processInstanceKey).toBe(rows[0].key);
    expect(rows[0]).toMatchObject({ bpmn_process_id: 'intake', start_correlation_key: 'HS-9' });
    expect(rows[0].doc.vars).toEqual({ code: 'HS-9' });

    // A second one while that instance is active: Zeebe starts no second instance for the key.
    await expect(engine.correlateMessage({ name: 'dossier-received', correlationKey: 'HS-9' })).rejects.toBeInstanceOf(NotFound);
    // Another key starts another instance, and that is the one returned.
    const other = await engine.correlateMessage({ name: 'dossier-received', correlationKey: 'HS-10' });
    expect(other.processInstanceKey).not.toBe(r!.processInstanceKey);
    expect(await activeElements(other.processInstanceKey)).toEqual(['check']);
  });

  test('a waiting instance and a message start of another process: the first correlation (the waiting instance) is returned', async () => {
    await deploy(waitForPayment());
    await deploy(processXml('audit', messageStart('received', 'payment-received'), end('e'), ...chain('received', 'e')));
    const waiting = (await engine.createProcessInstance({ bpmnProcessId: 'p', variables: { code: 'HS-1' } })).processInstanceKey;
    const r = await engine.correlateMessage({ name: 'payment-received', correlationKey: 'HS-1' });
    expect(r.processInstanceKey).toBe(waiting);
    const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from engine.process_instances where bpmn_process_id = 'audit'`);
    expect(rows[0].n).toBe(1);
  });
});

describe('Definitions are cached by key', () => {
  const twoSteps = (id = 'p', v = '') =>
    processXml(id, start('s'), serviceTask('a', `a${v}`), serviceTask('b', `b${v}`), end('e'), ...chain('s', 'a', 'b', 'e'));

  test('completing jobs and starting instances of the latest version read nothing from engine.definitions', async () => {
    await deploy(twoSteps());
    const sent = await statementsOf(async () => {
      for (let i = 0; i < 3; i++) {
        const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'p', variables: { i } });
        for (const type of ['a', 'b']) {
          const [job] = await engine.activateJobs({ type, worker: 'w', maxJobsToActivate: 1, timeout: 60_000 });
          expect(job.processInstanceKey).toBe(processInstanceKey);
          await engine.completeJob({ jobKey: job.key });
        }
      }
    });
    expect(sent.filter(readsDefinitions)).toEqual([]);
    const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from engine.process_instances where state = 'COMPLETED'`);
    expect(rows[0].n).toBe(3);
  });

  test('an engine that did not deploy reads a definition once, then never again', async () => {
    const v1 = await deploy(twoSteps());
    const other = newEngine();
    const first = await statementsOf(() => other.createProcessInstance({ bpmnProcessId: 'p' }));
    expect(first.filter(readsDefinitions).length).toBeGreaterThan(0);
    const again = await statementsOf(async () => {
      await other.createProcessInstance({ bpmnProcessId: 'p' });
      await other.createProcessInstance({ bpmnProcessId: 'p', version: 1 });
      await other.createProcessInstance({ processDefinitionKey: v1.processDefinitionKey });
    });
    expect(again.filter(readsDefinitions)).toEqual([]);
  });

  test('a version deployed by another engine process is the latest at once for this one (its write statement checks)', async () => {
    await deploy(twoSteps('p', '1'));
    const a = await engine.createProcessInstance({ bpmnProcessId: 'p' });
    expect(a.version).toBe(1);

    const other = newEngine();
    const v2 = await deploy(twoSteps('p', '2'), other);
    expect(v2.version).toBe(2);

    // This engine still has version 1 cached as the latest: the command notices and runs again.
    const b = await engine.createProcessInstance({ bpmnProcessId: 'p' });
    expect(b).toMatchObject({ version: 2, processDefinitionKey: v2.processDefinitionKey });
    const [job] = await engine.activateJobs({ type: 'a2', worker: 'w', maxJobsToActivate: 1, timeout: 60_000 });
    expect(job.processInstanceKey).toBe(b.processInstanceKey);
    // The rolled-back attempt left nothing behind.
    const { rows } = await t.db.query<{ version: number; n: number }>(
      `select version, count(*)::int as n from engine.process_instances group by version order by version`,
    );
    expect(rows).toEqual([
      { version: 1, n: 1 },
      { version: 2, n: 1 },
    ]);
    // And an explicit older version is still there to start.
    expect((await engine.createProcessInstance({ bpmnProcessId: 'p', version: 1 })).version).toBe(1);
  });

  test('a call activity follows the latest version of the called process deployed elsewhere', async () => {
    await deploy(processXml('parent', start('s'), callActivity('call', 'child'), end('e'), ...chain('s', 'call', 'e')));
    await deploy(processXml('child', start('s'), serviceTask('c', 'child-1'), end('e'), ...chain('s', 'c', 'e')));
    await engine.createProcessInstance({ bpmnProcessId: 'parent' });
    expect(await engine.activateJobs({ type: 'child-1', worker: 'w', maxJobsToActivate: 5, timeout: 60_000 })).toHaveLength(1);

    await deploy(processXml('child', start('s'), serviceTask('c', 'child-2'), end('e'), ...chain('s', 'c', 'e')), newEngine());
    await engine.createProcessInstance({ bpmnProcessId: 'parent' });
    expect(await engine.activateJobs({ type: 'child-2', worker: 'w', maxJobsToActivate: 5, timeout: 60_000 })).toHaveLength(1);
  });

  test('a cache of one definition: a command using two (parent and called child) holds both while it runs', async () => {
    const small = newEngine({ definitionCacheSize: 1 });
    await deploy(
      processXml('parent', start('s'), callActivity('call', 'child'), serviceTask('after', 'after'), end('e'), ...chain('s', 'call', 'after', 'e')),
      small,
    );
    await deploy(processXml('child', start('s'), serviceTask('c', 'child-job'), end('e'), ...chain('s', 'c', 'e')), small);
    const fresh = newEngine({ definitionCacheSize: 1 });
    const { processInstanceKey } = await fresh.createProcessInstance({ bpmnProcessId: 'parent' });
    const [job] = await fresh.activateJobs({ type: 'child-job', worker: 'w', maxJobsToActivate: 1, timeout: 60_000 });
    // Completing the child's job ends the child and moves its parent on: both definitions, one command.
    await fresh.completeJob({ jobKey: job.key });
    expect(await activeElements(processInstanceKey)).toEqual(['after']);
  });
});
