/**
 * GET /api/docs — a small self-contained page that reads /api/openapi.json and lists every path
 * with its methods, summary, roles, parameters and request-body schema (no CDN, no framework;
 * the script is served from the same origin so helmet's Content-Security-Policy allows it).
 */
import { Router } from 'express';
import { publicRoute } from './auth.js';
import { describeRoute } from './routes.js';

const PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lienthong — API</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; color: #1b1f24; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
  .op { border: 1px solid #d0d7de; border-radius: 6px; margin: .5rem 0; padding: .4rem .7rem; }
  .m { display: inline-block; min-width: 4.2rem; font-weight: 700; font-family: ui-monospace, monospace; }
  .get { color: #0a6; } .post { color: #05c; } .patch { color: #a60; } .put { color: #a60; } .delete { color: #c22; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f6f8fa; padding: .6rem; overflow: auto; max-height: 24rem; }
  .roles { color: #57606a; font-size: 13px; }
  .public { color: #0a6; font-size: 13px; }
  input { font: inherit; padding: .3rem .5rem; width: 20rem; }
</style>
</head>
<body>
<h1 id="title">lienthong — API</h1>
<p id="desc"></p>
<p><label>Lọc (filter): <input id="filter" placeholder="/api/tasks, designer, POST…"></label>
   · <a href="/api/openapi.json">openapi.json</a></p>
<div id="ops">Đang tải… (loading)</div>
<h2>Schemas</h2>
<div id="schemas"></div>
<script src="/api/docs/viewer.js"></script>
</body>
</html>
`;

const VIEWER = `'use strict';
(async function () {
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  };
  const res = await fetch('/api/openapi.json');
  const doc = await res.json();
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('desc').textContent = doc.info.description || '';
  const ops = document.getElementById('ops');
  ops.textContent = '';
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const t = (op.tags && op.tags[0]) || 'other';
      if (!groups.has(t)) groups.set(t, []);
      groups.get(t).push({ path, method, op });
    }
  }
  const rows = [];
  for (const [t, list] of groups) {
    ops.append(el('h2', {}, t));
    for (const { path, method, op } of list) {
      const who = op.security && op.security.length === 0
        ? el('span', { class: 'public' }, 'công khai (public)')
        : el('span', { class: 'roles' }, 'roles: ' + ((op['x-roles'] || []).join(', ') || 'any signed-in user'));
      const box = el('details', { class: 'op' },
        el('summary', {}, el('span', { class: 'm ' + method }, method.toUpperCase()), ' ', el('code', {}, path), ' — ', op.summary || '', ' · ', who));
      const params = (op.parameters || []).map((p) => p.name + ' (' + p.in + (p.required ? ', required' : '') + ')' + (p.description ? ': ' + p.description : ''));
      if (params.length) box.append(el('p', {}, 'Tham số (parameters): ' + params.join('; ')));
      const body = op.requestBody && op.requestBody.content['application/json'].schema.$ref;
      if (body) {
        const name = body.split('/').pop();
        box.append(el('p', {}, 'Body: ', el('a', { href: '#schema-' + name }, name)));
      }
      if (op.description) box.append(el('p', { class: 'roles' }, op.description));
      ops.append(box);
      rows.push({ box, text: (method + ' ' + path + ' ' + (op.summary || '') + ' ' + (op['x-roles'] || []).join(' ')).toLowerCase() });
    }
  }
  const schemas = document.getElementById('schemas');
  for (const [name, s] of Object.entries(doc.components.schemas)) {
    schemas.append(el('details', { class: 'op', id: 'schema-' + name },
      el('summary', {}, el('code', {}, name), ' — ', s.title || ''), el('pre', {}, JSON.stringify(s, null, 2))));
  }
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.toLowerCase();
    for (const r of rows) r.box.style.display = r.text.includes(q) ? '' : 'none';
  });
})().catch((e) => { document.getElementById('ops').textContent = 'Không tải được tài liệu (cannot load the document): ' + e; });
`;

export function docsRouter(): Router {
  const router = Router();
  router.get('/docs', publicRoute(), describeRoute({ summary: 'Trang tra cứu API (browsable API documentation)', produces: 'text/html' }), (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/viewer.js', publicRoute(), describeRoute({ summary: 'Script of the documentation page', produces: 'text/javascript' }), (_req, res) => {
    res.type('text/javascript').send(VIEWER);
  });
  return router;
}
