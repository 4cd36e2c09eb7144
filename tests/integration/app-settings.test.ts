// Settings that change how the services run, through the same handlers the window calls.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { DEFAULT_SETTINGS, repairSettings } from '../../electron/services/settings-store.ts';
import { originOf } from '../../electron/services/providers/registry.ts';

/** The services as the app builds them, over `settings`, with ffmpeg found again when its path changes. */
const appWith = (settings: MemorySettings) =>
  new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    resolveFfmpeg: (userPath) => resolveFfmpeg({ userPath, env: process.env }),
    settings,
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'test',
  });

test('a new ffmpeg path is checked before it is saved, and used at once', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-settings-'));
  try {
    const settings = new MemorySettings();
    const app = appWith(settings);
    const handlers = app.handlers();
    const broken = path.join(dir, 'ffmpeg');
    await fs.writeFile(broken, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const refused = await dispatch(handlers, 'settings.update', { ffmpegPath: broken });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.error.code, 'FfmpegMissing');
      assert.match(refused.error.message, /did not run/);
    }
    assert.equal(settings.get().ffmpegPath, null, 'the bad path was not saved');

    const real = resolveFfmpeg({ env: process.env }).ffmpeg;
    const accepted = await dispatch(handlers, 'settings.update', { ffmpegPath: real });
    assert.equal(accepted.ok, true);
    if (accepted.ok) assert.equal((accepted.value as { ffmpeg: { ok: boolean } }).ffmpeg.ok, true);
    assert.equal(settings.get().ffmpegPath, real);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a setting without a value is refused at the door, and a broken settings file is repaired at start', async () => {
  const settings = new MemorySettings({ budgetUsd: 5 });
  const app = appWith(settings);
  const handlers = app.handlers();
  // Electron's IPC keeps `undefined` (structured clone): it used to be stored and broke app.info for good.
  const refused = await dispatch(handlers, 'settings.update', { budgetUsd: undefined });
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(refused.error.code, 'InvalidInput');
    assert.match(refused.error.message, /use null to clear it/);
  }
  assert.equal(settings.get().budgetUsd, 5, 'the cap is untouched');
  assert.equal((await dispatch(handlers, 'settings.update', { ffmpegPath: 'x'.repeat(5000) })).ok, false, 'a path longer than any real one is refused');
  assert.equal((await dispatch(handlers, 'settings.update', { theme: 'dark' })).ok, false, 'an unknown setting is refused');
  const info = await dispatch(handlers, 'app.info', undefined);
  assert.equal(info.ok, true);

  // A file written by hand or an older build: the broken fields go back to their defaults, the rest stays.
  const { settings: repaired, repaired: names } = repairSettings({ budgetUsd: 'abc', concurrency: 3, ffmpegPath: null, openaiBaseUrl: 'javascript:alert(1)', customModels: null, theme: 'dark' }, { baseUrlOk: (u) => originOf(u) !== null });
  assert.deepEqual(repaired, { ...DEFAULT_SETTINGS, concurrency: 3 });
  assert.deepEqual(names.sort(), ['budgetUsd', 'customModels', 'openaiBaseUrl', 'theme']);
  assert.deepEqual(repairSettings('not an object'), { settings: DEFAULT_SETTINGS, repaired: ['(the whole file)'] });
  assert.deepEqual(repairSettings(undefined), { settings: DEFAULT_SETTINGS, repaired: [] });
});
