/**
 * Feature: the time words officials read on a task's badge (inbox) and on a step's verdict
 * (trace) — one way of saying working time on every page: days of 8 office hours, the Vietnamese
 * decimal comma, minutes under an hour.
 */
import { dueBadge } from '../../src/web/inbox/labels.js';
import type { TraceClock } from '../../src/web/shared/api.js';
import { verdictOf } from '../../src/web/trace/labels.js';

const clock = (c: Partial<TraceClock>) => ({ state: 'stopped', result: null, overrunHours: null, ...c }) as TraceClock;

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
