/**
 * Citizens' personal identifiers masked wherever text leaves the service for someone who is not
 * entitled to them (README, "What lienthong guarantees"): log lines (http/redact.ts), error answers
 * (http/errors.ts), and what non-auditors see of the audit log and of a dossier's trace.
 *
 * - a citizen's personal identification number (số định danh cá nhân / CCCD): 12 digits standing
 *   alone → the first 3 (the province of birth) and the last 3 kept: `001******345`;
 * - a Vietnamese phone number: 0 / 84 / +84, then 9 digits starting with 3, 5, 7, 8 or 9
 *   (mobile) or 10 digits starting with 2 (fixed line), optionally grouped by spaces, dots or
 *   dashes → the prefix, the first two and the last three digits kept: `091****678`;
 * - an e-mail address (the applicants' notices go to one: an SMTP error quotes it) → its first
 *   character and its domain kept: `a***@example.vn`.
 *
 * A UUID is left whole: it names a request, a message or a form, and its hex groups look like
 * an ID or a phone number often enough (about 1 in 160 random UUIDs) that masking them made a
 * request's logged id differ from the one its caller was given.
 *
 * This module imports nothing of the project: every room may mask.
 */

const CITIZEN_ID = /(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)/g;
// A prefix, then 9–10 digits possibly grouped by single separators; checked further in phone().
const PHONE = /(?<![\d+])(\+84|84|0)((?:[ .-]?\d){9,10})(?!\d)/g;

// A local part, then a domain with at least one dot (a Message-ID's `@lienthong` is not an address).
const EMAIL = /(?<![\w.%+-])([A-Za-z0-9])[\w.%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function maskPersonalData(text: string): string {
  if (!text.includes('-')) return maskPlain(text);
  let out = '';
  let from = 0;
  for (const m of text.matchAll(UUID)) {
    out += maskPlain(text.slice(from, m.index)) + m[0];
    from = m.index + m[0].length;
  }
  return from === 0 ? maskPlain(text) : out + maskPlain(text.slice(from));
}

function maskPlain(text: string): string {
  const out = text.includes('@') ? text.replace(EMAIL, '$1***@$2') : text;
  if (!/\d{9}|\d[ .-]\d/.test(out)) return out; // nothing long enough to be an ID or a phone: fast path
  return out.replace(CITIZEN_ID, '$1******$2').replace(PHONE, phone);
}

function phone(match: string, prefix: string, rest: string): string {
  const digits = rest.replace(/[ .-]/g, '');
  const mobile = digits.length === 9 && /^[35789]/.test(digits);
  const fixed = digits.length === 10 && digits.startsWith('2');
  if (!mobile && !fixed) return match;
  return `${prefix}${digits.slice(0, 2)}****${digits.slice(-3)}`;
}

/** A copy of `value` with every string masked (Error objects become plain {type, message, stack, …}). */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name || value.constructor?.name, message: maskPersonalData(value.message) };
    if (value.stack) out.stack = maskPersonalData(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
    if (value.cause !== undefined) out.cause = maskDeep(value.cause, depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}
