// A file without a test fails, as under Jest's own runner.
export const nothing = 1;
