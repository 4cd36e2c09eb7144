// Lint, and the process boundary enforced mechanically: which folders may import `electron` or `node:*`.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'events', 'worker_threads', 'fs/promises', 'stream/promises', 'timers/promises'];
const noNode = {
  paths: [{ name: 'electron', message: 'Only electron/ (outside services/) may import electron.' }, ...NODE_BUILTINS.map((name) => ({ name, message: 'Use no Node built-ins here.' }))],
  patterns: [{ group: ['node:*'], message: 'renderer/ and shared/ run without Node.' }, { group: ['electron/*', '**/electron/**'], message: 'Go through the preload API.' }],
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
    files: ['renderer/**/*.{ts,tsx}', 'shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noNode] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Services stay free of Electron: put this in a thin adapter in electron/.' }], patterns: [{ group: ['electron/*'], message: 'Services stay free of Electron.' }] }],
    },
  },
);
