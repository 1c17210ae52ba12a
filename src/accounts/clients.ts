/**
 * API clients (`domain.api_clients`): programs and job workers that sign in with OAuth 2 client
 * credentials (`POST /oauth/token`). An administrator creates one with its roles and, for a
 * worker, the job types it may activate and complete; the secret is random, shown once in the
 * answer and stored only as its scrypt hash. Deactivating a client or rotating its secret raises
 * its token version, so its tokens stop working at once. Clients are never deleted.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { Conflict, NotFound } from '../errors.js';
import { hashPassword, SECRET_COST, verifyPassword } from '../security/passwords.js';
import type { AccountsContext } from './context.js';
import type { Actor, Role } from './roles.js';
import { audit } from './users.js';

export interface ClientView {
  clientId: string;
  name: string;
  roles: Role[];
  /** null: any job type. */
  jobTypes: string[] | null;
  active: boolean;
  createdAt: string;
  createdBy: string;
}

/** A client whose credentials were right, as its token carries it. */
export interface AuthenticatedClient {
  clientId: string;
  roles: Role[];
  jobTypes: string[] | null;
  tokenVersion: number;
}

const VIEW = `client_id as "clientId", name, roles, job_types as "jobTypes", active, created_at as "createdAt", created_by as "createdBy"`;

/** A new random secret: 256 bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export async function listClients(db: Queryable): Promise<ClientView[]> {
  return (await db.query<ClientView>(`select ${VIEW} from domain.api_clients order by client_id`)).rows.map(viewOf);
}

export interface NewClient {
  clientId: string;
  name: string;
  roles: Role[];
  jobTypes?: string[] | null;
}

/** Creates a client; the answer holds its secret, which is not kept anywhere in clear. */
export async function createClient(ctx: AccountsContext, by: Actor, c: NewClient, secret = newSecret()): Promise<ClientView & { clientSecret: string }> {
  const hash = await hashPassword(secret, SECRET_COST);
  const view = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<ClientView>(
      `insert into domain.api_clients (client_id, name, secret_hash, roles, job_types, created_at, created_by)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (client_id) do nothing returning ${VIEW}`,
      [c.clientId, c.name, hash, c.roles, c.jobTypes ?? null, new Date(ctx.now()), by.actor],
    );
    if (!rows[0]) throw new Conflict(`ứng dụng '${c.clientId}' đã có (client '${c.clientId}' already exists)`, { field: 'clientId' });
    await audit(q, ctx, by, 'account.client_created', { clientId: c.clientId, roles: c.roles, jobTypes: c.jobTypes ?? null });
    return viewOf(rows[0]);
  });
  ctx.sessions.forget('client', c.clientId);
  return { ...view, clientSecret: secret };
}

/** Deactivates a client: its tokens stop working at once. */
export async function deactivateClient(ctx: AccountsContext, by: Actor, clientId: string): Promise<ClientView> {
  const view = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<ClientView>(
      `update domain.api_clients set active = false, token_version = token_version + 1 where client_id = $1 returning ${VIEW}`,
      [clientId],
    );
    if (!rows[0]) throw new NotFound(`không có ứng dụng '${clientId}' (no API client '${clientId}')`);
    await audit(q, ctx, by, 'account.client_deactivated', { clientId, sessionsEnded: true });
    return viewOf(rows[0]);
  });
  ctx.sessions.forget('client', clientId);
  return view;
}

/** A new secret for a client; the old one and every token issued with it stop working. */
export async function rotateSecret(ctx: AccountsContext, by: Actor, clientId: string): Promise<ClientView & { clientSecret: string }> {
  const secret = newSecret();
  const hash = await hashPassword(secret, SECRET_COST);
  const view = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<ClientView>(
      `update domain.api_clients set secret_hash = $2, token_version = token_version + 1 where client_id = $1 returning ${VIEW}`,
      [clientId, hash],
    );
    if (!rows[0]) throw new NotFound(`không có ứng dụng '${clientId}' (no API client '${clientId}')`);
    await audit(q, ctx, by, 'account.client_secret_rotated', { clientId, sessionsEnded: true });
    return viewOf(rows[0]);
  });
  ctx.sessions.forget('client', clientId);
  return { ...view, clientSecret: secret };
}

// Checked when the client id is unknown, so that answer costs what a wrong secret costs.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword('lienthong: no such client', SECRET_COST));

/** The client when `secret` is its secret and it is active; undefined otherwise (which of the three is not told). */
export async function authenticateClient(db: Queryable, clientId: string, secret: string): Promise<AuthenticatedClient | undefined> {
  const { rows } = await db.query<AuthenticatedClient & { secretHash: string; active: boolean }>(
    `select client_id as "clientId", roles, job_types as "jobTypes", token_version as "tokenVersion", secret_hash as "secretHash", active
       from domain.api_clients where client_id = $1`,
    [clientId],
  );
  const c = rows[0];
  const ok = await verifyPassword(secret, c ? c.secretHash : await dummy());
  if (!c || !ok || !c.active) return undefined;
  return { clientId: c.clientId, roles: c.roles, jobTypes: c.jobTypes, tokenVersion: c.tokenVersion };
}

function viewOf(r: ClientView): ClientView {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}
