/** Zeebe's gRPC gateway over the workflow port (docs/zeebe.md). */
export { startZeebeGateway, type GatewayAuthorizer, type ZeebeGateway, type ZeebeGatewayOptions } from './server.js';
export { zeebeProtoPath } from './proto.js';
