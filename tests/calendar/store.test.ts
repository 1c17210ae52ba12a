import { openTestDb, type TestDb } from '../support/db.js';
import { CalendarStore } from '../../src/calendar/index.js';
import { CalendarError } from '../../src/calendar/errors.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

describe('Feature: the approved override table lives in the database', () => {
  test('Given an empty database, when the store starts, then the seed decisions are loaded once and win over the rules', async () => {
    const store = new CalendarStore(t.db);
    const cal = await store.init();
    // Thông báo 6150: Monday 27/01/2025 off, Saturday 26/04/2025 worked.
    expect(cal.isWorkingDay('2025-01-27')).toBe(false);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    const again = new CalendarStore(t.db);
    await again.init();
    const { rows } = await t.db.query(`select count(*)::int as n from domain.calendar_override_changes where action = 'set'`);
    expect(rows[0].n).toBe((await again.list()).length);
  });

  test('When an admin adds an override, then counts change and the change history names who did it', async () => {
    const store = new CalendarStore(t.db);
    await store.init();
    expect(store.calendar.isWorkingDay('2026-10-05')).toBe(true);
    await store.setOverride({ date: '2026-10-05', kind: 'day_off', reason: 'Nghỉ (thử nghiệm)', source: 'Thông báo thử nghiệm' }, 'admin1');
    expect(store.calendar.isWorkingDay('2026-10-05')).toBe(false);
    const fresh = new CalendarStore(t.db);
    await fresh.init();
    expect(fresh.calendar.isWorkingDay('2026-10-05')).toBe(false);
    const { rows } = await t.db.query(`select changed_by, after->>'kind' as kind from domain.calendar_override_changes where date = '2026-10-05'`);
    expect(rows).toEqual([{ changed_by: 'admin1', kind: 'day_off' }]);
    await fresh.deleteOverride('2026-10-05', 'admin2');
    expect(fresh.calendar.isWorkingDay('2026-10-05')).toBe(true);
  });

  test('When one service process changes the calendar, then another sees it at its next refresh (and only then rebuilds)', async () => {
    const a = new CalendarStore(t.db);
    const b = new CalendarStore(t.db);
    await a.init();
    await b.init();
    expect(await b.refresh()).toBe(false);
    await a.setOverride({ date: '2026-10-06', kind: 'day_off', reason: 'Nghỉ (thử nghiệm)', source: 'Thông báo thử nghiệm' }, 'admin1');
    expect(b.calendar.isWorkingDay('2026-10-06')).toBe(true);
    expect(await b.refresh()).toBe(true);
    expect(b.calendar.isWorkingDay('2026-10-06')).toBe(false);
    expect(await b.refresh()).toBe(false);
    await a.deleteOverride('2026-10-06', 'admin1');
    expect(await b.refresh()).toBe(true);
    expect(b.calendar.isWorkingDay('2026-10-06')).toBe(true);
  });

  test('When an override is invalid, then a CalendarError names the field and nothing is written', async () => {
    const store = new CalendarStore(t.db);
    await store.init();
    const before = (await store.list()).length;
    await expect(store.setOverride({ date: '2026-02-30', kind: 'day_off', reason: 'x', source: 'y' }, 'a')).rejects.toBeInstanceOf(CalendarError);
    await expect(store.setOverride({ date: '2026-03-02', kind: 'day_off', reason: '', source: 'y' }, 'a')).rejects.toThrow(/reason/);
    expect((await store.list()).length).toBe(before);
  });
});
