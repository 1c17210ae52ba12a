/** The SLA room's vocabulary, shared by the service, the scanner and the reports. */
import type { Queryable } from '../db/index.js';
import type { ClockLimit } from './api-types.js';

/**
 * What the SLA room needs to know of a dossier, asked of the room that owns dossiers (which sits
 * above this one, so it is handed in: `dossiers/index.ts` `slaDossierFacts`): the appointment on
 * form 01, the section that received it, its procedure and channel. Undefined: no such dossier.
 */
export interface DossierFacts {
  find(q: Queryable, code: string): Promise<DossierFact | undefined>;
}

/** A dossier as its clocks know it: the appointment, and what the reports count its clocks by. */
export interface DossierFact {
  appointmentAt: Date;
  receivingAgency: string;
  procedureCode: string;
  channel: string;
}

/**
 * A time limit from a procedure version (procedure.json `limit` / `totalLimit`, without its legal
 * notes). `calendar_days` only for a dossier's statutory total (docs/sla.md, "Calendar days").
 */
export type Limit = ClockLimit;

/** A procedure's cut-off: received after `after` ('HH:MM', Asia/Ho_Chi_Minh) counts from the next working day. */
export type CutOff = { after: string /* 'HH:MM' */; countFrom: 'next_working_day' };

/**
 * The state of a clock, as a reader sees it:
 *
 *   running ──(atRiskShare of the budget used)──▶ at_risk ──(due instant)──▶ overdue
 *      │  ▲                                         │                            │
 *   pause  resume (pause: the rest of the budget;   └──────────── stop ──────────┤
 *      ▼  │         restart: the whole budget again)                            ▼
 *   paused                                          met_early | met_on_time | met_late
 *   any open state ──cancel──▶ cancelled
 *
 * Stored states are running, paused, met_*, cancelled; at_risk and overdue are a running
 * clock read against the service's Clock.
 */
export type ClockState = 'running' | 'paused' | 'at_risk' | 'overdue' | 'met_early' | 'met_on_time' | 'met_late' | 'cancelled';

export type MetState = 'met_early' | 'met_on_time' | 'met_late';

export interface PauseView {
  pausedAt: Date;
  resumedAt: Date | null;
  reason: string;
  requestedBy: string;
  legalBasis: string | null;
}

export interface ExtensionView {
  at: Date;
  extra: Limit;
  previousDueAt: Date;
  newDueAt: Date;
  reason: string;
  actor: string;
}

export interface ClockView {
  id: string;
  kind: 'dossier' | 'step';
  dossierCode: string;
  taskId: string | null;
  agencyCode: string | null;
  step: string | null;
  limit: Limit;
  /** When the clock was started (the receipt, for the dossier clock). */
  startedAt: Date;
  /** The appointment in force: moved by pauses, restarts and extensions (form 04). */
  dueAt: Date;
  state: ClockState;
  stoppedAt: Date | null;
  pauses: PauseView[];
  /** The due instant by law (moved by pauses and restarts, not by extensions); the met state is judged against it. */
  statutoryDueAt: Date;
  /** When the at-risk reminder is (or was) due; null when there is none. */
  atRiskAt: Date | null;
  extensions: ExtensionView[];
}
