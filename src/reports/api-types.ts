/**
 * The shape of the reports room's HTTP answers, shared with the browser app (src/web imports it
 * with `import type`): the rows of the on-time report (on-time.ts), of the open clocks and the
 * clocks behind one bar (details.ts). Instants are ISO 8601 strings, as they travel in JSON.
 *
 * This file must import nothing (at most `import type` from other such dependency-free files):
 * the web app type-checks it with DOM libs and without Node's types.
 */
import type { ClockItem } from '../sla/api-types.js';

export type GroupBy = 'agency' | 'procedure' | 'channel';

/** The result of a clock, as a bar of the report counts it. */
export type ClockResult = 'early' | 'on_time' | 'late' | 'open' | 'overdue';

export interface OnTimeRow {
  /** Agency code, procedure code or channel. */
  key: string;
  /** Agency name for agencies; null otherwise. */
  name: string | null;
  total: number;
  early: number;
  onTime: number;
  late: number;
  earlyRate: number;
  onTimeRate: number;
  lateRate: number;
  /** (early + on time) / total: the share settled within the limit. */
  withinLimitRate: number;
}

export interface OpenRow {
  key: string;
  name: string | null;
  open: number;
  overdue: number;
}

/** A clock behind one bar: the SLA room's answer as it is. */
export type BehindItem = ClockItem;
