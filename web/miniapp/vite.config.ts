// Build of the Telegram Mini App. Run from the repository root as `vite build web/miniapp`
// (npm run build:web); Lavka serves the output at /app/. The storefront's JavaScript budget
// (MINIAPP_JS_BUDGET_BYTES, gzipped) is checked by test/e2e/miniapp-budget.test.ts.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where a locally running Lavka listens, for `vite web/miniapp` during development. */
const lavkaUrl = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api/miniapp': { target: lavkaUrl, changeOrigin: false },
      '/public/catalog': { target: lavkaUrl, changeOrigin: false },
    },
  },
});
