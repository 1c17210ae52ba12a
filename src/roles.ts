/**
 * Who may do what is said by roles (docs/api.md, "Sign-in, roles, logs"): a shared file, like
 * clock.ts, because every room that checks a reader speaks of them (accounts stores them, the
 * inbox, the SLA room's notifications and the reports scope by them). People hold one of the
 * first five; 'worker' is a machine-only role (API clients that activate and complete jobs),
 * which no user row may hold.
 */
export type PersonRole = 'designer' | 'officer' | 'counter' | 'auditor' | 'admin';
export type Role = PersonRole | 'worker';

export const PERSON_ROLES: readonly PersonRole[] = ['designer', 'officer', 'counter', 'auditor', 'admin'];
export const ROLES: readonly Role[] = [...PERSON_ROLES, 'worker'];
/** The roles an API client may hold (not an agency's staff: officers and counters are people). */
export const CLIENT_ROLES: readonly Role[] = ['worker', 'designer', 'auditor', 'admin'];
