/**
 * Time as every room reads it: through a Clock, so tests move time instead of sleeping. The engine,
 * the SLA clocks, the inbox, tokens and long polls of one service share one (main.ts).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 5, 2, 0, 0)) {}
  now(): number {
    return this.t;
  }
  set(ms: number | Date): void {
    this.t = typeof ms === 'number' ? ms : ms.getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
