/** What the benches' command lines share. */

/** `--name`'s value as a positive integer, `dflt` when it is absent; anything else is refused, naming the option. */
export function positiveInt(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not '${v}'`);
  return n;
}

/** `--db`: postgres or pglite; by default PostgreSQL when DATABASE_URL is set, else PGlite. */
export function databaseOption(v: string | undefined): 'postgres' | 'pglite' {
  const db = v ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
  if (db !== 'postgres' && db !== 'pglite') throw new Error(`--db must be postgres or pglite, not '${db}'`);
  return db;
}
