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
}

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
  return {
    port: port(env.PORT),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    dataDir: resolve(cwd, nonEmpty(env, 'DATA_DIR') ?? './data'),
    processesDir: resolve(cwd, nonEmpty(env, 'PROCESSES_DIR') ?? './processes'),
    processesDirExplicit: nonEmpty(env, 'PROCESSES_DIR') !== undefined,
    logLevel: logLevel(env.LOG_LEVEL),
    nodeEnv: nonEmpty(env, 'NODE_ENV') ?? 'development',
  };
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

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
