// Lint, and the process boundary enforced mechanically by path: which folders may import which folders,
// `electron`, `electron-store` or `node:*` (the rule is scripts/eslint-zones.mjs; tests/unit/lint-zones.test.ts
// shows each zone failing when crossed).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import zones from './scripts/eslint-zones.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
// The Electron side: electron/*.ts (main, ipc, preload, secrets, settings, …), not electron/services/**.
const ELECTRON_SIDE = 'electron/*';
const zone = (files, forbid) => ({ files, plugins: { storyreel: zones }, rules: { 'storyreel/zones': ['error', { root, ...forbid }] } });
const services = {
  paths: [ELECTRON_SIDE, 'renderer/**'],
  packages: ['electron', 'electron-store', 'fluent-ffmpeg'],
  why: 'services run without Electron (the CLI, the tests); put Electron-side code in a thin adapter in electron/, and fluent-ffmpeg only behind electron/services/media/ffmpeg.ts.',
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-*', 'release', 'test-results', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  // The zones. Services (and the CLI, which runs them without Electron) stay free of Electron and of the
  // Electron-side files.
  // The Electron side may import anything but the window's code; it too reaches ffmpeg through the services.
  // (A later block wins for a file two blocks match: electron/cli.ts gets the services' zone below.)
  zone(['electron/*.ts'], { paths: ['renderer/**'], packages: ['fluent-ffmpeg'], why: 'the renderer is reached over IPC, and fluent-ffmpeg only behind electron/services/media/ffmpeg.ts.' }),
  zone(['electron/services/**/*.ts', 'electron/cli.ts', 'electron/cli/**/*.ts'], services),
  // The one door to fluent-ffmpeg.
  zone(['electron/services/media/ffmpeg.ts'], { ...services, packages: ['electron', 'electron-store'] }),
  // shared/ is imported by both processes: pure TypeScript and zod only.
  zone(['shared/**/*.ts'], {
    paths: ['renderer/**', 'electron/**'],
    packages: ['node:*', 'electron*', 'react*', 'zustand'],
    why: 'shared/ is read by main and renderer alike, so it depends on neither, nor on Node, Electron or React.',
  }),
  // The renderer runs sandboxed in the window: no Node, no Electron, and main only through the preload API.
  zone(['renderer/**/*.{ts,tsx}'], {
    paths: ['electron/**'],
    packages: ['node:*', 'electron*'],
    why: 'the renderer runs without Node; reach main through the preload API (shared/contract.ts).',
  }),
);
