/**
 * The shape of the audit room's HTTP answers, shared with the browser app (src/web imports it
 * with `import type`): the rows of the hash-chained log and what verifying the chain found.
 * Instants are ISO 8601 strings, as they travel in JSON.
 *
 * This file must import nothing (at most `import type` from other such dependency-free files):
 * the web app type-checks it with DOM libs and without Node's types.
 */

/** One row of the audit log, as stored and as the chain hashes it. */
export interface AuditRow {
  seq: string;
  at: string;
  actor: string;
  role: string;
  agency: string | null;
  dossierCode: string | null;
  action: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  rowsChecked: number;
  /** The first row whose content or link does not match. */
  brokenAt?: BrokenAt;
  lastHash: string;
  /** The last row checked ('0' when none). */
  lastSeq: string;
  /** False when a batch stopped at `limit` with rows left to check. */
  done: boolean;
}

/** What no longer matches at the first broken row. */
export interface BrokenAt {
  seq: string;
  reason: string;
  /** `missing`: a row of the sequence is gone; `link`: its prev_hash is not the previous row's hash; `content`: its columns no longer hash to its hash. */
  kind: 'missing' | 'link' | 'content';
  expected: string;
  found: string;
  row?: Pick<AuditRow, 'at' | 'actor' | 'action' | 'dossierCode'>;
}
