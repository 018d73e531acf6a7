// Builds the renderer alone (out/renderer) for browser mode and the end-to-end tests, without
// the Electron main and preload bundles. `npm run build` (electron-vite) builds everything.
import { resolve } from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';

const root = resolve(import.meta.dirname, '..');
await build({
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: resolve(root, 'out/renderer'), emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
