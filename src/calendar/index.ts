/** The working-day calendar room: Labour Code holidays, Vietnam's lunar calendar, approved overrides. */
export { CalendarError } from './errors.js';
export { formatVn, toVnDate } from './dates.js';
export { leapMonthOf, lunarToSolar, solarToLunar, type LunarDate } from './lunar.js';
export { holidaysForYear, statutoryHolidays, type Holiday, type HolidayOptions } from './holidays.js';
export { COMPENSATION_RULES, HOLIDAY_RULES, type CompensationRule, type HolidayDate, type HolidayRule, type Occasion } from './holiday-rules.js';
export { GOVERNMENT_DECISIONS, decisionSource, type DecisionDay, type GovernmentDecision, type LegalDocument } from './decisions.js';
export { DEFAULT_OFFICE_HOURS, type OfficeSession } from './office-hours.js';
export {
  WorkingCalendar,
  type DayInfo,
  type DayKind,
  type ExceptionDay,
  type Override,
  type WorkingCalendarOptions,
  type WorkingTimeAmount,
  type YearStatus,
} from './calendar.js';
export { OVERRIDES_SEED, OVERRIDES_SEED_VERSION, SEED_ACTOR, officialCalendar } from './overrides-seed.js';
export { CalendarStore, CALENDAR_FROM_YEAR, CALENDAR_TO_YEAR, type CalendarChangeHook, type OverrideChangeHook, type SeedReport } from './store.js';
