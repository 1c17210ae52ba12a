/**
 * A corrected seed reaches a database that is already running: applied once per version at
 * start, by date, never overwriting what an administrator set or deleted.
 */
import { openTestDb, type TestDb } from '../support/db.js';
import { CalendarStore, OVERRIDES_SEED, OVERRIDES_SEED_VERSION, type Override } from '../../src/calendar/index.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

const OLD_SOURCE = 'Thông báo 6150/TB-LĐTBXH (2024) của Bộ Lao động – Thương binh và Xã hội';
/** What an earlier release seeded: the 2025 decisions with an older citation, and a wrong day. */
const OLD_SEED: Override[] = [
  { date: '2025-01-27', kind: 'day_off', reason: 'Nghỉ Tết Âm lịch Ất Tỵ', source: OLD_SOURCE, enteredBy: 'seed' },
  { date: '2025-04-26', kind: 'working_day', reason: 'Làm bù cho thứ Sáu 02/05/2025', source: OLD_SOURCE, enteredBy: 'seed' },
  { date: '2026-09-03', kind: 'day_off', reason: 'Sai: không có trong quyết định nào', source: 'Không rõ', enteredBy: 'seed' },
];

async function history(date: string): Promise<{ action: string; changed_by: string; kind: string | null }[]> {
  const { rows } = await t.db.query(
    `select action, changed_by, after->>'kind' as kind from domain.calendar_override_changes where date = $1::date order by id`,
    [date],
  );
  return rows;
}

describe('Feature: the override seed is versioned and reaches running databases', () => {
  test('Given a database seeded by an earlier release and an admin override, when the service starts, then the corrected seed is applied and the admin row kept', async () => {
    const old = new CalendarStore(t.db);
    await old.applySeed(OLD_SEED, '2025-06-01.1');
    await old.reload();
    // The administrator decided 02/01/2026 differently before the decision was seeded.
    await old.setOverride({ date: '2026-01-02', kind: 'working_day', reason: 'Làm việc (quyết định của tỉnh)', source: 'Văn bản thử nghiệm' }, 'quantri');

    const store = new CalendarStore(t.db);
    const cal = await store.init();

    // The 2026 swaps are in: Saturday 10/01 and 22/08 worked, Monday 31/08 off.
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(cal.isWorkingDay('2026-08-31')).toBe(false);
    // The old citation is corrected; the wrong row is gone.
    expect(cal.dayInfo('2025-04-26').source).toMatch(/^Thông báo 6150\/TB-LĐTBXH \(Bộ Lao động – Thương binh và Xã hội\); Công văn 8726\/VPCP-KGVX/u);
    expect(cal.isWorkingDay('2026-09-03')).toBe(true);
    expect(await history('2026-09-03')).toEqual([
      { action: 'set', changed_by: 'seed', kind: 'day_off' },
      { action: 'delete', changed_by: 'seed', kind: null },
    ]);
    // The administrator's row stays; the seed's row is only in the history, as a conflict.
    expect(cal.dayInfo('2026-01-02')).toMatchObject({ working: true, enteredBy: 'quantri' });
    expect(await history('2026-01-02')).toEqual([
      { action: 'set', changed_by: 'quantri', kind: 'working_day' },
      { action: 'seed_conflict', changed_by: `seed:${OVERRIDES_SEED_VERSION}`, kind: 'day_off' },
    ]);
    const { rows } = await t.db.query(`select summary from domain.calendar_seed_versions where version = $1`, [OVERRIDES_SEED_VERSION]);
    expect(rows[0].summary).toMatchObject({ removed: ['2026-09-03'], conflicts: ['2026-01-02'] });
    expect(rows[0].summary.added).toContain('2026-01-10');
    expect(rows[0].summary.updated).toEqual(['2025-01-27', '2025-04-26']);
  });

  test('Given the seed version already applied, when the service starts again, then nothing is written', async () => {
    const { rows: before } = await t.db.query(`select count(*)::int as n from domain.calendar_override_changes`);
    const store = new CalendarStore(t.db);
    expect(await store.applySeed(OVERRIDES_SEED, OVERRIDES_SEED_VERSION)).toBeNull();
    await store.init();
    const { rows: after } = await t.db.query(`select count(*)::int as n from domain.calendar_override_changes`);
    expect(after[0].n).toBe(before[0].n);
  });

  test('Given an admin deleted a seeded day, when a new seed version holds it again, then it is not put back', async () => {
    const store = new CalendarStore(t.db);
    await store.init();
    await store.deleteOverride('2026-08-22', 'quantri');
    const report = await store.applySeed(OVERRIDES_SEED, 'test-next-version');
    expect(report).toMatchObject({ added: [], updated: [], removed: [], conflicts: ['2026-01-02', '2026-08-22'] });
    expect((await store.reload()).isWorkingDay('2026-08-22')).toBe(false);
  });
});
