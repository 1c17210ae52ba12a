/**
 * A decision checked against the task's Camunda form (form-js JSON) on the server, with the
 * rules form-js's own Validator applies in the browser (`runPresetValidation`,
 * `runNumberValidation` of @bpmn-io/form-js-viewer 1.23) — so the browser's checks are a
 * convenience and this is the guard:
 *
 * - `validate.required`, `min`/`max` (numbers), `minLength`/`maxLength` (text, trimmed as form-js
 *   does), `pattern`, `validationType` email/phone;
 * - the value's type per component (text, number — `decimalDigits: 0` an integer —, checkbox,
 *   date/time), and for select, radio, checklist and taglist one of the static `values`;
 * - a field hidden by `conditional.hide` (FEEL, evaluated on the decision as form-js does) is not
 *   checked and is dropped from what the task completes with, as form-js drops it on submit;
 * - a key the form does not have is refused (nothing reaches the process that no form asked).
 *
 * Keys with dots (`opinion.verdict`) and groups with a `path` bind nested objects, as in form-js.
 * Every problem is `{ path, messageVi, messageEn }` with `path` a JSON pointer under `/decision`.
 */
import { evaluateCondition, toFeel } from '../feel/index.js';
import { pointer, reportedProblem } from '../schemas.js';

/** `{ path, messageVi, messageEn }` (with `instancePath` and `message`, as the other 400s carry). */
export type FormProblem = ReturnType<typeof reportedProblem>;

export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  values?: Array<{ label?: string; value: unknown }>;
  validate?: {
    required?: boolean;
    min?: number | string;
    max?: number | string;
    minLength?: number | string;
    maxLength?: number | string;
    pattern?: string;
    patternErrorMessage?: string;
    /** `email` or `phone`. */
    validationType?: string;
  };
  conditional?: { hide?: string };
  decimalDigits?: number;
  serializeToString?: boolean;
  /** `date`, `time` or `datetime`. */
  subtype?: string;
  components?: FormComponent[];
}

export interface FormSchema {
  id: string;
  type?: string;
  components: FormComponent[];
  [k: string]: unknown;
}

/** Component types whose `key` binds a value (form-js's `keyed` fields). */
const KEYED = new Set([
  'textfield',
  'textarea',
  'number',
  'checkbox',
  'checklist',
  'radio',
  'select',
  'taglist',
  'datetime',
  'hidden',
  'expression',
  'filepicker',
]);
/** Containers whose children are fields of the same form (`group` may add a `path`). */
const CONTAINERS = new Set(['group', 'default']);

const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const PHONE = /^(\+|00)\d{6,20}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$/;

interface Field {
  segments: string[];
  component: FormComponent;
  /** The `conditional.hide` of the field and of the groups around it. */
  hides: string[];
}

/** The keyed fields of a form, each with the path of its value and what may hide it. */
export function formFields(form: FormSchema): Field[] {
  const out: Field[] = [];
  const walk = (components: FormComponent[] | undefined, base: string[], hides: string[]) => {
    for (const c of components ?? []) {
      const own = c.conditional?.hide ? [...hides, c.conditional.hide] : hides;
      if (CONTAINERS.has(c.type)) walk(c.components, c.path ? [...base, ...c.path.split('.')] : base, own);
      else if (KEYED.has(c.type) && c.key) out.push({ segments: [...base, ...c.key.split('.')], component: c, hides: own });
    }
  };
  walk(form.components, [], []);
  return out;
}

/**
 * Checks `data` against `form`: the problems (empty when it is valid) and the value the task
 * completes with (the decision without its hidden fields).
 */
export function checkAgainstForm(form: FormSchema, data: unknown, prefix = '/decision'): { problems: FormProblem[]; value: Record<string, unknown> } {
  if (!isObject(data)) {
    return { problems: [reportedProblem(prefix, 'phải là một đối tượng JSON (các trường của mẫu)', 'must be a JSON object (the form’s fields)')], value: {} };
  }
  const fields = formFields(form);
  const problems: FormProblem[] = [];
  const known = new Set(fields.map((f) => f.segments.join('\u0000')));
  const prefixes = new Set(fields.flatMap((f) => f.segments.slice(1).map((_, i) => f.segments.slice(0, i + 1).join('\u0000'))));
  const unknown = (obj: Record<string, unknown>, at: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      const p = [...at, k];
      const id = p.join('\u0000');
      if (known.has(id)) continue;
      if (prefixes.has(id) && isObject(v)) unknown(v, p);
      else
        problems.push(
          reportedProblem(prefix + pointer(...p), `không có trường '${k}' trong mẫu ${form.id}`, `the field '${k}' is not part of form ${form.id}`),
        );
    }
  };
  unknown(data, []);

  const value = structuredClone(data);
  for (const f of fields) {
    if (isHidden(f, data)) {
      prune(value, f.segments);
      continue;
    }
    problems.push(...checkField(f, getAt(data, f.segments), prefix + pointer(...f.segments)));
  }
  return { problems, value };
}

