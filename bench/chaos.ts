/**
 * Chaos: two service replicas on one PostgreSQL database, killed at random while simulated people
 * work, and the database restarted once — then every promise is checked.
 *
 *   DATABASE_URL=postgres://… npm run chaos -- [--dossiers 2000] [--kill-every 20] [--minutes 15]
 *                                               [--db-restart "<command>"] [--concurrency 16]
 *                                               [--max-kills N]
 *
 * A scratch database (created and dropped); two replicas of the BUILT service (`node
 * dist/src/main.js`, each with its inbox worker, SLA scanner, outbox relay and reconciler) on two
 * ports. Over HTTP, to either replica at random (the other when one is down): counter staff receive
 * `--dossiers` dossiers of the four procedures; officers of every agency take their inbox's tasks,
 * claim and decide them — now and then asking for a supplement (which the counter supplies) or
 * refusing the dossier; the tax office's payment arrives as a message; the counter withdraws a few
 * dossiers for their applicants and hands every result (and every refused or stopped dossier's
 * papers) back. Every `--kill-every` seconds (±50 %) one replica is killed with SIGKILL and started
 * again, until `--max-kills` kills (no limit by default); after the tenth kill, `--db-restart` (a
 * shell command, e.g. `pg_ctlcluster 15 main restart`; none by default) restarts PostgreSQL itself.
 *
 * At the end it checks, on the database: every dossier received is accounted for (returned, after
 * being decided, refused or stopped — each transition exactly once); each dossier has exactly one
 * live process instance and no other; no inbox task exists twice for one step; no notification
 * twice for one outbox row; every step clock judged at most once and none still running; the audit
 * chain verifies; and no 5xx answer came outside a kill. Prints a table and, last, one JSON line;
 * exits 1 naming the dossiers of any violation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { verifyAudit } from '../src/audit/index.js';
import { openDb, type Db } from '../src/db/index.js';
import { DEMO_PASSWORDS } from '../src/dossiers/index.js';
import { demoUsers } from '../src/dossiers/seed.js';
import { INTAKES } from '../tests/dossiers/fixtures.js';
import { createScratchDatabase } from '../tests/support/db.js';
import { checkChaos, describeDossier, ORPHANS, type Violation } from './support/chaos-checks.js';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '2000' },
    'kill-every': { type: 'string', default: '20' },
    'max-kills': { type: 'string' },
    minutes: { type: 'string', default: '15' },
    'db-restart': { type: 'string' },
    concurrency: { type: 'string', default: '16' },
  },
});
const TARGET = Number(values.dossiers);
const KILL_EVERY_MS = Number(values['kill-every']) * 1000;
const MAX_KILLS = values['max-kills'] === undefined ? Infinity : Number(values['max-kills']);
const DEADLINE = Date.now() + Number(values.minutes) * 60_000;
const CONCURRENCY = Number(values.concurrency);
if (!process.env.DATABASE_URL) throw new Error('npm run chaos needs DATABASE_URL: two replicas share one PostgreSQL database');

const PROCEDURES = ['birth-registration-group', 'death-registration-group', 'land-use-right-transfer', 'construction-permit'] as const;
/** The decision each step's form takes (the four procedures' forms, processes/<code>/forms). */
const DECISIONS: Record<string, () => Record<string, unknown>> = {
  issueTaxNotice: () => ({ taxNotice: { number: `TB-${Math.floor(Math.random() * 1e6)}`, amount: 30_000_000 } }),
  consultation: () => ({ opinion: { verdict: 'agree' } }),
  permitDecision: () => ({ decision: 'granted', permitNumber: `GPXD-${Math.floor(Math.random() * 1e6)}/2026` }),
};
const decisionFor = (elementId: string) => DECISIONS[elementId]?.() ?? { outcome: 'approved' };

// ---- the replicas ----------------------------------------------------------------------------------

interface Replica {
  name: string;
  port: number;
  child?: ChildProcess;
  up: boolean;
  /** [killed, back up] instants: a 5xx inside one is the kill's, not a defect. */
  outages: [number, number][];
  log: string;
}

