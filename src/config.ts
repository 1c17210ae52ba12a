/**
 * Environment → typed configuration, read once at startup. A wrong value stops the service
 * with a message naming the variable, rather than surfacing later as a strange failure.
 */
import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  /** TCP port of the HTTP server; 0 picks a free one (tests). */
  port: number;
  /** postgres://… — PostgreSQL. Absent: embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** Where the embedded database and other local files live (absolute). */
  dataDir: string;
  /** Every `*.bpmn` below it is deployed at start (absolute). */
  processesDir: string;
  /** False when PROCESSES_DIR was not set: a missing default folder just means nothing to deploy. */
  processesDirExplicit: boolean;
  logLevel: LogLevel;
  nodeEnv: string;
  /**
   * HS256 key of the API's tokens (JWT_SECRET, at least 32 characters). Required in production;
   * elsewhere, when unset, the service makes a random one per process (tokens then die with it).
   */
  jwtSecret?: string;
  /** Lifetime of a login token, seconds (JWT_TTL_SECONDS, default 8 h: one working day). */
  jwtTtlSeconds: number;
  /**
   * How long an inbox task's completion cut short by a crash (task `completing`, its job not yet
   * completed) is left before the inbox worker finishes it, seconds (COMPLETION_RECOVERY_SECONDS,
   * default 60): longer than any completion still in flight, so recovery never races one. Absent: 60.
   */
  completionRecoverySeconds?: number;
  /**
   * Zeebe's gRPC gateway (src/engine/gateway): its port (ZEEBE_GATEWAY_PORT, default 26500; 0
   * picks a free one here, while the variable's 0 leaves it out), the interface it listens on
   * (ZEEBE_GATEWAY_HOST, default 127.0.0.1) and its TLS files (ZEEBE_GATEWAY_TLS_CERT and _KEY,
   * PEM). Absent: no gateway.
   */
  zeebeGateway?: { port: number; host: string; tls?: { certFile: string; keyFile: string } };
  /**
   * Behind a reverse proxy, which hops to believe for the client's address (TRUST_PROXY: a number
   * of hops, `loopback`, `linklocal`, `uniquelocal`, or IP addresses and CIDR ranges separated by
   * commas — Express's `trust proxy`). Default false: the socket's address. The lookup and login
   * throttles count per address, so behind a proxy this must be set or every caller is one.
   */
  trustProxy?: boolean | number | string;
  /**
   * Which engine runs the processes (ENGINE): `embedded` (default), or `zeebe` — a Camunda 8
   * cluster reached by `@camunda8/sdk` (src/engine/zeebe): commands and job workers over gRPC at
   * ZEEBE_GRPC_ADDRESS (`grpc://host:26500`, `grpcs://` for TLS), reads and user tasks over REST v2
   * at ZEEBE_REST_ADDRESS (`http://host:8080`). Credentials as the SDK names them:
   * CAMUNDA_AUTH_STRATEGY (`OAUTH` when CAMUNDA_OAUTH_URL is set, else `NONE`), CAMUNDA_OAUTH_URL,
   * ZEEBE_CLIENT_ID, ZEEBE_CLIENT_SECRET and, when the identity provider wants one,
   * ZEEBE_TOKEN_AUDIENCE. Absent: embedded.
   */
  engine?: EngineConfig;
  /**
   * The mail server that carries the applicants' notices (SMTP_URL: `smtp://user:password@host:587`
   * or `smtps://…:465`) and their sender (MAIL_FROM). Absent: no e-mail is sent, and no notice is
   * written for an e-mail address.
   */
  mail?: { url: string; from: string };
  /**
   * The operator's SMS gateway adapter (SMS_WEBHOOK_URL, `https://…`), which each text message
   * to an applicant is POSTed to as JSON, signed with SMS_WEBHOOK_SECRET when set
   * (src/outbound/sms-webhook.ts). Absent: no text message is sent.
   */
  sms?: { url: string; secret?: string };
  /** Where citizens reach this service (PUBLIC_URL, `https://…`): form 01 and the applicants' messages print its lookup page. */
  publicUrl?: string;
}

