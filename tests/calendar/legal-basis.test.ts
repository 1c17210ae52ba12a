/**
 * docs/legal-basis.md carries tables generated from the data (legal-basis.ts): they must equal
 * what the data renders now. To refresh them after changing a rule, a decision or the catalog:
 * LEGAL_BASIS_WRITE=1 and run this test file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BEGIN, END, renderLegalBasis } from './legal-basis.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = join(ROOT, 'docs', 'legal-basis.md');

test('Given the rules, the decisions and the catalog, when the legal-basis page is read, then its tables are the ones the data renders', () => {
  const page = readFileSync(DOC, 'utf8');
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const rendered = renderLegalBasis(join(ROOT, 'processes'));
  if (process.env.LEGAL_BASIS_WRITE === '1') {
    writeFileSync(DOC, page.slice(0, start) + rendered + page.slice(end + END.length));
    return;
  }
  expect(page.slice(start, end + END.length)).toBe(rendered);
});
