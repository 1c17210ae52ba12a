// The order test files start in. Jest starts the files that took longest last time first, and
// without that record (a fresh clone: CI) the largest files first. The longest files here are
// small files that drive a whole service (the chaos run alone takes a minute on PostgreSQL): by
// size they would start last and run on alone while the other worker idles. They start first,
// longest first as measured on both databases (`jest --json`, November 2026); the rest keep
// Jest's order.
import Sequencer from '@jest/test-sequencer';

const LONG_FIRST = [
  'crash/chaos',
  'web/journey',
  'http/service',
  'fuzz/bpmn',
  'fuzz/routes',
  'crash/crash',
  'engine/restart',
  'dossiers/lifecycle',
  'web/designer',
  'web/reports',
  'web/inbox',
  'http/birth-group.zeebe.e2e',
  'web/designer-forms',
  'web/trace',
  'web/lookup',
];

function rank(path) {
  const name = path
    .replaceAll('\\', '/')
    .replace(/^.*\/tests\//, '')
    .replace(/\.test\.ts$/, '');
  const i = LONG_FIRST.indexOf(name);
  return i < 0 ? LONG_FIRST.length : i;
}

/** Whether the file is one of the known long ones (tests/support/group-runner.mjs runs them alone). */
export function isLong(path) {
  return rank(path) < LONG_FIRST.length;
}

export default class LongFirst extends (Sequencer.default ?? Sequencer) {
  sort(tests) {
    const sorted = super.sort(tests);
    const at = new Map(sorted.map((t, i) => [t, i]));
    return [...sorted].sort((a, b) => rank(a.path) - rank(b.path) || at.get(a) - at.get(b));
  }
}
