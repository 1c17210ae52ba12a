/**
 * Seed rows for the approved override table: every day of the Government's decisions
 * (decisions.ts) that differs from the rules, or that records the day a decision chose, with
 * the deciding documents as its source. The store applies the seed at start, once per
 * `OVERRIDES_SEED_VERSION` (store.ts): new rows are added, seed rows it no longer holds are
 * removed, changed ones updated, and a row an administrator entered is never overwritten
 * (the conflict is written to the change history instead).
 *
 * Change the decisions, and bump the version, to correct a running database.
 */
import { WorkingCalendar, type Override } from './calendar.js';
import { GOVERNMENT_DECISIONS, decisionSource } from './decisions.js';

/** Who the seed's rows are entered by. */
export const SEED_ACTOR = 'seed';

/** Bump when the seed's rows change; each version is applied once per database. */
export const OVERRIDES_SEED_VERSION = '2026-11-30.2';

export const OVERRIDES_SEED: readonly Override[] = GOVERNMENT_DECISIONS.flatMap((decision) =>
  decision.days.map((day) => ({ date: day.date, kind: day.kind, reason: day.reason, source: decisionSource(decision), enteredBy: SEED_ACTOR })),
).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

/** The calendar as the decisions found make it, without a database (tests, scripts). */
export function officialCalendar(fromYear: number, toYear: number): WorkingCalendar {
  return new WorkingCalendar({ fromYear, toYear, overrides: OVERRIDES_SEED, decisions: GOVERNMENT_DECISIONS });
}
