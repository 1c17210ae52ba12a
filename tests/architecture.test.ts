/**
 * Feature: the house keeps its shape (docs/architecture.md). A room of src/ imports only the
 * rooms below it in the room table, and its SQL names only the tables it owns; the seams that
 * still cross a wall are listed here by name, so a new one fails this test and a fixed one must
 * leave the list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const SRC = join(process.cwd(), 'src');

/** docs/architecture.md, "The rooms of src/": what each room may import (shared files at src/ are open to all). */
const MAY_IMPORT: Record<string, string[]> = {
  web: [],
  http: ['dossiers', 'tasks', 'workers', 'reports', 'accounts', 'audit', 'sla', 'calendar', 'procedures', 'security', 'engine', 'bpmn', 'feel', 'db'],
  dossiers: ['tasks', 'sla', 'accounts', 'audit', 'engine', 'procedures', 'calendar', 'bpmn', 'feel', 'db', 'security'],
  tasks: ['sla', 'accounts', 'audit', 'engine', 'calendar', 'db', 'procedures', 'bpmn', 'feel'],
  workers: ['engine', 'audit', 'procedures', 'db', 'bpmn', 'feel', 'calendar', 'sla'],
  reports: ['db', 'calendar', 'sla', 'accounts'],
  accounts: ['audit', 'security', 'db'],
  audit: ['db'],
  sla: ['calendar', 'engine', 'db', 'audit'],
  calendar: ['db'],
  procedures: ['bpmn', 'feel', 'db'],
  security: ['db'],
  engine: ['bpmn', 'feel', 'db'],
  bpmn: ['feel'],
  feel: [],
  outbound: [],
  db: [],
};

/** docs/architecture.md, "The rooms of src/": the composition root's files at src/, which no room may import (the other files at src/ are shared). */
const COMPOSITION_ROOT = ['main.ts', 'catalogue.ts'];

/** Which room owns each table (docs/architecture.md, "tables"). db/ creates them all in its migrations. */
function ownerOf(table: string): string {
  if (table.startsWith('engine.')) return 'engine';
  const t = table.slice('domain.'.length);
  if (t === 'audit_log') return 'audit';
  if (t.startsWith('calendar_')) return 'calendar';
  if (t.startsWith('sla_') || t === 'outbox' || t === 'notifications') return 'sla';
  if (t === 'tasks' || t === 'task_counts') return 'tasks';
  if (t === 'agencies' || t === 'users' || t === 'api_clients' || t === 'login_failures' || t === 'registry_seeds') return 'accounts';
  if (t.startsWith('dossier')) return 'dossiers';
  throw new Error(`no owner for ${table}`);
}

/**
 * Crossings that exist today, each a seam to close (docs/architecture.md, "Known seams"). A room
 * reading another's table here should call the owner's function instead.
 */
const KNOWN_SEAMS: readonly string[] = [];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The code without its comments (a comment may name any table). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const rooms = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());

test('every folder of src/ is a room of the table', () => {
  expect(rooms.filter((r) => !(r in MAY_IMPORT))).toEqual([]);
});

test('a room imports only the rooms its row allows (web: types only), never the composition root', () => {
  const bad: string[] = [];
  const spec = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const room of rooms) {
    for (const file of files(join(SRC, room))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(spec)) {
        const typeOnly = Boolean(m[2]);
        const target = normalize(join(dirname(file), m[3] ?? m[4]));
        const rel = relative(SRC, target).split(sep);
        const rootFile = rel.length === 1 && COMPOSITION_ROOT.includes(rel[0].replace(/\.js$/, '.ts'));
        if (rootFile) bad.push(`${relative(SRC, file)} → ${rel[0]} (the composition root)`);
        if (rel[0] === '..' || rel.length < 2) continue; // a shared file at src/ (errors.ts, schemas.ts, config.ts) or outside
        const to = rel[0];
        if (to === room) continue;
        if (room === 'web' ? !typeOnly : !MAY_IMPORT[room].includes(to)) bad.push(`${relative(SRC, file)} → ${to} (${m[3] ?? m[4]})`);
      }
    }
  }
  expect(bad).toEqual([]);
});

test("a room's SQL names only the tables it owns, but for the known seams", () => {
  const migrations = join(SRC, 'db', 'migrations');
  const tables = new Set(
    readdirSync(migrations).flatMap((f) =>
      [...readFileSync(join(migrations, f), 'utf8').matchAll(/create table (?:if not exists )?((?:engine|domain)\.[a-z_]+)/g)].map((m) => m[1]),
    ),
  );
  const pattern = new RegExp(`\\b(${[...tables].map((t) => t.replace('.', '\\.')).join('|')})\\b(?![.(])`, 'g');
  const found = new Set<string>();
  for (const room of rooms.filter((r) => r !== 'db')) {
    for (const file of files(join(SRC, room))) {
      for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(pattern)) {
        if (ownerOf(m[1]) !== room) found.add(`${room} → ${m[1]}`);
      }
    }
  }
  const crossings = [...found].sort();
  expect({ new: crossings.filter((c) => !KNOWN_SEAMS.includes(c)), fixedButStillListed: KNOWN_SEAMS.filter((c) => !found.has(c)) }).toEqual({
    new: [],
    fixedButStillListed: [],
  });
});

test('engine/gateway is a client of the port: it imports engine/port, queries and long-poll only, never an adapter', () => {
  const allowed = new Set(['engine/port.ts', 'engine/queries.ts', 'engine/long-poll.ts', 'errors.ts']);
  const bad: string[] = [];
  const dir = join(SRC, 'engine', 'gateway');
  for (const file of files(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = relative(SRC, normalize(join(dirname(file), m[1])))
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      if (!target.startsWith('engine/gateway/') && !allowed.has(target)) bad.push(`${relative(SRC, file)} → ${target}`);
    }
  }
  expect(bad).toEqual([]);
});

test("outside engine/, a room reaches the engine through its port: engine/port, queries, query-types, names and long-poll (the gateway's authorizer type for http), never an adapter", () => {
  const allowed = new Set(['engine/port.ts', 'engine/queries.ts', 'engine/query-types.ts', 'engine/names.ts', 'engine/long-poll.ts']);
  const typesAllowed = new Set(['engine/gateway/index.ts']);
  const bad: string[] = [];
  const spec = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const room of rooms.filter((r) => r !== 'engine')) {
    for (const file of files(join(SRC, room))) {
      for (const m of readFileSync(file, 'utf8').matchAll(spec)) {
        const target = relative(SRC, normalize(join(dirname(file), m[2] ?? m[3])))
          .split(sep)
          .join('/')
          .replace(/\.js$/, '.ts')
          .replace(/^(engine\/[^.]+)$/, '$1.ts');
        if (!target.startsWith('engine/') || allowed.has(target) || (m[1] && typesAllowed.has(target))) continue;
        bad.push(`${relative(SRC, file)} → ${target}`);
      }
    }
  }
  expect(bad).toEqual([]);
});

test('the embedded engine sends SQL only from engine/embedded/sql/, where each statement stands beside its measurement', () => {
  const dir = join(SRC, 'engine', 'embedded');
  const bad = files(dir)
    .filter((f) => !f.startsWith(join(dir, 'sql') + sep))
    .filter((f) => /\.query\s*(<[^>]*>)?\s*\(/.test(withoutComments(readFileSync(f, 'utf8'))))
    .map((f) => relative(SRC, f));
  expect(bad).toEqual([]);
});
