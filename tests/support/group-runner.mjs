// Jest's runner, with the test files of a run handed to its workers in groups (tests/support/group.ts).
//
// Under Jest every test file loads the service's modules into a fresh registry, compiles the
// catalog's schema and warms V8 again: half of a file's time (docs/benchmarks.md). A group of files
// of one folder runs as one Jest test file, in one registry, as the modules of one service process
// do; each file's tests still run inside its own `describe`, with its own hooks. The group's result
// is then split back into one result per file, so reporters, `--json` and the sequencer's timings
// see the files as before. A run of one file (or of a few) is not grouped.
//
// With two workers or more, the files in LONG_FIRST (tests/support/sequencer.mjs) run alone and
// first: they are long because of their own work, and a long group started last would keep one
// worker busy while the other idles.
import TestRunner from 'jest-runner';
import { createEmptyTestResult } from '@jest/test-result';
import { formatExecError, formatResultsErrors } from 'jest-message-util';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLong } from './sequencer.mjs';

const Runner = TestRunner.default ?? TestRunner;

/** At most this many files share one registry: smaller groups balance the workers better. */
const GROUP_SIZE = 8;
/** Folders with fewer files than this run together in one group of leftovers. */
const SMALL_FOLDER = 3;
/** Runs of fewer files than this are not grouped. */
const FEW = 4;

const groupModule = join(dirname(fileURLToPath(import.meta.url)), 'group.ts');

/** A file's name as its group's `describe` carries it (tests/support/group.ts names it the same way). */
const nameOf = (rootDir, path) => relative(rootDir, path).replaceAll('\\', '/');

/** Splits `files` into ceil(n / GROUP_SIZE) groups of nearly equal size, keeping their order. */
function chunks(files) {
  const n = Math.ceil(files.length / GROUP_SIZE);
  const out = [];
  for (let i = 0; i < n; i++) out.push(files.slice(Math.floor((i * files.length) / n), Math.floor(((i + 1) * files.length) / n)));
  return out;
}

/**
 * The run's tests as units: long files alone (with two workers or more), then the rest by folder,
 * largest unit first.
 */
export function plan(tests, rootDir, workers) {
  const alone = [];
  const byFolder = new Map();
  for (const test of tests) {
    if (workers > 1 && isLong(test.path)) {
      alone.push([test]);
      continue;
    }
    const folder = dirname(relative(rootDir, test.path));
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), test]);
  }
  const groups = [];
  const leftovers = [];
  for (const files of byFolder.values()) {
    if (files.length < SMALL_FOLDER) leftovers.push(...files);
    else groups.push(...chunks(files));
  }
  if (leftovers.length > 0) groups.push(...chunks(leftovers));
  const weight = (unit) => unit.reduce((sum, t) => sum + (t.duration ?? 0), 0) || unit.length;
  groups.sort((a, b) => weight(b) - weight(a));
  return [...alone, ...groups];
}

/** One file's result cut out of its group's: its tests, without the group's `describe`. */
function resultOf(test, owner, groupResult, projectConfig, globalConfig, rootDir, previousEnd) {
  const name = nameOf(rootDir, test.path);
  const mine = groupResult.testResults
    .filter((r) => r.ancestorTitles[0] === name)
    .map((r) => ({ ...r, ancestorTitles: r.ancestorTitles.slice(1), fullName: r.fullName.slice(name.length + 1) }));
  const count = (status) => mine.filter((r) => r.status === status).length;
  const empty = createEmptyTestResult();
  const start = previousEnd;
  const end = Math.max(start, ...mine.map((r) => (r.startAt ?? start) + (r.duration ?? 0)));
  const result = {
    ...empty,
    displayName: groupResult.displayName,
    numFailingTests: count('failed'),
    numPassingTests: count('passed'),
    numPendingTests: count('pending'),
    numTodoTests: count('todo'),
    perfStats: { ...groupResult.perfStats, start, end, runtime: end - start, slow: (end - start) / 1000 > projectConfig.slowTestThreshold },
    testFilePath: test.path,
    testResults: mine,
  };
  result.failureMessage = formatResultsErrors(mine, projectConfig, globalConfig, test.path);
  result.skipped = mine.length > 0 && mine.length === result.numPendingTests;
  if (owner) {
    // What belongs to the group as a whole (its console, an error outside any test) goes with the
    // file its stack names, or the first.
    result.console = groupResult.console;
    result.testExecError = groupResult.testExecError;
    if (groupResult.testExecError) {
      const message = formatExecError(groupResult.testExecError, projectConfig, globalConfig, test.path);
      result.failureMessage = `${result.failureMessage ?? ''}\n\n${message}`;
    }
  }
  return result;
}

