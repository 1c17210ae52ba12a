/**
 * Feature: the container files (Dockerfile, docker-compose.yml: lienthong on Camunda 8.8,
 * docker-compose.embedded.yml: lienthong on its embedded engine) start a stack that holds
 * together. Docker does not run where the tests run, so the files are read instead: each
 * service says when it is ready, lienthong waits for what it needs, its environment is one that
 * src/config.ts reads and accepts (`loadConfig` is called with it), and every address in it points
 * at a service of the file and a port that service listens on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ConfigError, loadConfig } from '../src/config.js';

const ROOT = process.cwd();
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

type Env = Record<string, string | undefined>;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: string | number })[];
  expose?: (string | number)[];
  volumes?: (string | { target: string })[];
  configs?: (string | { source: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  configs?: Record<string, { content?: string; file?: string }>;
}

const load = (file: string) => yaml.load(read(file)) as Compose;
const scaled = load('docker-compose.yml');
const embedded = load('docker-compose.embedded.yml');
const FILES: [string, Compose][] = [
  ['docker-compose.yml', scaled],
  ['docker-compose.embedded.yml', embedded],
];

/**
 * Compose's interpolation of one value: `$$` is a `$`; `${X:-d}` is X unless unset or empty, then
 * d; `${X-d}` is X unless unset; `${X:?e}` and `${X?e}` require X; `${X}` and `$X` are X or ''.
 * With no variables given, every default applies: the stack as `docker compose up` starts it.
 */
function interpolate(value: string, vars: Env = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      if (bare !== undefined) return vars[bare] ?? '';
      const v = vars[name!];
      const missing = colon ? v === undefined || v === '' : v === undefined;
      if (op === '-') return missing ? arg! : v!;
      if (op === '?') {
        if (missing) throw new Error(`${name!} is required: ${arg!}`);
        return v!;
      }
      return v ?? '';
    },
  );
}

/** A service's environment as given in the file, in either of compose's two forms. */
function rawEnvironment(s: Service): Record<string, string> {
  const e = s.environment ?? {};
  if (Array.isArray(e)) {
    return Object.fromEntries(
      e.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const environment = (s: Service, vars: Env = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(rawEnvironment(s)).map(([k, v]) => [k, interpolate(v, vars)]));

/** The container ports a service publishes (`ports`, any short or long form) or exposes. */
function containerPorts(s: Service): number[] {
  const published = (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.target);
    const spec = String(p).split('/')[0];
    return Number(spec.split(':').at(-1));
  });
  return [...published, ...(s.expose ?? []).map((p) => Number(String(p).split('/')[0]))];
}

const dependsOn = (s: Service): Record<string, { condition?: string }> =>
  Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, {}])) : (s.depends_on ?? {});

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const instructions = (name: string) => dockerfile.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
/** The stage that runs: the instructions after the last FROM. */
const runStage = dockerfile.slice(dockerfile.map((l) => l.toUpperCase().startsWith('FROM ')).lastIndexOf(true));
const runInstructions = (name: string) => runStage.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
const exposed = instructions('EXPOSE').flatMap((l) => l.split(/\s+/).map((p) => Number(p.split('/')[0])));
const workdir = runInstructions('WORKDIR').at(-1)!;
const imageEnv = Object.fromEntries(runInstructions('ENV').flatMap((l) => l.split(/\s+/).map((kv) => kv.split('=') as [string, string]))) as Record<
  string,
  string
>;

const configSource = read('src/config.ts');

describe('Scenario: every service says when it is ready, and lienthong waits for what it needs', () => {
  test.each(FILES)('Given %s, when its services are read, then each has a healthcheck that runs a command', (_file, compose) => {
    expect(Object.keys(compose.services).length).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(compose.services)) {
      expect([name, s.healthcheck?.disable ?? false]).toEqual([name, false]);
      const test = s.healthcheck?.test;
      expect([name, Array.isArray(test) ? test[0] : typeof test]).toEqual([name, expect.stringMatching(/^(CMD|CMD-SHELL|string)$/)]);
    }
  });

  test('Given docker-compose.yml, when lienthong starts, then it waits for a healthy PostgreSQL and a healthy Camunda, and Camunda for its Elasticsearch', () => {
    const { lienthong, camunda } = scaled.services;
    expect(dependsOn(lienthong)).toMatchObject({ postgres: { condition: 'service_healthy' }, camunda: { condition: 'service_healthy' } });
    expect(dependsOn(camunda)).toMatchObject({ elasticsearch: { condition: 'service_healthy' } });
  });

  test('Given docker-compose.embedded.yml, when lienthong starts, then it waits for a healthy PostgreSQL and nothing of Camunda is there', () => {
    expect(dependsOn(embedded.services.lienthong)).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(Object.keys(embedded.services).sort()).toEqual(['lienthong', 'postgres']);
  });

  test('Given Camunda, when its readiness is checked, then it asks the management port for /actuator/health/readiness and wants a 200', () => {
    const test = scaled.services.camunda.healthcheck!.test!;
    const command = Array.isArray(test) ? test.join(' ') : test;
    expect(command).toContain('/dev/tcp/127.0.0.1/9600');
    expect(command).toContain('GET /actuator/health/readiness HTTP/1.1');
    expect(command).toContain(" 200 '");
  });

  test.each(FILES)('Given %s, when lienthong is checked, then it asks GET /healthz on the port it listens on', (_file, compose) => {
    const s = compose.services.lienthong;
    const test = s.healthcheck!.test!;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain(`http://127.0.0.1:${environment(s).PORT}/healthz`);
  });

  test('Given the two files, when both are read, then they are separate projects, so their volumes never mix', () => {
    expect(scaled.name).toBeTruthy();
    expect(embedded.name).toBeTruthy();
    expect(scaled.name).not.toBe(embedded.name);
  });
});

