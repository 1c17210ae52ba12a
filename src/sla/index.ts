/** The SLA room: clocks per dossier and per agency step, due dates, pause/resume, the durable scanner, the outbox relay and the agencies' in-app notifications. */
export { SlaService, type SlaServiceOptions } from './service.js';
export type { ClockState, ClockView, CutOff, DossierFacts, ExtensionView, Limit, MetState, PauseView } from './types.js';
export { judge, countingFrom } from './arithmetic.js';
export { shiftInstant, type CalendarChange, type RecountedClock } from './recount.js';
export { clockCounts, outboxCounts, type ClockCount, type OutboxCount } from './counts.js';
export { enqueueNotice, noticesOf, type OutboxChannelName, type OutboxNotice } from './outbox.js';
export { clocksOf, finishedByGroup, openByGroup, type ClockGroup, type ClockItem, type ClockKind, type ClockOutcome, type ClockWindow } from './reporting.js';
export { MESSAGE_NAMES, type SlaEvent } from './scanner.js';
export { CLAIM_DUE_CLOCKS_SQL } from './sql/claimDueClocks.js';
export { OutboxRelay, inAppChannel, type OutboxChannel, type OutboxRelayOptions, type RelayResult } from './outbox-relay.js';
export { CLAIM_OUTBOX_SQL, type OutboxRow } from './sql/claimOutbox.js';
export {
  listNotifications,
  markNotificationRead,
  NOTIFICATION_MAX_PAGE_SIZE,
  NOTIFICATION_PAGE_SIZE,
  type NotificationPage,
  type NotificationReader,
  type NotificationView,
} from './notifications.js';
