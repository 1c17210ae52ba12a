/** What the accounts room's operations are built from. */
import type { Queryable } from '../db/index.js';
import type { Sessions } from './sessions.js';

export interface AccountsDb extends Queryable {
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
}

export interface AccountsContext {
  db: AccountsDb;
  sessions: Sessions;
  /** The service's clock, ms since the epoch: audit rows and creation instants. */
  now: () => number;
}
