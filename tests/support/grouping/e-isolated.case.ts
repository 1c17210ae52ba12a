// Runs after b-hook in the same registry: b-hook's beforeEach must not run before these tests.
const counted = globalThis as unknown as { hooksOfB?: number };
let before: number | undefined;
it('records the count of b-hook', () => {
  before = counted.hooksOfB;
});
it('sees it unchanged', () => {
  expect(counted.hooksOfB).toBe(before);
});
