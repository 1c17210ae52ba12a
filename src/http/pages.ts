/**
 * The people's pages (GET /login, /, /designer, /designer/:bpmnProcessId, /inbox, /counter, /trace, /trace/:code, /audit,
 * /reports; /tra-cuu for the public) and the browser app's
 * assets (/assets/*), beside the API:
 *
 * - `/login` is a plain HTML form (inputs `username`, `password`) posted to `/login`; a good
 *   password sets the session cookie (session.ts) and redirects (303) to the page the user came
 *   from (`next`, a path on this site only) or their role's home. It shares the API login's
 *   check, throttle and audit (login.ts `signIn`).
 * - A page needs a signed-in user of one of its roles: no session (or an expired one) redirects
 *   to `/login?next=<the page>`; a role that may not open it gets a 403 page.
 * - Pages are sent with `Cache-Control: no-store` (they carry the user's name) and a strict
 *   Content-Security-Policy (docs/pages.md); the hashed assets with a year-long cache.
 */
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { TooManyRequests, Unauthenticated } from '../errors.js';
import type { Principal, Role } from './auth.js';
import { signIn, type LoginDeps } from './login.js';
import { escapeHtml, homeOf, linksFor, renderPage, type ShellPage } from './page-html.js';
import { setSession } from './session.js';
import type { WebAssets } from './web-assets.js';

/**
 * What the libraries need: bpmn-js and the properties panel set `style` attributes and inject
 * <style> (style-src 'unsafe-inline'); the diagram's fonts and icons are data: URIs and the
 * canvas exports are blob: URLs. No inline script, no eval, nothing from another origin.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
  "manifest-src 'self'",
].join('; ');

export interface PagesDeps extends Omit<LoginDeps, 'schemas'> {
  assets: WebAssets;
  /** The agency's display name for the shell (null when unknown). */
  agencyName?: (code: string) => Promise<string | null>;
}

/** What a page of the browser app shows until its script has drawn it. */
const LOADING = '<p class="lt-loading">Đang tải…</p>';

const ALL: readonly Role[] = ['admin', 'designer', 'officer', 'counter', 'auditor'];

export function pagesRouter(deps: PagesDeps): Router {
  const router = Router();
  router.use('/assets', deps.assets.static);

  /** A signed-in page drawn by the browser app's `entry`, current in the nav as `/${entry}`; `body` until its script runs. */
  const appPage = (req: Request, res: Response, entry: string, p: Pick<ShellPage, 'title' | 'wide' | 'body' | 'data'>) =>
    sendPage(req, res, deps, { current: `/${entry}`, entry, body: LOADING, ...p });

  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.get('/login', (req, res) => {
    const reason = req.query.reason === 'expired' ? 'expired' : req.query.signedOut !== undefined ? 'signedOut' : undefined;
    const notice =
      reason === 'expired'
        ? 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để tiếp tục.'
        : reason === 'signedOut'
          ? 'Bạn đã đăng xuất.'
          : req.user && req.authProblem === undefined
            ? `Bạn đang đăng nhập với tài khoản ${req.user.username}.`
            : undefined;
    sendLogin(res, deps, { next: safeNext(req.query.next), notice });
  });

  router.post('/login', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!username || !password || username.length > 100 || password.length > 200) {
      sendLogin(res, deps, { next, username, error: 'Hãy nhập tên đăng nhập và mật khẩu.' }, 400);
      return;
    }
    try {
      const { user, token, expiresAt } = await signIn(deps, req, res, username, password);
      setSession(req, res, token, expiresAt, deps.now());
      res.redirect(303, next ?? homeOf(user.role));
    } catch (e) {
      if (e instanceof TooManyRequests) {
        sendLogin(
          res,
          deps,
          { next, username, error: `Đăng nhập sai quá nhiều lần. Hãy thử lại sau ${String(res.getHeader('Retry-After') ?? '')} giây.` },
          429,
        );
        return;
      }
      if (!(e instanceof Unauthenticated)) throw e;
      sendLogin(res, deps, { next, username, error: 'Tên đăng nhập hoặc mật khẩu không đúng.' }, 401);
    }
  });

  router.get('/', page(ALL), async (req, res) => {
    const user = req.user!;
    if (user.role === 'designer') {
      res.redirect(302, homeOf(user.role));
      return;
    }
    const cards = linksFor(user.role)
      .filter((l) => l.href !== '/')
      .map((l) => `<li><a class="lt-card" href="${l.href}"><strong>${escapeHtml(l.title)}</strong><span>${escapeHtml(l.description)}</span></a></li>`)
      .join('');
    await sendPage(req, res, deps, {
      title: 'Trang chủ',
      current: '/',
      body: `<h1>Xin chào, ${escapeHtml(user.fullName ?? user.username)}</h1>
<p>Các trang bạn được mở:</p>
<ul class="lt-cards">${cards}</ul>`,
    });
  });

  const designer: RequestHandler = async (req, res) => {
    await appPage(req, res, 'designer', {
      title: 'Thiết kế quy trình',
      wide: true,
      body: '<p class="lt-loading">Đang tải trình thiết kế…</p>',
      data: { bpmnProcessId: req.params.bpmnProcessId ?? null },
    });
  };
  router.get('/designer', page(['designer', 'admin']), designer);
  router.get('/designer/:bpmnProcessId', page(['designer', 'admin']), designer);

  // Who sees which dossier is the trace API's rule (dossiers/visibility.ts); the page only draws it.
  const trace: RequestHandler = async (req, res) => {
    const code = typeof req.params.code === 'string' ? req.params.code : null;
    await appPage(req, res, 'trace', { title: code ? `Tra vết hồ sơ ${code}` : 'Tra vết hồ sơ', wide: true, data: { code } });
  };
  router.get('/trace', page(['auditor', 'admin', 'officer', 'counter']), trace);
  router.get('/trace/:code', page(['auditor', 'admin', 'officer', 'counter']), trace);

  // The agency inbox: which tasks a person sees is the tasks API's rule (tasks/scope.ts); the page only lists them.
  const inbox: RequestHandler = async (req, res) => {
    const taskId = typeof req.params.taskId === 'string' ? req.params.taskId : null;
    await appPage(req, res, 'inbox', {
      title: taskId ? 'Xử lý công việc' : 'Hộp công việc',
      wide: true,
      data: { taskId, username: req.user!.username, role: req.user!.role },
    });
  };
  router.get('/inbox', page(['officer', 'counter', 'admin']), inbox);
  router.get('/inbox/:taskId', page(['officer', 'counter', 'admin']), inbox);

  // The one-stop counter: receive (the intake form generated from the procedure's JSON Schema),
  // find a dossier, hand the result back. What staff may do is the dossiers API's rule.
  const counter: RequestHandler = async (req, res) => {
    await appPage(req, res, 'counter', {
      title: 'Bộ phận Một cửa',
      wide: true,
      data: { username: req.user!.username, agencyCode: req.user!.agencyCode ?? null, now: deps.now() },
    });
  };
  router.get('/counter', page(['counter', 'admin']), counter);
  router.get('/counter/:code', page(['counter', 'admin']), counter);

  // The citizen's lookup: public, by code and the secret printed on form 01; the API throttles
  // and answers a wrong secret as it answers an unknown code.
  const lookup: RequestHandler = async (req, res) => {
    const code = typeof req.params.code === 'string' ? req.params.code : null;
    await sendPage(req, res, deps, {
      title: 'Tra cứu hồ sơ',
      entry: 'lookup',
      body: LOADING,
      data: { code, now: deps.now() },
    });
  };
  router.get('/tra-cuu', lookup);
  router.get('/tra-cuu/:code', lookup);

  router.get('/audit', page(['auditor', 'admin']), async (req, res) => {
    await appPage(req, res, 'audit', { title: 'Nhật ký kiểm tra' });
  });
  // Officers and counter staff see their own agency's row only: the reports API decides (http/reports.ts).
  router.get('/reports', page(['auditor', 'admin', 'officer', 'counter']), async (req, res) => {
    await appPage(req, res, 'reports', {
      title: 'Báo cáo đúng hạn',
      data: { role: req.user!.role, agencyCode: req.user!.agencyCode ?? null, now: deps.now() },
    });
  });

  return router;
}

