/**
 * A background loop over one batch function (the SLA scanner, the outbox relay): runs it at
 * once on start, again at once after a full batch, else after `pollMs`; an error goes to
 * `onError` and the loop goes on; `close()` stops it and waits for the batch in progress to
 * commit. Timers are unref'd, so a loop never keeps the process alive.
 */
export class BatchLoop {
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private started = false;
  private stopping = false;

  constructor(
    /** One batch; resolves true when it was full (there is more to do now). */
    private readonly batch: () => Promise<boolean>,
    private readonly pollMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.tick().finally(() => {
        this.inFlight = undefined;
      });
    }, delay);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let delay = this.pollMs;
    try {
      if (await this.batch()) delay = 0;
    } catch (e) {
      this.onError(e);
    }
    if (!this.stopping) this.schedule(delay);
  }
}
