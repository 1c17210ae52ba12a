/**
 * Feature: the agency inbox in the browser (Chromium driven by playwright-core).
 *
 * Given the civil-status officer of xã Hòa Bình on /inbox and the one of xã Tân An on theirs,
 * when the counter receives a birth-group dossier, then it appears in Hòa Bình's list without a
 * reload (server-sent events), marked new, and never in Tân An's. The officer opens it with the
 * keyboard, claims it, presses *Hoàn thành* with the required field empty — the error is at the
 * field and the server has nothing — then completes it. The police and social insurance complete
 * their parallel steps on their pages; social insurance first meets a task someone else took and
 * reads why in Vietnamese. The return step reaches the counter. No page logs an error; the
 * service's clock is a ManualClock and nothing waits for time.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { launchBrowser, openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { openInboxTask } from '../support/inbox.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call, testConfig } from '../http/support.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  otherCivil: ['hotich.tan-an', DEMO_PASSWORDS.officer],
  admin: ['quantri', DEMO_PASSWORDS.admin],
} as const;
type Person = keyof typeof PEOPLE;

const clock = new ManualClock();
let t: TestDb;
let service: Service;
let browser: Browser;
const tokens: Partial<Record<Person, string>> = {};
const as = (who: Person, method: string, path: string, body?: unknown) => call(service.url, method, path, body, { authorization: `Bearer ${tokens[who]}` });
const pages: WatchedPage[] = [];

beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock,
  });
  for (const [who, [username, password]] of Object.entries(PEOPLE)) {
    const r = await call(service.url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status}`);
    tokens[who as Person] = r.body.token;
  }
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const w of pages) await w.context.close();
  await browser?.close();
  await service?.close();
  await t?.close();
});

async function inboxOf(who: Person): Promise<WatchedPage> {
  const w = await openPage(browser);
  pages.push(w);
  const [username, password] = PEOPLE[who];
  await signInAs(w.page, service.url, username, password, '/inbox');
  await w.page.waitForSelector('.lt-inbox[data-live="1"]');
  await w.page.waitForSelector('.lt-i-table, .lt-i-empty');
  return w;
}

/** From the inbox list to the task page, as a person would: the row's link. */
async function openTask(page: Page, code: string, name: string): Promise<void> {
  const link = page.locator('tr', { hasText: code }).locator('a.lt-i-link', { hasText: name });
  await link.waitFor();
  await Promise.all([page.waitForURL(/\/inbox\/\d+$/), link.click()]);
  await page.waitForSelector('.lt-task-formjs .fjs-form');
}

/** Picks a radio option of the task's form by its label, as a person reads it. */
async function choose(page: Page, label: string): Promise<void> {
  await page.locator('.lt-task-formjs').getByLabel(label, { exact: true }).check();
}

async function claimAndComplete(page: Page, username: string): Promise<void> {
  await page.click('button:has-text("Nhận xử lý")');
  await page.waitForSelector(`[data-testid="task-state"]:has-text("Đang xử lý: ${username}")`);
  await choose(page, 'Đồng ý / đã giải quyết');
  await page.click('button:has-text("Hoàn thành")');
  await page.waitForSelector('[role="status"]:has-text("Đã hoàn thành công việc")');
}

