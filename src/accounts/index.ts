/**
 * The accounts room: who may sign in. It owns the staff accounts (`domain.users`), the agency
 * registry (`domain.agencies`), the API clients (`domain.api_clients`), the token versions that
 * end sessions (sessions.ts) and login throttling (`domain.login_failures`). Every change an
 * administrator makes is audited in the same transaction.
 */
import type { AccountsContext, AccountsDb } from './context.js';
import { LoginThrottle, type ThrottleRules } from './login-throttle.js';
import { Sessions } from './sessions.js';

export type { AccountsContext, AccountsDb } from './context.js';
export { PERSON_ROLES, ROLES, CLIENT_ROLES, type Actor, type PersonRole, type Role } from './roles.js';
export { Sessions, REVOKED, type SubjectKind } from './sessions.js';
export { LoginThrottle, DEFAULT_THROTTLE, type ThrottleRule, type ThrottleRules } from './login-throttle.js';
export {
  credentialsOf,
  createUser,
  endSessions,
  getUser,
  listUsers,
  resetPassword,
  updateUser,
  type NewUser,
  type UserChange,
  type UserView,
} from './users.js';
export { createAgency, listAgencies, updateAgency, type AgencyChange, type AgencyView, type NewAgency } from './agencies.js';
export { activeAccount, agenciesByCode, agenciesOfKinds, agencyName, findAgency, fullNames, registryIsEmpty } from './registry.js';
export { applyRegistrySeed, type RegistryAgency, type RegistrySeed, type RegistryUser, type SeedApplied } from './registry-seed.js';
export { agencyKinds, kindName, type AgencyKind } from './agency-kinds.js';
export {
  authenticateClient,
  createClient,
  deactivateClient,
  listClients,
  rotateSecret,
  type AuthenticatedClient,
  type ClientView,
  type NewClient,
} from './clients.js';
export { DEMO_CLIENTS, seedDemoClients } from './demo.js';

export interface AccountsOptions {
  db: AccountsDb;
  /** The service's clock, ms since the epoch. */
  now: () => number;
  /** How long a token version read from the database is trusted, ms (default 5 000). */
  sessionCacheMs?: number;
  throttle?: ThrottleRules;
}

/** The room's state in one process: the session cache and the throttle, over one database. */
export class Accounts {
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  readonly ctx: AccountsContext;

  constructor(opts: AccountsOptions) {
    this.sessions = new Sessions(opts.db, opts.now, opts.sessionCacheMs);
    this.throttle = new LoginThrottle(opts.db, opts.throttle, opts.now);
    this.ctx = { db: opts.db, sessions: this.sessions, now: opts.now };
  }
}
