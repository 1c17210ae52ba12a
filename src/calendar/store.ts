/**
 * The calendar as the service uses it: rules + the approved override table in the database.
 * The table is seeded once with the decisions in overrides-seed.ts; every change goes through
 * `setOverride` / `deleteOverride`, which record who changed what in the change history and
 * rebuild the in-memory calendar, so queries stay O(1).
 */
import type { Db, Queryable } from '../db/index.js';
import { NotFound } from '../errors.js';
import { WorkingCalendar, type Override } from './calendar.js';
import { CalendarError } from './errors.js';
import { OVERRIDES_SEED } from './overrides-seed.js';

export const CALENDAR_FROM_YEAR = 2000;
export const CALENDAR_TO_YEAR = 2100;

interface Row {
  date: string;
  kind: 'day_off' | 'working_day';
  reason: string;
  source: string;
  entered_by: string;
}

/** Called inside the transaction of each change (the service appends it to the audit log). */
export type OverrideChangeHook = (
  q: Queryable,
  change: { action: 'set' | 'delete'; date: string; before: Override | null; after: Override | null; actor: string },
) => Promise<void>;

export class CalendarStore {
  private current?: WorkingCalendar;

  constructor(private readonly db: Db) {}

  /** Seeds the override table when it has never been filled, then builds the calendar. */
  async init(): Promise<WorkingCalendar> {
    await this.db.tx(async (q) => {
      const { rows } = await q.query(`select 1 from domain.calendar_override_changes limit 1`);
      const { rows: any } = await q.query(`select 1 from domain.calendar_overrides limit 1`);
      if (rows.length || any.length) return;
      for (const o of OVERRIDES_SEED) await this.write(q, { ...o, enteredBy: o.enteredBy ?? 'seed' }, 'seed');
    });
    return this.reload();
  }

  get calendar(): WorkingCalendar {
    if (!this.current) throw new Error('CalendarStore.init() was not called');
    return this.current;
  }

  async reload(): Promise<WorkingCalendar> {
    this.current = new WorkingCalendar({ fromYear: CALENDAR_FROM_YEAR, toYear: CALENDAR_TO_YEAR, overrides: await this.list() });
    return this.current;
  }

  async list(year?: number): Promise<Override[]> {
    const { rows } = await this.db.query<Row>(
      `select to_char(date, 'YYYY-MM-DD') as date, kind, reason, source, entered_by from domain.calendar_overrides
        where $1::int is null or extract(year from date) = $1 order by date`,
      [year ?? null],
    );
    return rows.map((r) => ({ date: r.date, kind: r.kind, reason: r.reason, source: r.source, enteredBy: r.entered_by }));
  }

  /** Adds or replaces the override of one date; validated by building a calendar with it first. */
  async setOverride(o: Override, actor: string, onChange?: OverrideChangeHook): Promise<Override> {
    const next = (await this.list()).filter((x) => x.date !== o.date).concat({ ...o, enteredBy: actor });
    // Throws CalendarError naming the bad field before anything is written.
    const calendar = new WorkingCalendar({ fromYear: CALENDAR_FROM_YEAR, toYear: CALENDAR_TO_YEAR, overrides: next });
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
    const { rows: before } = await q.query<Row>(
      `select to_char(date, 'YYYY-MM-DD') as date, kind, reason, source, entered_by from domain.calendar_overrides where date = $1::date for update`,
      [o.date],
    );
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
      JSON.stringify({ date: o.date, kind: o.kind, reason: o.reason, source: o.source, entered_by: o.enteredBy }),
      actor,
    ]);
    const b = before[0];
    return b ? { date: b.date, kind: b.kind, reason: b.reason, source: b.source, enteredBy: b.entered_by } : null;
  }
}
