/**
 * Feature: the whole birth-group path in the browser, as the people work (Chromium driven by
 * playwright-core; one browser context per person; nothing drives the flow but the pages).
 *
 * Given the counter of xã Hòa Bình, the civil-status officers of Hòa Bình and of Tân An on their
 * inboxes, when the counter receives a birth-group dossier at /counter, then the task appears in
 * Hòa Bình's inbox without a reload and never in Tân An's; the officer claims it, presses
 * *Hoàn thành* with the required outcome empty (the error is at the field), then completes it.
 * The police ask for a supplement from their task page (form 02); the citizen, signed in as
 * nobody, reads "Cần bổ sung hồ sơ" and the items on /tra-cuu and sends the supplement from the
 * page; the dossier is being processed again and its clock runs again. The police and social
 * insurance complete their steps; the counter finds the dossier by its code and hands the result
 * back; the citizen reads "Đã trả kết quả"; the auditor's /trace names every agency and person.
 * Every page is in Vietnamese and logs no error; the service's clock is a ManualClock.
 *
 * Then keyboard only: sign in, move through the inbox list to a task, claim it, fill and send its
 * form — Tab, typing, arrows, Space and Enter, never the mouse.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { startService, type Service } from '../../src/main.js';
import { launchBrowser, openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { receiveAtCounter } from '../support/counter-form.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { waitFor } from '../support/engine.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { testConfig } from '../http/support.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  otherCivil: ['hotich.tan-an', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
} as const;
type Person = keyof typeof PEOPLE;
const username = (who: Person): string => PEOPLE[who][0];

const clock = new ManualClock();
let t: TestDb;
let service: Service;
let browser: Browser;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  t = await openTestDb();
  service = await startService(testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true }), {
    db: t.db,
    logger: pino({ level: 'silent' }),
    clock,
  });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const w of pages) await w.context.close();
  await browser?.close();
  await service?.close();
  await t?.close();
});

/** A fresh browser context for one person, signed in through /login and landed on `path`. */
async function personAt(who: Person, path: string): Promise<WatchedPage> {
  const w = await openPage(browser);
  pages.push(w);
  const [name, password] = PEOPLE[who];
  await signInAs(w.page, service.url, name, password, path);
  await expectVietnamese(w.page);
  return w;
}

/** A citizen: a browser context nobody signed in to. */
async function anonymous(): Promise<WatchedPage> {
  const w = await openPage(browser);
  pages.push(w);
  return w;
}

async function expectVietnamese(page: Page): Promise<void> {
  await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('vi');
}

async function inboxOf(who: Person): Promise<WatchedPage> {
  const w = await personAt(who, '/inbox');
  await w.page.waitForSelector('.lt-inbox[data-live="1"]');
  await w.page.waitForSelector('.lt-i-table, .lt-i-empty');
  return w;
}

/** From the inbox list to the task page, by the row's link. */
async function openTask(page: Page, code: string, name: string): Promise<string> {
  const link = page.locator('tr', { hasText: code }).locator('a.lt-i-link', { hasText: name });
  await link.waitFor();
  await Promise.all([page.waitForURL(/\/inbox\/\d+$/), link.click()]);
  await page.waitForSelector('.lt-task-formjs .fjs-form');
  return page.url().split('/').pop()!;
}

async function claim(page: Page, who: Person): Promise<void> {
  await page.click('button:has-text("Nhận xử lý")');
  await page.waitForSelector(`[data-testid="task-state"]:has-text("Đang xử lý: ${username(who)}")`);
}

async function approve(page: Page, note: string): Promise<void> {
  await page.locator('.lt-task-formjs').getByLabel('Đồng ý / đã giải quyết', { exact: true }).check();
  await page.fill('.lt-task-formjs textarea', note);
  await page.click('button:has-text("Hoàn thành")');
  await page.waitForSelector('[role="status"]:has-text("Đã hoàn thành công việc")');
}

/** Types the code and the secret on /tra-cuu and waits for the dossier's status `status`. */
async function lookUp(page: Page, code: string, secret: string, status: string): Promise<void> {
  await page.goto(`${service.url}/tra-cuu`);
  await page.waitForSelector('[data-testid="lookup-form"]');
  await expectVietnamese(page);
  await page.fill('input[name=code]', code);
  await page.fill('input[name=secret]', secret);
  await page.click('[data-testid="lookup-form"] button[type=submit]');
  await page.waitForSelector(`[data-testid="lookup-result"][data-status="${status}"]`);
}

/** Reads, to assert only: the dossier's status and its dossier clock's state. */
async function dossierRow(code: string): Promise<{ status: string; clock: string | null }> {
  const r = await t.db.query<{ status: string; clock: string | null }>(
    `select d.status, (select c.state from domain.sla_clocks c where c.dossier_code = d.code and c.kind = 'dossier' order by c.id desc limit 1) as clock
       from domain.dossiers d where d.code = $1`,
    [code],
  );
  return r.rows[0];
}

