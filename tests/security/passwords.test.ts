/** Feature: password and secret hashing with scrypt, parameters carried in the hash (PHC string). */
import { hashCosts, hashPassword, PASSWORD_COST, verifyPassword } from '../../src/security/passwords.js';

test('Given a password, when hashed, then the hash names scrypt and its cost, is salted, and verifies only that password', async () => {
  const a = await hashPassword('mật-khẩu-2026');
  const b = await hashPassword('mật-khẩu-2026');
  expect(a).toMatch(new RegExp(`^\\$scrypt\\$ln=${PASSWORD_COST.ln},r=${PASSWORD_COST.r},p=${PASSWORD_COST.p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
  expect(a).not.toBe(b);
  expect(await verifyPassword('mật-khẩu-2026', a)).toBe(true);
  expect(await verifyPassword('mật-khẩu-2027', a)).toBe(false);
  // The same text typed with combining diacritics (NFD) is the same password.
  expect(await verifyPassword('mật-khẩu-2026'.normalize('NFD'), a)).toBe(true);
});

test('Given a lighter cost, when hashed, then the hash carries it and still verifies', async () => {
  const h = await hashPassword('x', { ln: 10, r: 8, p: 1 });
  expect(h.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
  expect(await verifyPassword('x', h)).toBe(true);
});

test('Given a malformed or hostile hash, when verified, then false — never a throw, never a huge allocation', async () => {
  for (const bad of ['', 'plain', '$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaA', '$scrypt$ln=14,r=8,p=1$c2FsdA$c2hvcnQ', '$argon2id$v=19$m=65536$x$y']) {
    expect(await verifyPassword('x', bad)).toBe(false);
  }
  await expect(hashPassword('')).rejects.toThrow(TypeError);
});

test('Given no test setting, when costs are chosen, then passwords are hashed at OWASP’s minimum (N=2^14, r=8, p=5) and secrets at p=1; light hashing is for test runs only', () => {
  expect(hashCosts({})).toEqual({ password: { ln: 14, r: 8, p: 5 }, secret: { ln: 14, r: 8, p: 1 } });
  expect(hashCosts({ NODE_ENV: 'production', LIENTHONG_TEST_HASHES: 'yes' })).toEqual(hashCosts({}));
  expect(hashCosts({ LIENTHONG_TEST_HASHES: 'light' })).toEqual({ password: { ln: 10, r: 8, p: 1 }, secret: { ln: 10, r: 8, p: 1 } });
});
