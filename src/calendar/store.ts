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
 *
 * Every change — an administrator's or a seed version's — calls the store's `onChange` in its own
 * transaction with the calendar before and after, so what was counted on the old calendar (the
 * running SLA clocks, the appointments) is recounted in the same commit. Another service process
 * sees the change at its next `refresh()` (the change history's last id moved).
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

/**
 * Any change of the calendar, in the transaction that makes it (the service recounts the clocks it
 * reaches); what it returns runs after the commit.
 */
export type CalendarChangeHook = (
  q: Queryable,
  change: { dates: string[]; before: WorkingCalendar; after: WorkingCalendar; actor: string },
) => Promise<AfterCommit | undefined>;

type AfterCommit = () => Promise<void>;

/** What applying a seed version did, date by date. */
export interface SeedReport {
  version: string;
  added: string[];
  updated: string[];
  removed: string[];
  /** Dates an administrator holds: left as they are, the seed's row written to the history only. */
  conflicts: string[];
}

function build(overrides: Override[]): WorkingCalendar {
  return new WorkingCalendar({ fromYear: CALENDAR_FROM_YEAR, toYear: CALENDAR_TO_YEAR, overrides, decisions: GOVERNMENT_DECISIONS });
}

const fromRows = (rows: Row[]): Override[] => rows.map((r) => ({ date: r.date, kind: r.kind, reason: r.reason, source: r.source, enteredBy: r.entered_by }));

export class CalendarStore {
  private current?: WorkingCalendar;
  /** The change history's last id the in-memory calendar was built from. */
  private seen = '';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly opts: { onChange?: CalendarChangeHook } = {},
  ) {}

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
    let then: AfterCommit | undefined;
    const applied = await this.db.tx(async (q) => {
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
      const changed = [...report.added, ...report.updated, ...report.removed];
      if (changed.length && this.opts.onChange) {
        const { rows: now } = await q.query<Row>(`${SELECT_ROW} from domain.calendar_overrides order by date`);
        then = await this.opts.onChange(q, { dates: changed, before: build(fromRows(rows)), after: build(fromRows(now)), actor: `${SEED_ACTOR}:${version}` });
      }
      return report;
    });
    await then?.();
    return applied;
  }

  get calendar(): WorkingCalendar {
    if (!this.current) throw new Error('CalendarStore.init() was not called');
    return this.current;
  }

  async reload(): Promise<WorkingCalendar> {
    const seen = await this.lastChange();
    this.current = build(await this.list());
    this.seen = seen;
    return this.current;
  }

  /** Rebuilds the calendar when another process changed it since (true then). */
  async refresh(): Promise<boolean> {
    if ((await this.lastChange()) === this.seen) return false;
    await this.reload();
    return true;
  }

  /** Refreshes every `ms` in the background until `close()`; `onError` hears a failed look. */
  startRefresh(ms: number, onError: (e: unknown) => void): void {
    this.timer ??= setInterval(() => void this.refresh().catch(onError), ms);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async lastChange(): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(`select coalesce(max(id), 0)::text as id from domain.calendar_override_changes`);
    return rows[0].id;
  }

  async list(year?: number): Promise<Override[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT_ROW} from domain.calendar_overrides
        where $1::int is null or extract(year from date) = $1 order by date`,
      [year ?? null],
    );
    return fromRows(rows);
  }

  /** Adds or replaces the override of one date; validated by building a calendar with it first. */
  async setOverride(o: Override, actor: string, onChange?: OverrideChangeHook): Promise<Override> {
    const was = await this.list();
    // Throws CalendarError naming the bad field before anything is written.
    const calendar = build(was.filter((x) => x.date !== o.date).concat({ ...o, enteredBy: actor }));
    if (o.date < calendar.range.from || o.date > calendar.range.to) {
      throw new CalendarError('date', `date ${o.date} is outside ${CALENDAR_FROM_YEAR}–${CALENDAR_TO_YEAR}`);
    }
    const then = await this.db.tx(async (q) => {
      const before = await this.write(q, { ...o, enteredBy: actor }, actor);
      await onChange?.(q, { action: 'set', date: o.date, before, after: { ...o, enteredBy: actor }, actor });
      return this.opts.onChange?.(q, { dates: [o.date], before: build(was), after: calendar, actor });
    });
    await this.reload();
    await then?.();
    return { ...o, enteredBy: actor };
  }

  async deleteOverride(date: string, actor: string, onChange?: OverrideChangeHook): Promise<void> {
    const was = await this.list();
    const then = await this.db.tx(async (q) => {
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
      await onChange?.(q, { action: 'delete', date, before: fromRows(rows)[0], after: null, actor });
      return this.opts.onChange?.(q, { dates: [date], before: build(was), after: build(was.filter((x) => x.date !== date)), actor });
    });
    await this.reload();
    await then?.();
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
