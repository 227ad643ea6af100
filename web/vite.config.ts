import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { bundleReport } from '../scripts/bundle-report.ts';

// The browser app: root is web/, output web/dist, served by the Meshwork server at `/`.
// Plugins' web parts live in plugins/<id>/web, outside this root, hence fs.allow.
const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// `npm run dev:web` proxies everything but the app itself to a running Meshwork server.
const backend = process.env.MESHWORK_DEV_BACKEND ?? 'http://localhost:8080';
const proxied = ['/api', '/dav', '/invite', '/ocm', '/plugins', '/.well-known', '/web-plugins'];

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  // Plugin web parts import the shell only as `#web-sdk` (also in package.json `imports` and web/tsconfig.json).
  resolve: { alias: { '#web-sdk': fileURLToPath(new URL('./sdk/index.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // Prints the initial JavaScript (gzip) the shell loads, against a budget; plugin pages are separate chunks.
  plugins: [bundleReport()],
  build: {
    outDir: process.env.MESHWORK_WEB_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    // The one chunk over vite's 500 kB default is the emoji picker's data (every emoji with names and keywords for
    // search, ~580 kB minified, 87 kB gzip), loaded only when a picker opens; scripts/bundle-report.ts prints every
    // chunk's gzip size and holds the start-up budget.
    chunkSizeWarningLimit: 640,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      ...Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
      '/socket.io': { target: backend, ws: true },
    },
  },
});