function checkField(f: Field, v: unknown, at: string): FormProblem[] {
  const c = f.component;
  const name = c.label ? `'${c.label}'` : `'${f.segments.join('.')}'`;
  const bad = (vi: string, en: string) => [reportedProblem(at, `${name}: ${vi}`, `${name}: ${en}`, en)];
  const rules = c.validate ?? {};
  const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (c.type === 'checkbox' && v === false);
  if (empty) return rules.required ? bad('thiếu thông tin bắt buộc', 'is required') : [];

  switch (c.type) {
    case 'textfield':
    case 'textarea':
      return typeof v === 'string' ? text(v, rules, bad) : bad('phải là chuỗi ký tự', 'must be text');
    case 'number': {
      const n = typeof v === 'number' ? v : c.serializeToString && typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) return bad('phải là một số', 'must be a number');
      if (c.decimalDigits !== undefined && decimals(n) > c.decimalDigits)
        return c.decimalDigits === 0
          ? bad('phải là số nguyên', 'must be an integer')
          : bad(`tối đa ${c.decimalDigits} chữ số thập phân`, `at most ${c.decimalDigits} decimals`);
      const min = num(rules.min);
      const max = num(rules.max);
      if (min !== undefined && n < min) return bad(`không được nhỏ hơn ${min}`, `must be at least ${min}`);
      if (max !== undefined && n > max) return bad(`không được lớn hơn ${max}`, `must be at most ${max}`);
      return [];
    }
    case 'checkbox':
      return typeof v === 'boolean' ? [] : bad('phải là true hoặc false', 'must be true or false');
    case 'select':
    case 'radio':
      return allowed(c).some((a) => a === v) ? [] : bad(`phải là một trong ${list(allowed(c))}`, `must be one of ${list(allowed(c))}`);
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(v)) return bad('phải là một danh sách', 'must be a list');
      const out = v.filter((x) => !allowed(c).includes(x));
      if (out.length) return bad(`giá trị ${list(out)} không có trong ${list(allowed(c))}`, `${list(out)} not among ${list(allowed(c))}`);
      if (new Set(v).size !== v.length) return bad('có giá trị lặp lại', 'has a value twice');
      return [];
    }
    case 'datetime': {
      const shape = c.subtype === 'date' ? DATE : c.subtype === 'time' ? TIME : DATETIME;
      if (typeof v !== 'string' || !shape.test(v) || (c.subtype !== 'time' && Number.isNaN(Date.parse(v))))
        return bad('không phải ngày/giờ hợp lệ', `must be a valid ${c.subtype ?? 'datetime'}`);
      return [];
    }
    default:
      return [];
  }
}

function text(v: string, rules: NonNullable<FormComponent['validate']>, bad: (vi: string, en: string) => FormProblem[]): FormProblem[] {
  const len = v.trim().length; // UTF-16 units, as form-js counts
  const min = num(rules.minLength);
  const max = num(rules.maxLength);
  if (min !== undefined && len < min) return bad(`phải có ít nhất ${min} ký tự`, `must have at least ${min} characters`);
  if (max !== undefined && len > max) return bad(`không được dài quá ${max} ký tự`, `must have at most ${max} characters`);
  if (rules.pattern && !safeRegExp(rules.pattern).test(v))
    return bad(rules.patternErrorMessage ?? `không đúng mẫu ${rules.pattern}`, `must match the pattern ${rules.pattern}`);
  if (rules.validationType === 'email' && !EMAIL.test(v)) return bad('không phải địa chỉ thư điện tử hợp lệ', 'must be an e-mail address');
  if (rules.validationType === 'phone' && !PHONE.test(v))
    return bad('không phải số điện thoại quốc tế hợp lệ (VD: +84912345678)', 'must be an international phone number');
  return [];
}

function isHidden(f: Field, data: Record<string, unknown>): boolean {
  return f.hides.some((h) => {
    try {
      return evaluateCondition(toFeel(h), data);
    } catch {
      return false; // form-js shows a field whose condition fails to evaluate
    }
  });
}

function allowed(c: FormComponent): unknown[] {
  return (c.values ?? []).map((x) => x.value);
}

/** A static number of a rule; a FEEL expression (`=…`) is not evaluated here and not enforced. */
function num(x: number | string | undefined): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && !x.trim().startsWith('=') && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

function decimals(n: number): number {
  const s = String(n);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return s.includes('.') ? s.split('.')[1].length : 0;
}

const regexps = new Map<string, RegExp>();
function safeRegExp(pattern: string): RegExp {
  let r = regexps.get(pattern);
  if (!r) {
    try {
      r = new RegExp(pattern);
    } catch {
      r = /$^/; // a pattern that does not compile matches nothing: the form is wrong, not the answer
    }
    regexps.set(pattern, r);
  }
  return r;
}

function list(xs: unknown[]): string {
  return xs.map((x) => JSON.stringify(x)).join(', ');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function getAt(obj: Record<string, unknown>, segments: string[]): unknown {
  let cur: unknown = obj;
  for (const s of segments) {
    if (!isObject(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

function prune(obj: Record<string, unknown>, segments: string[]): void {
  let cur: unknown = obj;
  for (const s of segments.slice(0, -1)) {
    if (!isObject(cur)) return;
    cur = cur[s];
  }
  if (isObject(cur)) delete cur[segments[segments.length - 1]];
}
