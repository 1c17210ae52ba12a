/**
 * The only place that knows FEEL. Zeebe's convention: a property value that starts with `=`
 * is a FEEL expression, anything else is a static string.
 */
import { evaluate, parseExpression } from 'feelin';

export class FeelSyntaxError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
  ) {
    super(`FEEL expression does not parse at position ${position}: ${expression}`);
    this.name = 'FeelSyntaxError';
  }
}

export class FeelEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeelEvaluationError';
  }
}

/** A property value: static text, or a FEEL expression (the text after `=`). */
export type Expr = { static: string } | { feel: string };

export function isExpression(raw: string): boolean {
  return raw.trimStart().startsWith('=');
}

/** Parses a Zeebe property value; a FEEL part that does not parse throws FeelSyntaxError. */
export function toExpr(raw: string): Expr {
  if (!isExpression(raw)) return { static: raw };
  const feel = raw.trimStart().slice(1);
  checkSyntax(feel);
  return { feel };
}

/** A value that is always FEEL (conditions, mapping sources), with or without the `=`. */
export function toFeel(raw: string): Expr {
  const feel = isExpression(raw) ? raw.trimStart().slice(1) : raw;
  checkSyntax(feel);
  return { feel };
}

const syntaxChecked = new Set<string>();

export function checkSyntax(feel: string): void {
  if (syntaxChecked.has(feel)) return;
  if (feel.trim() === '') throw new FeelSyntaxError(feel, 0);
  let errorAt = -1;
  try {
    const tree = parseExpression(feel, {}, undefined);
    tree.iterate({
      enter(node: { type: { isError: boolean }; from: number }) {
        if (node.type.isError && errorAt < 0) errorAt = node.from;
      },
    });
  } catch {
    errorAt = 0;
  }
  if (errorAt >= 0) throw new FeelSyntaxError(feel, errorAt);
  syntaxChecked.add(feel);
}

/** Evaluates an expression against variables; the result is plain JSON (temporals as ISO text). */
export function evaluateExpr(expr: Expr, vars: Record<string, unknown>): unknown {
  if ('static' in expr) return expr.static;
  let result: { value: unknown };
  try {
    result = evaluate(expr.feel, vars);
  } catch (e) {
    throw new FeelEvaluationError(`failed to evaluate '${expr.feel}': ${(e as Error).message}`);
  }
  return toJson(result.value);
}

/** Evaluates to a string (job type, called process id…); anything else is an evaluation error. */
export function evaluateString(expr: Expr, vars: Record<string, unknown>, what: string): string {
  const v = evaluateExpr(expr, vars);
  if (typeof v !== 'string' || v === '') {
    throw new FeelEvaluationError(`expected ${what} to be a non-empty string, but '${exprText(expr)}' gave ${JSON.stringify(v)}`);
  }
  return v;
}

export function evaluateNumber(expr: Expr, vars: Record<string, unknown>, what: string): number {
  const v = evaluateExpr(expr, vars);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new FeelEvaluationError(`expected ${what} to be a number, but '${exprText(expr)}' gave ${JSON.stringify(v)}`);
  }
  return n;
}

/** A condition: true only when the expression yields boolean true (null/non-boolean → false, as in Zeebe). */
export function evaluateCondition(expr: Expr, vars: Record<string, unknown>): boolean {
  const v = evaluateExpr(expr, vars);
  if (v === true) return true;
  if (v === false || v === null || v === undefined) return false;
  throw new FeelEvaluationError(`expected condition '${exprText(expr)}' to be a boolean, but it gave ${JSON.stringify(v)}`);
}

export function exprText(expr: Expr): string {
  return 'static' in expr ? expr.static : '=' + expr.feel;
}

function toJson(v: unknown): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') {
    return typeof v === 'function' ? null : v;
  }
  if (Array.isArray(v)) return v.map(toJson);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    // FEEL temporals, durations and ranges: their text form is what Zeebe stores.
    const s = (v as { toString(): string }).toString();
    return typeof s === 'string' ? s : null;
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = toJson(val);
  return out;
}
