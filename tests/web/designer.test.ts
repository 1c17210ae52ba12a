/**
 * Feature: a process designer works in the browser (Chromium driven by playwright-core): signs
 * in, opens a linked procedure, sees a user task's assignment, renames it, deploys version 2,
 * is stopped by the lint and the deploy when a service task has no job type, and compares the
 * two versions. Nothing is typed into an API by hand, and no page logs an error.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { startService, type Service } from '../../src/main.js';
import { launchBrowser, openPage, replaceSelectedWith, signInAs, type WatchedPage } from '../support/browser.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { testConfig, tokenFor } from '../http/support.js';

let t: TestDb;
let service: Service;
let browser: Browser;
beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes') }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await t?.close();
});

let w: WatchedPage;
afterEach(async () => {
  await w?.context.close();
});

async function openDesigner(page: Page, path = '/designer/birth-registration-group'): Promise<void> {
  await signInAs(page, service.url, 'thietke', DEMO_PASSWORDS.designer, path);
  if (path === '/designer') {
    await page.waitForSelector('li[data-process-id="birth-registration-group"]');
    return;
  }
  await page.waitForSelector('.djs-element[data-element-id="birthRegistration"]');
  await page.waitForSelector('[data-testid="problem-count"]');
}

describe('Scenario: a designer changes a procedure and deploys it', () => {
  test('sign in → assignment shown → rename → lint clean → deploy v2 → a service task without type is refused → compare 1 and 2', async () => {
    w = await openPage(browser);
    const { page } = w;
    page.on('dialog', (d) => void d.accept());

    // Signing in from a deep link returns to it; the shell names the designer.
    await openDesigner(page);
    expect(new URL(page.url()).pathname).toBe('/designer/birth-registration-group');
    await expect(page.textContent('[data-testid="current-user"]')).resolves.toContain('Nguyễn Thị Thiết Kế');
    const cookies = await w.context.cookies();
    expect(cookies.find((c) => c.name === 'lienthong_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    // The user task's assignment: its candidate group is the agency kind.
    await page.click('.djs-element[data-element-id="birthRegistration"]');
    await page.click('[data-group-id="group-assignmentDefinition"] .bio-properties-panel-group-header');
    await expect(page.inputValue('#bio-properties-panel-assignmentDefinitionCandidateGroups')).resolves.toBe('ubnd-xa.tu-phap-ho-tich');

    // Rename it; the lint stays clean (Camunda's rules and the catalog's).
    await page.click('[data-group-id="group-general"] .bio-properties-panel-group-header');
    await page.fill('#bio-properties-panel-name', 'Đăng ký khai sinh cho trẻ');
    await page.waitForSelector('[data-testid="designer-status"]:has-text("có thay đổi chưa triển khai")');
    await page.waitForSelector('[data-testid="lint-clean"]');

    // Deploy: version 2 is listed.
    await page.click('button:has-text("Triển khai")');
    await page.waitForSelector('.lt-d-banner-ok:has-text("phiên bản 2")');
    await page.click('li[data-process-id="birth-registration-group"] .lt-d-process');
    await page.waitForSelector('li[data-process-id="birth-registration-group"] li[data-version="2"]');

    // What the designer deployed runs: an instance of version 2 reaches the renamed step.
    const admin = {
      authorization: `Bearer ${await tokenFor({ username: 'test-admin', role: 'admin', agencyCode: null })}`,
      'content-type': 'application/json',
    };
    const started = await fetch(`${service.url}/v2/process-instances`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        processDefinitionId: 'birth-registration-group',
        processDefinitionVersion: 2,
        variables: { dossierCode: 'THU-NGHIEM-0001', dueDates: {} },
      }),
    });
    expect(started.status).toBe(200);
    const { processInstanceKey, processDefinitionVersion } = (await started.json()) as {
      processInstanceKey: string;
      processDefinitionVersion: number;
    };
    expect(processDefinitionVersion).toBe(2);
    const flows = (await (await fetch(`${service.url}/v2/process-instances/${processInstanceKey}/sequence-flows`, { headers: admin })).json()) as {
      items: Array<{ elementId: string }>;
    };
    expect(flows.items.map((f) => f.elementId)).toContain('toBirthRegistration');

    // Draw a task, make it a service task, give it no job type: the lint marks it…
    await page.click('.djs-palette [data-action="create.task"]');
    const box = (await page.locator('[data-testid="modeler"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.85);
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.85);
    const newId = (await page.getAttribute('.djs-shape.selected', 'data-element-id'))!;
    expect(newId).toMatch(/^Activity_/);
    await page.keyboard.type('Thu lệ phí'); // the new task's label is being edited
    await page.keyboard.press('Control+Enter'); // done editing; the task stays selected
    await page.waitForSelector(`.djs-shape.selected[data-element-id="${newId}"]`);
    // "Change element": the context pad's wrench (a click, not the 'r' key, which reaches the canvas only once it has the focus)
    await replaceSelectedWith(page, 'replace-with-service-task');
    await expect(page.inputValue('#bio-properties-panel-id')).resolves.toBe(newId);
    await page.waitForSelector('.lt-d-side .bio-properties-panel-header-type:has-text("Service Task")');
    await page.waitForSelector(`.lt-d-problem.lt-d-error[data-element-id="${newId}"]`);
    await page.waitForSelector(`.djs-overlays[data-container-id="${newId}"] .djs-overlay-linting`); // the mark on the canvas

    // …and the deploy is refused, naming it.
    await page.click('button:has-text("Triển khai")');
    await page.waitForSelector('.lt-d-banner-error');
    await page.waitForSelector(`.lt-d-problem[data-element-id="${newId}"] .lt-d-rule:has-text("triển khai")`);
    expect(await page.locator('li[data-process-id="birth-registration-group"] li[data-version]').count()).toBe(2); // no version 3

    // Compare 1 and 2 (leaving the unsaved draft is confirmed): the renamed task is marked.
    await page.click('button:has-text("So sánh phiên bản")');
    await page.waitForSelector('.djs-element.lt-diff-changed[data-element-id="birthRegistration"]');
    const row = page.locator('[data-testid="changes"] [data-element-id="birthRegistration"][data-kind="changed"]');
    await expect(row.locator('del').textContent()).resolves.toBe('Đăng ký khai sinh');
    await expect(row.locator('ins').textContent()).resolves.toBe('Đăng ký khai sinh cho trẻ');

    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: the pages fit the common screens', () => {
  test.each([
    [1280, 800],
    [1920, 1080],
  ])('at %i×%i the designer shows list, canvas, properties and problems without scrolling the page', async (width, height) => {
    w = await openPage(browser, { width, height });
    const { page } = w;
    await openDesigner(page);
    const fit = await page.evaluate(() => ({
      sideways: document.documentElement.scrollWidth - window.innerWidth,
      down: document.documentElement.scrollHeight - window.innerHeight,
      panels: ['.lt-d-sidebar', '[data-testid="modeler"]', '.lt-d-properties', '.lt-d-problems'].map((sel) => {
        const r = document.querySelector(sel)!.getBoundingClientRect();
        return r.width > 100 && r.height > 20 && r.right <= window.innerWidth + 1;
      }),
    }));
    expect(fit).toEqual({ sideways: 0, down: 0, panels: [true, true, true, true] });
    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: sessions end and send the person back to /login', () => {
  test('signing out returns to /login; the designer then asks to sign in again', async () => {
    w = await openPage(browser);
    const { page } = w;
    await openDesigner(page, '/designer');
    await Promise.all([page.waitForURL(/\/login\?signedOut=1$/), page.click('#lt-signout')]);
    await page.waitForSelector('.lt-notice:has-text("Bạn đã đăng xuất")');
    await page.goto(`${service.url}/designer`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?next=%2Fdesigner');
    expect(w.problems).toEqual([]);
  });

  test('a 401 during work (the session ended) returns to /login with the page the user was on', async () => {
    w = await openPage(browser);
    const { page } = w;
    await openDesigner(page);
    await w.context.clearCookies();
    await page.click('li[data-process-id="construction-permit"] .lt-d-process');
    await Promise.all([page.waitForURL(/\/login\?/), page.click('li[data-process-id="construction-permit"] li[data-version="1"] button:has-text("Xem")')]);
    const u = new URL(page.url());
    expect(u.searchParams.get('next')).toBe('/designer/birth-registration-group');
    expect(u.searchParams.get('reason')).toBe('expired');
    await page.waitForSelector('.lt-notice:has-text("Phiên đăng nhập đã hết hạn")');
  });

  test('an officer lands on the home page, which lists only what an officer may open', async () => {
    w = await openPage(browser);
    const { page } = w;
    await signInAs(page, service.url, 'xaydung', DEMO_PASSWORDS.officer);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.textContent('[data-testid="current-user"]')).resolves.toContain('Sở Xây dựng');
    expect(await page.locator('nav a[href="/designer"]').count()).toBe(0);
    expect(w.problems).toEqual([]);
  });
});