export type EngineConfig =
  | { kind: 'embedded' }
  | {
      kind: 'zeebe';
      grpcAddress: string;
      restAddress: string;
      auth: { strategy: 'NONE' } | { strategy: 'OAUTH'; url: string; clientId: string; clientSecret: string; audience?: string };
    };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const nodeEnv = nonEmpty(env, 'NODE_ENV') ?? 'development';
  if (nodeEnv === 'production' && env.LIENTHONG_TEST_HASHES !== undefined) {
    throw new ConfigError('LIENTHONG_TEST_HASHES', 'for test runs only: production hashes passwords and lookup secrets at full cost');
  }
  return {
    port: port(env.PORT),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    dataDir: resolve(cwd, nonEmpty(env, 'DATA_DIR') ?? './data'),
    processesDir: resolve(cwd, nonEmpty(env, 'PROCESSES_DIR') ?? './processes'),
    processesDirExplicit: nonEmpty(env, 'PROCESSES_DIR') !== undefined,
    logLevel: logLevel(env.LOG_LEVEL),
    nodeEnv,
    jwtSecret: jwtSecret(env.JWT_SECRET, nodeEnv),
    jwtTtlSeconds: jwtTtl(env.JWT_TTL_SECONDS),
    completionRecoverySeconds: completionRecovery(env.COMPLETION_RECOVERY_SECONDS),
    trustProxy: trustProxy(env.TRUST_PROXY),
    zeebeGateway: zeebeGateway(env, nodeEnv, cwd),
    engine: engine(env),
    mail: mail(env),
    sms: sms(env),
    publicUrl: optionalUrl(env, 'PUBLIC_URL', ['http', 'https']),
  };
}

function zeebeGateway(env: NodeJS.ProcessEnv, nodeEnv: string, cwd: string): Config['zeebeGateway'] {
  const raw = nonEmpty(env, 'ZEEBE_GATEWAY_PORT');
  const n = raw === undefined ? 26500 : Number(raw);
  if (raw !== undefined && (!/^\d+$/.test(raw) || n > 65535)) {
    throw new ConfigError('ZEEBE_GATEWAY_PORT', `expected an integer from 0 (no gateway) to 65535, got ${JSON.stringify(raw)}`);
  }
  if (n === 0) return undefined;
  const host = nonEmpty(env, 'ZEEBE_GATEWAY_HOST') ?? '127.0.0.1';
  const cert = nonEmpty(env, 'ZEEBE_GATEWAY_TLS_CERT');
  const key = nonEmpty(env, 'ZEEBE_GATEWAY_TLS_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    const [given, missing] = cert === undefined ? ['ZEEBE_GATEWAY_TLS_KEY', 'ZEEBE_GATEWAY_TLS_CERT'] : ['ZEEBE_GATEWAY_TLS_CERT', 'ZEEBE_GATEWAY_TLS_KEY'];
    throw new ConfigError(given, `${JSON.stringify(cert ?? key)} given without ${missing}: set both (PEM files), or neither for plaintext`);
  }
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  if (!cert && !loopback && nodeEnv === 'production') {
    throw new ConfigError(
      'ZEEBE_GATEWAY_HOST',
      `plaintext gRPC listens on loopback only in production: set ZEEBE_GATEWAY_TLS_CERT and ZEEBE_GATEWAY_TLS_KEY to listen on ${host}`,
    );
  }
  return { port: n, host, ...(cert && key ? { tls: { certFile: resolve(cwd, cert), keyFile: resolve(cwd, key) } } : {}) };
}

function engine(env: NodeJS.ProcessEnv): EngineConfig {
  const kind = nonEmpty(env, 'ENGINE') ?? 'embedded';
  if (kind === 'embedded') return { kind };
  if (kind !== 'zeebe') throw new ConfigError('ENGINE', `expected embedded or zeebe, got ${JSON.stringify(kind)}`);
  const address = (name: string, schemes: string[]) => {
    const v = nonEmpty(env, name);
    if (v === undefined) throw new ConfigError(name, `required with ENGINE=zeebe (${schemes.map((x) => `${x}://host:port`).join(' or ')})`);
    return checkedUrl(name, v, schemes);
  };
  const grpcAddress = address('ZEEBE_GRPC_ADDRESS', ['grpc', 'grpcs']);
  const restAddress = address('ZEEBE_REST_ADDRESS', ['http', 'https']);
  const url = nonEmpty(env, 'CAMUNDA_OAUTH_URL');
  const strategy = nonEmpty(env, 'CAMUNDA_AUTH_STRATEGY') ?? (url ? 'OAUTH' : 'NONE');
  if (strategy === 'NONE') return { kind, grpcAddress, restAddress, auth: { strategy } };
  if (strategy !== 'OAUTH') throw new ConfigError('CAMUNDA_AUTH_STRATEGY', `expected OAUTH or NONE, got ${JSON.stringify(strategy)}`);
  const need = (name: string) => {
    const v = nonEmpty(env, name);
    if (v === undefined) throw new ConfigError(name, 'required with CAMUNDA_AUTH_STRATEGY=OAUTH');
    return v;
  };
  const audience = nonEmpty(env, 'ZEEBE_TOKEN_AUDIENCE');
  return {
    kind,
    grpcAddress,
    restAddress,
    auth: {
      strategy,
      url: need('CAMUNDA_OAUTH_URL'),
      clientId: need('ZEEBE_CLIENT_ID'),
      clientSecret: need('ZEEBE_CLIENT_SECRET'),
      ...(audience ? { audience } : {}),
    },
  };
}

function jwtSecret(v: string | undefined, nodeEnv: string): string | undefined {
  if (v === undefined || v.trim() === '') {
    if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET', 'required in production: the key that signs login tokens (at least 32 characters)');
    return undefined;
  }
  // Never echoed: it is a secret.
  if (v.trim().length < 32) throw new ConfigError('JWT_SECRET', 'too short: use at least 32 random characters');
  return v.trim();
}

function trustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined || v.trim() === '' || v.trim() === 'false') return false;
  const s = v.trim();
  if (/^\d+$/.test(s) && Number(s) <= 10) return Number(s);
  const names = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const parts = s.split(',').map((x) => x.trim());
  if (parts.every((p) => names.has(p) || /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(p))) return parts.join(', ');
  throw new ConfigError(
    'TRUST_PROXY',
    `expected a number of hops (0–10), loopback, linklocal, uniquelocal, or IP addresses/CIDR ranges separated by commas, got ${JSON.stringify(v)}`,
  );
}

