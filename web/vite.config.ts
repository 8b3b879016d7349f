import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where the IOC server listens in development (`ioc start`); the dev server forwards the API and the live socket. */
const SERVER_ORIGIN = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: [
      // `@ioc/core`'s index also exports the node-only store (pg, PGlite, file locks), which must not reach the
      // browser; the web app takes the live contract's runtime values from its type-only, zod-free half.
      {
        find: '@ioc/core/contracts/live-patch',
        replacement: fileURLToPath(new URL('../core/src/contracts/live-patch.ts', import.meta.url)),
      },
    ],
  },
  define: {
    // vue-i18n's esm-bundler build expects its feature flags to be defined at build time (else it warns).
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is most of the bundle; the wall loads it once and keeps it.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': { target: SERVER_ORIGIN, changeOrigin: false },
      '/socket.io': { target: SERVER_ORIGIN, ws: true, changeOrigin: false },
    },
  },
});
