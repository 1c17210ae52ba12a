/** Message buffering and correlation SQL. */
import type { Queryable } from '../../../db/index.js';

export interface SubscriptionCandidate {
  key: string;
  process_instance_key: string;
  element_instance_key: string;
  target_element_id: string;
  bpmn_process_id: string;
  interrupting: boolean;
}

/**
 * Serialises, until the transaction ends, every command that publishes a message with this name
 * and key or looks for one buffered with them (a subscription just opened, an instance with a
 * message start ended). Without it, under READ COMMITTED, a publish and a subscription committed
 * side by side each miss the other's row: the message stays buffered and the instance waits for it
 * until its time to live is over (most likely what kept a CI chaos run's land dossier waiting for its
 * tax payment). Zeebe orders both on the message's partition. The key is a hash: two pairs that collide only wait for
 * each other. A publish takes it before any instance lock and a subscriber after its own, so two
 * such commands can deadlock only when the publish also correlates to the subscriber's instance;
 * PostgreSQL then aborts one and the engine runs it again (core.ts `command`).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,378 events of history,
 * load 5.9): p50 0.11 ms, p99 1.47 ms over 721 calls (one per publish, one per subscription opened).
 */
export async function lockCorrelation(q: Queryable, name: string, correlationKey: string): Promise<void> {
  await q.query(`select pg_advisory_xact_lock(hashtextextended('engine.message:' || $1 || ':' || $2, 0))`, [name, correlationKey]);
}

/**
 * Serialises the commands that may start an instance of `bpmnProcessId` by a message with this
 * correlation key, or end one (Zeebe: one active instance per process and key). `lockCorrelation`
 * is per message name, and a process may start by two messages: their publishes would each see no
 * active instance with the key and start one each. Taken after the name's lock, in both places.
 *
 * Not in bench:engine-sql's workload (it has no message start event); the statement is
 * `lockCorrelation`'s, whose figure is above.
 */
export async function lockStartedWithKey(q: Queryable, bpmnProcessId: string, correlationKey: string): Promise<void> {
  await q.query(`select pg_advisory_xact_lock(hashtextextended('engine.message-start:' || $1 || ':' || $2, 0))`, [bpmnProcessId, correlationKey]);
}

/**
 * Open subscriptions for a name and key, oldest first.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.15 ms, p99 0.33 ms over 800 calls; Index Scan message_subscriptions_lookup.
 */
export async function findSubscriptions(q: Queryable, name: string, correlationKey: string): Promise<SubscriptionCandidate[]> {
  const { rows } = await q.query<SubscriptionCandidate>(
    `select key::text, process_instance_key::text, element_instance_key::text, target_element_id,
            bpmn_process_id, interrupting
       from engine.message_subscriptions
      where message_name = $1 and correlation_key = $2
      order by key`,
    [name, correlationKey],
  );
  return rows;
}

/**
 * Records that a message correlated to a process; false when it already had (Zeebe: a message
 * correlates at most once per bpmnProcessId). Concurrent claims serialise on the primary key.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.15 ms, p99 1.17 ms over 574 calls; ModifyTable message_correlations.
 */
export async function claimCorrelation(q: Queryable, messageKey: string, bpmnProcessId: string): Promise<boolean> {
  const { rows } = await q.query(
    `insert into engine.message_correlations (message_key, bpmn_process_id) values ($1, $2)
     on conflict do nothing returning 1 as ok`,
    [messageKey, bpmnProcessId],
  );
  return rows.length === 1;
}

export interface BufferedMessage {
  key: string;
  variables: Record<string, unknown>;
}

/**
 * Buffered messages a newly opened subscription may take, first published first.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.23 ms, p99 1.12 ms over 574 calls; Index Scan messages_lookup, Index Only Scan
 * message_correlations_pkey.
 */
