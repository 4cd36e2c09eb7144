// Renderer build. `vite build` → dist-renderer/ (loaded by Electron); `vite build --mode bridge` →
// dist-renderer-bridge/ (served by the test bridge over http://127.0.0.1). __STORYREEL_BRIDGE__ is a
// build-time constant, so the bridge client is dead code in the production bundle and is dropped.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ mode }) => {
  const bridge = mode === 'bridge';
  return {
    root: here('./renderer'),
    base: './',
    plugins: [react()],
    define: { __STORYREEL_BRIDGE__: JSON.stringify(bridge) },
    build: {
      outDir: here(bridge ? './dist-renderer-bridge' : './dist-renderer'),
      emptyOutDir: true,
      target: 'chrome130',
      // Keep every asset a file: the CSP allows no inline data: scripts or styles.
      assetsInlineLimit: 0,
      sourcemap: mode !== 'production',
    },
  };
});
