/**
 * Feature: the citizen looks a dossier up on /tra-cuu (Chromium driven by playwright-core), signed
 * in as nobody.
 *
 * Given a birth registration received at the counter, when the citizen types its code with a
 * wrong secret, then the page says what it says for a code that does not exist; with the right
 * secret, the status in plain Vietnamese and the appointment as dd/mm/yyyy. When the police ask for
 * a supplement, the page lists what to hand in, the citizen sends it from the page, and the
 * dossier goes on being processed. No official's username or name is on the page, and no page
 * logs an error. Last, too many wrong tries: the page tells the citizen to wait (the API's 429).
 */
import { join } from 'node:path';
import { DEFAULT_LOOKUP_THROTTLE, DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { openPage, type WatchedPage } from '../support/browser.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { call } from '../http/support.js';
import { openInboxTask } from '../support/inbox.js';
import { expectOk, useWebService } from '../support/web-service.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  police: ['congan.hoa-binh', DEMO_PASSWORDS.officer],
} as const;

const clock = new ManualClock();
const s = useWebService(PEOPLE, { clock });
const { as } = s;

let w: WatchedPage;
afterEach(async () => {
  await w?.context.close();
});

const vnDay = (iso: string) =>
  new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));

/** Types a code and a secret into the page's form and submits it; the API's status. */
async function lookUp(page: WatchedPage['page'], code: string, secret: string): Promise<number> {
  await page.fill('input[name=code]', code);
  await page.fill('input[name=secret]', secret);
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/dossiers/') && r.request().method() === 'GET'),
    page.click('[data-testid="lookup-form"] button[type=submit]'),
  ]);
  return res.status();
}

