/**
 * Where each problem shows: at the field its JSON pointer names, else at the nearest group drawn
 * around it (a missing group, a row), else only in the summary at the top of the form.
 */
import { child, kindOf, type JsonSchema, type Raw, type RawObject } from './schema';
import { fieldLabel, rowLabel } from './labels';

export interface Placed {
  /** The field or group it shows at; '' when only in the summary. */
  at: string;
  label: string;
  messageVi: string;
}

/** Every path the form draws (groups, rows, inputs) with the words naming it. */
export function drawnPaths(schema: JsonSchema, value: Raw): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (s: JsonSchema, v: Raw | undefined, path: string, key: string, parent: string | undefined, label: string) => {
    if (path) out.set(path, label);
    const kind = kindOf(s);
    if (kind === 'object') {
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        walk(p, (v as RawObject | undefined)?.[k], child(path, k), k, key || undefined, fieldLabel(k, key || undefined, p.title));
      }
    } else if (kind === 'rows' && Array.isArray(v)) {
      v.forEach((row, i) => walk(s.items ?? {}, row, child(path, i), key, parent, `${rowLabel(key)} ${i + 1}`));
    }
  };
  walk(schema, value, '', '', undefined, '');
  return out;
}

export function placeProblems(problems: { path: string; messageVi: string }[], drawn: Map<string, string>): Placed[] {
  return problems.map((p) => {
    let at = p.path;
    while (at && !drawn.has(at)) at = at.slice(0, Math.max(at.lastIndexOf('/'), 0));
    const label = at ? labelPath(at, drawn) : 'Tờ khai';
    return { at, label, messageVi: withLabels(p.messageVi, p.path, drawn) };
  });
}

/** "Mẹ › Ngày sinh": the field's words with its groups'. */
function labelPath(at: string, drawn: Map<string, string>): string {
  const parts: string[] = [];
  for (let p = at; p; p = p.slice(0, Math.max(p.lastIndexOf('/'), 0))) {
    const l = drawn.get(p);
    if (l) parts.unshift(l);
  }
  return parts.join(' › ');
}

/** The problems shown at each path. */
export function problemsByPath(placed: Placed[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of placed) if (p.at) m.set(p.at, [...(m.get(p.at) ?? []), p.messageVi]);
  return m;
}

/** The server names a missing property by its key ("thiếu thông tin bắt buộc 'birthPlace'"): the form says it in the label's words. */
function withLabels(message: string, path: string, drawn: Map<string, string>): string {
  const label = drawn.get(path);
  const key = path
    .slice(path.lastIndexOf('/') + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  return label && key ? message.split(`'${key}'`).join(`'${label}'`) : message;
}
