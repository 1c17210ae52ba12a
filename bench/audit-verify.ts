/**
 * Verifying a long audit chain from the /audit page: 1,000,000 rows appended after the demo's own,
 * then the auditor's *Kiểm tra chuỗi băm* in a real Chromium — batch after batch through
 * GET /api/audit/verify (`after`, `prevHash`, `limit`), the progress bar moving with each answer.
 * Measured: from the click to the result (the page's `lt-verify-done` mark), the progress updates
 * the page showed, and the same walk through the API alone. Target: under 60 s.
 *
 *   npm run bench:verify -- [--db postgres|pglite] [--rows 1000000]
 *
 * A scratch database (PostgreSQL when DATABASE_URL is set) and the whole service. The rows are
 * made here — each row's canonical JSON hashed with the previous row's hash, as appendAudit does —
 * and inserted with INSERT … SELECT unnest(…) in batches of 10,000 (not timed as the verify).
 * The last line is JSON.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { hashRow, type AuditRow } from '../src/audit/log.js';
import { DEMO_PASSWORDS } from '../src/dossiers/index.js';
import { startService } from '../src/main.js';
import { launchBrowser, openPage, signInAs } from '../tests/support/browser.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    rows: { type: 'string', default: '1000000' },
  },
});
const total = Number(values.rows);
const ACTIONS = ['dossier.received', 'task.created', 'task.claimed', 'task.completed', 'audit.read_personal_data', 'auth.login'];

const scratch = await openScratchDb(values.db as 'postgres' | 'pglite', { poolMax: 10 });
const service = await startService(
  {
    port: 0,
    dataDir: '/nonexistent',
    processesDir: join(process.cwd(), 'processes'),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'development',
    jwtSecret: 'bench-verify-key-0123456789abcdef012345',
    jwtTtlSeconds: 7200,
  },
  { db: scratch.db, logger: pino({ level: 'silent' }) },
);
const browser = await launchBrowser();
try {
  const t0 = Date.now();
  const last = (await scratch.db.query<{ seq: string; hash: string }>(`select seq::text, hash from domain.audit_log order by seq desc limit 1`)).rows[0];
  let seq = BigInt(last?.seq ?? '0');
  let prev = last?.hash ?? '0'.repeat(64);
  const start = Date.UTC(2026, 0, 5, 1, 0, 0);
  for (let done = 0; done < total;) {
    const n = Math.min(10_000, total - done);
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
    for (let i = 0; i < n; i++) {
      seq++;
      const k = done + i;
      const r: Omit<AuditRow, 'hash'> = {
        seq: String(seq),
        at: new Date(start + k * 1000).toISOString(),
        actor: `canbo${k % 97}`,
        role: 'officer',
        agency: `cong-an-xa.x${k % 13}`,
        dossierCode: `BENCH-${Math.floor(k / 20)}`,
        action: ACTIONS[k % ACTIONS.length],
        payload: { taskId: String(k), elementId: 'residenceRegistration', note: 'Đăng ký thường trú cho trẻ' },
        prevHash: prev,
      };
      const hash = hashRow(r);
      [r.seq, r.at, r.actor, r.role, r.agency, r.dossierCode, r.action, JSON.stringify(r.payload), r.prevHash, hash].forEach((v, j) => cols[j].push(v));
      prev = hash;
    }
    await scratch.db.query(
      `insert into domain.audit_log (seq, at, actor, role, agency, dossier_code, action, payload, prev_hash, hash)
       select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::text[])`,
      cols,
    );
    done += n;
  }
  await scratch.db.query(`analyze domain.audit_log`);
  const chain = (await scratch.db.query<{ n: number }>(`select count(*)::int as n from domain.audit_log`)).rows[0].n;
  const insertMs = Date.now() - t0;

  // The API alone, as the page walks it.
  const token = (
    (await (
      await fetch(`${service.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'thanhtra', password: DEMO_PASSWORDS.auditor }),
      })
    ).json()) as { token: string }
  ).token;
  const a0 = Date.now();
  let after: { seq: string; hash: string } | null = null;
  let apiChecked = 0;
  let apiBatches = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: '20000', ...(after ? { after: after.seq, prevHash: after.hash } : {}) });
    const b = (await (await fetch(`${service.url}/api/audit/verify?${q}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      ok: boolean;
      rowsChecked: number;
      done: boolean;
      lastSeq: string;
      lastHash: string;
      brokenAt?: unknown;
    };
    apiBatches++;
    apiChecked += b.rowsChecked;
    if (!b.ok) throw new Error(`the chain is broken at ${JSON.stringify(b.brokenAt)}`);
    if (b.done) break;
    after = { seq: b.lastSeq, hash: b.lastHash };
  }
  const apiMs = Date.now() - a0;

  // The page: click, watch the progress bar, wait for the result.
  const { page, problems } = await openPage(browser);
  await signInAs(page, service.url, 'thanhtra', DEMO_PASSWORDS.auditor, '/audit');
  await page.waitForSelector('[data-testid="verify"]');
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { ltProgress: number[] }).ltProgress = seen;
    new MutationObserver(() => {
      const v = document.querySelector('[data-testid="verify-progress"] progress')?.getAttribute('value');
      if (v && Number(v) !== seen[seen.length - 1]) seen.push(Number(v));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
    performance.mark('lt-verify-click');
  });
  await page.click('[data-testid="verify"]');
  await page.waitForSelector('[data-testid="verify-result"]', { timeout: 600_000 });
  const m = await page.evaluate(() => ({
    ms: performance.getEntriesByName('lt-verify-done')[0]?.startTime - performance.getEntriesByName('lt-verify-click')[0].startTime,
    progress: (window as unknown as { ltProgress: number[] }).ltProgress,
    result: document.querySelector('[data-testid="verify-result"]')?.textContent ?? '',
    ok: document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-ok'),
  }));
  console.log(
    `audit verify: a chain of ${chain.toLocaleString('en')} rows, database ${values.db} (${scratch.where}); rows made and inserted in ${(insertMs / 1000).toFixed(1)} s`,
  );
  const lines: [string, string][] = [
    [
      `API alone: ${apiBatches} batches of ≤ 20,000 rows`,
      `${(apiMs / 1000).toFixed(1)} s (${Math.round(apiChecked / (apiMs / 1000)).toLocaleString('en')} rows/s)`,
    ],
    ['the /audit page: click → result', `${(m.ms / 1000).toFixed(1)} s`],
    ['progress bar updates shown', String(m.progress.length)],
  ];
  console.log(`| ${'measure'.padEnd(40)} | ${'result'.padEnd(26)} |`);
  console.log(`|${'-'.repeat(42)}|${'-'.repeat(28)}|`);
  for (const [k, v] of lines) console.log(`| ${k.padEnd(40)} | ${v.padEnd(26)} |`);
  console.log(`result shown: ${m.result}`);
  if (problems.length) console.log(`page problems: ${problems.join('; ')}`);
  console.log(
    JSON.stringify({
      bench: 'audit-verify',
      db: values.db,
      rows: chain,
      apiMs,
      apiRowsPerS: Math.round(apiChecked / (apiMs / 1000)),
      pageMs: Math.round(m.ms),
      progressUpdates: m.progress.length,
      ok: m.ok === 'true',
      targetMs: 60_000,
      pageProblems: problems.length,
    }),
  );
} finally {
  await browser.close();
  await service.close();
  await scratch.drop();
}
