/** The working-day calendar room: Labour Code holidays, Vietnam's lunar calendar, approved overrides. */
export { CalendarError } from './errors.js';
export { formatVn, toVnDate } from './dates.js';
export { leapMonthOf, lunarToSolar, solarToLunar, type LunarDate } from './lunar.js';
export { holidaysForYear, statutoryHolidays, type Holiday } from './holidays.js';
export { DEFAULT_OFFICE_HOURS, type OfficeSession } from './office-hours.js';
export {
  WorkingCalendar,
  type DayInfo,
  type DayKind,
  type ExceptionDay,
  type Override,
  type WorkingCalendarOptions,
  type WorkingTimeAmount,
} from './calendar.js';
export { OVERRIDES_SEED } from './overrides-seed.js';
export { CalendarStore, CALENDAR_FROM_YEAR, CALENDAR_TO_YEAR, type OverrideChangeHook } from './store.js';