/** A page's guard: the session's user must hold one of `roles`; otherwise to /login, or a 403 page. */
function page(roles: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      const q = new URLSearchParams({ next: req.originalUrl });
      if (req.authProblem) q.set('reason', 'expired');
      res.redirect(302, `/login?${q}`);
      return;
    }
    if (!roles.includes(req.user.role)) {
      res.status(403);
      pageHeaders(res);
      return res.send(
        renderPage({
          title: 'Không được phép',
          user: req.user,
          body: `<h1>Không được phép</h1><p>Vai trò của bạn không được mở trang này. <a href="${homeOf(req.user.role)}">Về trang chủ</a></p>`,
        }),
      );
    }
    next();
  };
}

/** A same-site path to go back to after signing in; anything else (another host, //…) is dropped. */
function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.startsWith('/login')) return undefined;
  return value;
}

function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html');
}

async function sendPage(req: Request, res: Response, deps: PagesDeps, p: Omit<ShellPage, 'user' | 'shell' | 'entry'> & { entry?: string }): Promise<void> {
  // A public page (/tra-cuu) has no user: the shell then shows no navigation and no sign-out.
  const user: (Principal & { agencyName?: string | null }) | undefined = req.user ? { ...req.user } : undefined;
  if (user?.agencyCode && deps.agencyName) user.agencyName = await deps.agencyName(user.agencyCode);
  const entry = p.entry ? deps.assets.entry(p.entry) : undefined;
  if (p.entry && !entry) {
    notBuilt(res);
    return;
  }
  pageHeaders(res);
  res.send(renderPage({ ...p, user, shell: deps.assets.entry('shell'), entry, now: deps.now() }));
}

function sendLogin(res: Response, deps: PagesDeps, o: { next?: string; username?: string; error?: string; notice?: string }, status = 200): void {
  pageHeaders(res);
  res.status(status).send(
    renderPage({
      title: 'Đăng nhập',
      shell: deps.assets.entry('shell'),
      body: `<section class="lt-login">
<h1>Đăng nhập</h1>
<p class="lt-muted">Hệ thống một cửa liên thông — dành cho cán bộ, người thiết kế quy trình và thanh tra.</p>
${o.notice ? `<p class="lt-notice" role="status">${escapeHtml(o.notice)}</p>` : ''}
${o.error ? `<p class="lt-error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<form method="post" action="/login" class="lt-form">
  ${o.next ? `<input type="hidden" name="next" value="${escapeHtml(o.next)}">` : ''}
  <label>Tên đăng nhập<input name="username" autocomplete="username" required autofocus value="${escapeHtml(o.username ?? '')}"></label>
  <label>Mật khẩu<input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Đăng nhập</button>
</form>
</section>`,
    }),
  );
}

function notBuilt(res: Response): void {
  pageHeaders(res);
  res.status(503).send(
    renderPage({
      title: 'Chưa sẵn sàng',
      body: '<h1>Giao diện chưa được dựng</h1><p>Chạy <code>npm start</code> (hoặc <code>npm run build:web</code>) để dựng giao diện.</p>',
    }),
  );
}
