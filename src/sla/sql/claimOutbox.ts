/**
 * The outbox relay's SQL. The claim takes the due rows and leases them in one statement
 * (`FOR UPDATE SKIP LOCKED`, as claimDueClocks does): attempts + 1 and next_attempt_at moved
 * past the lease, so two relays never hold the same row, and a relay that dies mid-delivery
 * leaves the row to be tried again once the lease runs out. It reads only the partial index
 * outbox_relay_due (migration 010), whose predicate it repeats so the planner matches it.
 *
 * Delivering is `markSent` and the channel's write in one transaction: `markSent` locks the row
 * and sets sent_at only while it is unset, so a row a slower relay already delivered (its lease
 * ran out meanwhile) is skipped, never delivered again.
 */
import type { Queryable } from '../../db/index.js';

/**
 * The outbox kinds the relay has a channel for: the scanner's notices to the responsible agency.
 * Spelled once: the claim's predicate is made of it, and tests/sla/outbox-relay.test.ts holds the
 * partial index's predicate (a migration's) to it — a new kind needs a migration of the index too.
 */
export const RELAYED_KINDS = ['sla.at_risk', 'sla.overdue'] as const;

/** `kind in (…)` as literals, as the partial index's predicate has them (a parameter would not match it). */
const RELAYED = RELAYED_KINDS.map((k) => `'${k}'`).join(', ');

export const CLAIM_OUTBOX_SQL = `with due as (
    select id from domain.outbox
     where sent_at is null and kind in (${RELAYED}) and coalesce(next_attempt_at, at) <= $1::timestamptz
     order by coalesce(next_attempt_at, at), id
     limit $3
     for update skip locked)
  update domain.outbox o
     set attempts = o.attempts + 1, next_attempt_at = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
    from due where o.id = due.id
  returning o.id::text, o.at, o.kind, o.recipient, o.dossier_code, o.payload, o.attempts`;

export interface OutboxRow {
  id: string;
  at: Date;
  kind: string;
  recipient: string;
  dossier_code: string | null;
  payload: Record<string, unknown>;
  /** Delivery attempts started, this one included. */
  attempts: number;
}

export async function claimOutbox(q: Queryable, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const { rows } = await q.query<OutboxRow>(CLAIM_OUTBOX_SQL, [now.toISOString(), leaseMs, limit]);
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

/** A failed delivery: the error, and when to try again. */
export async function markRetry(q: Queryable, id: string, retryAt: Date, error: string): Promise<void> {
  await q.query(`update domain.outbox set next_attempt_at = $2::timestamptz, last_error = $3 where id = $1 and sent_at is null`, [
    id,
    retryAt.toISOString(),
    error.slice(0, 2000),
  ]);
}
