/**
 * Password and secret hashing with scrypt (node:crypto), a memory-hard function, stored as a
 * PHC-style string that carries its own parameters: `$scrypt$ln=14,r=8,p=5$<salt>$<hash>`
 * (base64 without padding). Because the parameters travel with the hash, they can be raised
 * later and old hashes still verify.
 *
 * Cost: OWASP's Password Storage Cheat Sheet lists scrypt N=2^14, r=8, p=5 as one of its
 * equivalent minimum settings (16 MiB, ≈0.2 s on one core of the development machine). Lookup
 * secrets of dossiers are random with 60 bits of entropy, where guessing is hopeless whatever the
 * hash, so they use the lighter `SECRET_COST` (p=1) to keep receipts quick.
 *
 * This module imports nothing of the project: the auth room and the dossier room both use it.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

/**
 * The costs of new hashes: OWASP's minimum for passwords, `p=1` for secrets — or, only where
 * `LIENTHONG_TEST_HASHES=light` (the test run sets it; production refuses to start with it,
 * config.ts), N=2^10 and p=1 for both, as the demo accounts' hashes: a test run hashes ~500 lookup
 * secrets and passwords per database, 25 s of CPU at full cost. Old hashes verify either way.
 */
export function hashCosts(env: NodeJS.ProcessEnv = process.env): { password: ScryptCost; secret: ScryptCost } {
  if (env.LIENTHONG_TEST_HASHES === 'light') return { password: { ln: 10, r: 8, p: 1 }, secret: { ln: 10, r: 8, p: 1 } };
  return { password: { ln: 14, r: 8, p: 5 }, secret: { ln: 14, r: 8, p: 1 } };
}

const costs = hashCosts();
export const PASSWORD_COST: ScryptCost = costs.password;
export const SECRET_COST: ScryptCost = costs.secret;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function scrypt(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  const N = 2 ** cost.ln;
  // Node refuses anything above maxmem (32 MiB by default); scrypt needs about 128·N·r bytes.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/** A new salted hash of `password` (NFC-normalised first, so "Hà" typed either way matches). */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, cost, KEY_BYTES);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. Constant-time compare. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const m = PHC.exec(stored);
  if (!m) return false;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.p < 1) return false;
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  if (expected.length < 16) return false;
  const key = await scrypt(password, salt, cost, expected.length);
  return timingSafeEqual(key, expected);
}
