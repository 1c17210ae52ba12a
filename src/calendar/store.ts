/**
 * The calendar as the service uses it: rules + the approved override table in the database +
 * the Government's decisions found (which settle the provisional days).
 *
 * The seed (overrides-seed.ts, the decisions' days) is applied at start, once per seed version,
 * so a corrected seed reaches a running database: rows are added, seed rows corrected or
 * removed, and a date an administrator has set or deleted is left as the administrator left
 * it, the conflict written to the change history ('seed_conflict'). Every other change goes
 * through `setOverride` / `deleteOverride`, which record who changed what in the change history
 * and rebuild the in-memory calendar, so queries stay O(1).
 */
import type { Db, Queryable } from '../db/index.js';
import { NotFound } from '../errors.js';
import { WorkingCalendar, type Override } from './calendar.js';
import { GOVERNMENT_DECISIONS } from './decisions.js';
import { CalendarError } from './errors.js';
import { OVERRIDES_SEED, OVERRIDES_SEED_VERSION, SEED_ACTOR } from './overrides-seed.js';

export const CALENDAR_FROM_YEAR = 2000;
export const CALENDAR_TO_YEAR = 2100;

interface Row {
  date: string;
  kind: 'day_off' | 'working_day';
  reason: string;
  source: string;
  entered_by: string;
}

const SELECT_ROW = `select to_char(date, 'YYYY-MM-DD') as date, kind, reason, source, entered_by`;

function asRow(o: Override & { enteredBy: string }): Row {
  return { date: o.date, kind: o.kind, reason: o.reason, source: o.source, entered_by: o.enteredBy };
}

/** Called inside the transaction of each change (the service appends it to the audit log). */
export type OverrideChangeHook = (
  q: Queryable,
  change: { action: 'set' | 'delete'; date: string; before: Override | null; after: Override | null; actor: string },
) => Promise<void>;

/** What applying a seed version did, date by date. */
export interface SeedReport {
  version: string;
  added: string[];
  updated: string[];
  removed: string[];
  /** Dates an administrator holds: left as they are, the seed's row written to the history only. */
  conflicts: string[];
}

export class CalendarStore {
  private current?: WorkingCalendar;

  constructor(private readonly db: Db) {}

  /** Applies the current seed version (once per database), then builds the calendar. */
  async init(): Promise<WorkingCalendar> {
    await this.applySeed(OVERRIDES_SEED, OVERRIDES_SEED_VERSION);
    return this.reload();
  }

  /**
   * Applies one version of the seed, unless this database already received it (then null).
   * One transaction; two services starting together apply it once (the version row is the lock).
   */
  async applySeed(seed: readonly Override[], version: string): Promise<SeedReport | null> {
    return this.db.tx(async (q) => {
      const { rows: claimed } = await q.query(
        `insert into domain.calendar_seed_versions (version, summary) values ($1, '{}'::jsonb) on conflict (version) do nothing returning version`,
        [version],
      );
      if (!claimed.length) return null;
      const { rows } = await q.query<Row>(`${SELECT_ROW} from domain.calendar_overrides order by date for update`);
      const held = new Map(rows.map((r) => [r.date, r]));
      const { rows: touched } = await q.query<{ date: string }>(
        `select distinct to_char(date, 'YYYY-MM-DD') as date from domain.calendar_override_changes
          where changed_by <> $1 and action in ('set', 'delete')`,
        [SEED_ACTOR],
      );
      const byAdmin = new Set(touched.map((r) => r.date));
      const report: SeedReport = { version, added: [], updated: [], removed: [], conflicts: [] };
      for (const o of seed) {
        const row = held.get(o.date);
        const seedRow = { ...o, enteredBy: SEED_ACTOR };
        if (row && row.kind === o.kind && row.reason === o.reason && row.source === o.source) continue;
        if (row ? row.entered_by !== SEED_ACTOR : byAdmin.has(o.date)) {
          await q.query(
            `insert into domain.calendar_override_changes (date, action, before, after, changed_by) values ($1::date, 'seed_conflict', $2, $3, $4)`,
            [o.date, row ? JSON.stringify(row) : null, JSON.stringify(asRow(seedRow)), `${SEED_ACTOR}:${version}`],
          );
          report.conflicts.push(o.date);
          continue;
        }
        await this.write(q, seedRow, SEED_ACTOR);
        (row ? report.updated : report.added).push(o.date);
      }
      const dates = new Set(seed.map((o) => o.date));
      for (const row of rows) {
        if (row.entered_by !== SEED_ACTOR || dates.has(row.date)) continue;
        await q.query(`delete from domain.calendar_overrides where date = $1::date`, [row.date]);
        await q.query(`insert into domain.calendar_override_changes (date, action, before, after, changed_by) values ($1::date, 'delete', $2, null, $3)`, [
          row.date,
          JSON.stringify(row),
          SEED_ACTOR,
        ]);
        report.removed.push(row.date);
      }
      await q.query(`update domain.calendar_seed_versions set summary = $2 where version = $1`, [version, JSON.stringify(report)]);
      return report;
    });
  }

