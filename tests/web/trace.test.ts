/**
 * Feature: an auditor traces a dossier in the browser (Chromium driven by playwright-core).
 *
 * Given a birth registration received at the counter, the civil-status and social-insurance steps
 * done at once, the police asking for a supplement which the counter supplies, and the police
 * finishing ten days later (the service's clock moved, nothing slept), when the auditor opens
 * /trace/{code}, then the police step is marked late on the diagram with an overlay saying by how
 * much, the supplement request is in the timeline, a click on a row selects its element, and a
 * variable's history shows each of its values. The social-insurance step runs in a called process
 * here (tests/support/called-step.ts): a click on its call activity opens the called instance's
 * diagram with the step's overlay, and the instance bar leads back. No page logs an error.
 */
import { join } from 'node:path';
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { rmSync } from 'node:fs';
import { catalogWithCalledStep, CALLED_PROCESS_ID } from '../support/called-step.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { openInboxTask } from '../support/inbox.js';
import { expectOk, useWebService } from '../support/web-service.js';

const DAY = 24 * 3_600_000;
const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
  insurance: ['bhxh', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
} as const;

const clock = new ManualClock();
const calledCatalog = catalogWithCalledStep();
const s = useWebService(PEOPLE, { clock, processesDir: calledCatalog });
afterAll(() => rmSync(calledCatalog, { recursive: true, force: true }));
const { as, claimAndComplete } = s;

let w: WatchedPage;
afterEach(async () => {
  await w?.context.close();
});

/** A dossier with one late step (the police's) and one supplement, brought a day after it was asked for. */
async function lateDossier(): Promise<string> {
  const intake = birthIntake();
  const received = await expectOk(as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake }), 'receive');
  const code = received.dossier.code as string;
  await claimAndComplete('civil', code, 'birthRegistration');
  await claimAndComplete('insurance', code, 'healthInsuranceCard');
  await openInboxTask((path) => as('police', 'GET', path), PEOPLE.police[0], code, 'residenceRegistration');
  await expectOk(
    as('police', 'POST', `/api/dossiers/${code}/supplement-requests`, {
      reasons: ['Thiếu bản sao giấy chứng sinh'],
      items: [{ name: 'Giấy chứng sinh (bản sao)' }],
      legalBasis: 'Luật Hộ tịch 2014, Điều 16',
    }),
    'the police asks for a supplement',
  );
  // Brought the next day: the clock restarts, so the appointment and the step due dates really move.
  clock.advance(DAY);
  await s.signInAll();
  await expectOk(as('counter', 'POST', `/api/dossiers/${code}/supplements`, { documents: [{ name: 'Giấy chứng sinh (bản sao)' }] }), 'the counter supplies it');
  clock.advance(9 * DAY);
  await s.signInAll();
  await claimAndComplete('police', code, 'residenceRegistration');
  return code;
}

