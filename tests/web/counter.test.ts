/**
 * Feature: the one-stop counter in the browser (Chromium driven by playwright-core).
 *
 * Given a counter officer at /counter, when they choose the birth-registration group and fill
 * the form drawn from its intake JSON Schema but leave the child's birth place empty, then the
 * server's reason shows at that field (and in the summary above the form) and the field has the
 * focus; once filled, the receipt shows the dossier code, the lookup secret and the appointment,
 * and form 01 opens in a new tab. The agencies then do their steps (through the API); the officer
 * finds the dossier by the applicant's citizen ID and by its code, hands the result back, and the
 * dossier is "Đã trả kết quả". No page logs an error.
 */
import { join } from 'node:path';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { waitFor } from '../support/engine.js';
import { birthIntake, constructionIntake } from '../dossiers/fixtures.js';
import { call } from '../http/support.js';
import { fillIntakeForm, intakeField } from '../support/counter-form.js';
import { expectOk, useWebService } from '../support/web-service.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  economy: ['kinhte.hoa-binh', DEMO_PASSWORDS.officer],
} as const;

const clock = new ManualClock();
const s = useWebService(PEOPLE, { clock });
const { as, claimAndComplete } = s;

let w: WatchedPage;
afterEach(async () => {
  await w?.context.close();
});

const field = intakeField;

