/**
 * Feature: the on-time reports in the browser (/reports), and finding a dossier without its code
 * (/trace's search).
 *
 * Given a dossier whose police step finished ten days late while the civil-status and
 * social-insurance steps were done at once, when the auditor opens the report for the month, then
 * the table counts it late for the police and within the limit for the two others — every number
 * equal to reportOnTime for the same period —, a click on the police's late bar lists the dossier,
 * the procedure and channel views and Decree 09/2019's cut-off agree with reportOnTime too, and the
 * CSV opens in Excel (BOM). When the auditor searches /trace by the applicant's citizen ID she
 * finds the dossier; another commune's police officer does not. No page logs an error.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { reportingPeriod, reportOnTime, reportOpen, type GroupBy, type OnTimeReport } from '../../src/reports/index.js';
import { launchBrowser, openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { lateDossier, PEOPLE, startWorld, type World } from '../support/late-dossier.js';

let w: World;
let browser: Browser;
let page: WatchedPage;
let dossier: { code: string; citizenId: string };
beforeAll(async () => {
  w = await startWorld();
  browser = await launchBrowser();
  dossier = await lateDossier(w);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});
afterEach(async () => {
  await page?.context.close();
});

/**
 * The table as the page shows it: key → [total, early, on time, late] for the groups with a
 * finished clock (reportOnTime's rows); `open` → key → [open, overdue] for every row.
 */
async function shownCounts(p: Page, which: 'finished' | 'open' = 'finished'): Promise<Record<string, number[]>> {
  const results = which === 'finished' ? ['total', 'early', 'on_time', 'late'] : ['open', 'overdue'];
  const rows = await p
    .locator('[data-testid="report-table"] tbody tr')
    .evaluateAll(
      (trs, rs) => trs.map((tr) => [tr.getAttribute('data-key'), rs.map((r) => Number(tr.querySelector(`td[data-result="${r}"]`)!.textContent))] as const),
      results,
    );
  return Object.fromEntries(which === 'finished' ? rows.filter(([, n]) => n[0] > 0) : rows.filter(([, n]) => n[0] > 0));
}

const expected = (r: OnTimeReport) => Object.fromEntries(r.rows.map((x) => [x.key, [x.total, x.early, x.onTime, x.late]]));

async function report(groupBy: GroupBy, p: { year: number; period: 'month'; index: number; convention: 'calendar' | 'nd09' }): Promise<OnTimeReport> {
  const { from, to } = reportingPeriod(p);
  return reportOnTime(w.t.db, { from, to, groupBy });
}

