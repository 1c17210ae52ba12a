/**
 * Who may call the Zeebe gateway's RPCs (src/engine/gateway): the bearer token of the API
 * (`authorization: Bearer <JWT>` in the call's metadata, the same token as /v2: a person's from
 * POST /api/auth/login, an API client's from POST /oauth/token), checked against its account's
 * token version like every /v2 request, and per RPC the roles of the /v2 route doing the same
 * thing, so the two doors of the engine let the same callers in. A worker token limited to job
 * types activates, streams and acts on only jobs of those types (job-types.ts). An RPC the table
 * does not name (those the gateway answers UNIMPLEMENTED) needs a valid token of any role.
 */
import type { GatewayAuthorizer } from '../engine/gateway/index.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import { rolesHeld, roleMayCall, type Role, type TokenService } from './auth.js';
import { checkActivationType, checkJobKey, type JobTypeOf } from './job-types.js';

const JOBS: readonly Role[] = ['admin', 'worker']; // /v2/jobs/*
const INSTANCES: readonly Role[] = ['admin']; // POST /v2/process-instances, …/cancellation
const DEPLOYERS: readonly Role[] = ['designer', 'admin']; // POST /v2/deployments
const PUBLISHERS: readonly Role[] = ['designer', 'admin']; // /v2/messages/*, /v2/signals/broadcast

/** RPC → the roles allowed (empty: any signed-in role). */
export const GATEWAY_ROLES: Readonly<Record<string, readonly Role[]>> = {
  Topology: [], // GET /v2/topology
  DeployResource: DEPLOYERS,
  DeployProcess: DEPLOYERS,
  CreateProcessInstance: INSTANCES,
  CreateProcessInstanceWithResult: INSTANCES,
  CancelProcessInstance: INSTANCES,
  SetVariables: INSTANCES,
  ActivateJobs: JOBS,
  StreamActivatedJobs: JOBS,
  CompleteJob: JOBS,
  FailJob: JOBS,
  ThrowError: JOBS,
  UpdateJobRetries: JOBS,
  UpdateJobTimeout: JOBS,
  PublishMessage: PUBLISHERS,
  BroadcastSignal: PUBLISHERS,
  ResolveIncident: ['admin'], // POST /v2/incidents/{key}/resolution
};

const BY_TYPE = new Set(['ActivateJobs', 'StreamActivatedJobs']);
const BY_JOB_KEY = new Set(['CompleteJob', 'FailJob', 'ThrowError', 'UpdateJobRetries', 'UpdateJobTimeout']);

export function gatewayAuthorizer(tokens: TokenService, opts: { jobTypeOf?: JobTypeOf } = {}): GatewayAuthorizer {
  return async (rpc, authorization, request) => {
    if (!authorization) throw new Unauthenticated('cần đăng nhập (sign in first: send the metadata authorization: Bearer <token>)');
    const m = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization);
    if (!m) throw new Unauthenticated('the authorization metadata must be "Bearer <token>"');
    const user = await tokens.verify(m[1]);
    const roles = GATEWAY_ROLES[rpc] ?? [];
    const held = rolesHeld(user);
    // The role lists name no auditor where it matters: the read-only rule of /v2 needs no method here.
    if (!held.some((r) => roleMayCall(r, roles, 'GET'))) {
      const named = held.join(', ');
      throw new Forbidden(`vai trò '${named}' không được gọi ${rpc} (role '${named}' may not call ${rpc}; allowed: ${roles.join(', ') || 'any'})`);
    }
    const r = (request ?? {}) as { type?: unknown; jobKey?: unknown };
    if (BY_TYPE.has(rpc)) checkActivationType(user, typeof r.type === 'string' ? r.type : '');
    if (BY_JOB_KEY.has(rpc)) await checkJobKey(user, typeof r.jobKey === 'string' ? r.jobKey : String(r.jobKey), opts.jobTypeOf);
  };
}
