/**
 * The relay's claim: take pending engine messages and lease them (next_attempt_at moves on), in
 * one statement, so two relays never publish the same row at the same time and a relay that
 * dies mid-publish leaves the row to be retried once the lease runs out.
 */
import type { Queryable } from '../../db/index.js';

export interface MessageRow {
  id: string;
  clock_id: string;
  name: string;
  correlation_key: string;
  message_id: string;
  variables: Record<string, unknown>;
  attempts: number;
}

export async function claimMessages(q: Queryable, now: Date, leaseMs: number, limit: number): Promise<MessageRow[]> {
  const { rows } = await q.query<MessageRow>(
    `with due as (
       select id from domain.sla_messages
        where published_at is null and next_attempt_at <= $1::timestamptz
        order by next_attempt_at, id
        limit $3
        for update skip locked)
     update domain.sla_messages m
        set next_attempt_at = $1::timestamptz + make_interval(secs => $2::double precision / 1000), attempts = m.attempts + 1
       from due where m.id = due.id
     returning m.id::text, m.clock_id::text, m.name, m.correlation_key, m.message_id, m.variables, m.attempts`,
    [now.toISOString(), leaseMs, limit],
  );
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

export async function markPublished(q: Queryable, id: string, at: Date, note: string | null): Promise<void> {
  await q.query(`update domain.sla_messages set published_at = $2::timestamptz, last_error = $3 where id = $1`, [id, at.toISOString(), note]);
}

export async function markFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(`update domain.sla_messages set last_error = $2 where id = $1`, [id, error.slice(0, 2000)]);
}
