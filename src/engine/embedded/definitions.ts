/**
 * The definition cache. Deployed definitions never change, so the engine keeps them, parsed, by
 * key — a command on a job never reads engine.definitions — together with the two lookups that
 * map onto a key: (process id, version), which never changes either, and the latest version of a
 * process id, which can (a deployment, maybe by another process): a command that relies on that
 * one records it in its `CommandScope`, and its write statement confirms it (writeEffects'
 * `latestOf`); a stale answer rolls the command back and it runs again reading the database.
 */
import { compileBpmn, type ExecutableProcess } from '../../bpmn/index.js';
import type { Queryable } from '../../db/index.js';
import { NotFound } from '../../errors.js';
import * as defs from './sql/definitions.js';

/** A deployed definition as the engine keeps it: its row and its compiled graph. */
export interface CachedDefinition {
  row: defs.DefinitionRow;
  process: ExecutableProcess;
}

/**
 * What one command holds besides its effects: the definitions it uses, pinned for the length of
 * the command whatever the cache evicts meanwhile, and the answers to "which version of process
 * id X is the latest?" it took from the cache, which its write statement confirms.
 */
export interface CommandScope {
  defs: Map<string, ExecutableProcess>;
  latest: Map<string, string>;
}

export class DefinitionCache {
  private readonly definitions: Lru<string, CachedDefinition>;
  private readonly byVersion: Lru<string, string>;
  private readonly latestKey: Lru<string, { key: string; version: number }>;

  /** `size`: parsed definitions kept in memory, least recently used dropped first. */
  constructor(size: number) {
    this.definitions = new Lru(size);
    this.byVersion = new Lru(size);
    this.latestKey = new Lru(size);
  }

  /** The compiled graph of a deployed definition, if it is cached. */
  peek(key: string): ExecutableProcess | undefined {
    return this.definitions.get(key)?.process;
  }

  /** A deployed definition (read and compiled once while it stays cached). */
  async get(key: string, q: Queryable): Promise<CachedDefinition> {
    const hit = this.definitions.get(key);
    if (hit) return hit;
    const row = isKey(key) ? await defs.definitionWithXml(q, key) : undefined;
    if (!row) throw new NotFound(`process definition ${key} not found`);
    const { xml, ...meta } = row;
    const process = (await compileBpmn(xml, row.resource_name)).find((x) => x.id === row.bpmn_process_id);
    if (!process) throw new NotFound(`process definition ${key} not found`);
    const d = { row: meta, process };
    this.definitions.set(key, d);
    this.byVersion.set(versionKey(meta.bpmn_process_id, meta.version), key);
    return d;
  }

  /** A definition used by a running command: loaded if needed, and held until the command ends. */
  async use(scope: CommandScope, key: string, q: Queryable): Promise<CachedDefinition> {
    const d = await this.get(key, q);
    scope.defs.set(key, d.process);
    return d;
  }

  /**
   * The latest version of a process id, inside a command: from the cache, confirmed by the
   * command's write statement (so a version deployed since is seen and the command runs again),
   * or read from the database, in the command's transaction.
   */
  async latest(scope: CommandScope, bpmnProcessId: string, q: Queryable): Promise<CachedDefinition | undefined> {
    const cached = this.latestKey.get(bpmnProcessId);
    if (cached) {
      // Gone from the database (it was emptied under this engine): ask the database instead.
      const d = await this.use(scope, cached.key, q).catch(notFoundAsUndefined);
      if (d) {
        if (!scope.latest.has(bpmnProcessId)) scope.latest.set(bpmnProcessId, cached.key);
        return d;
      }
      this.latestKey.delete(bpmnProcessId);
    }
    const row = await defs.latestDefinition(q, bpmnProcessId);
    if (!row) return undefined;
    const d = await this.use(scope, row.key, q);
    const now = this.latestKey.get(bpmnProcessId);
    if (!now || now.version <= row.version) this.latestKey.set(bpmnProcessId, { key: row.key, version: row.version });
    return d;
  }

  /** Version `version` of a process id, inside a command. */
  async version(scope: CommandScope, bpmnProcessId: string, version: number, q: Queryable): Promise<CachedDefinition | undefined> {
    const cached = this.byVersion.get(versionKey(bpmnProcessId, version));
    const row = cached ? await this.use(scope, cached, q).catch(notFoundAsUndefined) : undefined;
    if (row) return row;
    const key = (await defs.definitionByVersion(q, bpmnProcessId, version))?.key;
    return key ? this.use(scope, key, q) : undefined;
  }

  /** A cached "latest version" turned out stale: forget it, so the next command asks the database. */
  forgetLatest(bpmnProcessId: string): void {
    this.latestKey.delete(bpmnProcessId);
  }

  /** Definitions a committed deployment created or found unchanged (never before it commits). */
  deployed(list: CachedDefinition[]): void {
    for (const d of list) {
      const { key, bpmn_process_id: id, version } = d.row;
      if (!this.definitions.get(key)) this.definitions.set(key, d);
      this.byVersion.set(versionKey(id, version), key);
      const cached = this.latestKey.get(id);
      if (!cached || cached.version <= version) this.latestKey.set(id, { key, version });
    }
  }
}

/** A 64-bit key as the engine writes it: a positive decimal that fits PostgreSQL's bigint. */
export function isKey(k: string): boolean {
  // Callers pass what a request carried; anything but such a string is no key.
  return typeof k === 'string' && /^[1-9]\d{0,18}$/.test(k) && BigInt(k) <= 9223372036854775807n;
}

export function notFoundAsUndefined(e: unknown): undefined {
  if (e instanceof NotFound) return undefined;
  throw e;
}

function versionKey(bpmnProcessId: string, version: number): string {
  return `${version}:${bpmnProcessId}`;
}

/** A map that keeps its `max` most recently used entries (a Map iterates in insertion order). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}