export async function bufferedFor(q: Queryable, name: string, correlationKey: string, bpmnProcessId: string, now: number): Promise<BufferedMessage[]> {
  const { rows } = await q.query<BufferedMessage>(
    `select m.key::text, m.variables from engine.messages m
      where m.name = $1 and m.correlation_key = $2 and m.expires_at > to_timestamp($4 / 1000.0)
        and not exists (select 1 from engine.message_correlations c
                         where c.message_key = m.key and c.bpmn_process_id = $3)
      order by m.key
      limit 10`,
    [name, correlationKey, bpmnProcessId, now],
  );
  return rows;
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.16 ms, p99 0.29 ms over 250 calls; ModifyTable messages.
 */
export async function bufferMessage(
  q: Queryable,
  m: { key: string; name: string; correlationKey: string; messageId: string | null; variables: unknown; now: number; ttl: number },
): Promise<void> {
  await q.query(
    `insert into engine.messages (key, name, correlation_key, message_id, variables, published_at, expires_at)
     values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), to_timestamp(($6 + $7) / 1000.0))`,
    [m.key, m.name, m.correlationKey, m.messageId, JSON.stringify(m.variables), m.now, m.ttl],
  );
}

/**
 * True when a message with this id is still buffered (Zeebe: ALREADY_EXISTS). Expired ones are cleared.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.14 ms, p99 0.23 ms over 500 calls; ModifyTable messages, Index Scan messages_id.
 */
export async function messageIdTaken(q: Queryable, name: string, correlationKey: string, messageId: string, now: number): Promise<boolean> {
  await q.query(`delete from engine.messages where name = $1 and correlation_key = $2 and message_id = $3 and expires_at <= to_timestamp($4 / 1000.0)`, [
    name,
    correlationKey,
    messageId,
    now,
  ]);
  const { rows } = await q.query(`select 1 from engine.messages where name = $1 and correlation_key = $2 and message_id = $3`, [
    name,
    correlationKey,
    messageId,
  ]);
  return rows.length > 0;
}

/**
 * Drops messages whose time to live is over; returns how many.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 8.72 ms, p99 8.72 ms over 2 calls; ModifyTable messages, Index Scan messages_pkey, Subquery
 * Scan, Index Scan messages_expiry, ModifyTable message_correlations, CTE Scan, Index Scan
 * message_correlations_pkey.
 */
export async function expireMessages(q: Queryable, now: number, limit = 1000): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `with gone as (
       delete from engine.messages where key in (
         select key from engine.messages where expires_at <= to_timestamp($1 / 1000.0)
          order by expires_at limit $2 for update skip locked)
       returning key),
     corr as (delete from engine.message_correlations where message_key in (select key from gone))
     select count(*)::int as n from gone`,
    [now, limit],
  );
  return rows[0]?.n ?? 0;
}

export interface MessageStart {
  bpmn_process_id: string;
  definition_key: string;
  element_id: string;
}

/**
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 289,349 events of history):
 * p50 0.13 ms, p99 0.21 ms over 800 calls; Seq Scan message_start_subscriptions.
 */
export async function messageStarts(q: Queryable, name: string): Promise<MessageStart[]> {
  const { rows } = await q.query<MessageStart>(
    `select bpmn_process_id, definition_key::text, element_id from engine.message_start_subscriptions
      where message_name = $1 order by bpmn_process_id`,
    [name],
  );
  return rows;
}

/**
 * Not in bench:engine-sql's workload (it has no message start event); `npm run bench:correlate`
 * times starting instances by message.
 */
export async function messageStartsOf(q: Queryable, bpmnProcessId: string): Promise<(MessageStart & { message_name: string })[]> {
  const { rows } = await q.query<MessageStart & { message_name: string }>(
    `select message_name, bpmn_process_id, definition_key::text, element_id from engine.message_start_subscriptions
      where bpmn_process_id = $1 order by message_name, element_id`,
    [bpmnProcessId],
  );
  return rows;
}

/**
 * Message start events follow their process's latest version: a deployment's new versions replace
 * theirs, in two statements for all of them.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 305,353 events of history):
 * p50 0.26 ms over 1 call; ModifyTable message_start_subscriptions, Seq Scan message_start_subscriptions.
 */
export async function replaceMessageStarts(
  q: Queryable,
  processes: { bpmnProcessId: string; definitionKey: string; starts: { elementId: string; messageName: string }[] }[],
): Promise<void> {
  if (processes.length === 0) return;
  await q.query(`delete from engine.message_start_subscriptions where bpmn_process_id = any($1::text[])`, [processes.map((p) => p.bpmnProcessId)]);
  const rows = processes.flatMap((p) => p.starts.map((s) => ({ ...s, bpmnProcessId: p.bpmnProcessId, definitionKey: p.definitionKey })));
  if (rows.length === 0) return;
  await q.query(
    `insert into engine.message_start_subscriptions (message_name, bpmn_process_id, definition_key, element_id)
     select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[])`,
    [rows.map((r) => r.messageName), rows.map((r) => r.bpmnProcessId), rows.map((r) => r.definitionKey), rows.map((r) => r.elementId)],
  );
}

/**
 * Zeebe: no second instance by message start while one started with the same key is active.
 *
 * Not in bench:engine-sql's workload (it has no message start event); `npm run bench:correlate`
 * times starting instances by message.
 */
export async function activeStartedWithKey(q: Queryable, bpmnProcessId: string, correlationKey: string): Promise<boolean> {
  const { rows } = await q.query(
    `select 1 from engine.process_instances where bpmn_process_id = $1 and start_correlation_key = $2 and state = 'ACTIVE' limit 1`,
    [bpmnProcessId, correlationKey],
  );
  return rows.length > 0;
}