describe('Scenario: the auditor finds which agency made a dossier late, and by how much', () => {
  test('trace → late step marked with its overlay → supplement in the timeline → row ↔ element → a variable with each of its values', async () => {
    const code = await lateDossier();
    const api = (await as('auditor', 'GET', `/api/dossiers/${code}/trace`)).body;
    const police = api.steps.find((s: any) => s.elementId === 'residenceRegistration');
    expect(police.sla).toMatchObject({ result: 'late', overrunHours: expect.any(Number) });
    expect(police.sla.overrunHours).toBeGreaterThan(0);
    // A variable that changed: its values, in order.
    const names = new Map<string, string[]>();
    // The dossier's own instance: its diagram is the one shown first (a called instance has its own variables).
    const own = api.variables.filter((v: any) => v.processInstanceKey === api.diagram[0].processInstanceKey);
    for (const v of own) names.set(v.name, [...(names.get(v.name) ?? []), v.value]);
    const [changed, values] = [...names].find(([, vs]) => vs.length >= 2 && new Set(vs).size >= 2)!;

    w = await openPage(s.browser);
    const { page } = w;
    await signInAs(page, s.url, ...PEOPLE.auditor, `/trace/${code}`);
    await page.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');

    // The late step: marked on the diagram, its overlay naming the agency, the official and by how much.
    await page.waitForSelector('.djs-element.lt-late[data-element-id="residenceRegistration"]');
    expect(await page.locator('.djs-element.lt-completed[data-element-id="birthRegistration"]').count()).toBe(1);
    expect(await page.locator('.djs-connection.lt-taken').count()).toBeGreaterThan(0);
    const overlay = page.locator('.lt-t-overlay[data-element-id="residenceRegistration"]');
    await expect(overlay.textContent()).resolves.toMatch(/Trễ hạn \d+ ngày.*làm việc/);
    await expect(overlay.textContent()).resolves.toContain('congan.hoa-binh');
    await expect(page.textContent('[data-testid="late-summary"]')).resolves.toMatch(/Trễ tại .*Công an/);

    // The supplement request is in the timeline; its row selects the police step, and the diagram's click selects the rows back.
    const supplementRow = page.locator('[data-testid="timeline"] li', { hasText: 'Yêu cầu bổ sung hồ sơ' });
    expect(await supplementRow.count()).toBeGreaterThan(0);
    const completeRow = page.locator('[data-testid="timeline"] li[data-kind="complete"][data-element-id="residenceRegistration"]');
    // Who did it, by name first (the commune police officer of the demo registry).
    await expect(completeRow.locator('.lt-t-who').textContent()).resolves.toContain('Trần Văn Bình (congan.hoa-binh)');
    await completeRow.locator('button').click();
    await page.waitForSelector('.djs-element.lt-selected[data-element-id="residenceRegistration"]');
    await page.click('.djs-element[data-element-id="birthRegistration"]');
    await page.waitForSelector('[data-testid="timeline"] li.lt-t-hit[data-element-id="birthRegistration"]');

    // The variable's history: each value it had.
    await page.click('[role="tab"]:has-text("Lịch sử biến")');
    await page.click(`[data-variable="${changed}"] .lt-t-var-name`);
    const shown = await page.locator(`[data-variable="${changed}"] .lt-t-value`).allTextContents();
    expect(shown).toEqual(values);

    await page.screenshot({ path: join(process.cwd(), 'dist', 'trace-test.png') });
    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: the auditor follows a step into the process it was called in', () => {
  test('call activity completed on the dossier diagram → click → the called instance, its step and overlay → back to the dossier', async () => {
    const received = await expectOk(
      as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() }),
      'receive',
    );
    const code = received.dossier.code as string;
    await claimAndComplete('civil', code, 'birthRegistration');
    await claimAndComplete('insurance', code, 'healthInsuranceCard');

    w = await openPage(s.browser);
    const { page } = w;
    await signInAs(page, s.url, ...PEOPLE.auditor, `/trace/${code}`);
    await page.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');
    // The dossier's own diagram: the call activity completed, the police step still open.
    await page.waitForSelector('.djs-element.lt-completed[data-element-id="healthInsuranceCard"]');
    await page.waitForSelector('.djs-element.lt-active[data-element-id="residenceRegistration"]');

    await page.click('.djs-element[data-element-id="healthInsuranceCard"]');
    await page.waitForSelector('[data-testid="trace-canvas"][data-drawn="2"]');
    // The called instance: its own start and end, the step completed with who did it.
    expect(await page.locator('.djs-element[data-element-id="residenceRegistration"]').count()).toBe(0);
    await page.waitForSelector('.djs-element.lt-completed[data-element-id="cardIssued"]');
    await expect(page.locator('.lt-t-overlay[data-element-id="healthInsuranceCard"]').textContent()).resolves.toContain('bhxh');
    const bar = page.locator('.lt-t-instances button');
    await expect(bar.allTextContents()).resolves.toEqual([expect.not.stringContaining('↳'), expect.stringContaining('↳')]);
    await expect(page.locator('.lt-t-instances button[aria-pressed="true"]').textContent()).resolves.toContain(CALLED_PROCESS_ID);

    await bar.first().click();
    await page.waitForSelector('[data-testid="trace-canvas"][data-drawn="3"]');
    await page.waitForSelector('.djs-element.lt-active[data-element-id="residenceRegistration"]');
    expect(w.problems).toEqual([]);
  });
});
