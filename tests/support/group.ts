/**
 * Several test files run as one Jest test file, each inside a `describe` named after it.
 *
 * Jest gives every test file a fresh module registry: each file loads the service's ~1,200 modules
 * again, compiles the catalog's schema again and warms V8 again, which is half of a file's time.
 * Files run through here share one registry, as the modules of one service process do.
 *
 * A file is imported with Jest's globals (`describe`, `it`, hooks…) replaced by recorders; its
 * top-level calls are then replayed, in their order, inside `describe(<its path>)`. So its
 * top-level hooks stay its own: a `beforeEach` of one file never runs for another's tests.
 */
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const GLOBALS = ['describe', 'fdescribe', 'xdescribe', 'it', 'fit', 'xit', 'test', 'xtest', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach'];

type Step = { get: string } | { call: unknown[] };
interface Call {
  root: string;
  steps: Step[];
  /** Set when the call's result was itself called or read (`describe.each(t)` before `(name, fn)`). */
  chained: boolean;
}

/** A stand-in for a Jest global that records what is done with it. */
function recorder(root: string, steps: Step[], into: Call[], parent?: Call): unknown {
  return new Proxy(function recorded() {}, {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (parent) parent.chained = true;
      return recorder(root, [...steps, { get: prop }], into);
    },
    apply(_target, _this, args: unknown[]) {
      if (parent) parent.chained = true;
      const call: Call = { root, steps: [...steps, { call: args }], chained: false };
      into.push(call);
      return recorder(root, call.steps, into, call);
    },
  });
}

function replay(call: Call): void {
  const g = globalThis as unknown as Record<string, unknown>;
  let value: unknown = g[call.root];
  let self: unknown = undefined;
  for (const step of call.steps) {
    if ('get' in step) {
      self = value;
      value = (value as Record<string, unknown>)[step.get];
    } else {
      value = (value as (...a: unknown[]) => unknown).apply(self, step.call);
      self = undefined;
    }
  }
}

/** Imports each file with recording globals, then declares its tests under its own name. */
export async function runFiles(files: readonly string[], rootDir: string): Promise<void> {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const file of files) {
    const calls: Call[] = [];
    const saved = new Map(GLOBALS.map((name) => [name, g[name]]));
    for (const name of GLOBALS) g[name] = recorder(name, [], calls);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      for (const [name, value] of saved) g[name] = value;
    }
    describe(relative(rootDir, file).replaceAll('\\', '/'), () => {
      for (const call of calls) if (!call.chained) replay(call);
    });
  }
}
