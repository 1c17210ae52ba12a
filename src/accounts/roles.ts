/** The roles (the shared `src/roles.ts`), and who made an administrative change. */
export { CLIENT_ROLES, PERSON_ROLES, ROLES, type PersonRole, type Role } from '../roles.js';

/** Who did an administrative change, as the audit log records it. */
export interface Actor {
  actor: string;
  role: string;
  agency: string | null;
}
