import { defineConfig } from 'vitest/config';

// Three projects: unit tests of the pure domain code, e2e tests that spawn the built bin/,
// and soak/fault tests whose sizes come from KRISHIV_AUTH_SOAK (small in `npm test`,
// full in `npm run soak`).
export default defineConfig({
  test: {
    // One temporary directory per run, removed at its end (test/helpers/global-tmp.ts).
    globalSetup: ['test/helpers/global-tmp.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/soak/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'soak',
          include: ['test/soak/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