describe("Scenario: lienthong's environment is one src/config.ts reads and accepts", () => {
  test.each(FILES)(
    'Given %s, when each variable set on lienthong is looked up in src/config.ts, then the code reads it (a misspelt one fails)',
    (_file, compose) => {
      const names = Object.keys(rawEnvironment(compose.services.lienthong));
      expect(names.length).toBeGreaterThan(0);
      const unread = names.filter((n) => !new RegExp(`(env\\.${n}\\b|'${n}')`).test(configSource));
      expect(unread).toEqual([]);
    },
  );

  test("Given docker-compose.yml with no variables set, when loadConfig reads lienthong's environment, then it runs on Zeebe at the camunda service, with no gateway of its own", () => {
    const env = environment(scaled.services.lienthong);
    const config = loadConfig(env, workdir);
    expect(config.engine).toEqual({ kind: 'zeebe', grpcAddress: 'grpc://camunda:26500', restAddress: 'http://camunda:8080', auth: { strategy: 'NONE' } });
    expect(config.port).toBe(3000);
    expect(config.zeebeGateway).toBeUndefined();
    expect(config.databaseUrl).toBe(env.DATABASE_URL);
    expect(config.dataDir).toBe(imageEnv.DATA_DIR);
    expect(config.processesDir).toBe(`${workdir}/processes`);
    expect(config.jwtSecret).toBe(env.JWT_SECRET);
  });

  test('Given docker-compose.yml run with NODE_ENV=production and a JWT_SECRET of its own, when loadConfig reads it, then production accepts it and the secret is the one given', () => {
    const secret = 'a-production-secret-of-forty-characters!';
    const config = loadConfig(environment(scaled.services.lienthong, { NODE_ENV: 'production', JWT_SECRET: secret }), workdir);
    expect(config.nodeEnv).toBe('production');
    expect(config.jwtSecret).toBe(secret);
    expect(config.engine?.kind).toBe('zeebe');
  });

  test.each(FILES)(
    'Given %s, when JWT_SECRET is read, then it comes from the environment, with a marked development default long enough to start',
    (_file, compose) => {
      const raw = rawEnvironment(compose.services.lienthong).JWT_SECRET;
      expect(raw).toMatch(/^\$\{JWT_SECRET:-[^}]+\}$/);
      const fallback = interpolate(raw);
      expect(fallback).toMatch(/dev/i);
      expect(fallback.length).toBeGreaterThanOrEqual(32);
    },
  );

  test("Given docker-compose.embedded.yml, when loadConfig reads lienthong's environment, then the embedded engine runs and its gateway listens on 0.0.0.0:26500", () => {
    const env = environment(embedded.services.lienthong);
    expect(env.ENGINE).toBeUndefined();
    const config = loadConfig(env, workdir);
    expect(config.engine).toEqual({ kind: 'embedded' });
    expect(config.port).toBe(3000);
    expect(config.zeebeGateway).toEqual({ port: 26500, host: '0.0.0.0' });
  });

  test('Given docker-compose.embedded.yml, when its NODE_ENV is read, then it is pinned to development, because production refuses plaintext gRPC on 0.0.0.0', () => {
    const env = environment(embedded.services.lienthong, { NODE_ENV: 'production' });
    expect(env.NODE_ENV).toBe('development');
    let thrown: unknown;
    try {
      loadConfig({ ...env, NODE_ENV: 'production' }, workdir);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe('ZEEBE_GATEWAY_HOST');
  });
});

