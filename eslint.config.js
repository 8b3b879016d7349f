// ESLint flat config. Correctness only: prettier owns formatting, so no stylistic rules are enabled here.
// TypeScript is linted with type information (each file's nearest tsconfig.json, via the project service):
// the root tsconfig.json for core/ingest/server/scripts, web/tsconfig.json for web.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The `globals` package is not a dependency; these are the Node globals our plain JS files use.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'global',
    'globalThis',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig([
  globalIgnores([
    '**/dist/**',
    '**/node_modules/**',
    'data/**',
    '**/data/**',
    'web/dist/**',
    'coverage/**',
    '.vitest/**',
    'tmp/**',
    // eslint-plugin-vue is not installed: single-file components are type-checked by vue-tsc only.
    '**/*.vue',
  ]),

  js.configs.recommended,

  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
  },

  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An unawaited promise loses its rejection; an async callback where a void one is expected does the same.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Numbers and booleans in messages are fine; objects printed as "[object Object]" are not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Vitest's `expect(obj.method)` and destructured fixtures (`({ db, dispose } = await openTestDb())`) trip it in tests.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tool configs (vite, vitest) sit outside the packages' tsconfig include lists; lint them without type information.
    files: ['**/*.config.ts', '**/*.config.mts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
]);
