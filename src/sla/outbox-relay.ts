/**
 * The outbox relay: drains domain.outbox into its channels. The SLA room's notices to the
 * responsible agency (at risk / overdue) go in-app — a row of domain.notifications the agency's
 * inbox reads (notifications.ts); the applicants' notices go by e-mail when the service has a
 * mail server (dossiers/notices.ts). A row names its channel (migration 026); the relay claims
 * only the channels it was given, so a notice for a channel not configured (SMS, or e-mail
 * without a server) waits unsent.
 *
 * One batch (`relayOnce`):
 *  1. claim: one statement takes the due rows of its channels (`FOR UPDATE SKIP LOCKED`) and
 *     leases them — attempts + 1, next_attempt_at = now + lease — so a second relay skips them;
 *  2. deliver each row. A channel that writes to the database (`external` unset: in-app) does it
 *     in the transaction that marks the row sent: `markSent` sets sent_at only while unset (and
 *     locks the row), then the channel writes; commit: delivered, once. A channel that sends
 *     elsewhere (`external`: e-mail) sends first, while the row is unsent and leased, then marks
 *     it: at least once — a crash between the send and the mark, or a send slower than the lease,
 *     sends it again (the e-mail's Message-ID is the row's, so a mail client shows one). A row
 *     already sent (a slower relay whose lease had run out) is skipped;
 *  3. a failed delivery rolls back its transaction (nothing delivered, nothing marked) and the
 *     row is put off: next_attempt_at = now + min(maxBackoff, baseBackoff × 2^(attempts − 1)),
 *     last_error kept. A relay that dies mid-batch leaves its rows to the lease.
 *
 * Time comes from the injected Clock; `start()` runs it in the background, `close()` waits for
 * the batch in progress.
 */
import type { Db, Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import { deliverInApp } from './notifications.js';
import type { OutboxChannelName } from './outbox.js';
import { claimOutbox, isSent, markRetry, markSent, type OutboxRow } from './sql/claimOutbox.js';
import { BatchLoop } from './loop.js';

/**
 * Where a notice goes. Without `external`, `deliver` runs inside the transaction that marks the
 * row sent: if it throws, neither happens. With it, `deliver` sends before the row is marked
 * (`q` is then the database itself, for what the message needs to read).
 */
export interface OutboxChannel {
  readonly name: OutboxChannelName;
  readonly external?: boolean;
  deliver(q: Queryable, row: OutboxRow, now: Date): Promise<void>;
}

export const inAppChannel: OutboxChannel = { name: 'in-app', deliver: deliverInApp };

export interface OutboxRelayOptions {
  db: Db;
  clock?: Clock;
  /** The channels to relay (one per name); default: in-app only. */
  channels?: readonly OutboxChannel[];
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
  private readonly channels: ReadonlyMap<OutboxChannelName, OutboxChannel>;
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
    this.channels = new Map((opts.channels ?? [inAppChannel]).map((c) => [c.name, c]));
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
    const rows = await claimOutbox(this.db, this.now(), this.leaseMs, limit, [...this.channels.keys()]);
    const out: RelayResult = { claimed: rows.length, delivered: 0, failed: 0 };
    for (const row of rows) {
      try {
        if (await this.deliver(this.channels.get(row.channel)!, row)) {
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

  /** True when this call delivered the row; false when another relay already had. */
  private async deliver(channel: OutboxChannel, row: OutboxRow): Promise<boolean> {
    if (!channel.external) {
      return this.db.tx(async (q) => {
        const now = this.now();
        if (!(await markSent(q, row.id, now))) return false;
        await channel.deliver(q, row, now);
        return true;
      });
    }
    if (await isSent(this.db, row.id)) return false;
    await channel.deliver(this.db, row, this.now());
    return markSent(this.db, row.id, this.now());
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
