/**
 * Zeebe's gateway service (`gateway_protocol.Gateway`, zeebe.proto from `@camunda8/sdk`) over
 * the workflow port, on `@grpc/grpc-js`. Every RPC of the protocol is registered: those the port
 * can serve run (commands.ts, jobs.ts, with-result.ts); the others answer UNIMPLEMENTED naming
 * the RPC. Every call is authorized first (`authorize`: the caller's `authorization` metadata),
 * so nothing is open to anonymous callers; errors become Zeebe's status codes (errors.ts).
 */
import { EventEmitter } from 'node:events';
import {
  Server,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Resource, WorkflowEngine } from '../port.js';
import type { EngineQueries } from '../queries.js';
import { UNARY } from './commands.js';
import type { GatewayContext } from './context.js';
import { grpcStatusOf, GrpcStatusError, toServiceError } from './errors.js';
import { activateJobs, streamActivatedJobs } from './jobs.js';
import { gatewayService } from './proto.js';
import { createProcessInstanceWithResult, type WithResultRequest } from './with-result.js';

/**
 * Decides whether the caller may call `rpc`: resolves, or throws `Unauthenticated` (no or a bad
 * token: UNAUTHENTICATED) or `Forbidden` (PERMISSION_DENIED). `authorization` is the call's
 * `authorization` metadata ("Bearer <token>"), undefined when absent; `request` the decoded
 * request (a worker token is limited to the job types it names).
 */
export type GatewayAuthorizer = (rpc: string, authorization: string | undefined, request: unknown) => Promise<void>;

export interface ZeebeGatewayOptions {
  engine: WorkflowEngine;
  queries: Pick<EngineQueries, 'getProcessInstance' | 'searchVariableChanges'>;
  authorize: GatewayAuthorizer;
  logger: Logger;
  /**
   * Masks personal data in an error's message before it leaves (the service passes the security
   * room's `maskPersonalData`; the gateway, inside the engine room, does not import it).
   */
  redact: (text: string) => string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on (default 127.0.0.1: plaintext stays on this machine). */
  host?: string;
  /** TLS key and certificate chain (PEM); without them the gateway speaks plaintext. */
  tls?: { key: Buffer; cert: Buffer };
  checkDeployment?: (resources: Resource[]) => Promise<void>;
  /** The clock requestTimeouts run on, ms since the epoch (default: the system clock). */
  now?: () => number;
  /** Long poll / result wait when `requestTimeout` is 0, ms (default 10 000). */
  defaultRequestTimeout?: number;
  /** Fallback re-check while waiting, ms (default 1 000). */
  pollInterval?: number;
  /** Largest request accepted, bytes (default 4 MiB, as Zeebe's gateway): larger ones get RESOURCE_EXHAUSTED. */
  maxMessageBytes?: number;
}

export interface ZeebeGateway {
  /** The port it listens on. */
  readonly port: number;
  /** Ends streams and long polls, waits a moment for unary calls, then closes the server. */
  close(): Promise<void>;
}

const STREAMING: Record<string, (call: ServerWritableStream<never, unknown>, ctx: GatewayContext) => Promise<void>> = {
  ActivateJobs: (call, ctx) => activateJobs(call, ctx),
  StreamActivatedJobs: (call, ctx) => streamActivatedJobs(call, ctx),
};

export async function startZeebeGateway(opts: ZeebeGatewayOptions): Promise<ZeebeGateway> {
  const stopping = new AbortController();
  const changes = new EventEmitter().setMaxListeners(0);
  const host = opts.host ?? '127.0.0.1';
  let boundPort = opts.port;
  const ctx: GatewayContext = {
    engine: opts.engine,
    queries: opts.queries,
    checkDeployment: opts.checkDeployment,
    now: opts.now ?? Date.now,
    signal: stopping.signal,
    timing: { defaultRequestTimeout: opts.defaultRequestTimeout ?? 10_000, pollInterval: opts.pollInterval ?? 1_000 },
    changed: () => changes.emit('changed'),
    onChanged: (listener) => {
      changes.on('changed', listener);
      return () => changes.off('changed', listener);
    },
    advertised: () => ({ host, port: boundPort }),
  };
  const log = opts.logger;

  /** Runs `body` authorized; any error becomes the status Zeebe would answer. */
  async function guarded<T>(rpc: string, metadata: Metadata, request: unknown, body: () => Promise<T>): Promise<T> {
    const header = metadata.get('authorization')[0];
    await opts.authorize(rpc, typeof header === 'string' ? header : header?.toString('utf8'), request);
    return body();
  }
  function failure(rpc: string, err: unknown) {
    const known = grpcStatusOf(err, rpc);
    if (known) {
      log.debug({ rpc, code: status[known.code] }, known.details);
      return toServiceError(known.code, known.details, opts.redact);
    }
    log.error({ err, rpc }, 'gateway: unexpected error');
    return toServiceError(status.INTERNAL, `${rpc} failed: internal error; the service logged the details`, opts.redact);
  }

  const impl: UntypedServiceImplementation = {};
  for (const rpc of Object.keys(gatewayService())) {
    const stream = STREAMING[rpc];
    if (stream) {
      const handler: handleServerStreamingCall<unknown, unknown> = (call) => {
        guarded(rpc, call.metadata, call.request, () => stream(call as ServerWritableStream<never, unknown>, ctx)).catch((e: unknown) => {
          if (!call.cancelled) call.emit('error', failure(rpc, e));
        });
      };
      impl[rpc] = handler;
      continue;
    }
    const unary = (UNARY as Partial<Record<string, (r: never, c: GatewayContext) => Promise<object>>>)[rpc];
    const handler: handleUnaryCall<unknown, object> = (call, callback) => {
      const body = (): Promise<object> => {
        if (rpc === 'CreateProcessInstanceWithResult') {
          const gone = new AbortController();
          call.on('cancelled', () => gone.abort());
          return createProcessInstanceWithResult(call.request as WithResultRequest, ctx, gone.signal);
        }
        if (!unary) throw new GrpcStatusError(status.UNIMPLEMENTED, `${rpc} is not implemented by lienthong's gateway`);
        return unary(call.request as never, ctx);
      };
      guarded(rpc, call.metadata, call.request, body).then(
        (res) => callback(null, res),
        (e: unknown) => callback(failure(rpc, e)),
      );
    };
    impl[rpc] = handler;
  }

  const maxBytes = opts.maxMessageBytes ?? 4 * 1024 * 1024;
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes });
  server.addService(gatewayService(), impl);
  const credentials = opts.tls
    ? ServerCredentials.createSsl(null, [{ private_key: opts.tls.key, cert_chain: opts.tls.cert }], false)
    : ServerCredentials.createInsecure();
  boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${opts.port}`, credentials, (err, port) => (err ? reject(err) : resolve(port)));
  });

  let closing: Promise<void> | undefined;
  return {
    port: boundPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        stopping.abort();
        // Calls still running after a grace period are cut off.
        const force = setTimeout(() => server.forceShutdown(), 5_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}
