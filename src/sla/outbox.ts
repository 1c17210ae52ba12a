/**
 * Writing to the outbox (`domain.outbox`): a notice for someone, sent after the transaction that
 * wrote it commits — by the relay (outbox-relay.ts) for the kinds it relays, by a channel still to
 * come for the others (the applicants' `dossier.*` notices).
 */
import type { Queryable } from '../db/index.js';

export interface OutboxNotice {
  at: Date;
  kind: string;
  /** An agency code, a phone number or an e-mail address, as the kind says. */
  recipient: string;
  dossierCode: string | null;
  payload: Record<string, unknown>;
}

export async function enqueueNotice(q: Queryable, n: OutboxNotice): Promise<void> {
  await q.query(`insert into domain.outbox (at, kind, recipient, dossier_code, payload) values ($1::timestamptz, $2, $3, $4, $5::jsonb)`, [
    n.at.toISOString(),
    n.kind,
    n.recipient,
    n.dossierCode,
    JSON.stringify(n.payload),
  ]);
}
