// Tables and skips replay as written.
it.each([1, 2])('each %i', (x) => {
  expect(x).toBeGreaterThan(0);
});
describe.each([['a'], ['b']])('table %s', (v) => {
  it('runs', () => {
    expect(typeof v).toBe('string');
  });
});
it.skip('is skipped', () => {
  expect(true).toBe(false);
});
