/**
 * The Zeebe gateway (src/engine/gateway) on the engine harness, driven by Camunda's own client:
 * `useGateway()` starts a gateway on an ephemeral loopback port in front of each test's engine
 * (on its ManualClock; notifications on, no scheduler) and hands out `ZeebeGrpcClient`s of
 * `@camunda8/sdk` pointed at it — plaintext, a static bearer token, no OAuth, no retries — so
 * nothing in the SDK reaches anywhere but this gateway.
 *
 * The gateway's fallback polls are an hour long: whatever a test sees arrive came by the engine's
 * notifications, not by a timer. `waiting(type)` resolves once a long poll or a job stream of the
 * type is parked on the engine's notification, so a test can create the job only then.
 */
import { Zeebe } from '@camunda8/sdk';
import { credentials, loadPackageDefinition, type Client, type ServiceError, type Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { pino } from 'pino';
import { zeebeProtoPath } from '../../src/engine/gateway/proto.js';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { startZeebeGateway, type ZeebeGateway } from '../../src/engine/gateway/index.js';
import type { ActivatedJob, ActivateJobsRequest, WorkflowEngine } from '../../src/engine/port.js';
import { createTokenService, type Principal } from '../../src/http/auth.js';
import { gatewayAuthorizer } from '../../src/http/gateway-access.js';
import { maskPersonalData } from '../../src/security/personal-data.js';
import { useEngine, type EngineHarness } from '../support/engine.js';

/**
 * The SDK's gRPC settings for the tests' clients: no retries or logs, and no connection-tolerance
 * timer — the SDK debounces its channel events with a timer it does not clear at close, which kept
 * a finished test file's process alive for its default 3 s.
 */
export const sdkGrpcSettings = {
  ZEEBE_GRPC_CLIENT_RETRY: false,
  ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
  ZEEBE_GRPC_CLIENT_EAGER_CONNECT: false,
  ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
} as const;
export type GrpcClient = InstanceType<typeof Zeebe.ZeebeGrpcClient>;

export const HOUR = 3_600_000;
const SECRET = 'lienthong-gateway-tests-key-0123456789';

/** A bare grpc-js client of the gateway service: RPCs by their proto names, no SDK in between. */
export type RawGateway = Client &
  Record<string, (req: object, md: Metadata, ...rest: any[]) => any> & {
    [rpc: string]: (req: object, md: Metadata, cb: (err: ServiceError | null, res: any) => void) => void;
  };

export interface GatewayHarness {
  readonly h: EngineHarness;
  readonly port: number;
  /** A bare client of the gateway (close it after use). */
  rawClient(): RawGateway;
  /** A bearer token for `role` (default admin), signed with the gateway's key. */
  token(role?: Principal['role']): Promise<string>;
  /** A client signed in as `role` (default admin); `token: ''` sends no credentials at all. */
  client(opts?: { role?: Principal['role']; token?: string }): Promise<GrpcClient>;
  /** Resolves when a long poll or job stream of `type` is parked, waiting for the engine's notification. */
  waiting(type: string): Promise<void>;
  /** Resolves the next time a CreateProcessInstanceWithResult finds its instance still running. */
  runningLooked(): Promise<void>;
  /** Resolves when `n` job-notification listeners are subscribed (a job stream is open). */
  jobListeners(n: number): Promise<void>;
}

export function useGateway(): GatewayHarness {
  const h = useEngine();
  let gateway: ZeebeGateway;
  let clients: GrpcClient[] = [];
  let parked: { type?: string; listeners: number; resolve: () => void }[] = [];
  const parkedTypes = new Set<string>();
  let listeners = 0;
  let lookers: (() => void)[] = [];

  beforeEach(async () => {
    parked = [];
    parkedTypes.clear();
    listeners = 0;
    lookers = [];
    await h.engine.start();
    const tokens = createTokenService({ secret: SECRET, ttlSeconds: HOUR, now: () => h.clock.now() });
    gateway = await startZeebeGateway({
      engine: observed(h.engine),
      queries: observedQueries(new EmbeddedEngineQueries(h.db)),
      authorize: gatewayAuthorizer(tokens),
      logger: pino({ level: 'silent' }),
      redact: maskPersonalData,
      port: 0,
      now: () => h.clock.now(),
      defaultRequestTimeout: HOUR,
      pollInterval: HOUR,
    });
    (g as { tokens?: typeof tokens }).tokens = tokens;
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close(2_000).catch(() => undefined)));
    clients = [];
    await gateway.close();
  });

  /**
   * The engine as the gateway sees it, noting its waiters: an activation that found nothing while
   * a job listener is subscribed is a long poll about to wait; a listener alone is a job stream.
   */
  function observed(engine: WorkflowEngine): WorkflowEngine {
    return new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop === 'activateJobs') {
          return async (req: ActivateJobsRequest): Promise<ActivatedJob[]> => {
            const jobs = await target.activateJobs(req);
            if (!jobs.length && listeners > 0) note(req.type);
            return jobs;
          };
        }
        if (prop === 'onJobCreated') {
          return (listener: (type: string) => void) => {
            const off = target.onJobCreated(listener);
            listeners++;
            note(undefined);
            return () => {
              listeners--;
              off();
            };
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
  /** The queries as the gateway sees them, noting when a result waiter found its instance still running. */
  function observedQueries(queries: EmbeddedEngineQueries): EmbeddedEngineQueries {
    const getProcessInstance = queries.getProcessInstance.bind(queries);
    queries.getProcessInstance = async (key) => {
      const item = await getProcessInstance(key);
      if (item.state === 'ACTIVE') {
        for (const l of lookers.splice(0)) l();
      }
      return item;
    };
    return queries;
  }

  function note(type: string | undefined): void {
    if (type) parkedTypes.add(type);
    const ready = parked.filter((p) => (p.type ? parkedTypes.has(p.type) : listeners >= p.listeners));
    parked = parked.filter((p) => !ready.includes(p));
    for (const p of ready) if (p.type) parkedTypes.delete(p.type);
    for (const p of ready) p.resolve();
  }

  const g: GatewayHarness & { tokens?: ReturnType<typeof createTokenService> } = {
    h,
    get port() {
      return gateway.port;
    },
    rawClient() {
      const def = loadSync(zeebeProtoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
      const Gateway = (loadPackageDefinition(def) as any).gateway_protocol.Gateway;
      return new Gateway(`127.0.0.1:${gateway.port}`, credentials.createInsecure()) as RawGateway;
    },
    async token(role = 'admin') {
      return (await g.tokens!.issue({ username: 'gateway-test', role, agencyCode: null })).token;
    },
    async client(opts = {}) {
      const token = opts.token ?? (await g.token(opts.role));
      const client = new Zeebe.ZeebeGrpcClient({
        config: {
          ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${gateway.port}`,
          CAMUNDA_AUTH_STRATEGY: token ? 'BEARER' : 'NONE',
          CAMUNDA_OAUTH_TOKEN: token || undefined,
          CAMUNDA_LOG_LEVEL: 'none',
          zeebeGrpcSettings: sdkGrpcSettings,
        },
      });
      clients.push(client);
      return client;
    },
    waiting(type) {
      if (parkedTypes.delete(type)) return Promise.resolve();
      return new Promise((resolve) => parked.push({ type, listeners: 0, resolve }));
    },
    runningLooked() {
      return new Promise((resolve) => lookers.push(resolve));
    },
    jobListeners(n) {
      if (listeners >= n) return Promise.resolve();
      return new Promise((resolve) => parked.push({ listeners: n, resolve }));
    },
  };
  return g;
}
