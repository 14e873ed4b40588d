import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Served by the API at /console (apps/api serves dist/ with a strict CSP): hashed names under
// assets/ are cached for long, index.html is not. The manifest feeds scripts/check-size.mjs.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    // No inline <script> or data: modules: CSP script-src 'self' refuses them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
