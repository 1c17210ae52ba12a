/**
 * Feature: the service starts from its configuration — database, engine, the BPMN files of
 * PROCESSES_DIR, HTTP — and a restart over the same database creates no new versions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import { StartupError, startService } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { call, serviceTaskProcess, tempDir, testConfig, unsupportedProcess } from './support.js';

const silent = pino({ level: 'silent' });

describe('Scenario: configuration from the environment', () => {
  test('Given an empty environment, when it is read, then the documented defaults apply', () => {
    const c = loadConfig({}, '/srv/lienthong');
    expect(c).toEqual({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '/srv/lienthong/data',
      processesDir: '/srv/lienthong/processes',
      processesDirExplicit: false,
      logLevel: 'info',
      nodeEnv: 'development',
      jwtSecret: undefined,
      jwtTtlSeconds: 28800,
      completionRecoverySeconds: 60,
      zeebeGateway: { port: 26500, host: '127.0.0.1' },
      trustProxy: false,
      engine: { kind: 'embedded' },
      mail: undefined,
      sms: undefined,
      publicUrl: undefined,
    });
  });

  test('Given every variable, when it is read, then each is typed', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u@db:5432/lt',
        DATA_DIR: '/var/lt',
        PROCESSES_DIR: 'quy-trinh',
        LOG_LEVEL: 'DEBUG',
        NODE_ENV: 'production',
        JWT_SECRET: 'k'.repeat(40),
        JWT_TTL_SECONDS: '600',
        COMPLETION_RECOVERY_SECONDS: '30',
        ZEEBE_GATEWAY_PORT: '26600',
        ZEEBE_GATEWAY_HOST: '0.0.0.0',
        ZEEBE_GATEWAY_TLS_CERT: 'tls/gateway.crt',
        ZEEBE_GATEWAY_TLS_KEY: 'tls/gateway.key',
        TRUST_PROXY: '1',
        ENGINE: 'zeebe',
        ZEEBE_GRPC_ADDRESS: 'grpcs://camunda:26500',
        ZEEBE_REST_ADDRESS: 'http://camunda:8080/',
        CAMUNDA_OAUTH_URL: 'http://keycloak/token',
        ZEEBE_CLIENT_ID: 'lienthong',
        ZEEBE_CLIENT_SECRET: 'bi-mat',
        ZEEBE_TOKEN_AUDIENCE: 'zeebe-api',
        SMTP_URL: 'smtps://mot-cua:mat-khau@mail.example.gov.vn:465',
        MAIL_FROM: '"Bộ phận Một cửa" <mot-cua@example.gov.vn>',
        PUBLIC_URL: 'https://motcua.example.gov.vn/',
        SMS_WEBHOOK_URL: 'https://sms-gateway.example.gov.vn/lienthong',
        SMS_WEBHOOK_SECRET: 'khoa-ky-tin-nhan',
      },
      '/srv',
    );
    expect(c).toEqual({
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/lt',
      dataDir: '/var/lt',
      processesDir: '/srv/quy-trinh',
      processesDirExplicit: true,
      logLevel: 'debug',
      nodeEnv: 'production',
      jwtSecret: 'k'.repeat(40),
      jwtTtlSeconds: 600,
      completionRecoverySeconds: 30,
      zeebeGateway: { port: 26600, host: '0.0.0.0', tls: { certFile: '/srv/tls/gateway.crt', keyFile: '/srv/tls/gateway.key' } },
      trustProxy: 1,
      engine: {
        kind: 'zeebe',
        grpcAddress: 'grpcs://camunda:26500',
        restAddress: 'http://camunda:8080',
        auth: { strategy: 'OAUTH', url: 'http://keycloak/token', clientId: 'lienthong', clientSecret: 'bi-mat', audience: 'zeebe-api' },
      },
      mail: { url: 'smtps://mot-cua:mat-khau@mail.example.gov.vn:465', from: '"Bộ phận Một cửa" <mot-cua@example.gov.vn>' },
      sms: { url: 'https://sms-gateway.example.gov.vn/lienthong', secret: 'khoa-ky-tin-nhan' },
      publicUrl: 'https://motcua.example.gov.vn',
    });
    expect(loadConfig({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://z:26500', ZEEBE_REST_ADDRESS: 'http://z:8080' }).engine).toEqual({
      kind: 'zeebe',
      grpcAddress: 'grpc://z:26500',
      restAddress: 'http://z:8080',
      auth: { strategy: 'NONE' },
    });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ ZEEBE_GATEWAY_PORT: '0' }).zeebeGateway).toBeUndefined();
    expect(loadConfig({ COMPLETION_RECOVERY_SECONDS: '10' }).completionRecoverySeconds).toBe(10);
  });

  const refuse = (name: string, value: string): ConfigError => {
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).variable).toBe(name);
      expect((e as Error).message).toMatch(new RegExp(`^${name}: `));
      return e as ConfigError;
    }
    throw new Error(`${name}=${value} was accepted`);
  };

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['ZEEBE_GATEWAY_PORT', '65536'],
    ['ZEEBE_GATEWAY_TLS_CERT', 'only-the-cert.pem'],
    ['LOG_LEVEL', 'loud'],
    ['JWT_TTL_SECONDS', '0'],
    ['JWT_TTL_SECONDS', '8h'],
    ['COMPLETION_RECOVERY_SECONDS', '2'],
    ['COMPLETION_RECOVERY_SECONDS', '1m'],
    ['TRUST_PROXY', 'yes please'],
    ['ENGINE', 'camunda7'],
    ['PUBLIC_URL', 'motcua.example.gov.vn'],
  ])('Given %s=%s, when it is read, then startup stops with an error naming the variable and the value', (name, value) => {
    expect(refuse(name, value).message).toContain(JSON.stringify(value));
  });

  test('Given ENGINE=zeebe without its addresses or with half its credentials, when it is read, then startup stops naming what is missing', () => {
    expect(() => loadConfig({ ENGINE: 'zeebe' })).toThrow(/^ZEEBE_GRPC_ADDRESS: required with ENGINE=zeebe/);
    expect(() => loadConfig({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'http://z:26500' })).toThrow(/^ZEEBE_GRPC_ADDRESS: expected grpc or grpcs/);
    expect(() => loadConfig({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://z:26500' })).toThrow(/^ZEEBE_REST_ADDRESS: required/);
    const half = { ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://z:26500', ZEEBE_REST_ADDRESS: 'http://z:8080', CAMUNDA_OAUTH_URL: 'http://idp/token' };
    expect(() => loadConfig(half)).toThrow(/^ZEEBE_CLIENT_ID: required with CAMUNDA_AUTH_STRATEGY=OAUTH/);
  });

  test('Given SMTP_URL without MAIL_FROM, the sender without a server, a server that is not SMTP, or an SMS secret without its gateway, when it is read, then startup stops naming the variable and never echoes the URL (it may hold a password)', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.gov.vn' })).toThrow(/^MAIL_FROM: required with SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'mot-cua@example.gov.vn' })).toThrow(/^MAIL_FROM: given without SMTP_URL/);
    const from = { MAIL_FROM: 'mot-cua@example.gov.vn' };
    expect(() => loadConfig({ ...from, SMTP_URL: 'https://u:mat-khau@mail.example.gov.vn' })).toThrow(/^SMTP_URL: expected smtp or smtps, got https:$/);
    expect(() => loadConfig({ ...from, SMTP_URL: 'smtp://u:mat-khau@[mail' })).toThrow(/^SMTP_URL: not a URL$/);
    expect(() => loadConfig({ SMS_WEBHOOK_SECRET: 'khoa' })).toThrow(/^SMS_WEBHOOK_SECRET: given without SMS_WEBHOOK_URL/);
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'ftp://gateway/sms' })).toThrow(/^SMS_WEBHOOK_URL: expected http or https, got ftp:$/);
  });

  test('Given production without JWT_SECRET, or a short one, when it is read, then startup stops naming JWT_SECRET and never echoes it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^JWT_SECRET: required in production/);
    expect(refuse('JWT_SECRET', 'kort-geheim').message).not.toContain('kort-geheim');
  });

  test('Given production with the test runs’ light password hashing, when it is read, then startup stops naming LIENTHONG_TEST_HASHES', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig({ ...production, LIENTHONG_TEST_HASHES: 'light' })).toThrow(/^LIENTHONG_TEST_HASHES: for test runs only/);
    expect(() => loadConfig({ LIENTHONG_TEST_HASHES: 'light' })).not.toThrow();
  });

  test('Given a DATABASE_URL that is not a PostgreSQL URL, when it is read, then the error names the variable but never echoes it (it may hold a password)', () => {
    expect(refuse('DATABASE_URL', 'not a url').message).not.toContain('not a url');
    expect(refuse('DATABASE_URL', 'mysql://u:bi-mat@h/db').message).not.toContain('bi-mat');
  });
});

describe('Scenario: deploying PROCESSES_DIR at start', () => {
  let t: TestDb | undefined;
  let data: ReturnType<typeof tempDir>;
  let procs: ReturnType<typeof tempDir>;

  /** The same database for every start: a fresh PostgreSQL database, or a PGlite folder on disk. */
  const config = (): Config => testConfig({ databaseUrl: t?.url, dataDir: data.path, processesDir: procs.path, processesDirExplicit: true });

  beforeAll(async () => {
    if (process.env.DATABASE_URL) t = await openTestDb();
    data = tempDir();
    procs = tempDir();
    mkdirSync(join(procs.path, 'ho-tich', 'khai-sinh'), { recursive: true });
    mkdirSync(join(procs.path, 'cu-tru'));
    writeFileSync(join(procs.path, 'ho-tich', 'khai-sinh', 'process.bpmn'), serviceTaskProcess('dang-ky-khai-sinh', 'khai-sinh'));
    writeFileSync(join(procs.path, 'cu-tru', 'tam-tru.bpmn'), serviceTaskProcess('dang-ky-tam-tru', 'tam-tru'));
    writeFileSync(join(procs.path, 'cu-tru', 'procedure.json'), '{}'); // not BPMN: left alone
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
    procs.remove();
  });

  const definitions = async (url: string) =>
    (await call(url, 'POST', '/v2/process-definitions/search', { sort: [{ field: 'processDefinitionId' }, { field: 'version' }] })).body.items.map(
      (d: any) => `${d.processDefinitionId}:${d.version}:${d.resourceName}`,
    );

  test('Given BPMN files in nested folders, when the service starts, then each is deployed, named by its path, and serves HTTP', async () => {
    const svc = await startService(config(), { logger: silent });
    try {
      expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(svc.url, 'GET', '/healthz')).body).toEqual({ status: 'ok', db: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
      expect(await definitions(svc.url)).toEqual(['dang-ky-khai-sinh:1:ho-tich/khai-sinh/process.bpmn', 'dang-ky-tam-tru:1:cu-tru/tam-tru.bpmn']);
      const pi = await call(svc.url, 'POST', '/v2/process-instances', { processDefinitionId: 'dang-ky-khai-sinh' });
      expect(pi.status).toBe(200);
    } finally {
      await svc.close();
    }
  });

  test('Given the same files, when the service starts again, then no new version is created and the instance is still there', async () => {
    const svc = await startService(config(), { logger: silent });
    try {
      expect(await definitions(svc.url)).toEqual(['dang-ky-khai-sinh:1:ho-tich/khai-sinh/process.bpmn', 'dang-ky-tam-tru:1:cu-tru/tam-tru.bpmn']);
      const active = await call(svc.url, 'POST', '/v2/process-instances/search', {
        filter: { processDefinitionId: 'dang-ky-khai-sinh', state: 'ACTIVE' },
      });
      expect(active.body.page.totalItems).toBe(1);
    } finally {
      await svc.close();
    }
  });

  test('Given one file changed, when the service starts again, then only that process gets version 2', async () => {
    writeFileSync(join(procs.path, 'cu-tru', 'tam-tru.bpmn'), serviceTaskProcess('dang-ky-tam-tru', 'tam-tru-v2'));
    const svc = await startService(config(), { logger: silent });
    try {
      expect(await definitions(svc.url)).toEqual([
        'dang-ky-khai-sinh:1:ho-tich/khai-sinh/process.bpmn',
        'dang-ky-tam-tru:1:cu-tru/tam-tru.bpmn',
        'dang-ky-tam-tru:2:cu-tru/tam-tru.bpmn',
      ]);
    } finally {
      await svc.close();
    }
  });

  test('Given a file the engine refuses, when the service starts, then startup fails naming the file and the element, and nothing is deployed', async () => {
    mkdirSync(join(procs.path, 'dat-dai'));
    writeFileSync(join(procs.path, 'dat-dai', 'process.bpmn'), unsupportedProcess('cap-so-do'));
    writeFileSync(join(procs.path, 'dat-dai', 'moi.bpmn'), serviceTaskProcess('dat-dai-moi', 'moi'));
    let err: unknown;
    try {
      const svc = await startService(config(), { logger: silent });
      await svc.close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toContain('dat-dai/process.bpmn');
    expect((err as Error).message).toMatch(/ComplexGateway 'cg'/);
    expect((err as StartupError).details).toMatchObject({
      resource: 'dat-dai/process.bpmn',
      problems: [expect.objectContaining({ elementId: 'cg' })],
    });

    // The database was released and is untouched: once the file is fixed the next start deploys.
    writeFileSync(join(procs.path, 'dat-dai', 'process.bpmn'), serviceTaskProcess('cap-so-do', 'so-do'));
    const svc = await startService(config(), { logger: silent });
    try {
      const ids = await definitions(svc.url);
      expect(ids).toEqual(expect.arrayContaining(['cap-so-do:1:dat-dai/process.bpmn', 'dat-dai-moi:1:dat-dai/moi.bpmn']));
      expect(ids).toHaveLength(5);
    } finally {
      await svc.close();
    }
  });

  test('Given PROCESSES_DIR names a folder that does not exist, when the service starts, then startup fails naming PROCESSES_DIR', async () => {
    const db = await openTestDb();
    try {
      await expect(
        startService(testConfig({ processesDir: join(procs.path, 'khong-co'), processesDirExplicit: true }), { db: db.db, logger: silent }),
      ).rejects.toThrow(/^PROCESSES_DIR: /);
    } finally {
      await db.close();
    }
  });

  test('Given a started service, when it logs its start, then one JSON line carries the port and the kind of database', async () => {
    const db = await openTestDb();
    const lines: any[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const svc = await startService(testConfig(), { db: db.db, logger });
    try {
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'lienthong listening', port: svc.port, db: db.db.kind, engine: 'embedded' }));
    } finally {
      await svc.close();
      await db.close();
    }
    await expect(fetch(svc.url + '/healthz')).rejects.toThrow();
  });
});
