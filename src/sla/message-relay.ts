/**
 * The engine-message relay: the scanner's transaction records the messages an SLA event must
 * send the engine (sla_messages); this publishes them after the commit, each with its message id,
 * so a relay interrupted and run again publishes nothing twice.
 */
import type { Db } from '../db/index.js';
import type { WorkflowEngine } from '../engine/port.js';
import { claimMessages, markFailed, markPublished } from './sql/claimMessages.js';

const MESSAGE_LEASE_MS = 30_000;

/** Publishes the pending engine messages; a duplicate refused by the engine counts as published. */
export async function relayMessages(a: { db: Db; engine: Pick<WorkflowEngine, 'publishMessage'>; now: Date; ttlMs: number; limit: number }): Promise<void> {
  const { db, engine, now } = a;
  const rows = await db.tx((q) => claimMessages(q, now, MESSAGE_LEASE_MS, a.limit));
  for (const m of rows) {
    try {
      await engine.publishMessage({
        name: m.name,
        correlationKey: m.correlation_key,
        messageId: m.message_id,
        timeToLive: a.ttlMs,
        variables: m.variables,
      });
      await markPublished(db, m.id, now, null);
    } catch (e) {
      if (isDuplicate(e)) await markPublished(db, m.id, now, 'duplicate: already published');
      else await markFailed(db, m.id, e instanceof Error ? e.message : String(e));
    }
  }
}

function isDuplicate(e: unknown): boolean {
  const err = e as { name?: string; code?: unknown; message?: string } | null;
  // Embedded engine: Conflict; Zeebe gateway: gRPC ALREADY_EXISTS (6).
  return err?.name === 'Conflict' || err?.code === 6 || /already (published|exists)/i.test(err?.message ?? '');
}
