/**
 * How the Zeebe adapter reaches a Camunda 8 cluster: `@camunda8/sdk`'s `ZeebeGrpcClient` for the
 * gRPC gateway (commands, job activation), and `fetch` on its REST API v2 (reads, user tasks, a
 * message correlated) with the headers of the SDK's own auth provider — one token for both doors.
 * Errors of either door become the service's typed errors (NotFound, Invalid, Conflict, …), so
 * the rooms above answer the same status codes on Zeebe as on the embedded engine.
 */
import { Auth, Zeebe } from '@camunda8/sdk';
import { status } from '@grpc/grpc-js';
import { AppError, Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthenticated } from '../../errors.js';

export interface ZeebeConnectionOptions {
  /** `grpc://host:26500`, or `grpcs://` for TLS. */
  grpcAddress: string;
  /** `http://host:8080`: the REST API v2 is under `/v2`. */
  restAddress: string;
  auth: { strategy: 'NONE' } | { strategy: 'OAUTH'; url: string; clientId: string; clientSecret: string; audience?: string };
  /** REST calls give up after this many ms (default 10 000). */
  requestTimeout?: number;
}

export class ZeebeConnection {
  readonly grpc: InstanceType<typeof Zeebe.ZeebeGrpcClient>;
  private readonly headers: () => Promise<Record<string, string>>;
  private readonly rest: string;
  private readonly timeout: number;

  constructor(o: ZeebeConnectionOptions) {
    const oauth =
      o.auth.strategy === 'OAUTH'
        ? {
            CAMUNDA_AUTH_STRATEGY: 'OAUTH' as const,
            CAMUNDA_OAUTH_URL: o.auth.url,
            ZEEBE_CLIENT_ID: o.auth.clientId,
            ZEEBE_CLIENT_SECRET: o.auth.clientSecret,
            ...(o.auth.audience ? { ZEEBE_TOKEN_AUDIENCE: o.auth.audience } : {}),
          }
        : { CAMUNDA_AUTH_STRATEGY: 'NONE' as const };
    const config = {
      ...oauth,
      ZEEBE_GRPC_ADDRESS: o.grpcAddress,
      ZEEBE_REST_ADDRESS: o.restAddress,
      // The service keeps no token on disk; the SDK's logs are not the service's.
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_LOG_LEVEL: 'none' as const,
      // A refused command is an answer to pass on, not something to retry blindly.
      // The SDK debounces its channel's ready/error events (unused here) with a timer it does not
      // clear at close: at its default 3 s, a closed client kept the process alive that long.
      zeebeGrpcSettings: {
        ZEEBE_GRPC_CLIENT_RETRY: false,
        ZEEBE_CLIENT_LOG_LEVEL: 'NONE' as const,
        ZEEBE_GRPC_CLIENT_EAGER_CONNECT: false,
        ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
      },
    };
    this.grpc = new Zeebe.ZeebeGrpcClient({ config });
    const provider = o.auth.strategy === 'OAUTH' ? new Auth.OAuthProvider({ config }) : undefined;
    this.headers = async () => (provider ? await provider.getHeaders('ZEEBE') : {});
    this.rest = o.restAddress.replace(/\/+$/, '');
    this.timeout = o.requestTimeout ?? 10_000;
  }

  /** A gRPC command, its failure as a typed error. */
  async command<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw grpcError(what, e);
    }
  }

  /** `method` on `/v2{path}` with a JSON body; the parsed answer (undefined for 204). */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await this.text(method, path, body);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** `method` on `/v2{path}`; the answer's text (a definition's XML). */
  async text(method: string, path: string, body?: unknown): Promise<string> {
    const res = await fetch(`${this.rest}/v2${path}`, {
      method,
      headers: { ...(await this.headers()), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeout),
    });
    const text = await res.text();
    if (!res.ok) throw restError(`${method} /v2${path}`, res.status, text);
    return text;
  }

  async close(): Promise<void> {
    await this.grpc.close(2_000).catch(() => undefined);
  }
}

const GRPC: [number, new (m: string) => AppError][] = [
  [status.NOT_FOUND, NotFound],
  [status.INVALID_ARGUMENT, Invalid],
  [status.FAILED_PRECONDITION, Conflict],
  [status.ALREADY_EXISTS, Conflict],
  [status.PERMISSION_DENIED, Forbidden],
  [status.UNAUTHENTICATED, Unauthenticated],
  [status.RESOURCE_EXHAUSTED, TooManyRequests],
];

function grpcError(what: string, e: unknown): Error {
  const code = (e as { code?: unknown }).code;
  const details = (e as { details?: unknown }).details;
  const message = typeof details === 'string' && details ? details : e instanceof Error ? e.message : String(e);
  for (const [c, cls] of GRPC) if (code === c) return new cls(`Zeebe: ${what}: ${message}`);
  return new Error(`Zeebe: ${what} failed: ${message}`, { cause: e });
}

const REST: [number, new (m: string) => AppError][] = [
  [404, NotFound],
  [400, Invalid],
  [409, Conflict],
  [403, Forbidden],
  [401, Unauthenticated],
  [429, TooManyRequests],
];

function restError(what: string, statusCode: number, text: string): Error {
  let message = text.slice(0, 500);
  try {
    // Camunda's problem details ({ title, detail }), or lienthong's ({ error, message }).
    const b = JSON.parse(text) as { detail?: string; title?: string; message?: string };
    message = b.detail ?? b.message ?? b.title ?? message;
  } catch {
    // not JSON: the text as it came
  }
  for (const [c, cls] of REST) if (statusCode === c) return new cls(`Zeebe: ${what}: ${message}`);
  return new Error(`Zeebe: ${what} answered ${statusCode}: ${message}`);
}
