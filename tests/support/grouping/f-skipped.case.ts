// A file whose tests are all skipped is a skipped file.
describe.skip('nothing here runs', () => {
  it('would fail', () => {
    expect(true).toBe(false);
  });
});
