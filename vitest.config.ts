import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One config, one run: every package's tests. Browser and end-to-end tests start real servers on free ports,
// so files run in parallel processes but each file's tests run in order.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          root: 'core',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'ingest',
          root: 'ingest',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          root: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          // End-to-end files pull a simulated source into a real store while every other file runs beside them:
          // on CI's two loaded cores that takes minutes, not seconds. A test that hangs fails later, never passes.
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      ...(existsSync('web/vitest.config.ts') ? ['web/vitest.config.ts'] : []),
    ],
  },
});