async function taskRow(id: string): Promise<{ state: string; decision: unknown }> {
  return (await t.db.query<{ state: string; decision: unknown }>(`select state, decision from domain.tasks where id = $1`, [id])).rows[0];
}

describe('Scenario: a birth-group dossier from the counter to the citizen, through every agency, in the browser', () => {
  test('received → live in its commune only → missing field refused → supplement asked and sent → steps done → handed back → traced', async () => {
    // The people at work: the counter, and both communes' civil-status officers on their inboxes.
    const counter = await personAt('counter', '/counter');
    const civil = await inboxOf('civil');
    const other = await inboxOf('otherCivil');
    let civilNavigations = 0;
    civil.page.on('framenavigated', (f) => {
      if (f === civil.page.mainFrame()) civilNavigations++;
    });

    // 1. The counter receives the dossier; the receipt gives the code and the lookup secret.
    const intake = birthIntake();
    const { code, secret } = await receiveAtCounter(counter.page, 'birth-registration-group', intake);
    expect(code).toMatch(/^000\.02\.31\.H99-\d{6}-\d{4}$/);
    expect(secret).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // 2. The civil-status task appears in Hòa Bình's inbox without a reload, marked new.
    const row = civil.page.locator('tr.lt-i-fresh', { hasText: code });
    await row.waitFor();
    await expect(row.locator('.lt-i-new').textContent()).resolves.toBe('Mới');
    expect(civilNavigations).toBe(0);
    const civilTask = await openTask(civil.page, code, 'khai sinh');
    await claim(civil.page, 'civil');

    // The required outcome left empty: the error is at the field, and nothing was recorded.
    await civil.page.click('button:has-text("Hoàn thành")');
    const outcome = civil.page.locator('.fjs-form-field', { hasText: 'Kết quả xử lý' });
    await outcome.locator('.fjs-form-field-error', { hasText: 'Thông tin bắt buộc' }).waitFor();
    await expect(taskRow(civilTask)).resolves.toMatchObject({ state: 'claimed', decision: null });
    await approve(civil.page, 'Đã đăng ký khai sinh, số 15/2026');
    await expect(taskRow(civilTask)).resolves.toMatchObject({ state: 'completed', decision: { outcome: 'approved' } });

    // 3. Tân An's officer never sees it: not live, not after a reload, not by its address.
    expect(await other.page.locator('tr', { hasText: code }).count()).toBe(0);
    await other.page.reload();
    await other.page.waitForSelector('.lt-inbox[data-live="1"]');
    await other.page.waitForSelector('.lt-i-table, .lt-i-empty');
    expect(await other.page.locator('tr', { hasText: code }).count()).toBe(0);
    await other.page.click('.lt-i-filters button:has-text("Đã hoàn thành")');
    await other.page.waitForSelector('.lt-i-filters button[aria-pressed="true"]:has-text("Đã hoàn thành")');
    await other.page.waitForSelector('.lt-i-table, .lt-i-empty');
    expect(await other.page.locator('tr', { hasText: code }).count()).toBe(0);
    await other.page.goto(`${service.url}/inbox/${civilTask}`);
    await other.page.waitForSelector('[role="alert"]:has-text("Không tìm thấy công việc này")');
    expect(await other.page.locator('[data-testid="task-state"]').count()).toBe(0);

    // 4. The police ask for a supplement from their task page (form 02).
    const police = await inboxOf('police');
    const policeTask = await openTask(police.page, code, 'Đăng ký thường trú');
    await claim(police.page, 'police');
    await police.page.click('.lt-task-dossier-actions button:has-text("Yêu cầu bổ sung (mẫu 02)")');
    const request = police.page.locator('form.lt-task-da-form');
    await request.getByLabel('Giấy tờ cần bổ sung (mỗi dòng một loại)').fill('Giấy chứng sinh (bản sao)\nSổ hộ khẩu (bản sao)');
    await request.getByLabel('Lý do').fill('Thiếu bản sao giấy chứng sinh và sổ hộ khẩu');
    await request.getByLabel('Căn cứ pháp lý').fill('Luật Hộ tịch 2014, Điều 16');
    await request.locator('button:has-text("Gửi yêu cầu bổ sung")').click();
    const form02 = police.page.locator('article.lt-printed[aria-label="Mẫu 02"]');
    await form02.waitFor();
    await expect(form02.textContent()).resolves.toContain('Giấy chứng sinh (bản sao)');
    await waitFor(`${code} paused`, async () => (await dossierRow(code)).clock === 'paused', 10_000);

    // The citizen sees what to hand in, and sends it from the page.
    const citizen = await anonymous();
    await lookUp(citizen.page, code, secret, 'supplement_requested');
    await expect(citizen.page.textContent('[data-testid="lookup-status"]')).resolves.toBe('Cần bổ sung hồ sơ');
    await expect(citizen.page.textContent('[data-testid="supplement-reasons"]')).resolves.toContain('Thiếu bản sao giấy chứng sinh');
    await expect(citizen.page.locator('[data-testid="supplement-item"]').allTextContents()).resolves.toEqual([
      expect.stringContaining('Giấy chứng sinh (bản sao)'),
      expect.stringContaining('Sổ hộ khẩu (bản sao)'),
    ]);
    await citizen.page.locator('[data-testid="supplement-item"] input.lt-lookup-item-note').first().fill('01 bản sao có chứng thực');
    await citizen.page.fill('textarea[name=note]', 'Tôi gửi bổ sung bản sao giấy chứng sinh và sổ hộ khẩu.');
    await citizen.page.click('[data-testid="supplement-submit"]');
    await citizen.page.waitForSelector('[data-testid="supplement-sent"]');
    await citizen.page.waitForSelector('[data-testid="lookup-result"][data-status="supplemented"]');
    await expect(citizen.page.textContent('[data-testid="lookup-status"]')).resolves.toMatch(/^Đang giải quyết/);
    expect(await citizen.page.locator('[data-testid="supplement"]').count()).toBe(0);
    // The clock resumes.
    await waitFor(`${code} running again`, async () => (await dossierRow(code)).clock === 'running', 10_000);

    // 5. The police and social insurance complete their steps on their pages.
    await approve(police.page, 'Đã đăng ký thường trú');
    await expect(taskRow(policeTask)).resolves.toMatchObject({ state: 'completed' });
    const insurance = await inboxOf('insurance');
    await openTask(insurance.page, code, 'thẻ bảo hiểm y tế');
    await claim(insurance.page, 'insurance');
    await approve(insurance.page, 'Đã cấp thẻ BHYT');
    await waitFor(`${code} done`, async () => (await dossierRow(code)).status === 'done', 20_000);

    // 6. The counter finds it by its code and hands the result back; the citizen reads it.
    await counter.page.goto(`${service.url}/counter`);
    await counter.page.fill('#lt-c-q', code);
    await counter.page.press('#lt-c-q', 'Enter');
    await counter.page.waitForSelector('[data-testid="dossier-status"]');
    await expect(counter.page.textContent('[data-testid="dossier-status"]')).resolves.toBe('Đã có kết quả');
    await expect(counter.page.textContent('[data-testid="dossier"]')).resolves.toContain(intake.applicant.fullName);
    await counter.page.fill('#lt-c-note', 'Đã trao giấy khai sinh, đăng ký thường trú và thẻ BHYT');
    await counter.page.click('[data-testid="hand-back"]');
    await counter.page.waitForSelector('[data-testid="hand-back-done"]');
    await expect(counter.page.textContent('[data-testid="dossier-status"]')).resolves.toBe('Đã trả kết quả');

    await lookUp(citizen.page, code, secret, 'returned');
    await expect(citizen.page.textContent('[data-testid="lookup-status"]')).resolves.toMatch(/đã trả kết quả/i);
    await expect(dossierRow(code)).resolves.toMatchObject({ status: 'returned' });

    // 7. The auditor's trace names every agency and every person involved.
    const auditor = await personAt('auditor', `/trace/${code}`);
    await auditor.page.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');
    await auditor.page.waitForSelector('[data-testid="timeline"]');
    const AGENCY_OF = {
      counter: 'mot-cua-xa.hoa-binh',
      civil: 'ubnd-xa.tu-phap-ho-tich.hoa-binh',
      police: 'cong-an-xa.hoa-binh',
      insurance: 'bhxh.thu-nghiem',
    } as const;
    const names = new Map(
      (await t.db.query<{ code: string; name: string }>(`select code, name from domain.agencies where code = any($1)`, [Object.values(AGENCY_OF)])).rows.map(
        (r) => [r.code, r.name],
      ),
    );
    // Each person, by name and account, with their agency, on a row of the timeline (who (account) · which agency).
    const fullName = new Map(
      (await t.db.query<{ username: string; full_name: string }>(`select username, full_name from domain.users`)).rows.map((r) => [r.username, r.full_name]),
    );
    const who = await auditor.page.locator('[data-testid="timeline"] .lt-t-who').allTextContents();
    for (const [person, agency] of Object.entries(AGENCY_OF) as Array<[Person, string]>) {
      const expected = `${fullName.get(username(person))} (${username(person)}) · ${names.get(agency)}`;
      expect({ person, named: who.includes(expected) }).toEqual({ person, named: true });
    }
    await expect(auditor.page.textContent('.lt-t-summary')).resolves.toContain(names.get(AGENCY_OF.counter));
    // The supplement: asked by the police, sent by the applicant (the trace's name for the citizen).
    const supplemented = auditor.page.locator('[data-testid="timeline"] li[data-kind="audit"]', { hasText: 'Đã bổ sung hồ sơ' });
    await expect(supplemented.locator('.lt-t-who').textContent()).resolves.toBe('nguoi-nop-ho-so');
    await expect(auditor.page.locator('[data-testid="timeline"] li', { hasText: 'Yêu cầu bổ sung hồ sơ' }).count()).resolves.toBeGreaterThan(0);
    await expect(auditor.page.locator('[data-testid="timeline"] li', { hasText: 'Trả kết quả cho người nộp' }).count()).resolves.toBeGreaterThan(0);
    // The steps tab: each agency step with the official who completed it.
    await auditor.page.click('[role="tab"]:has-text("Các bước")');
    await auditor.page.waitForSelector('[data-testid="steps"]');
    for (const person of ['civil', 'police', 'insurance'] as const) {
      const step = auditor.page.locator('[data-testid="steps"] tbody tr', { hasText: names.get(AGENCY_OF[person])! });
      await expect(step.textContent()).resolves.toContain(username(person));
    }
    await auditor.page.screenshot({ path: join(process.cwd(), 'dist', 'journey-trace.png') });

    for (const w of pages) expect({ url: w.page.url(), problems: w.problems }).toEqual({ url: w.page.url(), problems: [] });
  }, 180_000);
});

