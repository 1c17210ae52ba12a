/** The reports room: early / on-time / late statistics of finished SLA clocks, by agency, procedure, channel and period. */
export {
  onTimeTotal,
  reportOnTime,
  reportOnTimeForPeriod,
  row as reportRow,
  type GroupBy,
  type OnTimeQuery,
  type OnTimeReport,
  type OnTimeRow,
} from './on-time.js';
export { reportingPeriod, type Period, type PeriodConvention, type PeriodKind } from './periods.js';
export { clocksBehind, openTotal, reportOpen, CLOCK_RESULTS, type BehindItem, type ClockResult, type OpenRow } from './details.js';
export { reportScope, type ReportReader, type ReportScope } from './scope.js';