describe('Scenario: the month of a dossier late at the police', () => {
  test('the table equals reportOnTime: late for the police, within the limit for the others; a bar lists the dossier; procedure, channel and ND 09 agree; CSV', async () => {
    page = await openPage(browser);
    const p = page.page;
    await signInAs(p, w.service.url, ...PEOPLE.auditor, '/reports');
    await p.waitForSelector('[data-testid="report-table"]');
    // The page opens on the service's month: January 2026 (the clock is injected).
    await expect(p.textContent('[data-testid="report-period"]')).resolves.toContain('Tháng 01/2026 · từ 01/01/2026 đến 31/01/2026');

    const month = { year: 2026, period: 'month', index: 1, convention: 'calendar' } as const;
    const byAgency = await report('agency', month);
    expect(await shownCounts(p)).toEqual(expected(byAgency));
    // Still open at the month's end: the counter's hand-back step, as reportOpen counts it.
    const { from, to } = reportingPeriod(month);
    const open = await reportOpen(w.t.db, { from, to, groupBy: 'agency', now: new Date(w.clock.now()) });
    expect(await shownCounts(p, 'open')).toEqual(Object.fromEntries(open.rows.map((r) => [r.key, [r.open, r.overdue]])));
    expect(open.rows.map((r) => r.key)).toContain('mot-cua-xa.hoa-binh');
    const police = byAgency.rows.find((r) => r.key === 'cong-an-xa.hoa-binh')!;
    expect(police).toMatchObject({ total: 1, late: 1 });
    for (const other of ['ubnd-xa.tu-phap-ho-tich.hoa-binh', 'bhxh.thu-nghiem']) {
      const r = byAgency.rows.find((x) => x.key === other);
      expect({ other, late: r?.late, within: (r?.early ?? 0) + (r?.onTime ?? 0) }).toEqual({ other, late: 0, within: 1 });
    }
    await p.screenshot({ path: 'dist/reports-test.png' });

    // The police's late bar → the dossier behind it.
    const bars = JSON.parse((await p.getAttribute('[data-testid="report-chart"]', 'data-bars'))!) as { key: string; result: string; x: number; y: number }[];
    const bar = bars.find((b) => b.key === 'cong-an-xa.hoa-binh' && b.result === 'late')!;
    await p.click('[data-testid="report-chart"]', { position: { x: bar.x, y: bar.y } });
    await p.waitForSelector('[data-testid="behind"][data-result="late"][data-key="cong-an-xa.hoa-binh"] tbody tr');
    await expect(p.textContent('[data-testid="behind"] tbody')).resolves.toContain(dossier.code);
    await expect(p.getAttribute(`[data-testid="behind"] a:has-text("${dossier.code}")`, 'href')).resolves.toBe(`/trace/${dossier.code}`);

    // The CSV of the table: BOM, Vietnamese headers, the police's row.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="export-csv"]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('"Cơ quan","Mã","Đã giải quyết","Trước hạn","Đúng hạn","Trễ hạn"');
    expect(csv).toMatch(/"cong-an-xa\.hoa-binh","1","0","0","1"/);

    // By procedure and by channel: the dossier clocks, as reportOnTime counts them.
    for (const [tab, groupBy] of [
      ['Theo thủ tục', 'procedure'],
      ['Theo kênh tiếp nhận', 'channel'],
    ] as const) {
      await p.click(`[role="tab"]:has-text("${tab}")`);
      await p.waitForSelector('[data-testid="report-table"]');
      await p.waitForFunction(
        (g) => document.querySelector('[data-testid="report-table"] thead th')?.textContent === g,
        groupBy === 'procedure' ? 'Thủ tục' : 'Kênh tiếp nhận',
      );
      const want = expected(await report(groupBy, month));
      // The rows of the new grouping, not the previous one's still on screen while it loads.
      await p.waitForFunction((keys) => keys.every((k) => document.querySelector(`[data-testid="report-table"] tbody tr[data-key="${k}"]`)), Object.keys(want));
      expect({ groupBy, shown: await shownCounts(p) }).toEqual({ groupBy, shown: want });
    }

    // Decree 09/2019's month of January: 15/12/2025–14/01/2026 — the police finished on the 15th, outside it.
    await p.click('[role="tab"]:has-text("Theo cơ quan")');
    await p.selectOption('select[name="convention"]', 'nd09');
    await p.click('[data-testid="period-form"] button[type="submit"]');
    await p.waitForFunction(() => document.querySelector('[data-testid="report-period"]')?.textContent?.includes('15/12/2025'));
    await p.waitForSelector('[data-testid="report-table"]');
    const nd09 = await report('agency', { ...month, convention: 'nd09' });
    expect(await shownCounts(p)).toEqual(expected(nd09));
    expect(nd09.rows.find((r) => r.key === 'cong-an-xa.hoa-binh')).toBeUndefined();
    expect(page.problems).toEqual([]);
  });

  test('an officer sees only their own agency’s row', async () => {
    page = await openPage(browser);
    const p = page.page;
    await signInAs(p, w.service.url, ...PEOPLE.police, '/reports');
    await p.waitForSelector('[data-testid="report-table"]');
    const rows = await p.locator('[data-testid="report-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(rows).toEqual(['cong-an-xa.hoa-binh']);
    expect(await p.locator('[role="tab"]').count()).toBe(0);
    expect(page.problems).toEqual([]);
  });
});

describe('Scenario: finding a dossier without its code', () => {
  test('the auditor finds it by the applicant’s citizen ID and by the day received, and opens its trace; another commune’s police finds nothing', async () => {
    page = await openPage(browser);
    const p = page.page;
    await signInAs(p, w.service.url, ...PEOPLE.auditor, '/trace');
    await p.selectOption('select[name="mode"]', 'citizenId');
    await p.fill('input[name="citizenId"]', dossier.citizenId);
    await Promise.all([p.waitForURL(/citizenId=/), p.click('form[role="search"] button[type="submit"]')]);
    await p.waitForSelector('[data-testid="search-results"]');
    await expect(p.textContent('[data-testid="search-results"]')).resolves.toContain(dossier.code);

    await p.selectOption('select[name="mode"]', 'period');
    await p.fill('input[name="from"]', '05/01/2026');
    await p.fill('input[name="to"]', '05/01/2026');
    await Promise.all([p.waitForURL(/from=2026-01-05&to=2026-01-05/), p.click('form[role="search"] button[type="submit"]')]);
    await p.waitForSelector(`[data-testid="search-results"] a:has-text("${dossier.code}")`);
    await Promise.all([p.waitForURL(`**/trace/${dossier.code}`), p.click(`[data-testid="search-results"] a:has-text("${dossier.code}")`)]);
    await p.waitForSelector('[data-testid="trace-canvas"][data-drawn="1"]');
    expect(page.problems).toEqual([]);

    // The one visibility rule: the other commune's police does not see it; a bad ID is a 400 naming it.
    const other = await w.as('policeTanAn', 'GET', `/api/dossiers?citizenId=${dossier.citizenId}`);
    expect(other.body).toMatchObject({ total: 0, items: [] });
    const own = await w.as('police', 'GET', `/api/dossiers?citizenId=${dossier.citizenId}`);
    expect(own.body.items.map((d: any) => d.code)).toEqual([dossier.code]);
    expect(own.body.items[0].applicant.citizenId).toMatch(/^\*{8}\d{4}$/);
    const bad = await w.as('auditor', 'GET', '/api/dossiers?citizenId=12345');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('citizenId');
    expect((await w.as('auditor', 'GET', '/api/dossiers')).status).toBe(400);
  });
});