function jwtTtl(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return 8 * 3600;
  const s = v.trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 7 * 24 * 3600) {
    throw new ConfigError('JWT_TTL_SECONDS', `expected a number of seconds from 1 to 604800, got ${JSON.stringify(v)}`);
  }
  return n;
}

function completionRecovery(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return 60;
  const s = v.trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 5 || n > 3600) {
    throw new ConfigError('COMPLETION_RECOVERY_SECONDS', `expected a number of seconds from 5 to 3600, got ${JSON.stringify(v)}`);
  }
  return n;
}

function port(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return 3000;
  const s = v.trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new ConfigError('PORT', `expected an integer from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

function databaseUrl(v: string | undefined): string | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    throw new ConfigError('DATABASE_URL', 'expected a connection URL such as postgres://user@host:5432/db');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// or postgresql:// URL, got the scheme ${JSON.stringify(u.protocol)}`);
  }
  return v.trim();
}

function logLevel(v: string | undefined): LogLevel {
  if (v === undefined || v.trim() === '') return 'info';
  const s = v.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(s)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return s as LogLevel;
}

/** `v` as given (without trailing slashes) when it is a URL of one of `schemes`; `secret`: never echo it (it may hold a password). */
function checkedUrl(name: string, v: string, schemes: string[], secret = false): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(name, secret ? 'not a URL' : `not a URL: ${JSON.stringify(v)}`);
  }
  if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw new ConfigError(name, `expected ${schemes.join(' or ')}, got ${u.protocol}`);
  return v.replace(/\/+$/, '');
}

function optionalUrl(env: NodeJS.ProcessEnv, name: string, schemes: string[]): string | undefined {
  const v = nonEmpty(env, name);
  return v === undefined ? undefined : checkedUrl(name, v, schemes);
}

function mail(env: NodeJS.ProcessEnv): Config['mail'] {
  const url = nonEmpty(env, 'SMTP_URL');
  const from = nonEmpty(env, 'MAIL_FROM');
  if (url === undefined) {
    if (from !== undefined) throw new ConfigError('MAIL_FROM', 'given without SMTP_URL: set the mail server too, or neither');
    return undefined;
  }
  if (from === undefined)
    throw new ConfigError('MAIL_FROM', 'required with SMTP_URL: the sender of the applicants\' e-mails, e.g. "Bộ phận Một cửa" <mot-cua@example.gov.vn>');
  return { url: checkedUrl('SMTP_URL', url, ['smtp', 'smtps'], true), from };
}

function sms(env: NodeJS.ProcessEnv): Config['sms'] {
  const url = nonEmpty(env, 'SMS_WEBHOOK_URL');
  const secret = nonEmpty(env, 'SMS_WEBHOOK_SECRET');
  if (url === undefined) {
    if (secret !== undefined) throw new ConfigError('SMS_WEBHOOK_SECRET', 'given without SMS_WEBHOOK_URL: set the gateway too, or neither');
    return undefined;
  }
  return { url: checkedUrl('SMS_WEBHOOK_URL', url, ['http', 'https'], true), ...(secret ? { secret } : {}) };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
