/**
 * For the /metrics gauges: how many SLA clocks there are by kind (dossier, step) and state, the
 * derived states included — a running clock past its due instant is `overdue`, one past its
 * warning instant `at_risk`, both read against `at` (the service's clock, as every verdict is); and how many notices of the
 * outbox are still unsent, by channel and why.
 */
import type { Queryable } from '../db/index.js';

export interface ClockCount {
  kind: string;
  state: string;
  count: number;
}

export async function clockCounts(q: Queryable, at: Date): Promise<ClockCount[]> {
  const { rows } = await q.query<{ kind: string; state: string; n: string }>(
    `select kind,
            case when state = 'running' and $1::timestamptz >= due_at then 'overdue'
                 when state = 'running' and at_risk_at is not null and $1::timestamptz >= at_risk_at then 'at_risk'
                 else state end as state,
            count(*)::text as n
       from domain.sla_clocks group by 1, 2`,
    [at.toISOString()],
  );
  return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.n) }));
}

export interface OutboxCount {
  channel: string;
  /** `pending`: not tried yet or leased; `failing`: its last delivery failed, retried later; `parked`: never to be sent (migration 026). */
  state: 'pending' | 'failing' | 'parked';
  count: number;
}

export async function outboxCounts(q: Queryable): Promise<OutboxCount[]> {
  const { rows } = await q.query<{ channel: string; state: OutboxCount['state']; n: string }>(
    `select channel,
            case when next_attempt_at = 'infinity' then 'parked' when last_error is not null then 'failing' else 'pending' end as state,
            count(*)::text as n
       from domain.outbox where sent_at is null group by 1, 2`,
  );
  return rows.map((r) => ({ channel: r.channel, state: r.state, count: Number(r.n) }));
}
