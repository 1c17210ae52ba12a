/**
 * The trace page's render time: a dossier with 200 audit rows and 50 variable changes, opened at
 * /trace/{code} in a real Chromium (playwright-core), measured with the browser's own performance
 * timing — from the navigation's start to the page's `lt-trace-ready` mark (set when the diagram
 * of the version the dossier ran is drawn with its element states and overlays, the timeline and
 * its panels rendered from the one API answer). Target: under 1 s.
 *
 *   npm run bench:trace -- [--db postgres|pglite] [--runs 10] [--audit-rows 200] [--variable-changes 50]
 *
 * A scratch database and the whole service (src/main.ts) with its demo registry; a birth
 * registration received at the counter; `--variable-changes` SET_VARIABLES commands on its
 * process instance (each a VARIABLE record of the history); audit rows of the dossier appended up
 * to `--audit-rows`. The auditor signs in once; each run is a fresh navigation (browser cache warm
 * after the first). Each run is itself an audited read, so the dossier gains a row per run.
 * The last line is JSON.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { appendAudit } from '../src/audit/index.js';
import { DEMO_PASSWORDS } from '../src/dossiers/index.js';
import { startService } from '../src/main.js';
import { launchBrowser, openPage, signInAs } from '../tests/support/browser.js';
import { birthIntake } from '../tests/dossiers/fixtures.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    runs: { type: 'string', default: '10' },
    'audit-rows': { type: 'string', default: '200' },
    'variable-changes': { type: 'string', default: '50' },
  },
});
const runs = Number(values.runs);
const auditRows = Number(values['audit-rows']);
const variableChanges = Number(values['variable-changes']);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const scratch = await openScratchDb(values.db as 'postgres' | 'pglite', { poolMax: 10 });
const service = await startService(
  {
    port: 0,
    dataDir: '/nonexistent',
    processesDir: join(process.cwd(), 'processes'),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'development',
    jwtSecret: 'bench-trace-key-0123456789abcdef0123456',
    jwtTtlSeconds: 3600,
  },
  { db: scratch.db, logger: pino({ level: 'silent' }) },
);
const browser = await launchBrowser();
try {
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(service.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: any = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const login = async (username: string, password: string) => (await api('', 'POST', '/api/auth/login', { username, password })).token as string;
  const counter = await login('motcua.hoa-binh', DEMO_PASSWORDS.counter);
  const received = await api(counter, 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() });
  const code = received.dossier.code as string;
  const processInstanceKey = (await api(counter, 'GET', `/api/dossiers/${code}`)).processInstanceKey as string;
  for (let i = 0; i < variableChanges; i++) {
    await service.engine.setVariables({ elementInstanceKey: processInstanceKey, variables: { benchNote: `Ghi chú lần ${i + 1}` } });
  }
  const have = (await scratch.db.query<{ n: number }>(`select count(*)::int as n from domain.audit_log where dossier_code = $1`, [code])).rows[0].n;
  for (let i = have; i < auditRows; i++) {
    await scratch.db.tx((q) =>
      appendAudit(q, { actor: 'bench', role: 'system', dossierCode: code, action: 'bench.note', payload: { i, note: 'Dòng nhật ký của bench' } }),
    );
  }
  const auditor = await login('thanhtra', DEMO_PASSWORDS.auditor);
  const trace = await api(auditor, 'GET', `/api/dossiers/${code}/trace`);
  const { page, problems } = await openPage(browser);
  await signInAs(page, service.url, 'thanhtra', DEMO_PASSWORDS.auditor);
  const ready: number[] = [];
  let shown = { timeline: 0, variables: 0 };
  for (let i = 0; i < runs; i++) {
    await page.goto(`${service.url}/trace/${code}`);
    await page.waitForFunction(() => performance.getEntriesByName('lt-trace-ready').length > 0, undefined, { timeout: 60_000 });
    const m = await page.evaluate(() => ({
      ready: performance.getEntriesByName('lt-trace-ready')[0].startTime,
      timeline: document.querySelectorAll('[data-testid="timeline"] li').length,
      tab: document.querySelector('[role="tab"]:nth-child(2)')?.textContent ?? '',
    }));
    ready.push(m.ready);
    shown = { timeline: m.timeline, variables: Number(/\((\d+)\)/.exec(m.tab)?.[1] ?? 0) };
  }
  console.log(
    `trace render: dossier ${code} — ${trace.audit.length} audit rows, ${trace.variables.length} variable changes, ${trace.timeline.length} timeline entries; ${runs} runs, database ${values.db} (${scratch.where})`,
  );
  console.log('| measure (ms from navigation start)         |    min |    p50 |    max |');
  console.log('|--------------------------------------------|--------|--------|--------|');
  console.log(
    `| ${'diagram drawn with states, panels rendered'.padEnd(42)} | ${pct(ready, 0).toFixed(0).padStart(6)} | ${pct(ready, 50).toFixed(0).padStart(6)} | ${pct(ready, 100).toFixed(0).padStart(6)} |`,
  );
  console.log(`page shows ${shown.timeline} timeline rows and ${shown.variables} variable changes`);
  if (problems.length) console.log(`page problems: ${problems.join('; ')}`);
  console.log(
    JSON.stringify({
      bench: 'trace-render',
      db: values.db,
      runs,
      auditRows: trace.audit.length,
      variableChanges: trace.variables.length,
      timelineRows: shown.timeline,
      readyMinMs: Math.round(pct(ready, 0)),
      readyP50Ms: Math.round(pct(ready, 50)),
      readyMaxMs: Math.round(pct(ready, 100)),
      targetMs: 1000,
      pageProblems: problems.length,
    }),
  );
} finally {
  await browser.close();
  await service.close();
  await scratch.drop();
}
