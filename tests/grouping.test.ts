/**
 * Feature: the test files of a run go to Jest's workers in groups that share one module registry
 * (tests/support/group-runner.mjs), and a developer reading the results cannot tell: each file
 * passes, fails or is skipped exactly as under Jest's own runner, with its own tests, hooks and
 * errors. The files under tests/support/grouping are run both ways, in a child Jest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();
/** The suite's own Jest configuration (plain JavaScript). */
const config = ((await import(pathToFileURL(join(root, 'jest.config.js')).href)) as { default: Record<string, unknown> }).default;

interface FileReport {
  name: string;
  status: string;
  message: string;
  assertionResults: { fullName: string; status: string; ancestorTitles: string[] }[];
}

/** Runs the fixture files with the given runner; what `jest --json` says of each file. */
function runFixtures(runner: string): FileReport[] {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-grouping-'));
  try {
    const out = join(dir, 'results.json');
    const childConfig = {
      ...config,
      rootDir: root,
      runner,
      testMatch: ['<rootDir>/tests/support/grouping/*.case.ts'],
      globalSetup: undefined,
      globalTeardown: undefined,
    };
    const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const args = ['--experimental-vm-modules', '--no-warnings', jest, '--config', JSON.stringify(childConfig), '--json', '--outputFile', out, '--ci'];
    const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(child.status).toBe(1); // the fixtures fail on purpose
    const reports = (JSON.parse(readFileSync(out, 'utf8')) as { testResults: FileReport[] }).testResults;
    return reports.map((r) => ({ ...r, name: r.name.slice(root.length + 1).replaceAll('\\', '/') })).sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const grouped = runFixtures('<rootDir>/tests/support/group-runner.mjs');
const plain = runFixtures('jest-runner');

/** What a reader sees of a file: its status and its tests' names and outcomes. */
const outline = (reports: FileReport[]) =>
  reports.map((r) => ({ name: r.name, status: r.status, tests: r.assertionResults.map((a) => [a.ancestorTitles, a.fullName, a.status]) }));

it('reports every file as Jest’s own runner does: statuses, test names and outcomes', () => {
  expect(outline(grouped)).toEqual(outline(plain));
  expect(grouped.map((r) => [r.name.replace('tests/support/grouping/', ''), r.status])).toEqual([
    ['a-fail.case.ts', 'failed'],
    ['b-hook.case.ts', 'failed'],
    ['c-empty.case.ts', 'failed'],
    ['d-tables.case.ts', 'focused'], // Jest's word for a file that ran with a skipped test
    ['e-isolated.case.ts', 'passed'],
    ['f-skipped.case.ts', 'skipped'],
  ]);
});

it('names tests without the group: a failure reads as in its own file', () => {
  const failing = grouped[0];
  expect(failing.assertionResults.map((a) => a.fullName)).toEqual(['outer fails plainly', 'outer passes']);
  expect(failing.message).toContain('● outer › fails plainly');
  expect(failing.message).not.toContain('grouping/a-fail.case.ts ›');
});

it('keeps a file’s hooks its own: another file’s beforeEach does not run for its tests', () => {
  const isolated = grouped.find((r) => r.name.endsWith('e-isolated.case.ts'));
  expect(isolated?.assertionResults.map((a) => a.status)).toEqual(['passed', 'passed']);
});

it('reports an error outside any test on the file it came from, and only there', () => {
  const withError = grouped.filter((r) => r.message.includes('the afterAll of b-hook broke')).map((r) => r.name);
  expect(withError).toEqual(['tests/support/grouping/b-hook.case.ts']);
  expect(grouped.find((r) => r.name.endsWith('c-empty.case.ts'))?.message).toContain('Your test suite must contain at least one test.');
});
