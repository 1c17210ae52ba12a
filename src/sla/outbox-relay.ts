/**
 * The outbox relay: drains the SLA notices the scanner writes to domain.outbox (at risk /
 * overdue, for the responsible agency) into a channel — today only in-app, a row of
 * domain.notifications the agency's inbox reads (notifications.ts).
 *
 * One batch (`relayOnce`):
 *  1. claim: one statement takes the due rows (`FOR UPDATE SKIP LOCKED`) and leases them —
 *     attempts + 1, next_attempt_at = now + lease — so a second relay skips them;
 *  2. deliver each row in its own transaction, together with marking it sent: `markSent` sets
 *     sent_at only while unset (and locks the row), then the channel writes. Commit: delivered,
 *     once. A row already sent (a slower relay whose lease had run out) is skipped;
 *  3. a failed delivery rolls back its transaction (nothing delivered, nothing marked) and the
 *     row is put off: next_attempt_at = now + min(maxBackoff, baseBackoff × 2^(attempts − 1)),
 *     last_error kept. A relay that dies mid-batch leaves its rows to the lease.
 *
 * Only the kinds the relay has a channel for are claimed (`RELAYED_KINDS`); the applicants'
 * notices of the dossier room stay unsent until an SMS / e-mail channel exists. Time comes from
 * the injected Clock; `start()` runs it in the background, `close()` waits for the batch in
 * progress.
 */
import type { Db, Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import { deliverInApp } from './notifications.js';
import { claimOutbox, markRetry, markSent, type OutboxRow } from './sql/claimOutbox.js';
import { BatchLoop } from './loop.js';

/** Where a notice goes. `deliver` runs inside the transaction that marks the row sent: if it throws, neither happens. */
export interface OutboxChannel {
  readonly name: string;
  deliver(q: Queryable, row: OutboxRow, now: Date): Promise<void>;
}

export const inAppChannel: OutboxChannel = { name: 'in-app', deliver: deliverInApp };

export interface OutboxRelayOptions {
  db: Db;
  clock?: Clock;
  /** Default: in-app. */
  channel?: OutboxChannel;
  /** Rows claimed per batch; default 100. */
  batch?: number;
  /** How long a claim keeps other relays off a row, ms; default 60 s. */
  leaseMs?: number;
  /** First retry after a failure, ms; doubled at each further failure; default 30 s. */
  backoffMs?: number;
  /** The longest wait between retries, ms; default 1 h. */
  maxBackoffMs?: number;
  /** Pause between batches of the background loop when the last one was not full, ms; default 1000. */
  pollMs?: number;
  /** Called with each failed delivery and each error the background loop survived. */
  onError?: (e: unknown, row?: OutboxRow) => void;
  /** Told after each delivery committed (the agencies' pages hear of it live). */
  onDelivered?: (row: OutboxRow) => void;
}

export interface RelayResult {
  claimed: number;
  delivered: number;
  failed: number;
}

export class OutboxRelay {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly channel: OutboxChannel;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly onError: (e: unknown, row?: OutboxRow) => void;
  private readonly onDelivered?: (row: OutboxRow) => void;
  private readonly loop: BatchLoop;

  constructor(opts: OutboxRelayOptions) {
    this.db = opts.db;
    this.clock = opts.clock ?? systemClock;
    this.channel = opts.channel ?? inAppChannel;
    this.batch = opts.batch ?? 100;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.backoffMs = opts.backoffMs ?? 30_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 3_600_000;
    this.onError = opts.onError ?? (() => undefined);
    this.onDelivered = opts.onDelivered;
    this.loop = new BatchLoop(
      async () => (await this.relayOnce()).claimed >= this.batch,
      opts.pollMs ?? 1000,
      (e) => this.onError(e),
    );
  }

  /** One batch: claim the due rows, deliver each once, put the failures off. */
  async relayOnce(limit = this.batch): Promise<RelayResult> {
    const rows = await claimOutbox(this.db, this.now(), this.leaseMs, limit);
    const out: RelayResult = { claimed: rows.length, delivered: 0, failed: 0 };
    for (const row of rows) {
      try {
        const delivered = await this.db.tx(async (q) => {
          const now = this.now();
          if (!(await markSent(q, row.id, now))) return false;
          await this.channel.deliver(q, row, now);
          return true;
        });
        if (delivered) {
          out.delivered++;
          try {
            this.onDelivered?.(row);
          } catch {
            // a listener's failure is not the delivery's: the notification is committed
          }
        }
      } catch (e) {
        out.failed++;
        this.onError(e, row);
        await markRetry(this.db, row.id, this.retryAt(row.attempts), e instanceof Error ? e.message : String(e)).catch((e2: unknown) => this.onError(e2, row));
      }
    }
    return out;
  }

  /** When a row that failed its `attempts`-th delivery is tried again. */
  retryAt(attempts: number): Date {
    const wait = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
    return new Date(this.clock.now() + wait);
  }

  /** Runs the relay in the background until close(): again at once after a full batch, else after pollMs. */
  start(): this {
    this.loop.start();
    return this;
  }

  /** Stops the background loop and waits for the batch in progress. */
  async close(): Promise<void> {
    await this.loop.close();
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
