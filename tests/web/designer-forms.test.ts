/**
 * Feature: a process designer edits the Camunda forms of a procedure's user tasks in the browser
 * (Chromium driven by playwright-core): opens the "Biểu mẫu" tab of the designer by keyboard,
 * sees the forms its user tasks link (`zeebe:formDefinition formId`) listed as deployed, opens
 * one in the form-js editor, changes a field's label in the editor's properties panel, deploys
 * it → version 2, which the engine then holds (GET /v2/forms/by-id/{formId}). No page logs an error.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
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

const FORM_ID = 'birth-registration-group.birthRegistration';

async function asRole(role: 'designer' | 'auditor', path: string): Promise<{ status: number; body: any }> {
  const token = await tokenFor({ username: `test-${role}`, role, agencyCode: null });
  const res = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: res.status === 200 ? await res.json() : undefined };
}

describe('Scenario: a designer edits the form of a user task and deploys it', () => {
  test('Biểu mẫu tab → forms listed as deployed → open one in the form editor → change a label → deploy → version 2 in the engine', async () => {
    w = await openPage(browser);
    const { page } = w;
    page.on('dialog', (d) => void d.accept());
    await signInAs(page, service.url, 'thietke', DEMO_PASSWORDS.designer, '/designer/birth-registration-group');
    await page.waitForSelector('.djs-element[data-element-id="birthRegistration"]');

    // The tabs, by keyboard: from "Sơ đồ quy trình", the right arrow selects "Biểu mẫu".
    await page.focus('[role="tab"]#lt-d-tab-diagram');
    await page.keyboard.press('ArrowRight');
    await expect(page.getAttribute('#lt-d-tab-forms', 'aria-selected')).resolves.toBe('true');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('lt-d-tab-forms');
    await page.waitForSelector('#lt-d-panel-forms[role="tabpanel"]:not([hidden])');
    expect(await page.isHidden('[data-testid="modeler"]')).toBe(true);

    // The four user tasks' forms, each deployed at version 1 (with the procedure, at start).
    const rows = page.locator('[data-testid="forms-tab"] li[data-form-id]');
    await page.waitForSelector(`[data-testid="forms-tab"] li[data-form-id="${FORM_ID}"] [data-testid="form-state"]:has-text("phiên bản 1")`);
    await expect(
      rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-form-id'), e.querySelector('[data-testid="form-state"]')?.textContent])),
    ).resolves.toEqual(
      ['birthRegistration', 'residenceRegistration', 'healthInsuranceCard', 'returnResult'].map((id) => [
        `birth-registration-group.${id}`,
        'Đã triển khai · phiên bản 1',
      ]),
    );

    // Open it: the form editor shows its fields.
    await page.click(`li[data-form-id="${FORM_ID}"] .lt-d-form-open`);
    await page.waitForSelector('[data-testid="form-editor"] .fjs-editor-container');
    await page.waitForSelector('[data-testid="form-editor"] .fjs-form-field-label:has-text("Ghi chú của cán bộ")');
    await page.waitForSelector('[data-testid="form-editor"] .fjs-form-field-label:has-text("Kết quả xử lý")');

    // Change the note's label in the editor's properties panel: the form is marked changed.
    await page.click('[data-testid="form-editor"] .fjs-element[data-id="Field_note"]');
    await page.waitForSelector('.fjs-properties-panel[data-field="Field_note"]');
    await page.click('.fjs-properties-panel [data-group-id="group-general"] .bio-properties-panel-group-header');
    await page.fill('#bio-properties-panel-label', 'Ý kiến của cán bộ xử lý');
    await page.waitForSelector('[data-testid="form-editor"] .fjs-form-field-label:has-text("Ý kiến của cán bộ xử lý")');
    await page.waitForSelector('[data-testid="form-status"]:has-text("có thay đổi chưa triển khai")');

    // Deploy it: version 2, shown in the message line and in the list.
    await page.click('button:has-text("Triển khai biểu mẫu")');
    await page.waitForSelector(`.lt-d-banner-ok:has-text("Đã triển khai biểu mẫu ${FORM_ID}: phiên bản 2.")`);
    await page.waitForSelector(`li[data-form-id="${FORM_ID}"] [data-testid="form-state"]:has-text("phiên bản 2")`);
    await expect(page.textContent('[data-testid="form-status"]')).resolves.toBe(`${FORM_ID} — phiên bản mới nhất 2`);
    await page.screenshot({ path: 'dist/designer-forms-test.png' });
    // The editor fits the window: palette, canvas and properties panel, no page scroll bars.
    const fit = await page.evaluate(() => ({
      sideways: document.documentElement.scrollWidth - window.innerWidth,
      down: document.documentElement.scrollHeight - window.innerHeight,
      panels: ['.fjs-palette-container', '.fjs-form-container', '.fjs-properties-container'].map((sel) => {
        const r = document.querySelector(`[data-testid="form-editor"] ${sel}`)!.getBoundingClientRect();
        return r.width > 150 && r.height > 300 && r.right <= window.innerWidth + 1 && r.bottom <= window.innerHeight + 1;
      }),
    }));
    expect(fit).toEqual({ sideways: 0, down: 0, panels: [true, true, true] });

    // The engine holds version 2 with the new label; the other forms stay at 1.
    const latest = await asRole('designer', `/v2/forms/by-id/${encodeURIComponent(FORM_ID)}`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ formId: FORM_ID, version: 2 });
    const schema = JSON.parse(latest.body.schema as string) as { id: string; components: Array<{ id: string; label?: string }> };
    expect(schema.id).toBe(FORM_ID);
    expect(schema.components.find((c) => c.id === 'Field_note')?.label).toBe('Ý kiến của cán bộ xử lý');
    const list = await asRole('designer', '/v2/forms');
    const versions = Object.fromEntries((list.body.items as Array<{ formId: string; version: number }>).map((f) => [f.formId, f.version]));
    expect(versions).toMatchObject({ [FORM_ID]: 2, 'birth-registration-group.returnResult': 1 });
    // The read route is the designer's and the administrator's.
    await expect(asRole('auditor', '/v2/forms')).resolves.toMatchObject({ status: 403 });
    await expect(asRole('designer', '/v2/forms/by-id/no-such-form')).resolves.toMatchObject({ status: 404 });

    // Back to the diagram, by keyboard: the canvas is shown again.
    await page.focus('#lt-d-tab-forms');
    await page.keyboard.press('Home');
    await page.waitForSelector('[data-testid="modeler"]:not([hidden]) .djs-element[data-element-id="birthRegistration"]');
    await page.click('.djs-element[data-element-id="birthRegistration"]');
    await page.waitForSelector('.lt-d-side .bio-properties-panel-header-label:has-text("Đăng ký khai sinh")');

    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: a designer gives a new user task a form', () => {
  test('a drawn user task has no form → "Tạo biểu mẫu" links <process>.<task> and opens an empty form → deploy → version 1', async () => {
    w = await openPage(browser);
    const { page } = w;
    page.on('dialog', (d) => void d.accept());
    await signInAs(page, service.url, 'thietke', DEMO_PASSWORDS.designer, '/designer/birth-registration-group');
    await page.waitForSelector('.djs-element[data-element-id="birthRegistration"]');

    // Draw a task and make it a user task.
    await page.click('.djs-palette [data-action="create.task"]');
    const box = (await page.locator('[data-testid="modeler"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.85);
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.85);
    const newId = (await page.getAttribute('.djs-shape.selected', 'data-element-id'))!;
    await page.keyboard.type('Thẩm định thêm');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(`.djs-shape.selected[data-element-id="${newId}"]`);
    await replaceSelectedWith(page, 'replace-with-user-task'); // "Change element" (the wrench)
    await page.waitForSelector('.lt-d-side .bio-properties-panel-header-type:has-text("User Task")');

    // The forms tab lists it without a form; creating one links it and opens an empty form.
    await page.click('#lt-d-tab-forms');
    const row = page.locator(`[data-testid="forms-tab"] li[data-element-id="${newId}"]`);
    await expect(row.locator('.lt-d-form-state').textContent()).resolves.toBe('Chưa gắn biểu mẫu');
    await row.locator('button:has-text("Tạo biểu mẫu")').click();
    const formId = `birth-registration-group.${newId}`;
    await page.waitForSelector(`[data-testid="forms-tab"] li[data-form-id="${formId}"] [data-testid="form-state"]:has-text("Chưa triển khai")`);
    await page.waitForSelector('[data-testid="form-editor"] .fjs-editor-container');
    await page.waitForSelector(`.lt-d-banner-info:has-text("Đã gắn biểu mẫu ${formId}")`);

    // Deploy the (empty) form: version 1; the diagram now links it and waits for its own deployment.
    await page.click('button:has-text("Triển khai biểu mẫu")');
    await page.waitForSelector(`.lt-d-banner-ok:has-text("Đã triển khai biểu mẫu ${formId}: phiên bản 1.")`);
    await expect(asRole('designer', `/v2/forms/by-id/${encodeURIComponent(formId)}`)).resolves.toMatchObject({ status: 200, body: { formId, version: 1 } });
    await page.click('#lt-d-tab-diagram');
    await page.waitForSelector('[data-testid="designer-status"]:has-text("có thay đổi chưa triển khai")');
    await page.click(`.lt-d-problem[data-element-id="${newId}"] button`); // selects it
    await page.waitForSelector('.lt-d-side .bio-properties-panel-header-type:has-text("User Task")');
    await page.click('[data-group-id="group-form"] .bio-properties-panel-group-header');
    await expect(page.inputValue('#bio-properties-panel-formId')).resolves.toBe(formId);

    expect(w.problems).toEqual([]);
  });
});
