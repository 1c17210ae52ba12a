/**
 * Feature: the time words officials read on a task's badge (inbox) and on a step's verdict
 * (trace) — one way of saying working time on every page: days of 8 office hours, the Vietnamese
 * decimal comma, minutes under an hour.
 */
// The browser app's modules are type-checked by their own project (src/web/tsconfig.json, bundler
// resolution); loaded here by a specifier the server's type-check does not follow.
const webModule = (path: string): Promise<unknown> => import(path);
const { dueBadge } = (await webModule('../../src/web/inbox/labels.js')) as {
  dueBadge: (t: { workingHoursLeft: number | null; dueAt: string | null }) => { text: string; tone: string };
};
const { verdictOf } = (await webModule('../../src/web/trace/labels.js')) as { verdictOf: (c: Partial<TraceClock>) => { text: string } };

interface TraceClock {
  state: string;
  result: 'early' | 'on_time' | 'late' | null;
  overrunHours: number | null;
}

const clock = (c: Partial<TraceClock>): TraceClock => ({ state: 'stopped', result: null, overrunHours: null, ...c });

test('Scenario: the inbox badge says the time left or late as days and hours, with a comma, and minutes under an hour', () => {
  expect(dueBadge({ workingHoursLeft: 11.5, dueAt: '2026-12-02T10:00:00Z' })).toEqual({ text: 'Còn 1 ngày 3,5 giờ', tone: 'ok' });
  expect(dueBadge({ workingHoursLeft: 8, dueAt: '2026-12-02T10:00:00Z' })).toEqual({ text: 'Còn 1 ngày', tone: 'soon' });
  expect(dueBadge({ workingHoursLeft: 0.25, dueAt: '2026-12-02T10:00:00Z' })).toEqual({ text: 'Còn 15 phút', tone: 'soon' });
  expect(dueBadge({ workingHoursLeft: -17, dueAt: '2026-12-02T10:00:00Z' })).toEqual({ text: 'Trễ 2 ngày 1 giờ', tone: 'late' });
  expect(dueBadge({ workingHoursLeft: null, dueAt: null })).toEqual({ text: 'Không có hạn', tone: 'none' });
});

test('Scenario: the trace says a verdict in the same words, as working time', () => {
  expect(verdictOf(clock({ result: 'late', overrunHours: 9.5 })).text).toBe('Trễ hạn 1 ngày 1,5 giờ làm việc');
  expect(verdictOf(clock({ result: 'early', overrunHours: -0.5 })).text).toBe('Sớm hạn 30 phút làm việc');
  expect(verdictOf(clock({ result: 'on_time' })).text).toBe('Đúng hạn');
  expect(verdictOf(clock({ state: 'running', overrunHours: 16 })).text).toBe('Đang quá hạn 2 ngày làm việc');
});

test('Scenario: a time that rounds up to a whole working day says one day, not 8 hours', () => {
  expect(dueBadge({ workingHoursLeft: 7.97, dueAt: '2026-12-02T10:00:00Z' }).text).toBe('Còn 1 ngày');
  expect(dueBadge({ workingHoursLeft: 15.999, dueAt: '2026-12-02T10:00:00Z' }).text).toBe('Còn 2 ngày');
});
