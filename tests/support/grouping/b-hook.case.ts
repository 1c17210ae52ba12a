// Top-level hooks: this file's beforeEach must not run for another file's tests, and its afterAll's
// error must be reported on this file.
const counted = globalThis as unknown as { hooksOfB?: number };
beforeEach(() => {
  counted.hooksOfB = (counted.hooksOfB ?? 0) + 1;
});
afterAll(() => {
  throw new Error('the afterAll of b-hook broke');
});
it('runs its own beforeEach once', () => {
  expect(counted.hooksOfB).toBe(1);
});
