/**
 * Writing to the outbox (`domain.outbox`): a notice for someone, sent after the transaction that
 * wrote it commits, by the relay (outbox-relay.ts) when it has the notice's channel.
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
  /**
   * A key that makes the notice once only: a second notice of the same dossier, kind and key is
   * not written (a job handler run again after a crash). Kept in the payload as `once`; the caller
   * serialises writers (the dossier row locked).
   */
  once?: string;
}

export async function enqueueNotice(q: Queryable, n: OutboxNotice): Promise<void> {
  const payload = JSON.stringify(n.once === undefined ? n.payload : { ...n.payload, once: n.once });
  await q.query(
    `insert into domain.outbox (at, channel, kind, recipient, dossier_code, payload)
     select $1::timestamptz, $2, $3, $4, $5, $6::jsonb
      where $7::text is null
         or not exists (select 1 from domain.outbox where dossier_code = $5 and kind = $3 and payload->>'once' = $7)`,
    [n.at.toISOString(), n.channel, n.kind, n.recipient, n.dossierCode, payload, n.once ?? null],
  );
}

/** The notices written about a dossier, oldest first: their kind and payload. */
export async function noticesOf(q: Queryable, dossierCode: string): Promise<{ kind: string; payload: Record<string, unknown> }[]> {
  const { rows } = await q.query<{ kind: string; payload: Record<string, unknown> | string }>(
    `select kind, payload from domain.outbox where dossier_code = $1 order by id`,
    [dossierCode],
  );
  return rows.map((r) => ({ kind: r.kind, payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload }));
}