  get calendar(): WorkingCalendar {
    if (!this.current) throw new Error('CalendarStore.init() was not called');
    return this.current;
  }

  async reload(): Promise<WorkingCalendar> {
    this.current = new WorkingCalendar({
      fromYear: CALENDAR_FROM_YEAR,
      toYear: CALENDAR_TO_YEAR,
      overrides: await this.list(),
      decisions: GOVERNMENT_DECISIONS,
    });
    return this.current;
  }

  async list(year?: number): Promise<Override[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT_ROW} from domain.calendar_overrides
        where $1::int is null or extract(year from date) = $1 order by date`,
      [year ?? null],
    );
    return rows.map((r) => ({ date: r.date, kind: r.kind, reason: r.reason, source: r.source, enteredBy: r.entered_by }));
  }

  /** Adds or replaces the override of one date; validated by building a calendar with it first. */
  async setOverride(o: Override, actor: string, onChange?: OverrideChangeHook): Promise<Override> {
    const next = (await this.list()).filter((x) => x.date !== o.date).concat({ ...o, enteredBy: actor });
    // Throws CalendarError naming the bad field before anything is written.
    const calendar = new WorkingCalendar({ fromYear: CALENDAR_FROM_YEAR, toYear: CALENDAR_TO_YEAR, overrides: next, decisions: GOVERNMENT_DECISIONS });
    if (o.date < calendar.range.from || o.date > calendar.range.to) {
      throw new CalendarError('date', `date ${o.date} is outside ${CALENDAR_FROM_YEAR}–${CALENDAR_TO_YEAR}`);
    }
    await this.db.tx(async (q) => {
      const before = await this.write(q, { ...o, enteredBy: actor }, actor);
      await onChange?.(q, { action: 'set', date: o.date, before, after: { ...o, enteredBy: actor }, actor });
    });
    this.current = calendar;
    return { ...o, enteredBy: actor };
  }

  async deleteOverride(date: string, actor: string, onChange?: OverrideChangeHook): Promise<void> {
    await this.db.tx(async (q) => {
      const { rows } = await q.query<Row>(
        `delete from domain.calendar_overrides where date = $1::date
         returning to_char(date, 'YYYY-MM-DD') as date, kind, reason, source, entered_by`,
        [date],
      );
      if (!rows[0]) throw new NotFound(`no calendar override on ${date}`);
      await q.query(`insert into domain.calendar_override_changes (date, action, before, after, changed_by) values ($1::date, 'delete', $2, null, $3)`, [
        date,
        JSON.stringify(rows[0]),
        actor,
      ]);
      const r = rows[0];
      await onChange?.(q, {
        action: 'delete',
        date,
        before: { date: r.date, kind: r.kind, reason: r.reason, source: r.source, enteredBy: r.entered_by },
        after: null,
        actor,
      });
    });
    await this.reload();
  }

  /** Writes one override and its history row; returns what was there before. */
  private async write(q: Queryable, o: Override & { enteredBy: string }, actor: string): Promise<Override | null> {
    const { rows: before } = await q.query<Row>(`${SELECT_ROW} from domain.calendar_overrides where date = $1::date for update`, [o.date]);
    await q.query(
      `insert into domain.calendar_overrides (date, kind, reason, source, entered_by, entered_at)
       values ($1::date, $2, $3, $4, $5, now())
       on conflict (date) do update set kind = excluded.kind, reason = excluded.reason, source = excluded.source,
         entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
      [o.date, o.kind, o.reason, o.source, o.enteredBy],
    );
    await q.query(`insert into domain.calendar_override_changes (date, action, before, after, changed_by) values ($1::date, 'set', $2, $3, $4)`, [
      o.date,
      before[0] ? JSON.stringify(before[0]) : null,
      JSON.stringify(asRow(o)),
      actor,
    ]);
    const b = before[0];
    return b ? { date: b.date, kind: b.kind, reason: b.reason, source: b.source, enteredBy: b.entered_by } : null;
  }
}