describe('Scenario: a birth-group dossier goes through the agencies’ inboxes in the browser', () => {
  test('appears live for its commune only → claim → a missing field refused at the field → complete → the parallel steps, one after a 409', async () => {
    const civil = await inboxOf('civil');
    const other = await inboxOf('otherCivil');
    let navigations = 0;
    civil.page.on('framenavigated', (f) => {
      if (f === civil.page.mainFrame()) navigations++;
    });

    const received = await as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() });
    expect(received.status).toBe(201);
    const code = received.body.dossier.code as string;

    // The server-sent event brings it: no reload, marked new.
    const row = civil.page.locator('tr.lt-i-fresh', { hasText: code });
    await row.waitFor();
    await expect(row.locator('.lt-i-new').textContent()).resolves.toBe('Mới');
    await expect(row.locator('.lt-badge').textContent()).resolves.toMatch(/^Còn \d/);
    expect(navigations).toBe(0);
    await civil.page.screenshot({ path: join(process.cwd(), 'dist', 'inbox-list.png') });

    // Keyboard: the row's link takes the focus and Enter opens the task.
    const link = row.locator('a.lt-i-link');
    await link.focus();
    await Promise.all([civil.page.waitForURL(/\/inbox\/\d+$/), civil.page.keyboard.press('Enter')]);
    await civil.page.waitForSelector('.lt-task-formjs .fjs-form');
    const taskId = civil.page.url().split('/').pop()!;
    await civil.page.click('button:has-text("Nhận xử lý")');
    await civil.page.waitForSelector('[data-testid="task-state"]:has-text("Đang xử lý: hotich.hoa-binh")');

    // The required outcome left empty: the error is at the field, and nothing reached the server.
    await civil.page.click('button:has-text("Hoàn thành")');
    const outcomeField = civil.page.locator('.fjs-form-field', { hasText: 'Kết quả xử lý' });
    await outcomeField.locator('.fjs-form-field-error', { hasText: 'Thông tin bắt buộc' }).waitFor();
    expect((await as('civil', 'GET', `/api/tasks/${taskId}`)).body).toMatchObject({ state: 'claimed', decision: null });

    await choose(civil.page, 'Đồng ý / đã giải quyết');
    await civil.page.fill('.lt-task-formjs textarea', 'Đã đăng ký khai sinh, số 15/2026');
    await civil.page.screenshot({ path: join(process.cwd(), 'dist', 'inbox-task.png') });
    await civil.page.click('button:has-text("Hoàn thành")');
    await civil.page.waitForSelector('[role="status"]:has-text("Đã hoàn thành công việc")');
    expect((await as('civil', 'GET', `/api/tasks/${taskId}`)).body).toMatchObject({
      state: 'completed',
      completedBy: 'hotich.hoa-binh',
      decision: { outcome: 'approved', note: 'Đã đăng ký khai sinh, số 15/2026' },
    });

    // Tân An's officer never saw it, not even by its id.
    expect(await other.page.locator('tr', { hasText: code }).count()).toBe(0);
    expect((await as('otherCivil', 'GET', `/api/tasks/${taskId}`)).status).toBe(404);

    // The police complete their parallel step on their page.
    const police = await inboxOf('police');
    await openTask(police.page, code, 'Đăng ký thường trú');
    await claimAndComplete(police.page, 'congan.hoa-binh');

    // Social insurance opens theirs; the administrator takes it first; the 409 is explained in Vietnamese.
    const insurance = await inboxOf('insurance');
    await openTask(insurance.page, code, 'thẻ bảo hiểm y tế');
    const hiTask = await openInboxTask((path) => as('insurance', 'GET', path), 'bhxh', code, 'healthInsuranceCard');
    expect((await as('admin', 'POST', `/api/tasks/${hiTask.id}/claim`, {})).status).toBe(200);
    await insurance.page.click('button:has-text("Nhận xử lý")');
    await expect(insurance.page.locator('[role="alert"]').textContent()).resolves.toContain('vừa được quantri nhận xử lý');
    expect(await insurance.page.locator('[role="alert"]').textContent()).not.toMatch(/409|Conflict/);
    await insurance.page.screenshot({ path: join(process.cwd(), 'dist', 'inbox-conflict.png') });
    expect((await as('admin', 'POST', `/api/tasks/${hiTask.id}/assign`, { username: 'bhxh' })).status).toBe(200);
    await insurance.page.reload();
    await insurance.page.waitForSelector('[data-testid="task-state"]:has-text("Đang xử lý: bhxh")');
    await choose(insurance.page, 'Đồng ý / đã giải quyết');
    await insurance.page.click('button:has-text("Hoàn thành")');
    await insurance.page.waitForSelector('[role="status"]:has-text("Đã hoàn thành công việc")');

    // Every agency step done: the return step waits at the counter.
    await openInboxTask((path) => as('counter', 'GET', path), 'motcua.hoa-binh', code, 'returnResult');

    for (const w of pages) expect(w.problems).toEqual([]);
  }, 120_000);
});
