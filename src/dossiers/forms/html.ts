/**
 * A form as a printable HTML page: the two-column heading of Vietnamese administrative papers
 * (issuing agency left; national title and motto right), the title, the body blocks and the
 * signature blocks; A4 with a print stylesheet (Times New Roman 13 pt, as Decree 30/2020/NĐ-CP
 * sets for administrative documents). Every piece of text is HTML-escaped; the page loads
 * nothing (no script, no external resource), so it is safe to serve with a strict CSP.
 *
 * PDF: not produced. The page prints to PDF from any browser ("Save as PDF"); the PDF
 * libraries for Node either render no Vietnamese diacritics without embedding a font file
 * (pdfkit, pdf-lib) or need a headless browser (Playwright/Puppeteer) — a deployment choice,
 * not a library one.
 */
import type { Block, FormDoc } from './model.js';

export function escapeHtml(s: unknown): string {
  let text = '';
  if (typeof s === 'string') text = s;
  else if (typeof s === 'number' || typeof s === 'boolean' || typeof s === 'bigint') text = String(s);
  else if (s !== null && s !== undefined) text = JSON.stringify(s) ?? '';
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
@page { size: A4 PAGE_ORIENTATION; margin: 20mm 15mm 20mm 30mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.4; color: #000; margin: 0; background: #eee; }
.page { background: #fff; max-width: PAGE_WIDTH; margin: 16px auto; padding: 20mm 15mm 20mm 30mm; box-shadow: 0 0 4px rgba(0,0,0,.3); }
.heading { display: grid; grid-template-columns: 2fr 3fr; gap: 8px; text-align: center; }
.heading .issuer .parent { text-transform: uppercase; }
.heading .issuer .name, .heading .nation .title { font-weight: bold; text-transform: uppercase; }
.heading .nation .motto { font-weight: bold; }
.heading .rule { width: 40%; margin: 2px auto 0; border-top: 1px solid #000; }
.heading .reference { margin-top: 6px; }
.place-date { text-align: right; font-style: italic; margin-top: 8px; }
h1 { font-size: 14pt; text-align: center; text-transform: uppercase; margin: 16px 0 4px; }
.title-en { text-align: center; font-style: italic; font-size: 11pt; margin-bottom: 12px; }
.addressee { text-align: center; margin: 8px 0 12px; }
p { margin: 4px 0; text-align: justify; }
h2 { font-size: 13pt; margin: 10px 0 4px; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; column-gap: 8px; margin: 4px 0; }
dl.fields dt { font-weight: normal; }
dl.fields dt::after { content: ":"; }
dl.fields dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 6px 0; font-size: 12pt; page-break-inside: auto; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; white-space: pre-line; }
th { font-weight: bold; text-align: center; }
tr { page-break-inside: avoid; }
.note { font-size: 10.5pt; font-style: italic; }
.signatures { display: flex; justify-content: space-around; margin-top: 18px; text-align: center; page-break-inside: avoid; }
.signatures .sig { min-width: 40%; }
.signatures .title { font-weight: bold; text-transform: uppercase; }
.signatures .hint { font-style: italic; font-size: 11pt; }
.signatures .name { margin-top: 64px; font-weight: bold; }
.basis { margin-top: 24px; font-size: 9.5pt; color: #444; }
@media print {
  body { background: #fff; }
  .page { margin: 0; padding: 0; box-shadow: none; max-width: none; }
  .basis { color: #000; }
}`;

export function renderHtml(doc: FormDoc): string {
  const e = escapeHtml;
  const css = CSS.replace('PAGE_ORIENTATION', doc.landscape ? 'landscape' : 'portrait').replace('PAGE_WIDTH', doc.landscape ? '297mm' : '210mm');
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Mẫu số ${doc.form} – ${doc.title}`)}${doc.reference ? ` – ${e(doc.reference)}` : ''}</title>
<style>${css}</style>
</head>
<body>
<main class="page">
<header class="heading">
  <div class="issuer">
    ${doc.issuer.parent ? `<div class="parent">${e(doc.issuer.parent)}</div>` : ''}
    <div class="name">${e(doc.issuer.name)}</div>
    <div class="rule"></div>
    ${doc.reference ? `<div class="reference">${e(doc.reference)}</div>` : ''}
  </div>
  <div class="nation">
    <div class="title">Cộng hòa xã hội chủ nghĩa Việt Nam</div>
    <div class="motto">Độc lập - Tự do - Hạnh phúc</div>
    <div class="rule"></div>
    <div class="place-date">${e(doc.placeDate)}</div>
  </div>
</header>
<h1>${e(doc.title)}</h1>
<div class="title-en">${e(doc.titleEn)}</div>
${doc.addressee ? `<div class="addressee">${e(doc.addressee)}</div>` : ''}
${doc.body.map(block).join('\n')}
<section class="signatures">
${doc.signatures
  .map(
    (s) =>
      `  <div class="sig"><div class="title">${e(s.title)}</div>${s.hint ? `<div class="hint">${e(s.hint)}</div>` : ''}<div class="name">${e(s.name ?? '')}</div></div>`,
  )
  .join('\n')}
</section>
<footer class="basis">${e(doc.basis)}</footer>
</main>
</body>
</html>
`;
}

function block(b: Block): string {
  const e = escapeHtml;
  switch (b.kind) {
    case 'paragraph':
      return `<p>${e(b.text)}</p>`;
    case 'heading':
      return `<h2>${e(b.text)}</h2>`;
    case 'note':
      return `<p class="note">${e(b.text)}</p>`;
    case 'fields':
      return `<dl class="fields">${b.items.map((i) => `<dt>${e(i.label)}</dt><dd>${e(i.value)}</dd>`).join('')}</dl>`;
    case 'table': {
      const cols = b.widths ? `<colgroup>${b.widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>` : '';
      return `<table>${cols}<thead><tr>${b.columns.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    }
  }
}
