import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// A project of the root `vitest.config.ts` (`test.projects`): run alone with `npx vitest run --project web`.
// It reuses the app's Vite config so tests resolve `@ioc/core/contracts/live-patch` and the build flags as the app does.
export default mergeConfig(
  viteConfig,
  defineProject({
    test: {
      name: 'web',
      root: fileURLToPath(new URL('.', import.meta.url)),
      environment: 'jsdom',
      include: ['src/**/*.test.ts'],
      testTimeout: 15_000,
    },
  }),
);
