/**
 * Staff accounts (`domain.users`): created, changed, deactivated and given a new password by an
 * administrator, each change audited in the same transaction. A change of role, agency or
 * active, a password reset and a sign-out raise the user's token version, which ends every
 * session of the user at once (sessions.ts).
 */
import { appendAudit } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { hashPassword } from '../security/passwords.js';
import type { AccountsContext } from './context.js';
import type { Actor, PersonRole } from './roles.js';

export interface UserView {
  username: string;
  fullName: string;
  role: PersonRole;
  agencyCode: string | null;
  active: boolean;
  createdAt: string;
}

/** A user's row as the sign-in reads it. */
export interface UserCredentials {
  username: string;
  fullName: string;
  passwordHash: string;
  role: PersonRole;
  agencyCode: string | null;
  active: boolean;
  tokenVersion: number;
}

const VIEW = `username, full_name as "fullName", role, agency_code as "agencyCode", active, created_at as "createdAt"`;
const STAFF: readonly PersonRole[] = ['officer', 'counter'];

export async function credentialsOf(db: Queryable, username: string): Promise<UserCredentials | undefined> {
  const { rows } = await db.query<UserCredentials>(
    `select username, full_name as "fullName", password_hash as "passwordHash", role, agency_code as "agencyCode", active,
            token_version as "tokenVersion"
       from domain.users where username = $1`,
    [username],
  );
  return rows[0];
}

export async function listUsers(db: Queryable): Promise<UserView[]> {
  const { rows } = await db.query<UserView>(`select ${VIEW} from domain.users order by username`);
  return rows.map(viewOf);
}

export async function getUser(db: Queryable, username: string): Promise<UserView> {
  const { rows } = await db.query<UserView>(`select ${VIEW} from domain.users where username = $1`, [username]);
  if (!rows[0]) throw new NotFound(`không có người dùng '${username}' (no user '${username}')`);
  return viewOf(rows[0]);
}

export interface NewUser {
  username: string;
  fullName: string;
  password: string;
  role: PersonRole;
  agencyCode?: string | null;
}

export async function createUser(ctx: AccountsContext, by: Actor, u: NewUser): Promise<UserView> {
  const agencyCode = u.agencyCode ?? null;
  const hash = await hashPassword(u.password);
  const view = await ctx.db.tx(async (q) => {
    await checkAgency(q, u.role, agencyCode);
    const { rows } = await q.query<UserView>(
      `insert into domain.users (username, full_name, password_hash, role, agency_code, created_at)
       values ($1, $2, $3, $4, $5, $6) on conflict (username) do nothing returning ${VIEW}`,
      [u.username, u.fullName, hash, u.role, agencyCode, new Date(ctx.now())],
    );
    if (!rows[0]) throw new Conflict(`người dùng '${u.username}' đã có (user '${u.username}' already exists)`, { field: 'username' });
    await audit(q, ctx, by, 'account.user_created', { username: u.username, role: u.role, agencyCode });
    return viewOf(rows[0]);
  });
  ctx.sessions.forget('user', u.username);
  return view;
}

export interface UserChange {
  fullName?: string;
  role?: PersonRole;
  agencyCode?: string | null;
  active?: boolean;
}

/** Changes a user; a change of role, agency or active ends the user's sessions. */
export async function updateUser(ctx: AccountsContext, by: Actor, username: string, change: UserChange): Promise<UserView> {
  const view = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<UserView>(`select ${VIEW} from domain.users where username = $1 for update`, [username]);
    const before = rows[0];
    if (!before) throw new NotFound(`không có người dùng '${username}' (no user '${username}')`);
    const after = {
      fullName: change.fullName ?? before.fullName,
      role: change.role ?? before.role,
      agencyCode: change.agencyCode !== undefined ? change.agencyCode : change.role && !STAFF.includes(change.role) ? null : before.agencyCode,
      active: change.active ?? before.active,
    };
    await checkAgency(q, after.role, after.agencyCode);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['fullName', 'role', 'agencyCode', 'active'] as const) {
      if (after[k] !== before[k]) changed[k] = { from: before[k], to: after[k] };
    }
    const endsSessions = 'role' in changed || 'agencyCode' in changed || 'active' in changed;
    const { rows: updated } = await q.query<UserView>(
      `update domain.users set full_name = $2, role = $3, agency_code = $4, active = $5,
              token_version = token_version + case when $6 then 1 else 0 end
        where username = $1 returning ${VIEW}`,
      [username, after.fullName, after.role, after.agencyCode, after.active, endsSessions],
    );
    if (Object.keys(changed).length) await audit(q, ctx, by, 'account.user_changed', { username, changes: changed, sessionsEnded: endsSessions });
    return viewOf(updated[0]);
  });
  ctx.sessions.forget('user', username);
  return view;
}

/** A new password set by an administrator; the user's sessions end. */
export async function resetPassword(ctx: AccountsContext, by: Actor, username: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await ctx.db.tx(async (q) => {
    const { rowCount } = await q.query(`update domain.users set password_hash = $2, token_version = token_version + 1 where username = $1`, [username, hash]);
    if (!rowCount) throw new NotFound(`không có người dùng '${username}' (no user '${username}')`);
    await audit(q, ctx, by, 'account.password_reset', { username, sessionsEnded: true });
  });
  ctx.sessions.forget('user', username);
}

/** Ends every session of a user (sign-out); false when there is no such user (a token minted by hand). */
export async function endSessions(ctx: AccountsContext, username: string): Promise<boolean> {
  const { rowCount } = await ctx.db.query(`update domain.users set token_version = token_version + 1 where username = $1`, [username]);
  ctx.sessions.forget('user', username);
  return (rowCount ?? 0) > 0;
}

async function checkAgency(q: Queryable, role: PersonRole, agencyCode: string | null): Promise<void> {
  if (STAFF.includes(role) && !agencyCode) {
    throw new Invalid(`vai trò '${role}' cần một cơ quan (role '${role}' needs an agencyCode)`, { field: 'agencyCode' });
  }
  if (!STAFF.includes(role) && agencyCode) {
    throw new Invalid(`vai trò '${role}' không thuộc cơ quan nào (role '${role}' takes no agencyCode)`, { field: 'agencyCode' });
  }
  if (agencyCode) {
    const { rows } = await q.query(`select 1 from domain.agencies where code = $1`, [agencyCode]);
    if (!rows.length) throw new Invalid(`không có cơ quan '${agencyCode}' (no agency '${agencyCode}')`, { field: 'agencyCode' });
  }
}

export async function audit(q: Queryable, ctx: AccountsContext, by: Actor, action: string, payload: Record<string, unknown>): Promise<void> {
  await appendAudit(q, { ...by, action, payload, at: new Date(ctx.now()) });
}

function viewOf(r: UserView): UserView {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}