/** The replicas' error-level log lines (written to a file in the temp folder at the end). */
const errorLog: string[] = [];
const stats = {
  requests: 0,
  networkErrors: 0,
  fiveHundreds: [] as { at: number; replica: string; path: string; status: number }[],
  kills: 0,
  dbRestarts: 0,
  textMessages: 0,
  received: 0,
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * The operator's SMS gateway adapter the replicas POST the applicants' text messages to
 * (docs/api.md): it counts them and answers 202, so the applicants' notices are written and
 * relayed under kills as in service.
 */
const smsGateway = createHttpServer((req, res) => {
  req.resume();
  req.on('end', () => {
    stats.textMessages++;
    res.writeHead(202).end();
  });
});
let smsUrl = '';

function startReplica(r: Replica, databaseUrl: string): void {
  r.child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(r.port),
      ZEEBE_GATEWAY_PORT: '0',
      JWT_SECRET: 'chaos-run-shared-key-0123456789abcdef012345',
      LOG_LEVEL: 'error',
      NODE_ENV: 'development',
      SMS_WEBHOOK_URL: smsUrl,
      // An inbox completion cut short by a kill is finished 10 s later, not 60: the run then waits
      // seconds for its last dossiers rather than a minute of kills (completions take under 1 s here).
      COMPLETION_RECOVERY_SECONDS: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last lines a replica wrote, shown if it never comes up; its errors, kept for the report.
  const keep = (b: Buffer) => {
    r.log = (r.log + b.toString()).slice(-4000);
    for (const line of b.toString().split('\n')) if (line.includes('"level":50')) errorLog.push(`${r.name} ${line}`);
  };
  r.child.stdout?.on('data', keep);
  r.child.stderr?.on('data', keep);
}

async function waitUp(r: Replica): Promise<void> {
  for (let i = 0; i < 1800; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        r.up = true;
        const o = r.outages.at(-1);
        if (o && o[1] === Infinity) o[1] = Date.now();
        return;
      }
    } catch {
      // not yet
    }
    await pause(100);
  }
  throw new Error(`replica ${r.name} did not come up in 3 minutes; it wrote:\n${r.log}`);
}

function kill(r: Replica): void {
  r.up = false;
  r.outages.push([Date.now(), Infinity]);
  r.child?.kill('SIGKILL');
  stats.kills++;
}

// ---- people over HTTP --------------------------------------------------------------------------

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let replicas: Replica[] = [];

interface Reply {
  status: number;
  body: any;
}

/** One request to a live replica (either, at random); a network error is retried on the other. */
async function call(token: string | null, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
  for (let attempt = 0; ; attempt++) {
    const live = replicas.filter((r) => r.up);
    const r = live.length ? live[Math.floor(Math.random() * live.length)] : replicas[attempt % replicas.length];
    stats.requests++;
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status >= 500) stats.fiveHundreds.push({ at: Date.now(), replica: r.name, path: `${method} ${path}`, status: res.status });
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch {
      stats.networkErrors++;
      if (Date.now() > DEADLINE) throw new Error('deadline');
      await pause(50 + Math.random() * 200);
    }
  }
}

const tokens = new Map<string, string>();
async function signIn(username: string, password: string): Promise<string> {
  for (;;) {
    const r = await call(null, 'POST', '/api/auth/login', { username, password });
    if (r.status === 200) {
      tokens.set(username, r.body.token);
      return r.body.token;
    }
    await pause(200);
  }
}

let finished = false;

/** Counter staff of one section receive their share of the dossiers. */
async function receiver(token: string, procedures: readonly string[], share: () => boolean): Promise<void> {
  while (!finished && share()) {
    const procedureCode = procedures[Math.floor(Math.random() * procedures.length)];
    // One key per dossier meant: a retry after a kill names the same receipt, never a second dossier.
    const key = randomUUID();
    const body = { procedureCode, channel: 'counter', intake: INTAKES[procedureCode]() };
    let r = await call(token, 'POST', '/api/dossiers', body, { 'idempotency-key': key });
    while (r.status >= 500 && !finished) r = await call(token, 'POST', '/api/dossiers', body, { 'idempotency-key': key });
    if (r.status === 201 || r.status === 200) stats.received++;
  }
}

