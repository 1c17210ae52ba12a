/**
 * ajv's errors as an official or a citizen reads them: the JSON pointer of the value, and the
 * reason in Vietnamese and in English. A schema node may carry `x-message: { vi, en }`, which
 * replaces the generic reason for a value that breaks that node's own rule (a pattern, a format).
 */
import type { ErrorObject } from 'ajv';

export interface IntakeProblem {
  /** JSON pointer into the intake ('' for the whole of it). */
  path: string;
  messageVi: string;
  messageEn: string;
}

const TYPE_VI: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  integer: 'số nguyên',
  boolean: 'giá trị đúng/sai',
  object: 'đối tượng',
  array: 'danh sách',
  null: 'null',
};

/** Keywords whose error is about the node's own value (x-message applies); not `required`-style ones about its children. */
const OWN_VALUE = new Set(['type', 'pattern', 'format', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

export function problemsFromAjv(errors: readonly ErrorObject[]): IntakeProblem[] {
  const out: IntakeProblem[] = [];
  const seen = new Set<string>();
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    // The branches of an anyOf report `required` for each alternative; the anyOf says it once.
    if (e.keyword === 'required' && anyOfPaths.has(e.instancePath) && /\/anyOf\/\d+\/required$/.test(e.schemaPath)) continue;
    if (e.keyword === 'if') continue;
    const p = translate(e);
    const key = `${p.path}\u0000${p.messageEn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function translate(e: ErrorObject): IntakeProblem {
  const params = e.params as Record<string, any>;
  const custom = (e.parentSchema as { 'x-message'?: { vi: string; en: string } } | undefined)?.['x-message'];
  if (custom && OWN_VALUE.has(e.keyword)) return { path: e.instancePath, messageVi: custom.vi, messageEn: custom.en };
  const at = e.instancePath;
  switch (e.keyword) {
    case 'required':
      return { path: `${at}/${escape(params.missingProperty)}`, messageVi: `thiếu thông tin bắt buộc '${params.missingProperty}'`, messageEn: `the required property '${params.missingProperty}' is missing` };
    case 'additionalProperties':
      return {
        path: `${at}/${escape(params.additionalProperty)}`,
        messageVi: `không có trường '${params.additionalProperty}' trong tờ khai của thủ tục này${params.additionalProperty === 'district' ? ' (từ 01/07/2025 địa chỉ chỉ còn tỉnh và xã, không có cấp huyện)' : ''}`,
        messageEn: `the property '${params.additionalProperty}' is not part of this procedure's form${params.additionalProperty === 'district' ? ' (since 01/07/2025 addresses have a province and a commune, no district)' : ''}`,
      };
    case 'type':
      return { path: at, messageVi: `phải là ${TYPE_VI[params.type] ?? params.type}`, messageEn: `must be ${article(params.type)}` };
    case 'enum':
      return { path: at, messageVi: `phải là một trong các giá trị ${list(params.allowedValues)}`, messageEn: `must be one of ${list(params.allowedValues)}` };
    case 'const':
      return { path: at, messageVi: `phải là ${JSON.stringify(params.allowedValue)}`, messageEn: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'format':
      return { path: at, messageVi: `không đúng định dạng ${params.format}`, messageEn: `must be a valid ${params.format}` };
    case 'pattern':
      return { path: at, messageVi: 'không đúng định dạng quy định', messageEn: `must match the pattern ${params.pattern}` };
    case 'minLength':
      return { path: at, messageVi: `phải có ít nhất ${params.limit} ký tự`, messageEn: `must have at least ${params.limit} characters` };
    case 'maxLength':
      return { path: at, messageVi: `không được dài quá ${params.limit} ký tự`, messageEn: `must have at most ${params.limit} characters` };
    case 'minItems':
      return { path: at, messageVi: `phải có ít nhất ${params.limit} mục`, messageEn: `must have at least ${params.limit} items` };
    case 'maxItems':
      return { path: at, messageVi: `không được quá ${params.limit} mục`, messageEn: `must have at most ${params.limit} items` };
    case 'uniqueItems':
      return { path: at, messageVi: `mục thứ ${params.j + 1} và thứ ${params.i + 1} trùng nhau`, messageEn: `items ${params.j + 1} and ${params.i + 1} are the same` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const vi = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' }[e.keyword];
      return { path: at, messageVi: `phải ${vi} ${params.limit}`, messageEn: `must be ${params.comparison} ${params.limit}` };
    }
    case 'anyOf': {
      // `anyOf: [{ required: [a] }, { required: [b] }]` says "give a or b (or both)".
      const names = Array.isArray(e.schema) ? e.schema.map((b: any) => (b && Object.keys(b).join() === 'required' ? b.required : undefined)) : [];
      if (names.length && names.every((n: unknown) => Array.isArray(n))) {
        const shown = names.map((n: string[]) => n.map((x) => `'${x}'`).join(' + ')).join(', ');
        return { path: at, messageVi: `phải có ít nhất một trong các thông tin ${shown}`, messageEn: `must have at least one of ${shown}` };
      }
      return { path: at, messageVi: 'chưa thỏa điều kiện nào trong các phương án cho phép', messageEn: 'must match one of the allowed alternatives' };
    }
    case 'oneOf':
      return { path: at, messageVi: 'phải thỏa đúng một trong các phương án cho phép', messageEn: 'must match exactly one of the allowed alternatives' };
    default:
      return { path: at, messageVi: `không hợp lệ (${e.keyword})`, messageEn: e.message ?? e.keyword };
  }
}

function escape(segment: string): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

function list(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
