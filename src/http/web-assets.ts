/**
 * The browser app's built files (scripts/build-web.mjs → dist/web): the manifest that maps each
 * page entry to its hashed script and stylesheet, and the static handler for /assets with a
 * year-long immutable cache (a changed file gets a new name, so nothing stale is ever served).
 */
import express, { type RequestHandler } from 'express';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EntryAssets {
  js: string;
  css: string | null;
}

export type WebManifest = Record<string, EntryAssets>;

export interface WebAssets {
  dir: string;
  /** The entry's files, or undefined when the app is not built. */
  entry(name: string): EntryAssets | undefined;
  readonly built: boolean;
  static: RequestHandler;
}

/** dist/web at the project root (found by walking up, so it works from src/ and dist/src/). */
export function defaultWebDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'build-web.mjs'))) return join(dir, 'dist', 'web');
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'dist', 'web');
    dir = up;
  }
}

/** The manifest is read again when a rebuild replaced it (a stat per page, not per asset). */
export function loadWebAssets(dir = defaultWebDir()): WebAssets {
  const file = join(dir, 'manifest.json');
  let manifest: WebManifest = {};
  let readAt = -1;
  const current = (): WebManifest => {
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (mtime !== readAt) {
      manifest = mtime < 0 ? {} : (JSON.parse(readFileSync(file, 'utf8')) as WebManifest);
      readAt = mtime;
    }
    return manifest;
  };
  return {
    dir,
    get built() {
      return Object.keys(current()).length > 0;
    },
    entry: (name) => current()[name],
    static: express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      dotfiles: 'ignore',
    }),
  };
}
