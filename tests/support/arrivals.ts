/** What a test server received, in order; `next()` waits for the next one instead of polling for it. */
export class Arrivals<T> {
  readonly received: T[] = [];
  private readonly waiting: ((x: T) => void)[] = [];
  private taken = 0;

  push(x: T): void {
    this.received.push(x);
    const w = this.waiting.shift();
    if (w) {
      this.taken++;
      w(x);
    }
  }

  /** The one after those already taken (at once if it is here). */
  next(): Promise<T> {
    if (this.taken < this.received.length) return Promise.resolve(this.received[this.taken++]);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
