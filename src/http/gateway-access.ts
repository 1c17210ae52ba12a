/**
 * Who may call the Zeebe gateway's RPCs (src/engine/gateway): the bearer token of the API
 * (`authorization: Bearer <JWT>` in the call's metadata, the same token as /v2), and per RPC the
 * roles of the /v2 route doing the same thing, so the two doors of the engine let the same
 * people in. An RPC the table does not name (those the gateway answers UNIMPLEMENTED) needs a
 * valid token of any role.
 */
import type { GatewayAuthorizer } from '../engine/gateway/index.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import type { Role, TokenService } from './auth.js';

const JOBS: readonly Role[] = ['admin']; // /v2/jobs/*
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

export function gatewayAuthorizer(tokens: TokenService): GatewayAuthorizer {
  return async (rpc, authorization) => {
    if (!authorization) throw new Unauthenticated('cần đăng nhập (sign in first: send the metadata authorization: Bearer <token>)');
    const m = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization);
    if (!m) throw new Unauthenticated('the authorization metadata must be "Bearer <token>"');
    const user = await tokens.verify(m[1]);
    const roles = GATEWAY_ROLES[rpc] ?? [];
    if (roles.length && !roles.includes(user.role)) {
      throw new Forbidden(`vai trò '${user.role}' không được gọi ${rpc} (role '${user.role}' may not call ${rpc}; allowed: ${roles.join(', ')})`);
    }
  };
}
