/**
 * Group commit for completions (jobs, user tasks), like a database's: while a batch is being
 * written the completions arriving meanwhile queue, and go together in the next transaction (at
 * most MAX_BATCHES transactions at once). A lone completion is one transaction as before, so
 * batching adds no latency; under load it divides the round trips and commits per completion.
 * A batch that fails as a whole for an unexpected reason is retried one completion at a time, so
 * one bad completion cannot fail the others.
 */
import type { Command, EngineCore } from '../core.js';

export interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface GroupCommitSteps<T> {
  /** Applies the batch in one command; returns the completions refused (the others commit). */
  batch(c: Command, items: T[]): Promise<Map<T, Error>>;
  /** One completion on its own (a lone one, or each of a failed batch). */
  one(item: T): Promise<void>;
  /** Keys a batch command may take per completion. */
  keysPerItem: number;
}

const MAX_BATCH = 64;
const MAX_BATCHES = 2;

export class GroupCommit<T> {
  private readonly queued: Queued<T>[] = [];
  private batches = 0;

  constructor(
    private readonly core: EngineCore,
    private readonly steps: GroupCommitSteps<T>,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.queued.length && this.batches < MAX_BATCHES) {
      const batch = this.queued.splice(0, MAX_BATCH);
      this.batches++;
      void this.run(batch).finally(() => {
        this.batches--;
        this.flush();
      });
    }
  }

  private async run(batch: Queued<T>[]): Promise<void> {
    const one = (x: Queued<T>) => this.steps.one(x.item).then(x.resolve, x.reject);
    if (batch.length === 1) return one(batch[0]);
    let refused = new Map<T, Error>();
    try {
      await this.core.command(async (c) => {
        refused = await this.steps.batch(
          c,
          batch.map((x) => x.item),
        );
      }, this.steps.keysPerItem * batch.length);
    } catch {
      await Promise.all(batch.map(one));
      return;
    }
    for (const x of batch) {
      const e = refused.get(x.item);
      if (e) x.reject(e);
      else x.resolve();
    }
  }
}