/** Presses Tab until the focused element matches `selector` (at most `max` presses). */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`${selector} not reached with Tab after ${max} presses; the focus is on ${at}`);
}

describe('Scenario: keyboard only', () => {
  test('sign in → the inbox list → a task → claim → its form refused then sent, never the mouse', async () => {
    // A dossier received at the counter, for the civil-status officer's list.
    const counter = await personAt('counter', '/counter');
    const { code } = await receiveAtCounter(counter.page, 'birth-registration-group', birthIntake());

    const w = await openPage(browser);
    pages.push(w);
    const { page } = w;
    await page.goto(`${service.url}/login?next=${encodeURIComponent('/inbox')}`);
    await tabTo(page, 'input[name=username]');
    await page.keyboard.type(username('civil'));
    await page.keyboard.press('Tab');
    await page.keyboard.type(PEOPLE.civil[1]);
    await Promise.all([page.waitForURL((url) => url.pathname === '/inbox'), page.keyboard.press('Enter')]);
    await page.waitForSelector('.lt-inbox[data-live="1"]');
    const row = page.locator('tr', { hasText: code });
    await row.waitFor();
    const taskId = (await row.getAttribute('data-task-id'))!;

    // Through the list to the task's link, then Enter.
    await tabTo(page, `tr[data-task-id="${taskId}"] a.lt-i-link`);
    await Promise.all([page.waitForURL(`**/inbox/${taskId}`), page.keyboard.press('Enter')]);
    await page.waitForSelector('.lt-task-formjs .fjs-form');

    // Claim with the keyboard.
    await tabTo(page, '.lt-task-actions button.lt-button');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Nhận xử lý');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="task-state"]:has-text("Đang xử lý: hotich.hoa-binh")');
    // The button is gone: the focus is on the form's first field, not lost to the page.
    await page.waitForFunction(() => document.activeElement?.matches('.lt-task-formjs input[type=radio]') ?? false);

    // Hoàn thành with the outcome empty: the error at the field, the focus on it.
    await tabTo(page, '.lt-task-form > button.lt-button');
    await page.keyboard.press('Enter');
    await page.locator('.fjs-form-field', { hasText: 'Kết quả xử lý' }).locator('.fjs-form-field-error', { hasText: 'Thông tin bắt buộc' }).waitFor();
    await expect(taskRow(taskId)).resolves.toMatchObject({ state: 'claimed', decision: null });

    // The outcome chosen with Space, the note typed, Hoàn thành with Enter.
    await tabTo(page, '.lt-task-formjs input[type=radio]');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('.lt-task-formjs input[type=radio]:checked + label')?.textContent === 'Đồng ý / đã giải quyết');
    await tabTo(page, '.lt-task-formjs textarea');
    await page.keyboard.type('Đã đăng ký khai sinh (bàn phím)');
    await tabTo(page, '.lt-task-form > button.lt-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role="status"]:has-text("Đã hoàn thành công việc")');
    await expect(taskRow(taskId)).resolves.toMatchObject({ state: 'completed', decision: { outcome: 'approved', note: 'Đã đăng ký khai sinh (bàn phím)' } });

    for (const x of pages) expect({ url: x.page.url(), problems: x.problems }).toEqual({ url: x.page.url(), problems: [] });
  }, 120_000);
});
