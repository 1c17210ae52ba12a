/**
 * Zeebe's gateway protocol, read at run time from the `zeebe.proto` that `@camunda8/sdk` ships
 * (the file Camunda's own clients are generated from), so the gateway speaks exactly the
 * protocol of the SDK version installed. Loaded as Camunda's clients load it: field names as
 * written (`keepCase`), int64 as decimal strings (`longs: String`, the port's keys), enums by
 * name, default values filled in, and `oneof` members named.
 */
import { createRequire } from 'node:module';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** Where the installed SDK keeps the protocol file. */
export function zeebeProtoPath(): string {
  return require.resolve('@camunda8/sdk/dist/proto/zeebe.proto');
}

let cached: ServiceDefinition | undefined;

/** `gateway_protocol.Gateway`: every RPC of the installed protocol, by its name. */
export function gatewayService(): ServiceDefinition {
  if (cached) return cached;
  const definition = loadSync(zeebeProtoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: ServiceDefinition } } };
  cached = pkg.gateway_protocol.Gateway.service;
  return cached;
}
