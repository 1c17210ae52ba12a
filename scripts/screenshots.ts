/**
 * Refreshes the README's screenshots (docs/screenshots/*.png, 1280×800, Vietnamese, Asia/Ho_Chi_Minh):
 * the service with its demo data on a scratch PGlite, the demo accounts signing in, each page
 * shot as its user sees it — the auditor's trace, log and reports over a dossier made late by
 * moving the service's clock. Run by hand after a page changes (`npm run screenshots`); the
 * tests never write these files.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDb } from '../src/db/index.js';
import { DEMO_PASSWORDS } from '../src/dossiers/index.js';
import { ManualClock } from '../src/clock.js';
import { startService } from '../src/main.js';
import { launchBrowser, openPage, signInAs } from '../tests/support/browser.js';
import { announcing } from '../tests/support/changes.js';
import { lateDossier, peopleOf } from '../tests/support/late-dossier.js';
import { receiveAtCounter } from '../tests/support/counter-form.js';
import { birthIntake } from '../tests/dossiers/fixtures.js';

const out = join(process.cwd(), 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-shots-'));
const db = announcing(await openDb({ dataDir: dir }));
const clock = new ManualClock();
const service = await startService(
  {
    port: 0,
    dataDir: dir,
    processesDir: join(process.cwd(), 'processes'),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'development',
    jwtSecret: 'screenshots-only-key-0123456789abcdef012',
    jwtTtlSeconds: 3600,
  },
  // A manual clock (05/01/2026 09:00 in Hà Nội), so the trace and the reports show a dossier late by days without waiting.
  { db, logger: pino({ level: 'silent' }), clock },
);
const browser = await launchBrowser();
const shot = async (page: import('playwright-core').Page, name: string) => {
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.error(`docs/screenshots/${name}.png`);
};
try {
  const login = await openPage(browser);
  await login.page.goto(`${service.url}/login?next=%2Fdesigner`);
  await shot(login.page, 'login');
  await login.context.close();

  const admin = await openPage(browser);
  await signInAs(admin.page, service.url, 'quantri', DEMO_PASSWORDS.admin);
  await shot(admin.page, 'home');
  await admin.context.close();

  const d = await openPage(browser);
  const { page } = d;
  await signInAs(page, service.url, 'thietke', DEMO_PASSWORDS.designer, '/designer/birth-registration-group');
  await page.waitForSelector('[data-testid="lint-clean"], .lt-d-problem');
  await page.click('.djs-element[data-element-id="birthRegistration"]');
  await page.click('[data-group-id="group-assignmentDefinition"] .bio-properties-panel-group-header');
  await shot(page, 'designer');

  // A second version with one step renamed, deployed from the page, then compared with the first.
  await page.click('[data-group-id="group-general"] .bio-properties-panel-group-header');
  await page.fill('#bio-properties-panel-name', 'Đăng ký khai sinh cho trẻ');
  await page.waitForSelector('[data-testid="designer-status"]:has-text("có thay đổi chưa triển khai")');
  await page.click('button:has-text("Triển khai")');
  await page.waitForSelector('.lt-d-banner-ok');
  await page.click('button:has-text("So sánh phiên bản")');
  await page.waitForSelector('.djs-element.lt-diff-changed');
  await shot(page, 'designer-compare');
  await page.click('button[role="tab"]:has-text("Thủ tục")');
  await page.waitForSelector('[data-testid="catalog-entry"]');
  await shot(page, 'designer-catalog');
  if (d.problems.length) console.error(`page problems: ${d.problems.join('; ')}`);

  // Issue 13's pages, as the auditor sees them: a dossier late at the police (10 days, a supplement asked and given).
  const people = peopleOf(service.url, clock);
  await people.signInAll();
  const { code } = await lateDossier(people);
  const a = await openPage(browser);
  await signInAs(a.page, service.url, 'thanhtra', DEMO_PASSWORDS.auditor, `/trace/${code}`);
  await a.page.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');
  await a.page.click('[data-testid="late-summary"] button');
  await shot(a.page, 'trace');
  await a.page.goto(`${service.url}/audit`);
  await a.page.fill('input[name="dossier"]', code);
  await a.page.click('form[role="search"] button[type="submit"]');
  await a.page.waitForFunction((c) => document.querySelector('[data-testid="audit-rows"] tbody tr td:nth-child(4)')?.textContent === c, code);
  await a.page.click('[data-testid="verify"]');
  await a.page.waitForSelector('[data-testid="verify-result"]');
  await shot(a.page, 'audit');
  await a.page.goto(`${service.url}/reports`);
  await a.page.waitForSelector('[data-testid="report-table"]');
  await shot(a.page, 'reports');
  if (a.problems.length) console.error(`page problems: ${a.problems.join('; ')}`);

  // Issue 12's counter and citizen pages: a birth-group dossier received at the counter, then looked up by its applicant.
  const c = await openPage(browser);
  await signInAs(c.page, service.url, 'motcua.hoa-binh', DEMO_PASSWORDS.counter, '/counter');
  const receipt = await receiveAtCounter(c.page, 'birth-registration-group', birthIntake());
  await shot(c.page, 'counter');
  if (c.problems.length) console.error(`page problems: ${c.problems.join('; ')}`);
  const citizen = await openPage(browser);
  await citizen.page.goto(`${service.url}/tra-cuu`);
  await citizen.page.fill('input[name="code"]', receipt.code);
  await citizen.page.fill('input[name="secret"]', receipt.secret);
  await citizen.page.click('[data-testid="lookup-form"] button[type="submit"]');
  await citizen.page.waitForSelector('[data-testid="lookup-status"]');
  await shot(citizen.page, 'lookup');
  if (citizen.problems.length) console.error(`page problems: ${citizen.problems.join('; ')}`);

  // The civil-status officer's inbox: that dossier's first step among the day's tasks, with the working time left.
  const o = await openPage(browser);
  await signInAs(o.page, service.url, 'hotich.hoa-binh', DEMO_PASSWORDS.officer, '/inbox');
  await o.page.waitForSelector('.lt-inbox[data-live="1"]');
  await o.page.locator('tr', { hasText: receipt.code }).locator('.lt-badge').waitFor();
  await shot(o.page, 'inbox');
  if (o.problems.length) console.error(`page problems: ${o.problems.join('; ')}`);
} finally {
  await browser.close();
  await service.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
