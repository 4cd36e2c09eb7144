// Settings that change how the services run, through the same handlers the window calls.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

test('a new ffmpeg path is checked before it is saved, and used at once', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-settings-'));
  try {
    const settings = new MemorySettings();
    const app = new Storyreel({
      version: 'test',
      ffmpeg: resolveFfmpeg({ env: process.env }),
      resolveFfmpeg: (userPath) => resolveFfmpeg({ userPath, env: process.env }),
      settings,
      secrets: new EnvSecrets({}),
      log: () => undefined,
      owner: 'test',
    });
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
