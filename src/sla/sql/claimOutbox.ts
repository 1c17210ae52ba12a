/**
 * The outbox relay's SQL. The claim takes the due rows and leases them in one statement
 * (`FOR UPDATE SKIP LOCKED`, as claimDueClocks does): attempts + 1 and next_attempt_at moved
 * past the lease, so two relays never hold the same row, and a relay that dies mid-delivery
 * leaves the row to be tried again once the lease runs out. It takes only the channels the relay
 * has (a notice for a channel not configured waits) and reads the partial index outbox_relay_due
 * (migration 026: unsent rows by channel, then by when they are due).
 *
 * `markSent` locks the row and sets sent_at only while it is unset, so a row a slower relay
 * already delivered (its lease ran out meanwhile) is skipped; for the in-app channel it is in the
 * transaction of the channel's write (delivered once), for an external one right after the send.
 */
import type { Queryable } from '../../db/index.js';
import type { OutboxChannelName } from '../outbox.js';

export const CLAIM_OUTBOX_SQL = `with due as (
    select id from domain.outbox
     where sent_at is null and channel = any($4::text[]) and coalesce(next_attempt_at, at) <= $1::timestamptz
     order by coalesce(next_attempt_at, at), id
     limit $3
     for update skip locked)
  update domain.outbox o
     set attempts = o.attempts + 1, next_attempt_at = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
    from due where o.id = due.id
  returning o.id::text, o.at, o.channel, o.kind, o.recipient, o.dossier_code, o.payload, o.attempts`;

export interface OutboxRow {
  id: string;
  at: Date;
  channel: OutboxChannelName;
  kind: string;
  recipient: string;
  dossier_code: string | null;
  payload: Record<string, unknown>;
  /** Delivery attempts started, this one included. */
  attempts: number;
}

/** Claims up to `limit` due rows of `channels`. */
export async function claimOutbox(q: Queryable, now: Date, leaseMs: number, limit: number, channels: readonly OutboxChannelName[]): Promise<OutboxRow[]> {
  const { rows } = await q.query<OutboxRow>(CLAIM_OUTBOX_SQL, [now.toISOString(), leaseMs, limit, channels]);
  return rows
    .map((r) => ({ ...r, at: r.at instanceof Date ? r.at : new Date(r.at), attempts: r.attempts }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Locks the row and marks it delivered; false when it already was (by another relay). */
export async function markSent(q: Queryable, id: string, at: Date): Promise<boolean> {
  const { rows } = await q.query(`update domain.outbox set sent_at = $2::timestamptz, last_error = null where id = $1 and sent_at is null returning id`, [
    id,
    at.toISOString(),
  ]);
  return rows.length > 0;
}

/** Whether the row was delivered already (an external channel asks before it sends). */
export async function isSent(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query(`select 1 from domain.outbox where id = $1 and sent_at is not null`, [id]);
  return rows.length > 0;
}

/** A failed delivery: the error, and when to try again. */
export async function markRetry(q: Queryable, id: string, retryAt: Date, error: string): Promise<void> {
  await q.query(`update domain.outbox set next_attempt_at = $2::timestamptz, last_error = $3 where id = $1 and sent_at is null`, [
    id,
    retryAt.toISOString(),
    error.slice(0, 2000),
  ]);
}