/** Strips a group's `describe` from a test case's event, naming the file it belongs to. */
function caseOf(files, rootDir, info) {
  const test = files.find((t) => nameOf(rootDir, t.path) === info.ancestorTitles?.[0]);
  if (!test) return undefined;
  const name = info.ancestorTitles[0];
  return [test.path, { ...info, ancestorTitles: info.ancestorTitles.slice(1), fullName: info.fullName?.slice(name.length + 1) }];
}

export default class GroupRunner {
  supportsEventEmitters = true;
  isSerial = false;
  #listeners = new Map();

  constructor(globalConfig, context) {
    this._globalConfig = globalConfig;
    this._context = context;
  }

  on(event, listener) {
    const set = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  async #emit(event, payload) {
    for (const listener of this.#listeners.get(event) ?? []) await listener(payload);
  }

  async runTests(tests, watcher, options) {
    const inner = new Runner(this._globalConfig, this._context);
    const emit = (event, payload) => this.#emit(event, payload);
    const rootDir = tests[0]?.context.config.rootDir;
    const grouping = tests.length >= FEW;
    const dir = join(rootDir ?? '.', 'node_modules', '.cache', 'lienthong', `groups-${process.pid}`);
    const groups = new Map();
    const units = !grouping
      ? tests
      : plan(tests, rootDir, options.serial ? 1 : this._globalConfig.maxWorkers).map((files, i) => {
          if (files.length === 1) return files[0];
          mkdirSync(dir, { recursive: true });
          const folder = dirname(relative(rootDir, files[0].path)).replaceAll(/[\\/]/g, '-');
          const path = join(dir, `${String(i).padStart(2, '0')}-${folder}.mjs`);
          const list = JSON.stringify(files.map((t) => t.path));
          writeFileSync(path, `import { runFiles } from ${JSON.stringify(groupModule)};\nawait runFiles(${list}, ${JSON.stringify(rootDir)});\n`);
          groups.set(path, files);
          return { context: files[0].context, path, duration: files.reduce((s, t) => s + (t.duration ?? 0), 0) };
        });
    const forwardCase =
      (event) =>
      async ([path, info]) => {
        const files = groups.get(path);
        const named = files ? caseOf(files, rootDir, info) : [path, info];
        if (named) await emit(event, named);
      };
    // The inner runner reports on the units; the files' results go out under the files' names.
    const forward = {
      'test-file-start': async ([unit]) => {
        for (const t of groups.get(unit.path) ?? [unit]) await emit('test-file-start', [t]);
      },
      'test-file-success': async ([unit, result]) => {
        const files = groups.get(unit.path);
        if (!files) return emit('test-file-success', [unit, result]);
        let previousEnd = result.perfStats.start;
        const failure = result.testExecError ? `${result.testExecError.message}\n${result.testExecError.stack}` : '';
        const owner = files.find((t) => failure.includes(t.path)) ?? files[0];
        for (const t of files) {
          const own = resultOf(t, t === owner, result, t.context.config, this._globalConfig, rootDir, previousEnd);
          previousEnd = own.perfStats.end;
          await emit('test-file-success', [t, own]);
        }
      },
      'test-file-failure': async ([unit, error]) => {
        for (const t of groups.get(unit.path) ?? [unit]) await emit('test-file-failure', [t, error]);
      },
      'test-case-start': forwardCase('test-case-start'),
      'test-case-result': forwardCase('test-case-result'),
    };
    const off = Object.entries(forward).map(([event, listener]) => inner.on(event, listener));
    try {
      await inner.runTests(units, watcher, options);
    } finally {
      for (const unsubscribe of off) unsubscribe();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
