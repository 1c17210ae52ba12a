/**
 * 64-bit keys without a round trip per key: a process takes a block of 100 000 from a sequence
 * and hands each command its own range of it in memory. A crash wastes the rest of a block,
 * nothing more. Keys start at 2^51, where Zeebe's partition-1 keys start, so they look familiar.
 */
import type { Queryable } from '../../db/index.js';
import { nextKeyBlock } from './sql/keys.js';

const BASE = 2n ** 51n;
const BLOCK = 100_000n;

export class KeysExhausted extends Error {}

/** The keys one command may use; it asks for a larger range and runs again if it needs more. */
export class KeyRange {
  constructor(
    private nextKey: bigint,
    private readonly end: bigint,
  ) {}
  next(): string {
    if (this.nextKey >= this.end) throw new KeysExhausted('command needs more keys');
    return (this.nextKey++).toString();
  }
}

export class KeyGenerator {
  private nextKey = 0n;
  private end = 0n;

  /** A range of `n` keys (at most a block), from this process's block or a new one (sql/keys.ts). */
  async take(q: Queryable, n: number): Promise<KeyRange> {
    const want = BigInt(Math.min(n, Number(BLOCK)));
    if (this.end - this.nextKey < want) {
      const start = BASE + BigInt(await nextKeyBlock(q)) * BLOCK;
      this.nextKey = start;
      this.end = start + BLOCK;
    }
    const r = new KeyRange(this.nextKey, this.nextKey + want);
    this.nextKey += want;
    return r;
  }
}
