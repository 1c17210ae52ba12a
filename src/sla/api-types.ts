/**
 * The shape of a clock as the reports list it (reports/api-types.ts answers it to the browser app
 * as `BehindItem`), and its limit as the trace shows it (dossiers/api-types.ts). Instants are ISO 8601 strings, as they travel in JSON.
 *
 * This file must import nothing: the web app type-checks it with DOM libs and without Node's types.
 */

/** A clock's time limit: working days or hours, or calendar days for a statutory total (docs/sla.md). */
export type ClockLimit = { value: number; unit: 'working_days' | 'working_hours' | 'calendar_days' };

/** A clock behind a bar of the on-time report, with its dossier's dimensions. */
export interface ClockItem {
  /** The dossier's code. */
  code: string;
  procedureCode: string;
  channel: string;
  receivingAgency: string;
  /** The step clock's agency (null for a dossier clock). */
  agencyCode: string | null;
  step: string | null;
  state: string;
  startedAt: string;
  statutoryDueAt: string;
  stoppedAt: string | null;
}
