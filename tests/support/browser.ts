/**
 * A real Chromium for the page tests, driven by playwright-core: `CHROMIUM_PATH`, else Debian's
 * /usr/bin/chromium when present, else the binary the npm package @sparticuz/chromium ships
 * (unpacked to the temp folder on first use), launched with that package's own arguments, so
 * `npm ci && npm test` needs nothing else on the machine. Background networking is off: the
 * browser talks to the service under test and nothing else.
 *
 * `openPage` records every console error, page error, failed request and 5xx answer of the page,
 * so a test can require that a page produced none (4xx answers are the app's to handle).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-quic'];

const DROPPED = [
  '--single-process',
  '--ignore-gpu-blocklist',
  '--in-process-gpu',
  '--use-gl=',
  '--use-angle=',
  '--enable-unsafe-swiftshader',
  '--disable-web-security',
  '--allow-running-insecure-content',
];

export async function launchBrowser(): Promise<Browser> {
  const explicit = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  if (explicit) {
    return chromium.launch({ executablePath: explicit, headless: true, args: ['--no-sandbox', '--disable-gpu', ...QUIET] });
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its arguments are for one page per serverless process. Left out: --single-process (it dies
  // when a test closes a browser context); its WebGL through SwiftShader (the pages draw SVG and
  // 2D canvas: software raster with no GPU costs less CPU); and its switches that turn the
  // browser's security off (same-origin policy, mixed content), which a citizen's browser has on.
  const args = packaged.args.filter((a) => !DROPPED.some((d) => a.startsWith(d)));
  return chromium.launch({ executablePath: await packaged.executablePath(), headless: true, args: [...args, '--disable-gpu', ...QUIET] });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught page errors and failed requests, as text. */
  problems: string[];
}

export async function openPage(browser: Browser, opts: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // Chromium logs every 4xx answer; the page handles those (a refused deployment, a 401 → /login).
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation that replaces the page cancels its pending requests: not a failure of the page.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return { page, context, problems };
}

/** Signs in through /login as a person would, and waits for the page it lands on. */
export async function signInAs(page: Page, baseUrl: string, username: string, password: string, next?: string): Promise<void> {
  await page.goto(`${baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('button[type=submit]')]);
}

/**
 * The modeler's "Change element" menu (the selected element's context pad wrench) → `entry`
 * (e.g. `replace-with-service-task`), clicked. The context pad is drawn again when a label edit
 * ends, so a click can land on the pad being replaced and open nothing: then the wrench is clicked
 * again (at most three times), each time awaiting the menu, never a fixed wait.
 */
export async function replaceSelectedWith(page: Page, entry: string): Promise<void> {
  const item = `.djs-popup [data-id="${entry}"]`;
  for (let attempt = 1; ; attempt++) {
    await page.click('.djs-context-pad .entry[data-action="replace"]');
    try {
      await page.waitForSelector(item, { timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await page.click(item);
}