describe('Scenario: every address points at a service of the file and a port it listens on', () => {
  test('Given docker-compose.yml, when the Zeebe addresses are read, then their hosts are the camunda service and their ports ones it publishes', () => {
    const env = environment(scaled.services.lienthong);
    const camundaPorts = containerPorts(scaled.services.camunda);
    for (const [name, port] of [
      ['ZEEBE_GRPC_ADDRESS', 26500],
      ['ZEEBE_REST_ADDRESS', 8080],
    ] as const) {
      const u = new URL(env[name]);
      expect([name, u.hostname, Number(u.port)]).toEqual([name, 'camunda', port]);
      expect(camundaPorts).toContain(port);
    }
  });

  test.each(FILES)(
    "Given %s, when DATABASE_URL is read, then its host is the postgres service and its user, password and database are the server's",
    (_file, compose) => {
      const u = new URL(environment(compose.services.lienthong).DATABASE_URL);
      const pg = environment(compose.services.postgres);
      expect(u.hostname).toBe('postgres');
      expect(compose.services[u.hostname]).toBeDefined();
      expect(Number(u.port || 5432)).toBe(5432);
      expect(decodeURIComponent(u.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(u.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(u.pathname.slice(1)).toBe(pg.POSTGRES_DB);
      // The password follows POSTGRES_PASSWORD on both services when it is set.
      const given = { POSTGRES_PASSWORD: 's3cret' };
      expect(new URL(environment(compose.services.lienthong, given).DATABASE_URL).password).toBe(
        environment(compose.services.postgres, given).POSTGRES_PASSWORD,
      );
    },
  );

  test.each(FILES)('Given %s, when the postgres service is read, then it runs PostgreSQL 15 or 16, checked with pg_isready, on a volume', (_file, compose) => {
    const pg = compose.services.postgres;
    expect(pg.image).toMatch(/^postgres:1[56](\b|$)/);
    const test = pg.healthcheck!.test!;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain('pg_isready');
    expect((pg.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target))).toContain('/var/lib/postgresql/data');
  });

  test("Given Camunda's application.yaml, when it is read, then secondary storage is the elasticsearch service and API clients need no credentials", () => {
    const camunda = scaled.services.camunda;
    const mounted = (camunda.configs ?? []).find((c) => typeof c === 'object' && c.target === '/usr/local/camunda/config/application.yaml');
    expect(mounted).toBeDefined();
    const content = scaled.configs?.[(mounted as { source: string }).source]?.content;
    expect(content).toBeDefined();
    const app = yaml.load(content!) as any;
    const storage = app.camunda.data['secondary-storage'];
    expect(storage.type).toBe('elasticsearch');
    const es = new URL(storage.elasticsearch.url);
    expect(scaled.services[es.hostname]).toBeDefined();
    expect(Number(es.port)).toBe(9200);
    // CAMUNDA_AUTH_STRATEGY=NONE on lienthong holds only while the API is unprotected, and gRPC
    // checks authorizations of its own.
    expect(environment(scaled.services.lienthong).CAMUNDA_AUTH_STRATEGY).toBe('NONE');
    expect(app.camunda.security.authentication.unprotectedApi).toBe(true);
    expect(app.camunda.security.authorizations.enabled).toBe(false);
  });

  test('Given the camunda service, when its image is read, then it is the Orchestration Cluster image at a pinned 8.8 patch release', () => {
    expect(scaled.services.camunda.image).toMatch(/^camunda\/camunda:8\.8\.\d+$/);
  });
});

describe('Scenario: the image lienthong runs from', () => {
  test.each(FILES)(
    'Given %s, when lienthong is read, then it is built from this repository and the Dockerfile exposes every port it maps',
    (_file, compose) => {
      const s = compose.services.lienthong;
      expect(typeof s.build === 'string' ? s.build : s.build?.context).toBe('.');
      const mapped = containerPorts(s);
      expect(mapped.length).toBeGreaterThan(0);
      expect(exposed).toEqual(expect.arrayContaining(mapped));
      expect(mapped).toContain(Number(environment(s).PORT));
    },
  );

  test.each(FILES)('Given %s, when lienthong is read, then its data lives on a volume at the DATA_DIR the image sets', (_file, compose) => {
    const s = compose.services.lienthong;
    expect(environment(s).DATA_DIR).toBe(imageEnv.DATA_DIR);
    expect((s.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target))).toContain(imageEnv.DATA_DIR);
  });

  test('Given the Dockerfile, when it is read, then Node 20 type-checks and builds with npm ci, typecheck, build and build:web, and a non-root user runs dist/src/main.js with a healthcheck on /healthz', () => {
    expect(instructions('FROM').every((f) => /^node:20[-.\w]*(\s|$)/.test(f))).toBe(true);
    const runs = instructions('RUN').join(' && ');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run typecheck');
    expect(runs).toContain('npm run build ');
    expect(runs).toContain('npm run build:web');
    // .npmrc (ignore-scripts=true) is in place before npm ci installs anything.
    const npmci = dockerfile.findIndex((l) => /^RUN npm ci\b/.test(l));
    expect(dockerfile.slice(0, npmci).some((l) => /^COPY .*\.npmrc/.test(l))).toBe(true);
    expect(read('.npmrc')).toMatch(/^ignore-scripts=true$/m);
    const user = runInstructions('USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    expect(exposed).toEqual(expect.arrayContaining([3000, 26500]));
    expect(imageEnv.DATA_DIR).toBe('/var/lib/lienthong');
    expect(runInstructions('HEALTHCHECK').join(' ')).toContain('/healthz');
    expect(runInstructions('CMD').at(-1)).toBe('["node", "dist/src/main.js"]');
  });

  test("Given .dockerignore, when it is read, then the host's dependencies and build stay out and what npm ci needs stays in", () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist']));
    for (const kept of ['package.json', 'package-lock.json', '.npmrc', 'packages', 'src', 'schemas', 'processes', 'scripts', 'tests'])
      expect(ignored).not.toContain(kept);
  });
});
