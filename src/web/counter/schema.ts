/**
 * The intake form's model, from the procedure's JSON Schema alone: what each node is (a group,
 * repeated rows, a choice, a date…), the raw values the inputs hold, and the intake object built
 * from them. Raw values are what a person typed (dates as dd/mm/yyyy, numbers as text); building
 * turns them into the schema's types and leaves out what was left empty, so the server's
 * problems (JSON pointers into the intake) name the fields the page drew.
 */
import { parseViDay } from '../shared/format';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  [k: string]: unknown;
}

export type Raw = string | boolean | string[] | RawObject | Raw[];
export interface RawObject {
  [k: string]: Raw;
}

export type Kind = 'object' | 'rows' | 'multi' | 'select' | 'date' | 'number' | 'integer' | 'boolean' | 'text';

export function kindOf(s: JsonSchema): Kind {
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object' || s.properties) return 'object';
  if (type === 'array' || s.items) return s.items && choices(s.items) ? 'multi' : 'rows';
  if (choices(s)) return 'select';
  if (type === 'boolean') return 'boolean';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (s.format === 'date') return 'date';
  return 'text';
}

/** The values a node may take, with their own titles when the schema gives them (`oneOf` of `const`). */
export function choices(s: JsonSchema): { value: string; title?: string }[] | undefined {
  if (Array.isArray(s.enum)) return s.enum.map((v) => ({ value: String(v) }));
  if (Array.isArray(s.oneOf) && s.oneOf.length && s.oneOf.every((b) => b && 'const' in b)) {
    return s.oneOf.map((b) => ({ value: String(b.const), ...(b.title ? { title: b.title } : {}) }));
  }
  return undefined;
}

/** The empty value of a node: an object of its properties' empties, `minItems` empty rows. */
export function emptyValue(s: JsonSchema): Raw {
  switch (kindOf(s)) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, emptyValue(p)]));
    case 'rows':
      return Array.from({ length: Math.max(s.minItems ?? 0, 1) }, () => emptyValue(s.items ?? {}));
    case 'multi':
      return [];
    case 'boolean':
      return false;
    default:
      return '';
  }
}

/** JSON pointer of a child. */
export const child = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The id of the input (or group) at a JSON pointer. */
export const fieldId = (path: string) => `lt-f${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function getAt(root: Raw, path: string): Raw | undefined {
  let v: Raw | undefined = root;
  for (const seg of path.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    v = v && typeof v === 'object' ? (v as Record<string, Raw>)[key] : undefined;
  }
  return v;
}

/** A copy of `root` with `value` at `path` (each container on the way copied). */
export function setAt(root: Raw, path: string, value: Raw): Raw {
  const segs = path.split('/').slice(1);
  if (!segs.length) return value;
  const [head, ...rest] = segs;
  const key = head.replace(/~1/g, '/').replace(/~0/g, '~');
  const copy = (Array.isArray(root) ? [...root] : { ...(root as RawObject) }) as Record<string, Raw>;
  copy[key] = setAt(copy[key], rest.length ? `/${rest.join('/')}` : '', value);
  return copy;
}

export interface BuildResult {
  intake: unknown;
  /** What the browser can tell before sending: a date or number it cannot read. */
  problems: { path: string; messageVi: string }[];
}

export function buildIntake(schema: JsonSchema, raw: Raw): BuildResult {
  const problems: BuildResult['problems'] = [];
  const intake = build(schema, raw, '', true, problems) ?? {};
  return { intake, problems };
}

/** The schema's value of a node, or undefined when left empty (so an optional group is left out). */
function build(s: JsonSchema, raw: Raw | undefined, path: string, required: boolean, problems: BuildResult['problems']): unknown {
  switch (kindOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const req = new Set(s.required ?? []);
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        const v = build(p, (raw as RawObject | undefined)?.[k], child(path, k), req.has(k), problems);
        if (v !== undefined) out[k] = v;
      }
      return Object.keys(out).length || required ? out : undefined;
    }
    case 'rows': {
      const rows = Array.isArray(raw) ? raw : [];
      // Every row is sent, an empty one too: the server's pointers then name the rows drawn.
      const out = rows.map((r, i) => build(s.items ?? {}, r, child(path, i), true, problems) ?? '');
      return out.length || required ? out : undefined;
    }
    case 'multi': {
      const list = Array.isArray(raw) ? (raw as string[]) : [];
      return list.length || required ? list : undefined;
    }
    case 'boolean':
      return raw === true ? true : required ? false : undefined;
    case 'date': {
      const text = typeof raw === 'string' ? raw : '';
      const day = parseViDay(text);
      if (day === null) problems.push({ path, messageVi: 'phải là một ngày có thật, dạng dd/mm/yyyy' });
      return day || undefined;
    }
    case 'integer':
    case 'number': {
      const text = typeof raw === 'string' ? raw.replace(/\s/g, '') : '';
      if (!text) return undefined;
      const n = Number(readNumber(text));
      const integer = kindOf(s) === 'integer';
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        problems.push({ path, messageVi: integer ? 'phải là một số nguyên' : 'phải là một số' });
        return undefined;
      }
      return n;
    }
    default: {
      const text = typeof raw === 'string' ? raw.trim() : '';
      return text || undefined;
    }
  }
}

/** A number as Vietnamese write it: '1.500.000' (dots group thousands), '120,5' (comma decimal), or '120.5'. */
function readNumber(text: string): string {
  if (text.includes(',')) return text.replace(/\./g, '').replace(',', '.');
  if (/^-?\d{1,3}(\.\d{3}){2,}$/.test(text)) return text.replace(/\./g, '');
  return text;
}
