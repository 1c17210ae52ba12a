/**
 * Where the project's JSON Schemas live: `schemas/` at the project root, found by walking up
 * from this file, so the same code works from src/ (tests) and from dist/src/ (npm start).
 * Shared by every room that validates with them, like errors.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function schemasDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return (found = join(dir, 'schemas'));
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the schemas/ folder above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Every `.json` file below `dir`, sorted. */
export function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}
