/**
 * Feature: an inspector proves the audit log intact, or finds where it was altered, from /audit
 * (Chromium driven by playwright-core).
 *
 * Given a dossier received and worked (audit rows of logins, the receipt, tasks), when the auditor
 * searches the log by dossier, actor, action and period, then the page shows exactly the API's
 * rows and exports them as CSV that Excel reads (UTF-8 with BOM, Vietnamese headers); when she
 * verifies the chain, the progress bar runs batch by batch and the chain is intact; when one row
 * is then rewritten behind the application's back (its UPDATE trigger disabled, as only a
 * database owner could), verifying again names that row and says its content no longer matches
 * its hash. No page logs an error.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, signInAs, type WatchedPage } from '../support/browser.js';
import { expectOk, lateDossier, PEOPLE, startWorld, type World } from '../support/late-dossier.js';
import { birthIntake } from '../dossiers/fixtures.js';

let w: World;
let browser: Browser;
let page: WatchedPage;
beforeAll(async () => {
  w = await startWorld();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});
afterEach(async () => {
  await page?.context.close();
});

describe('Scenario: the auditor searches the log, exports it, and verifies the chain', () => {
  test('search by dossier, actor, action and period → the API’s rows → CSV with BOM → verify ok → one row altered → verify names it', async () => {
    const { code } = await lateDossier(w);
    // A second dossier, so that filtering by dossier has something to leave out.
    await expectOk(
      w.as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() }),
      'another',
    );

    page = await openPage(browser);
    const p = page.page;
    await signInAs(p, w.service.url, ...PEOPLE.auditor, '/audit');
    await p.waitForSelector('[data-testid="audit-rows"]');

    // By dossier: the rows of that dossier, as the API returns them.
    await p.fill('input[name="dossier"]', code);
    await p.click('form[role="search"] button[type="submit"]');
    await p.waitForSelector(`[data-testid="audit-rows"] tbody tr >> nth=0`);
    await p.waitForFunction(
      (c) => [...document.querySelectorAll('[data-testid="audit-rows"] tbody tr td:nth-child(4)')].every((td) => td.textContent === c),
      code,
    );
    const api = (await w.as('auditor', 'GET', `/api/audit?dossier=${code}&pageSize=50`)).body;
    const shownSeqs = await p.locator('[data-testid="audit-rows"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-seq')));
    // The API call above is itself an audited read of the dossier, after the page's query: compare the page's rows with the API's first ones.
    expect(shownSeqs).toEqual(api.items.slice(0, shownSeqs.length).map((r: any) => r.seq));
    expect(shownSeqs.length).toBeGreaterThan(5);

    // By actor and action: the police officer's completed steps; by period: none in a year before.
    await p.fill('input[name="actor"]', 'congan.hoa-binh');
    await p.selectOption('select[name="action"]', 'task.');
    await p.click('form[role="search"] button[type="submit"]');
    await p.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="audit-rows"] tbody tr td:nth-child(3)')].every((td) => td.textContent?.startsWith('congan.hoa-binh')),
    );
    const police = (await w.as('auditor', 'GET', `/api/audit?dossier=${code}&actor=congan.hoa-binh&action=task.`)).body;
    await expect(p.textContent('[data-testid="audit-total"]')).resolves.toContain(`${police.total} dòng`);
    expect(police.items.map((r: any) => r.action)).toEqual(expect.arrayContaining(['task.claimed', 'task.completed']));

    // CSV of the rows shown: BOM, Vietnamese headers, one line per row.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="export-csv"]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"Số thứ tự","Thời điểm","Người thực hiện","Vai trò","Cơ quan","Mã hồ sơ","Hành động","Mã hành động","Nội dung","Mã băm dòng trước","Mã băm"',
    );
    expect(lines).toHaveLength(Number(police.items.length) + 1);
    expect(lines[1]).toMatch(new RegExp(`^"${police.items[0].seq}","\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}","congan.hoa-binh","Cán bộ"`));

    await p.fill('input[name="from"]', '01/01/2025');
    await p.fill('input[name="to"]', '31/12/2025');
    await p.click('form[role="search"] button[type="submit"]');
    await p.waitForSelector('text=Không có dòng nào khớp điều kiện.');

    // The chain verifies.
    await p.click('[data-testid="verify"]');
    await p.waitForSelector('[data-testid="verify-result"]');
    expect(await p.getAttribute('[data-testid="verify-result"]', 'data-ok')).toBe('true');
    const n = Number((await w.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n);
    expect(n).toBeGreaterThan(20);

    // One row rewritten with SQL, behind the application's back.
    const { rows } = await w.t.db.query<{ seq: string }>(
      `select seq::text from domain.audit_log where dossier_code = $1 and action = 'task.completed' order by seq limit 1`,
      [code],
    );
    const seq = rows[0].seq;
    await w.t.db.tx(async (q) => {
      await q.query(`alter table domain.audit_log disable trigger audit_log_no_update`);
      await q.query(`update domain.audit_log set actor = 'ke-gian' where seq = $1`, [seq]);
      await q.query(`alter table domain.audit_log enable trigger audit_log_no_update`);
    });
    await p.click('[data-testid="verify"]');
    await p.waitForSelector('[data-testid="verify-result"][data-ok="false"]');
    expect(await p.getAttribute('[data-testid="verify-result"]', 'data-seq')).toBe(seq);
    const said = await p.textContent('[data-testid="verify-result"]');
    expect(said).toContain(`Dòng số ${seq} không còn khớp`);
    expect(said).toContain('nội dung của dòng không còn khớp với mã băm đã lưu');
    expect(said).toContain('ke-gian');
    await p.screenshot({ path: 'dist/audit-test.png' });
    expect(page.problems).toEqual([]);
  });

  test('the batch verify API: batches chain on from each other, progress adds up to the whole, and bad input is a 400 naming the parameter', async () => {
    const total = Number((await w.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n);
    const first = (await w.as('auditor', 'GET', '/api/audit/verify?limit=5')).body;
    expect(first).toMatchObject({ ok: true, rowsChecked: 5, lastSeq: '5', done: false });
    expect(first.total).toBeGreaterThanOrEqual(total);
    const next = (await w.as('auditor', 'GET', `/api/audit/verify?after=5&prevHash=${first.lastHash}&limit=5`)).body;
    expect(next).toMatchObject({ ok: true, rowsChecked: 5, lastSeq: '10' });
    const wrongLink = (await w.as('auditor', 'GET', `/api/audit/verify?after=5&prevHash=${'0'.repeat(64)}&limit=5`)).body;
    expect(wrongLink).toMatchObject({ ok: false, brokenAt: { seq: '6', kind: 'link' } });
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      ['after=5&limit=5', 'prevHash'],
      ['after=x&prevHash=abc&limit=5', 'after'],
      ['limit=5&page=2', 'page'],
    ] as const) {
      const r = await w.as('auditor', 'GET', `/api/audit/verify?${query}`);
      expect({ query, status: r.status, message: r.body.message }).toEqual({ query, status: 400, message: expect.stringContaining(parameter) });
    }
  });
});
