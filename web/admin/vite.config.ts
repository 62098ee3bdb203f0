// Build of the admin panel. Run from the repository root as `vite build web/admin`
// (npm run build:web); Lavka serves the output at /admin/ on its own port.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where a locally running Lavka listens, for `vite web/admin` during page development. */
const lavkaUrl = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP allows no inline scripts; small assets inline as data: URLs are fine (img-src data:).
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `vite web/admin` serves the panel with hot reload; the API comes from a running Lavka.
    proxy: {
      '/api': { target: lavkaUrl, changeOrigin: false },
      '/public': { target: lavkaUrl, changeOrigin: false },
    },
  },
});
