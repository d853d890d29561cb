import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'models/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The model-heavy suites share two cores; running files one at a time keeps them honest.
    fileParallelism: false,
  },
});
