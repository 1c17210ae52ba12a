/** The SLA room: clocks per dossier and per agency step, due dates, pause/resume, the durable scanner. */
export { SlaService, type SlaServiceOptions } from './service.js';
export type { ClockState, ClockView, CutOff, ExtensionView, Limit, MetState, PauseView } from './types.js';
export { judge, countingFrom } from './arithmetic.js';
export { MESSAGE_NAMES, type SlaEvent } from './scanner.js';
export { CLAIM_DUE_CLOCKS_SQL } from './sql/claimDueClocks.js';
