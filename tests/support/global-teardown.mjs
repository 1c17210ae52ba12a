// Removes the PGlite image global-setup.mjs wrote.
import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  if (process.env.LIENTHONG_PGLITE_IMAGE) rmSync(process.env.LIENTHONG_PGLITE_IMAGE, { force: true });
}
