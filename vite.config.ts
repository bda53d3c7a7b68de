import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard (src/web) built into dist/web: index.html plus hashed files under /assets/, which the
// server sends with a long cache. No inline script (the server's CSP is script-src 'self').
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
