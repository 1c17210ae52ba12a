/**
 * The whole service started in-process on port 0 over a fresh database (tests/support/db.ts),
 * called over real HTTP with Node's fetch; plus the BPMN fixtures the HTTP tests deploy.
 *
 * Every request is signed in: `call` and `deploy` send an admin's token (signed with the test
 * key that `testConfig` gives the service) unless the caller passes its own `authorization`
 * header — an empty one calls anonymously.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import { createTokenService, type Principal } from '../../src/http/auth.js';
import { startService, type Service } from '../../src/main.js';
import { chain, definitions, end, flow, named, node, proc, processXml, serviceTask, start } from '../support/bpmn.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { pino } from 'pino';

export interface TestService {
  url: string;
  service: Service;
  t: TestDb;
  close(): Promise<void>;
}

/** The token key of every test service. */
export const TEST_JWT_SECRET = 'lienthong-tests-only-key-0123456789abcdef';
const testTokens = createTokenService({ secret: TEST_JWT_SECRET, ttlSeconds: 3600 });

/**
 * A token for `user`, signed with the service's key. Without `version` it is accepted only for a
 * username with no account row (a made-up test user); for a real account, give its token version.
 */
export async function tokenFor(user: Principal, version?: number): Promise<string> {
  return (await testTokens.issue(user, version)).token;
}

let adminToken: Promise<string> | undefined;
/** `{ authorization: 'Bearer …' }` of an administrator. */
export async function adminHeaders(): Promise<Record<string, string>> {
  adminToken ??= tokenFor({ username: 'test-admin', role: 'admin', agencyCode: null });
  return { authorization: `Bearer ${await adminToken}` };
}

async function withAuth(headers: Record<string, string>): Promise<Record<string, string>> {
  const h = { ...headers };
  if (!('authorization' in h)) Object.assign(h, await adminHeaders());
  else if (!h.authorization) delete h.authorization;
  return h;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    dataDir: join(tmpdir(), 'lienthong-unused'),
    processesDir: join(tmpdir(), 'lienthong-no-processes-here'),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'test',
    jwtSecret: TEST_JWT_SECRET,
    jwtTtlSeconds: 3600,
    ...overrides,
  };
}

/** The service over a fresh database; `clock`: the service's time (a ManualClock the test moves). */
export async function startTestService(opts: { clock?: Clock } = {}): Promise<TestService> {
  const t = await openTestDb();
  let service: Service;
  try {
    service = await startService(testConfig(), { db: t.db, logger: pino({ level: 'silent' }), clock: opts.clock });
  } catch (e) {
    await t.close();
    throw e;
  }
  return {
    url: service.url,
    service,
    t,
    async close() {
      await service.close();
      await t.close();
    },
  };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'lienthong-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON in, JSON (or text) out. */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: await withAuth(headers) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function deploy(base: string, files: { name: string; xml: string }[], field = 'resources'): Promise<Reply> {
  const form = new FormData();
  for (const f of files) form.append(field, new Blob([f.xml], { type: 'application/octet-stream' }), f.name);
  const res = await fetch(base + '/v2/deployments', { method: 'POST', body: form, headers: await adminHeaders() });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** start → service task `task` "Xử lý" (job `type`, header agency=UBND-XA, 3 retries unless told) → end. */
export function serviceTaskProcess(id: string, type: string, opts: { name?: string; retries?: number } = {}): string {
  const task = named('Xử lý', serviceTask('task', type, { retries: opts.retries ?? 3, headers: { agency: 'UBND-XA' } }));
  return definitions(
    named(opts.name, proc(id, start('start'), task, end('end'), flow('start', 'task', { id: 'toTask' }), flow('task', 'end', { id: 'toEnd' }))),
  );
}

/** A process the embedded engine refuses: a complex gateway `cg`. */
export function unsupportedProcess(id: string): string {
  return processXml(id, start('start'), node('complexGateway', 'cg'), end('end'), ...chain('start', 'cg', 'end'));
}

// Literal: documents the builder cannot write, for the parser's refusals (a DTD, unclosed tags).
export const DTD_BPMN = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="x">&lol2;</bpmn:process></bpmn:definitions>`;

export const MALFORMED_BPMN = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="x">`;
