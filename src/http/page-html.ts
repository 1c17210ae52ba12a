/**
 * The HTML of every page: the shell (who is signed in — name, role, agency — and the pages their
 * role may open), server-rendered so it shows before any script runs, then the page's own
 * bundle mounting into <main>. Data for the page script travels as JSON in a non-executable
 * <script type="application/json">, which the Content-Security-Policy does not need to allow.
 * Everything interpolated is escaped.
 */
import type { Principal, Role } from './auth.js';
import type { EntryAssets } from './web-assets.js';

export const ROLE_VI: Readonly<Record<Role, string>> = {
  admin: 'Quản trị hệ thống',
  designer: 'Thiết kế quy trình',
  officer: 'Cán bộ xử lý',
  counter: 'Bộ phận Một cửa',
  auditor: 'Thanh tra',
  worker: 'Ứng dụng xử lý việc', // API clients only: never shown on a page
};

export interface PageLink {
  href: string;
  title: string;
  /** A shorter title for the header's navigation (an admin's seven links must fit 1280 px). */
  nav?: string;
  description: string;
  roles: readonly Role[];
}

/** The pages of the app, in the order the navigation shows them. */
export const PAGE_LINKS: readonly PageLink[] = [
  { href: '/', title: 'Trang chủ', description: 'Những trang bạn được mở', roles: ['admin', 'designer', 'officer', 'counter', 'auditor'] },
  {
    href: '/designer',
    title: 'Thiết kế quy trình',
    nav: 'Thiết kế',
    description: 'Vẽ, kiểm tra và triển khai quy trình liên thông (BPMN), so sánh các phiên bản',
    roles: ['designer', 'admin'],
  },
  {
    href: '/inbox',
    title: 'Hộp công việc',
    description: 'Công việc của cơ quan theo thời hạn: nhận xử lý, điền biểu mẫu, hoàn thành; cảnh báo trễ hạn',
    roles: ['officer', 'counter', 'admin'],
  },
  {
    href: '/counter',
    title: 'Bộ phận Một cửa',
    nav: 'Một cửa',
    description: 'Tiếp nhận hồ sơ theo biểu mẫu của thủ tục, in giấy tiếp nhận, tìm hồ sơ, trả kết quả cho người dân',
    roles: ['counter', 'admin'],
  },
  {
    href: '/trace',
    title: 'Tra vết hồ sơ',
    nav: 'Tra vết',
    description: 'Quá trình giải quyết một hồ sơ trên sơ đồ: cơ quan, người xử lý, đúng hạn hay trễ, lịch sử dữ liệu',
    roles: ['auditor', 'admin', 'officer', 'counter'],
  },
  {
    href: '/audit',
    title: 'Nhật ký kiểm tra',
    nav: 'Nhật ký',
    description: 'Tìm trong nhật ký, kiểm tra chuỗi băm để chứng minh nhật ký không bị sửa, xuất CSV',
    roles: ['auditor', 'admin'],
  },
  {
    href: '/reports',
    title: 'Báo cáo đúng hạn',
    nav: 'Báo cáo',
    description: 'Tỷ lệ giải quyết trước hạn, đúng hạn, trễ hạn theo cơ quan, thủ tục, kênh tiếp nhận và kỳ báo cáo',
    roles: ['auditor', 'admin', 'officer', 'counter'],
  },
  {
    href: '/api/docs',
    title: 'Tài liệu API',
    description: 'Mọi đường dẫn của API, vai trò được gọi và lược đồ dữ liệu',
    roles: ['admin', 'designer', 'officer', 'counter', 'auditor'],
  },
];

/** Where a role lands after signing in. */
export function homeOf(role: Role): string {
  return role === 'designer' ? '/designer' : '/';
}

export function linksFor(role: Role): PageLink[] {
  return PAGE_LINKS.filter((p) => p.roles.includes(role));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside <script type="application/json"> (no '</script>', no '<!--'). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Today in Asia/Ho_Chi_Minh as dd/mm/yyyy. */
export function todayVi(now = new Date()): string {
  return new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(now);
}

export interface ShellPage {
  title: string;
  /** The nav link shown as current. */
  current?: string;
  user?: Principal & { agencyName?: string | null };
  shell?: EntryAssets;
  entry?: EntryAssets;
  /** Server-rendered content of <main> (the page script may replace it). */
  body?: string;
  data?: unknown;
  /** A full-width page (the designer) rather than a centred column. */
  wide?: boolean;
  /** The service's now (ms), for the shell's date; the system clock when absent. */
  now?: number;
}

export function renderPage(p: ShellPage): string {
  const css = [p.shell?.css, p.entry?.css].filter(Boolean).map((href) => `<link rel="stylesheet" href="${escapeHtml(href!)}">`);
  const js = [p.shell?.js, p.entry?.js].filter(Boolean).map((src) => `<script type="module" src="${escapeHtml(src!)}"></script>`);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)} — Liên thông</title>
<link rel="icon" href="data:,">
${css.join('\n')}
${js.join('\n')}
</head>
<body class="${p.wide ? 'lt-wide' : ''}">
${header(p)}
<main id="lt-main" class="lt-main">${p.body ?? ''}</main>
${p.data === undefined ? '' : `<script type="application/json" id="lt-data">${scriptJson(p.data)}</script>`}
</body>
</html>
`;
}

function header(p: ShellPage): string {
  const u = p.user;
  const nav = u
    ? linksFor(u.role)
        .map(
          (l) => `<a href="${l.href}"${l.href === p.current ? ' aria-current="page"' : ''} title="${escapeHtml(l.title)}">${escapeHtml(l.nav ?? l.title)}</a>`,
        )
        .join('')
    : '';
  const who = u
    ? `<div class="lt-user" data-testid="current-user">
  <span class="lt-user-name">${escapeHtml(u.fullName ?? u.username)}</span>
  <span class="lt-user-role" title="${escapeHtml(roleLine(u))}">${escapeHtml(roleLine(u))}</span>
</div>
<button type="button" class="lt-signout" id="lt-signout">Đăng xuất</button>`
    : '';
  return `<header class="lt-header">
<a class="lt-brand" href="/">Liên thông<span class="lt-brand-sub">Một cửa liên thông</span></a>
<nav class="lt-nav" aria-label="Các trang">${nav}</nav>
<div class="lt-today" title="Múi giờ Asia/Ho_Chi_Minh">Hôm nay ${todayVi(new Date(p.now ?? Date.now()))}</div>
${who}
</header>`;
}

/** The signed-in user's role and agency, as the header shows it. */
function roleLine(u: { role: keyof typeof ROLE_VI; agencyName?: string | null; agencyCode?: string | null }): string {
  return `${ROLE_VI[u.role]}${u.agencyName ? ` · ${u.agencyName}` : u.agencyCode ? ` · ${u.agencyCode}` : ''}`;
}
