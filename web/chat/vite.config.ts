// Build of the sandbox chat page. Run from the repository root as `vite build web/chat`
// (npm run build:web); Lavka serves the output at /sandbox/ in sandbox mode only.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where a locally running Lavka listens, for `vite web/chat` during page development. */
const lavkaUrl = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/sandbox/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page is a local developer tool: one small bundle, no network, nothing to split.
    assetsInlineLimit: 8192,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `vite web/chat` serves the page with hot reload; the simulator and config come from Lavka.
    proxy: {
      '/sandbox/telegram': { target: lavkaUrl, changeOrigin: false },
      '/sandbox/config.json': { target: lavkaUrl, changeOrigin: false },
    },
  },
});
