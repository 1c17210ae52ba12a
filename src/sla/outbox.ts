/**
 * Writing to the outbox (`domain.outbox`): a notice for someone, sent after the transaction that
 * wrote it commits, by the relay (outbox-relay.ts) when it has the notice's channel; until then
 * the notice waits (an SMS channel does not exist yet).
 */
import type { Queryable } from '../db/index.js';

/** How a notice reaches its recipient: an agency's inbox, an e-mail, a text message. */
export type OutboxChannelName = 'in-app' | 'email' | 'sms';

export interface OutboxNotice {
  at: Date;
  channel: OutboxChannelName;
  kind: string;
  /** An agency code, a phone number or an e-mail address, as the kind says. */
  recipient: string;
  dossierCode: string | null;
  payload: Record<string, unknown>;
}

export async function enqueueNotice(q: Queryable, n: OutboxNotice): Promise<void> {
  await q.query(`insert into domain.outbox (at, channel, kind, recipient, dossier_code, payload) values ($1::timestamptz, $2, $3, $4, $5, $6::jsonb)`, [
    n.at.toISOString(),
    n.channel,
    n.kind,
    n.recipient,
    n.dossierCode,
    JSON.stringify(n.payload),
  ]);
}