/** An officer works the agency's inbox: claim, then decide — now and then a supplement request or a refusal. */
async function officer(username: string, token: string): Promise<void> {
  const asked = new Set<string>();
  while (!finished) {
    const r = await call(token, 'GET', '/api/tasks?pageSize=20');
    const items: any[] = r.status === 200 ? r.body.items : [];
    const mine = items.filter((t) => t.state === 'open' || (t.state === 'claimed' && t.assignee === username));
    if (!mine.length) {
      await pause(300);
      continue;
    }
    for (const t of mine) {
      if (finished) return;
      if (t.state === 'open') {
        const c = await call(token, 'POST', `/api/tasks/${t.id}/claim`, {});
        if (c.status !== 200) continue;
      }
      const dice = Math.random();
      if (dice < 0.06 && t.dossierCode && !asked.has(t.dossierCode)) {
        asked.add(t.dossierCode);
        await call(token, 'POST', `/api/dossiers/${t.dossierCode}/supplement-requests`, {
          reasons: ['Thiếu giấy tờ'],
          items: [{ name: 'Bản sao giấy tờ tùy thân' }],
          legalBasis: 'Nghị định 61/2018/NĐ-CP, Điều 19',
        });
        continue; // the step waits for the supplement; the next round decides it
      }
      if (dice < 0.08 && t.dossierCode) {
        await call(token, 'POST', `/api/dossiers/${t.dossierCode}/refusal`, { reason: 'Không đủ điều kiện', legalBasis: 'Nghị định 61/2018/NĐ-CP, Điều 19' });
        continue;
      }
      await call(token, 'POST', `/api/tasks/${t.id}/complete`, { decision: decisionFor(t.elementId) });
    }
  }
}

/**
 * The tax office's payments: for each tax notice issued (its completed tasks, read as the tax
 * officer — a completion whose answer a kill lost included), the payment arrives as a message.
 */
async function taxOffice(token: string): Promise<void> {
  const paid = new Set<string>();
  while (!finished) {
    for (let page = 1; !finished; page++) {
      const r = await call(token, 'GET', `/api/tasks?state=completed&pageSize=100&page=${page}`);
      const items = r.status === 200 ? (r.body.items as { dossierCode: string; elementId: string }[]) : [];
      for (const t of items) if (t.elementId === 'issueTaxNotice' && !paid.has(t.dossierCode) && (await taxPaid(t.dossierCode))) paid.add(t.dossierCode);
      if (items.length < 100) break;
    }
    await pause(1000);
  }
}

/** The tax office's payment, as a message (its id is the dossier's, so a repeat is refused, not doubled). */
async function taxPaid(code: string): Promise<boolean> {
  const admin = tokens.get('quantri')!;
  for (let i = 0; i < 20; i++) {
    const r = await call(admin, 'POST', '/v2/messages/publication', {
      name: 'tax-paid',
      correlationKey: code,
      messageId: `tax-paid-${code}`,
      timeToLive: 3_600_000,
      variables: { paidAt: new Date().toISOString() },
    });
    if (r.status < 300 || r.status === 409) return true;
    await pause(200);
  }
  return false;
}

/** The counter: supplies what was asked, withdraws a few for their applicants, hands everything back. */
async function counter(token: string, today: string): Promise<void> {
  while (!finished) {
    let acted = 0;
    for (let page = 1; !finished; page++) {
      const r = await call(token, 'GET', `/api/dossiers?from=${today}&to=${today}&page=${page}&pageSize=100`);
      if (r.status !== 200) break;
      for (const d of r.body.items as { code: string; status: string }[]) {
        if (d.status === 'supplement_requested') {
          acted++;
          await call(token, 'POST', `/api/dossiers/${d.code}/supplements`, { documents: [{ name: 'Bản sao giấy tờ tùy thân' }] });
        } else if (d.status === 'done' || d.status === 'refused' || d.status === 'stopped') {
          acted++;
          await call(token, 'POST', `/api/dossiers/${d.code}/return`, {});
        } else if (d.status === 'received' && Math.random() < 0.003) {
          acted++;
          await call(token, 'POST', `/api/dossiers/${d.code}/withdrawal`, { reason: 'Người nộp xin rút hồ sơ' });
        }
      }
      if (r.body.items.length < 100) break;
    }
    if (!acted) await pause(500);
  }
}