describe('Scenario: a birth registration received at the counter, its result handed back', () => {
  test('form from the schema → a field left empty is named at the field → receipt with code, secret, form 01 → search → hand back', async () => {
    w = await openPage(s.browser, { width: 1280, height: 800 });
    const { page, context } = w;
    await signInAs(page, s.url, ...PEOPLE.counter, '/counter');
    await page.waitForSelector('#lt-c-procedure option[value="birth-registration-group"]', { state: 'attached' });
    await page.selectOption('#lt-c-procedure', 'birth-registration-group');
    await page.waitForSelector('form.lt-c-form[data-procedure="birth-registration-group"]');

    // The form is the schema's: groups with Vietnamese legends, required fields marked, labels bound to inputs.
    await expect(page.locator('fieldset[data-path="/child"] > legend').textContent()).resolves.toContain('Trẻ được đăng ký khai sinh');
    await expect(page.locator(`label[for="${field('/child/birthPlace').slice(1)}"]`).textContent()).resolves.toMatch(/Nơi sinh\s*\*/);
    await expect(page.locator(field('/applicant/gender')).locator('option').allTextContents()).resolves.toEqual(['— Chọn —', 'Nam', 'Nữ']);

    const intake = birthIntake();
    await fillIntakeForm(page, intake, '/child/birthPlace');
    await page.click('button[type=submit]');

    // The server's reason, at the field, in the summary, and the focus on the field.
    const error = page.locator(`${field('/child/birthPlace')}-err`);
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain("thiếu thông tin bắt buộc 'Nơi sinh'");
    await expect(page.locator(field('/child/birthPlace')).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('[data-testid="error-summary"] a').allTextContents()).resolves.toEqual(['Trẻ được đăng ký khai sinh › Nơi sinh']);
    await page.waitForFunction((id) => document.activeElement?.id === id, field('/child/birthPlace').slice(1));
    await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-form.png') });

    await page.keyboard.type(intake.child.birthPlace);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="receipt"]');
    const code = (await page.textContent('[data-testid="receipt-code"]'))!.trim();
    const secret = (await page.textContent('[data-testid="receipt-secret"]'))!.trim();
    expect(code).toMatch(/^000\.02\.31\.H99-260105-\d{4}$/);
    expect(secret).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect(page.textContent('[data-testid="receipt-appointment"]')).resolves.toMatch(/\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    await expect(page.textContent('[data-testid="receipt"]')).resolves.toContain('/tra-cuu');
    await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-receipt.png') });

    // Form 01 opens in a new tab, for this dossier, with the lookup secret printed on it.
    const [form01] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid="form01-link"]')]);
    await form01.waitForFunction((s) => document.body?.textContent?.includes(s) ?? false, secret);
    await expect(form01.content()).resolves.toContain(code);
    await form01.close();

    // What the browser sent is what the fixture says.
    const stored = await expectOk(as('counter', 'GET', `/api/dossiers/${code}`), 'read the dossier');
    expect(stored.applicant).toEqual(intake.applicant);

    // The agencies do their steps; the result waits at the counter.
    await claimAndComplete('civil', code, 'birthRegistration');
    await claimAndComplete('insurance', code, 'healthInsuranceCard');
    await claimAndComplete('police', code, 'residenceRegistration');
    await waitFor(`${code} done`, async () => (await as('counter', 'GET', `/api/dossiers/${code}`)).body.status === 'done', 20_000);

    // Found by the applicant's citizen ID, then opened.
    await page.click('button:has-text("Tiếp nhận hồ sơ khác")');
    await page.fill('#lt-c-q', intake.applicant.citizenId);
    await page.press('#lt-c-q', 'Enter');
    await page.click(`[data-testid="search-hits"] a:has-text("${code}")`);
    await page.waitForURL(`**/counter/${code}`);
    await expect(page.textContent('[data-testid="dossier-status"]')).resolves.toBe('Đã có kết quả');

    // Found by its code too (a fresh page at /counter/{code}), and the result handed back.
    await page.goto(`${s.url}/counter`);
    await page.fill('#lt-c-q', code);
    await page.press('#lt-c-q', 'Enter');
    await page.waitForSelector('[data-testid="dossier-status"]');
    await expect(page.textContent('[data-testid="dossier"]')).resolves.toContain(intake.applicant.fullName);
    await page.fill('#lt-c-note', 'Đã trao giấy khai sinh và thẻ BHYT');
    await page.click('[data-testid="hand-back"]');
    await page.waitForSelector('[data-testid="hand-back-done"]');
    await expect(page.textContent('[data-testid="dossier-status"]')).resolves.toBe('Đã trả kết quả');
    expect(await page.locator('[data-testid="hand-back"]').count()).toBe(0);
    expect((await as('counter', 'GET', `/api/dossiers/${code}`)).body.status).toBe('returned');

    await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test.png') });
    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: the form generator reads one document per procedure', () => {
  test('GET /api/procedures/{code}/intake-schema: every $ref resolved, the papers of the version in force named; an unknown code is a 404 naming it', async () => {
    for (const code of ['birth-registration-group', 'death-registration-group', 'land-use-right-transfer', 'construction-permit']) {
      const r = await expectOk(as('counter', 'GET', `/api/procedures/${code}/intake-schema`), code);
      expect(JSON.stringify(r)).not.toContain('$ref');
      expect(r.properties.applicant.properties.address.required).toEqual(['provinceName', 'communeName', 'detail']);
      expect(r.properties.documents.items.properties.code.oneOf.length).toBeGreaterThan(0);
    }
    const birth = (await as('counter', 'GET', '/api/procedures/birth-registration-group/intake-schema')).body;
    expect(birth.properties.residence).toMatchObject({ description: expect.any(String), type: 'object', required: ['provinceName', 'communeName', 'detail'] });
    expect(birth.properties.documents.items.properties.code.oneOf).toContainEqual({
      const: 'giay-chung-sinh',
      title: expect.stringContaining('Giấy chứng sinh'),
    });
    const unknown = await as('counter', 'GET', '/api/procedures/khong-co/intake-schema');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('khong-co');
    expect((await call(s.url, 'GET', '/api/procedures/birth-registration-group/intake-schema', undefined, { authorization: '' })).status).toBe(401);
  });
});

describe('Scenario: a construction permit for a detached house, received at the commune centre under version 2026.12', () => {
  test('the box "Nhà ở riêng lẻ" says what it changes → 15 days: Tuesday 01/12/2026 09:00 → 17:00 16/12/2026; form 01 names the case', async () => {
    const before = clock.now();
    clock.set(Date.parse('2026-12-01T02:00:00Z'));
    await s.signInAll();
    try {
      w = await openPage(s.browser, { width: 1280, height: 800 });
      const { page, context } = w;
      await signInAs(page, s.url, ...PEOPLE.counter, '/counter');
      await page.waitForSelector('#lt-c-procedure option[value="construction-permit"]', { state: 'attached' });
      await page.selectOption('#lt-c-procedure', 'construction-permit');
      await page.waitForSelector('form.lt-c-form[data-procedure="construction-permit"]');
      const box = field('/project/detachedHouse');
      await expect(page.locator(`label[for="${box.slice(1)}"]`).textContent()).resolves.toContain('Nhà ở riêng lẻ');
      await expect(page.locator(`${box} >> xpath=ancestor::div[contains(@class, "lt-c-bool")]`).textContent()).resolves.toContain(
        'Ủy ban nhân dân cấp xã cấp phép',
      );

      const { consultedAgencies: _chosenBelow, ...intake } = constructionIntake();
      intake.project.detachedHouse = true;
      await fillIntakeForm(page, intake);
      await page.check(`${field('/consultedAgencies')}-0`);
      await page.locator(box).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-detached-house.png') });
      await page.click('form.lt-c-form button[type=submit]');
      await page.waitForSelector('[data-testid="receipt"]');
      const code = (await page.textContent('[data-testid="receipt-code"]'))!.trim();
      const secret = (await page.textContent('[data-testid="receipt-secret"]'))!.trim();
      expect(code).toMatch(/^000\.02\.31\.H99-261201-\d{4}$/);
      await expect(page.textContent('[data-testid="receipt-appointment"]')).resolves.toContain('17:00 16/12/2026');
      const [form01] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid="form01-link"]')]);
      await form01.waitForFunction((c) => document.body?.textContent?.includes(c) ?? false, code);
      await expect(form01.textContent('body')).resolves.toContain('Cấp giấy phép xây dựng có lấy ý kiến các cơ quan liên quan (Nhà ở riêng lẻ)');
      await form01.close();
      const stored = await expectOk(as('counter', 'GET', `/api/dossiers/${code}`), 'read the dossier');
      expect(stored).toMatchObject({ caseCode: 'nha-o-rieng-le', procedure: { case: { code: 'nha-o-rieng-le' } } });
      // The dossier's page names the case beside the procedure.
      await page.goto(`${s.url}/counter/${code}`);
      await expect(page.textContent('.lt-c-proc')).resolves.toContain('(Nhà ở riêng lẻ)');
      // Its first step is at the commune's economic office, named as the registry names it.
      await expect(page.textContent('[data-testid="dossier"] table')).resolves.toContain('Ủy ban nhân dân xã Hòa Bình (Phòng Kinh tế)');
      await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-detached-house-dossier.png') });
      // The trace's header and the citizen's lookup name it too.
      await page.goto(`${s.url}/trace/${code}`);
      await page.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');
      await expect(page.textContent('main')).resolves.toContain('construction-permit (Nhà ở riêng lẻ) · quy định 2026.12');
      await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-detached-house-trace.png') });
      await page.goto(`${s.url}/tra-cuu`);
      await page.fill('input[name=code]', code);
      await page.fill('input[name=secret]', secret);
      await page.click('[data-testid="lookup-form"] button[type=submit]');
      await page.waitForURL(`**/tra-cuu/${code}`);
      await page.waitForFunction(() => document.body.textContent?.includes('(Nhà ở riêng lẻ)') ?? false);
      await page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-detached-house-lookup.png') });
      expect(w.problems).toEqual([]);
      await w.context.close();

      // The commune's economic office finds the step in its inbox; the task page names the case.
      w = await openPage(s.browser, { width: 1280, height: 800 });
      await signInAs(w.page, s.url, ...PEOPLE.economy, '/inbox');
      const link = w.page.locator('tr', { hasText: code }).locator('a.lt-i-link', { hasText: 'Kiểm tra, thẩm định hồ sơ' });
      await link.waitFor();
      await Promise.all([w.page.waitForURL(/\/inbox\/\d+$/), link.click()]);
      await w.page.waitForFunction(() => document.body.textContent?.includes('(Nhà ở riêng lẻ)') ?? false);
      await w.page.screenshot({ path: join(process.cwd(), 'dist', 'counter-test-detached-house-inbox.png') });
      expect(w.problems).toEqual([]);
    } finally {
      clock.set(before);
      await s.signInAll();
    }
  });
});
