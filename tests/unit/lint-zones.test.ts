// The process boundary is enforced by lint, by path: each zone fails when crossed and passes when not.
// Runs the repo's own eslint.config.js through ESLint's Node API on code placed (virtually) in each zone.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let eslint: ESLint;
before(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The zone errors ESLint reports for `code` as if it were the file at `filePath` (repo-relative). */
async function zoneErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'storyreel/zones').map((m) => m.message);
}

async function forbidden(filePath: string, cases: string[]): Promise<void> {
  for (const code of cases) {
    const errors = await zoneErrors(filePath, code);
    assert.equal(errors.length, 1, `${filePath}: ${code} should cross the zone (got ${JSON.stringify(errors)})`);
  }
}

async function allowed(filePath: string, cases: string[]): Promise<void> {
  for (const code of cases) assert.deepEqual(await zoneErrors(filePath, code), [], `${filePath}: ${code} is allowed`);
}

test('services may not import electron, electron-store, the Electron-side files or fluent-ffmpeg (but media/ffmpeg.ts), however the path is written', async () => {
  const file = 'electron/services/jobs/example.ts';
  await forbidden(file, [
    "import { app } from 'electron';\nexport const a = app;",
    "import Store from 'electron-store';\nexport const s = Store;",
    "import { EnvSecrets } from '../../secrets.ts';\nexport const e = EnvSecrets;",
    "import type { Settings } from '../../settings';\nexport type S = Settings;",
    "export * from '../../ipc.ts';",
    "export const m = () => import('../../main.ts');",
    "export type P = typeof import('../../preload.ts');",
    "import { x } from '../../../renderer/src/store.ts';\nexport const y = x;",
    // Any Electron-side file, including ones added later, and the CLI's entry.
    "import { x } from '../../media-protocol.ts';\nexport const y = x;",
    "import { x } from '../../cli.ts';\nexport const y = x;",
    // fluent-ffmpeg only behind media/ffmpeg.ts.
    "import ffmpeg from 'fluent-ffmpeg';\nexport const f = ffmpeg;",
  ]);
  await forbidden('electron/cli.ts', ["import { app } from 'electron';\nexport const a = app;", "import { x } from './settings.ts';\nexport const y = x;", "import ffmpeg from 'fluent-ffmpeg';\nexport const f = ffmpeg;"]);
  await allowed('electron/services/media/ffmpeg.ts', ["import ffmpeg from 'fluent-ffmpeg';\nexport const f = ffmpeg;"]);
  await forbidden('electron/services/media/ffmpeg.ts', ["import { app } from 'electron';\nexport const a = app;"]);
  await allowed(file, [
    "import path from 'node:path';\nexport const p = path;",
    "import { z } from 'zod';\nexport const zz = z;",
    "import { newId } from '../fsutil.ts';\nexport const n = newId;",
    // A services file that happens to be called secrets.ts is inside the zone: the rule goes by path.
    "import { k } from './secrets.ts';\nexport const kk = k;",
    "import { chosenTakeOf } from '../../../shared/project.ts';\nexport const c = chosenTakeOf;",
  ]);
  // The Electron side itself may import Electron, its own files and the services, but not the window's code
  // nor fluent-ffmpeg directly.
  await allowed('electron/main.ts', ["import { app } from 'electron';\nimport Store from 'electron-store';\nimport { x } from './settings.ts';\nimport { y } from './services/app.ts';\nexport const a = [app, Store, x, y];"]);
  await forbidden('electron/main.ts', ["import { x } from '../renderer/src/store.ts';\nexport const y = x;", "import ffmpeg from 'fluent-ffmpeg';\nexport const f = ffmpeg;"]);
});

test('shared/ may not import renderer/, electron/, Node, Electron, React or zustand', async () => {
  const file = 'shared/example.ts';
  await forbidden(file, [
    "import { useStore } from '../renderer/src/store.ts';\nexport const u = useStore;",
    "import { Storyreel } from '../electron/services/app.ts';\nexport const s = Storyreel;",
    "import type { Log } from '../electron/services/log.ts';\nexport type L = Log;",
    "import fs from 'node:fs';\nexport const f = fs;",
    "import path from 'path';\nexport const p = path;",
    "import { app } from 'electron';\nexport const a = app;",
    "import Store from 'electron-store';\nexport const s = Store;",
    "import { useState } from 'react';\nexport const u = useState;",
    "import { createRoot } from 'react-dom/client';\nexport const c = createRoot;",
    "import { create } from 'zustand';\nexport const c = create;",
  ]);
  await allowed(file, ["import { z } from 'zod';\nexport const zz = z;", "import { chosenTakeOf } from './project.ts';\nexport const c = chosenTakeOf;"]);
});

test('the renderer may not import electron/, Node or Electron', async () => {
  const file = 'renderer/src/components/Example.tsx';
  await forbidden(file, [
    "import { Storyreel } from '../../../electron/services/app.ts';\nexport const s = Storyreel;",
    "import type { Api } from '../../../electron/preload.ts';\nexport type A = Api;",
    "import path from 'node:path';\nexport const p = path;",
    "import { readFile } from 'fs/promises';\nexport const r = readFile;",
    "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;",
    "import Store from 'electron-store';\nexport const s = Store;",
  ]);
  await allowed(file, [
    "import { useState } from 'react';\nexport const u = useState;",
    "import { create } from 'zustand';\nexport const c = create;",
    "import { channels } from '../../../shared/contract.ts';\nexport const c = channels;",
    "import { api } from '../api.ts';\nexport const a = api;",
  ]);
});

test('the repo as it is lints clean of zone errors', async () => {
  const results = await eslint.lintFiles(['electron', 'shared', 'renderer/src']);
  const crossings = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'storyreel/zones').map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.message}`));
  assert.deepEqual(crossings, []);
});