// ---- the run -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  const t0 = Date.now();
  let outcome: { violations: Violation[]; counts: Record<string, number>; chain: boolean } | undefined;
  /** The state of the first few dossiers a check named (describeDossier). */
  const diagnosis: string[] = [];
  try {
    replicas = [
      { name: 'A', port: await freePort(), up: false, outages: [], log: '' },
      { name: 'B', port: await freePort(), up: false, outages: [], log: '' },
    ];
    await new Promise<void>((resolve) => smsGateway.listen(0, '127.0.0.1', resolve));
    smsUrl = `http://127.0.0.1:${(smsGateway.address() as { port: number }).port}/sms`;
    // One at a time the first time: migrations and the demo data, then the second joins.
    startReplica(replicas[0], scratch.url);
    await waitUp(replicas[0]);
    startReplica(replicas[1], scratch.url);
    await waitUp(replicas[1]);

    const users = demoUsers().filter((u) => u.role === 'officer' || u.role === 'counter' || u.role === 'admin');
    for (const u of users) await signIn(u.username, DEMO_PASSWORDS[u.role]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

    // Kill loop: one replica at a time, started again after a short outage.
    const killer = (async () => {
      let restarted = !values['db-restart'];
      while (!finished) {
        await pause(KILL_EVERY_MS * (0.5 + Math.random()));
        if (finished) break;
        // Once, after the tenth replica kill: PostgreSQL itself.
        if (!restarted && stats.kills >= 10) {
          restarted = true;
          for (const r of replicas) r.outages.push([Date.now(), Infinity]);
          execSync(values['db-restart'] ?? '', { stdio: 'ignore' });
          stats.dbRestarts++;
          for (const r of replicas) {
            const o = r.outages.at(-1)!;
            o[1] = Date.now() + 5_000; // reconnecting after the restart
          }
          continue;
        }
        if (stats.kills >= MAX_KILLS) break;
        const live = replicas.filter((r) => r.up);
        if (live.length < 2) continue;
        const r = live[Math.floor(Math.random() * live.length)];
        kill(r);
        await pause(300 + Math.random() * 1200);
        startReplica(r, scratch.url);
        await waitUp(r);
      }
    })();

    let issued = 0;
    const share = () => issued++ < TARGET;
    const hoaBinh = tokens.get('motcua.hoa-binh')!;
    const province = tokens.get('motcua.tinh')!;
    const workers: Promise<void>[] = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      workers.push(i % 4 === 3 ? receiver(province, ['construction-permit'], share) : receiver(hoaBinh, PROCEDURES.slice(0, 3), share));
    }
    const people: Promise<void>[] = [];
    for (const u of users.filter((x) => x.role === 'officer')) people.push(officer(u.username, tokens.get(u.username)!));
    people.push(counter(hoaBinh, today), counter(province, today), taxOffice(tokens.get('thue')!));

    await Promise.all(workers);
    // Until every dossier received is back with its applicant (or the time is up).
    const db: Db = await openDb({ databaseUrl: scratch.url, poolMax: 2 });
    for (;;) {
      // Settled: every dossier back, no completion a kill cut off still being finished (the inbox
      // finishes those COMPLETION_RECOVERY_SECONDS later: tasks/worker.ts finishStalled), and no
      // orphan of a failed receipt left for the next reconcile pass to cancel.
      // The driver's own connection dies with a PostgreSQL restart too: ask again.
      const { rows } = await db
        .query<{ open: number; all: number; completing: number; orphans: number }>(
          `select count(*) filter (where status <> 'returned')::int as open, count(*)::int as "all",
                (select count(*)::int from domain.tasks where state = 'completing') as completing,
                (select count(*)::int from (${ORPHANS}) o) as orphans
           from domain.dossiers`,
        )
        .catch(() => ({ rows: [{ open: 1, all: 0, completing: 0, orphans: 0 }] }));
      const r = rows[0];
      if ((r.all >= TARGET && r.open === 0 && r.completing === 0 && r.orphans === 0) || Date.now() > DEADLINE) break;
      await pause(2000);
    }
    finished = true;
    await killer;
    await Promise.allSettled(people);
    for (const r of replicas) r.child?.kill('SIGTERM');
    outcome = { ...(await checkChaos(db)), chain: (await verifyAudit(db)).ok };
    for (const code of [...new Set(outcome.violations.flatMap((v) => v.dossiers))].slice(0, 3)) diagnosis.push(await describeDossier(db, code));
    await db.close();
  } finally {
    finished = true;
    for (const r of replicas) r.child?.kill('SIGKILL');
    // A failed run keeps its database, to look at what went wrong.
    if (outcome && !outcome.violations.length && outcome.chain) await scratch.drop();
    else console.error(`chaos: the database is kept for a look: ${scratch.url.replace(/\/\/[^@]*@/, '//')}`);
  }

  const during = (x: { at: number; replica: string }) => replicas.some((r) => r.outages.some(([a, b]) => x.at >= a - 1_000 && x.at <= b + 2_000));
  if (!outcome) throw new Error('chaos: the run ended without its checks');
  const { violations, counts, chain } = outcome;
  const stray = stats.fiveHundreds.filter((x) => !during(x));
  if (!chain) violations.push({ check: 'audit chain verifies', dossiers: [] });
  if (counts.dossiers !== TARGET)
    violations.push({ check: `dossiers received = dossiers meant (${counts.dossiers} in the database, ${TARGET} meant)`, dossiers: [] });
  if (stray.length)
    violations.push({
      check: `no 5xx outside a kill (${stray
        .slice(0, 5)
        .map((x) => `${x.status} ${x.path}`)
        .join('; ')})`,
      dossiers: [],
    });
  const minutes = (Date.now() - t0) / 60_000;
  const rows: [string, string][] = [
    ['dossiers received (201) / in the database', `${stats.received} / ${counts.dossiers}`],
    ['returned', String(counts.returned)],
    ['of which refused, stopped, supplemented', `${counts.refused}, ${counts.stopped}, ${counts.supplemented}`],
    ['replica kills / database restarts', `${stats.kills} / ${stats.dbRestarts}`],
    ['text messages to applicants (at the SMS gateway)', String(stats.textMessages)],
    [
      'requests / network errors / 5xx (during kills)',
      `${stats.requests} / ${stats.networkErrors} / ${stats.fiveHundreds.length} (${stats.fiveHundreds.length - stray.length})`,
    ],
    ['audit chain', chain ? 'verifies' : 'BROKEN'],
    ['wall time', `${minutes.toFixed(1)} min`],
    ['violations', violations.length ? violations.map((v) => `${v.check}: ${v.dossiers.slice(0, 10).join(', ')}`).join(' | ') : 'none'],
  ];
  if (errorLog.length) {
    const file = join(tmpdir(), `lienthong-chaos-errors-${process.pid}.log`);
    writeFileSync(file, errorLog.join('\n') + '\n');
    rows.push(['replica error log lines', `${errorLog.length} (${file})`]);
  }
  for (const [k, v] of rows) console.log(`  ${k.padEnd(50)} ${v}`);
  for (const line of diagnosis) console.log(`  ${line}`);
  console.log(
    JSON.stringify({
      bench: 'chaos',
      dossiers: counts.dossiers,
      returned: counts.returned,
      kills: stats.kills,
      dbRestarts: stats.dbRestarts,
      textMessages: stats.textMessages,
      fiveHundredsOutsideKills: stray.length,
      auditChain: chain,
      minutes: Number(minutes.toFixed(2)),
      violations: violations.map((v) => ({ check: v.check, dossiers: v.dossiers.slice(0, 20) })),
      diagnosis,
      ok: violations.length === 0,
    }),
  );
  process.exit(violations.length ? 1 : 0);
}

await main();