describe('Scenario: the citizen follows a dossier and supplements it from /tra-cuu', () => {
  test('wrong secret = unknown code → right secret: status and appointment → supplement asked → sent from the page → being processed again', async () => {
    const received = await expectOk(
      as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() }),
      'the counter receives a birth registration',
    );
    const code = received.dossier.code as string;
    const secret = received.lookupSecret as string;
    const wrong = (secret.startsWith('A') ? 'B' : 'A') + secret.slice(1);
    const unknown = code.replace(/-\d{4}$/, '-9999');

    // The civil-status office finishes its step; the police ask for a supplement later.
    const civil = await openInboxTask((path) => as('civil', 'GET', path), PEOPLE.civil[0], code, 'birthRegistration');
    await expectOk(as('civil', 'POST', `/api/tasks/${civil.id}/claim`, {}), 'civil claims');
    await expectOk(as('civil', 'POST', `/api/tasks/${civil.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } }), 'civil completes');

    w = await openPage(s.browser);
    const { page } = w;
    await page.goto(`${s.url}/tra-cuu`);
    await page.waitForSelector('[data-testid="lookup-form"]');
    // A public page: nobody signed in, no navigation.
    expect(page.url()).toBe(`${s.url}/tra-cuu`);
    expect(await page.locator('.lt-nav a').count()).toBe(0);

    // A wrong secret and an unknown code: one message.
    await lookUp(page, code, wrong);
    await page.waitForSelector('[data-testid="lookup-error"][data-kind="notFound"]');
    const wrongText = await page.textContent('[data-testid="lookup-error"]');
    await page.evaluate(() => document.querySelector('[data-testid="lookup-error"]')?.remove());
    await lookUp(page, unknown, wrong);
    await page.waitForSelector('[data-testid="lookup-error"][data-kind="notFound"]');
    expect(await page.textContent('[data-testid="lookup-error"]')).toBe(wrongText);
    expect(wrongText).toMatch(/^Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này/);
    expect(await page.locator('[data-testid="lookup-result"]').count()).toBe(0);

    // The right secret, typed as a citizen might (lower case, no dashes).
    await lookUp(page, code, secret.toLowerCase().replace(/-/g, ''));
    await page.waitForSelector('[data-testid="lookup-result"][data-status="in_progress"]');
    expect(await page.textContent('[data-testid="lookup-status"]')).toBe('Đang giải quyết');
    const status = (await call(s.url, 'GET', `/api/dossiers/${code}`, undefined, { authorization: '', 'x-lookup-secret': secret })).body;
    const appointment = await page.textContent('[data-testid="lookup-appointment"]');
    expect(appointment).toMatch(/^\d{2}\/\d{2}\/\d{4}/);
    expect(appointment).toContain(vnDay(status.appointmentAt));
    await expect(page.textContent('[data-testid="lookup-steps"]')).resolves.toContain('Ủy ban nhân dân');
    await expect(page.textContent('[data-testid="lookup-steps"]')).resolves.toContain(vnDay(new Date(clock.now()).toISOString()));
    // The code in the address bar, never the secret.
    expect(new URL(page.url()).pathname).toBe(`/tra-cuu/${code}`);
    expect(page.url()).not.toContain(secret.slice(0, 4));

    // The police ask for a supplement; the citizen looks again.
    await openInboxTask((path) => as('police', 'GET', path), PEOPLE.police[0], code, 'residenceRegistration');
    await expectOk(
      as('police', 'POST', `/api/dossiers/${code}/supplement-requests`, {
        reasons: ['Thiếu bản sao giấy chứng sinh'],
        items: [{ name: 'Giấy chứng sinh (bản sao)', note: 'bản sao có chứng thực' }],
        legalBasis: 'Luật Hộ tịch 2014, Điều 16',
      }),
      'the police ask for a supplement',
    );
    await lookUp(page, code, secret);
    await page.waitForSelector('[data-testid="lookup-result"][data-status="supplement_requested"]');
    expect(await page.textContent('[data-testid="lookup-status"]')).toBe('Cần bổ sung hồ sơ');
    await expect(page.textContent('[data-testid="supplement-reasons"]')).resolves.toContain('Thiếu bản sao giấy chứng sinh');
    const items = await page.locator('[data-testid="supplement-item"]').allTextContents();
    expect(items).toEqual([expect.stringContaining('Giấy chứng sinh (bản sao)')]);
    await expect(page.textContent('[data-testid="supplement"]')).resolves.toContain('Công an');
    await page.fill('[data-testid="supplement-item"] input.lt-lookup-item-note', '01 bản sao, gửi qua bưu điện');
    await page.fill('textarea[name=note]', 'Tôi gửi bổ sung bản sao giấy chứng sinh.');

    // No official on the page: neither a username nor a name.
    const text = (await page.textContent('body')) ?? '';
    const officials = (await s.db.query<{ username: string; full_name: string }>(`select username, full_name from domain.users`)).rows;
    for (const u of officials) {
      expect(text).not.toContain(u.username);
      expect(text).not.toContain(u.full_name);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(process.cwd(), 'dist', 'lookup-test.png') });

    // Sent from the page: the dossier is being processed again.
    await page.click('[data-testid="supplement-submit"]');
    await page.waitForSelector('[data-testid="supplement-sent"]');
    await page.waitForSelector('[data-testid="lookup-result"][data-status="supplemented"]');
    await expect(page.textContent('[data-testid="lookup-status"]')).resolves.toMatch(/^Đang giải quyết/);
    expect(await page.locator('[data-testid="supplement"]').count()).toBe(0);
    const staff = (await as('counter', 'GET', `/api/dossiers/${code}`)).body;
    expect(staff.status).toBe('supplemented');
    expect(staff.supplementRequests.at(-1).answer).toMatchObject({
      documents: [{ name: 'Giấy chứng sinh (bản sao)', note: '01 bản sao, gửi qua bưu điện' }],
      note: 'Tôi gửi bổ sung bản sao giấy chứng sinh.',
    });
    const after = (await page.textContent('body')) ?? '';
    for (const u of officials) expect(after).not.toContain(u.username);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(process.cwd(), 'dist', 'lookup-test-sent.png') });
    expect(w.problems).toEqual([]);
  });
});

describe('Scenario: too many wrong tries from the browser', () => {
  // Last: it holds back the browser's address (127.0.0.1) for the rest of the window.
  test('after the limit of failures, the page tells the citizen to wait, even with the right secret', async () => {
    const received = await expectOk(
      as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake: birthIntake() }),
      'receive',
    );
    const code = received.dossier.code as string;
    const secret = received.lookupSecret as string;
    w = await openPage(s.browser);
    const { page } = w;
    await page.goto(`${s.url}/tra-cuu/${code}`);
    await page.waitForSelector('[data-testid="lookup-form"]');
    expect(await page.inputValue('input[name=code]')).toBe(code);
    // Failures spread over other codes, so the address's limit is the one reached (the scenario
    // before left two failures of this address in the window).
    let statuses: number[] = [];
    for (let i = 0; i < DEFAULT_LOOKUP_THROTTLE.perAddress.max && !statuses.includes(429); i++) {
      statuses.push(await lookUp(page, code.replace(/-\d{4}$/, `-${9000 + i}`), 'AAAA-AAAA-AAAA'));
      await page.waitForSelector(`[data-testid="lookup-error"][data-kind="${statuses.at(-1) === 404 ? 'notFound' : 'throttled'}"]`);
    }
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([404]));
    statuses = [await lookUp(page, code, secret)];
    expect(statuses).toEqual([429]);
    await page.waitForSelector('[data-testid="lookup-error"][data-kind="throttled"]');
    await expect(page.textContent('[data-testid="lookup-error"]')).resolves.toMatch(/^Ông\/bà đã tra cứu sai quá nhiều lần\. Vui lòng thử lại sau \d+ phút\.$/);
    expect(await page.locator('[data-testid="lookup-result"]').count()).toBe(0);
    expect(w.problems).toEqual([]);
  });
});
