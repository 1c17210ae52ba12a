/**
 * What the engine benches print: percentiles, the two-column table, the busy share of the
 * machine (so a run that shared the cores says so) and where the database time went.
 */
import { readFileSync } from 'node:fs';
import type { DbCounters } from './counting-db.js';

export function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function dist(xs: number[]): string {
  if (!xs.length) return 'n/a';
  const f = (p: number) => pct(xs, p).toFixed(1);
  return `p50 ${f(50)} · p90 ${f(90)} · p99 ${f(99)} · max ${f(100)} ms`;
}

export function round(x: number, digits: number): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}

/**
 * Busy share of all cores since `since` (Linux /proc/stat), so a run that shared the machine
 * with other work says so; with no argument, the counters to start from.
 */
export function systemCpu(): number[] | undefined;
export function systemCpu(since: number[] | undefined): string | undefined;
export function systemCpu(since?: number[]): number[] | string | undefined {
  let now: number[];
  try {
    now = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
  if (!since) return now;
  const d = now.map((v, i) => v - (since[i] ?? 0));
  const total = d.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = d[3] + d[4];
  return total > 0 ? ((1 - idle / total) * 100).toFixed(0) : undefined;
}

export function printTable(title: string, rows: [string, string][]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(title);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

/** The statements that took the most database time, per unit of work (`per`: 'job', 'task'). */
export function printStatements(c: DbCounters, units: number, per: string, top = 8): void {
  const list = [...c.byStatement.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  console.log('  where the database time goes (client-side wait, summed over concurrent callers):');
  for (const [sql, s] of list) {
    console.log(`    ${(s.calls / units).toFixed(2).padStart(6)}/${per}  ${(s.ms / s.calls).toFixed(2).padStart(7)} ms avg  ${sql}`);
  }
}
