/**
 * The scheduler: fires due timers in batches, drops expired messages and times out jobs, then
 * sleeps until the next timer is due (at most a second, so timers created by other processes
 * are seen). Tests turn it off and call `tick()` on an injected clock.
 */
import type { EngineCore } from './core.js';
import { fireDueTimers } from './commands/fire-timers.js';
import { timeOutJobs } from './sql/activateJobs.js';
import { expireMessages } from './sql/messages.js';
import { nextDueAt } from './sql/timers.js';

export class Scheduler {
  private timer?: NodeJS.Timeout;
  private running = false;
  private round?: Promise<void>;
  private closed = false;

  constructor(
    private readonly core: EngineCore,
    /** Timers fired per transaction. */
    private readonly batch: number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** One round: due timers (one batch), expired messages and timed-out jobs. */
  async tick(): Promise<{ timers: number; expiredMessages: number; timedOutJobs: number }> {
    const { core } = this;
    const timers = await fireDueTimers(core, this.batch);
    const expiredMessages = await expireMessages(core.db, core.clock.now());
    const timedOutJobs = await timeOutJobs(core.db, core.clock.now());
    return { timers, expiredMessages, timedOutJobs };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.round = this.run();
      },
      Math.max(0, delay),
    );
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let delay = 1000;
    try {
      const fired = await this.tick();
      if (fired.timers >= this.batch) delay = 0;
      else {
        const next = await nextDueAt(this.core.db);
        if (next !== undefined) delay = Math.min(1000, Math.max(0, next - this.core.clock.now()));
      }
    } catch {
      // A failed round (e.g. the database restarting) is retried on the next one.
    } finally {
      this.running = false;
      this.schedule(delay);
    }
  }
}
