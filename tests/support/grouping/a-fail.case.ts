// A failing test beside a passing one, in a describe of its own.
describe('outer', () => {
  it('fails plainly', () => {
    expect(1 + 1).toBe(3);
  });
  it('passes', () => {
    expect(1).toBe(1);
  });
});
