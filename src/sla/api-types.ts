/**
 * The shape of a clock as the reports list it (reports/api-types.ts answers it to the browser app
 * as `BehindItem`). Instants are ISO 8601 strings, as they travel in JSON.
 *
 * This file must import nothing: the web app type-checks it with DOM libs and without Node's types.
 */

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
