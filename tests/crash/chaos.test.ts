/**
 * Feature: the short chaos run (`npm run chaos` with a few dozen dossiers) — two replicas of the
 * built service on one PostgreSQL database, one killed with SIGKILL every couple of seconds (four
 * kills: on a loaded machine restarts slow the run, and more kills slowed it more, 23 to 97 s) while
 * counter staff, officers and the tax office work over HTTP; at the end nothing is lost, doubled
 * or left open, each dossier has its one process, every clock is judged once and the audit chain
 * verifies (bench/chaos.ts, bench/support/chaos-checks.ts). PostgreSQL only: PGlite is one
 * process's database, so two replicas cannot share it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

(process.env.DATABASE_URL ? test : test.skip)(
  'Scenario: 24 dossiers of the four procedures through kills of either replica → every one returned once, no violation, the chain verifies',
  async () => {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
    const child = spawn(
      process.execPath,
      ['dist/bench/chaos.js', '--dossiers', '24', '--kill-every', '2', '--max-kills', '4', '--minutes', '4', '--concurrency', '4'],
      {
        cwd: root,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const last = out.trim().split('\n').at(-1) ?? '';
    const result = JSON.parse(last.startsWith('{') ? last : '{}') as {
      ok?: boolean;
      dossiers?: number;
      returned?: number;
      kills?: number;
      violations?: unknown[];
      /** What the dossiers a check named were doing at the end (bench/support/chaos-checks.ts describeDossier). */
      diagnosis?: string[];
    };
    expect({ code, ok: result.ok, dossiers: result.dossiers, returned: result.returned, violations: result.violations, diagnosis: result.diagnosis }).toEqual({
      code: 0,
      ok: true,
      dossiers: 24,
      returned: 24,
      violations: [],
      diagnosis: [],
    });
    expect(result.kills).toBeGreaterThanOrEqual(1);
  },
  300_000,
);
