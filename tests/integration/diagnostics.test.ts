// "Copy diagnostics" and the log it reads: rotating files, no key in either, prompts only when asked.
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { createLog, rotatedName } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';

const KEY = 'sk-diag-SENTINEL-5f1c9e0d7b';

test('the log rotates at its size limit, keeps N older files, and every file is redacted', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-log-'));
  try {
    const file = path.join(dir, 'main.log');
    const log = createLog({ file, secrets: () => [KEY], maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 100; i++) log(`line ${i} Authorization: Bearer ${KEY} and the key again ${KEY}`);
    assert.deepEqual(readdirSync(dir).sort(), ['main.1.log', 'main.2.log', 'main.log'], 'the current file and two older ones, no more');
    for (const f of [file, rotatedName(file, 1), rotatedName(file, 2)]) {
      const text = await fs.readFile(f, 'utf8');
      assert.ok(text.length <= 2000, `${f} is ${text.length} bytes`);
      assert.ok(!text.includes(KEY), `${f} holds no key`);
    }
    assert.match(await fs.readFile(file, 'utf8'), /line 99 /, 'the newest line is in main.log');
    assert.match(await fs.readFile(rotatedName(file, 1), 'utf8'), /line \d+ /);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('diagnostics name versions, ffmpeg and the format, hold no key, and hide prompts unless asked', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-diag-'));
  try {
    const logFile = path.join(dir, 'logs', 'main.log');
    const prompt = 'A red fox crosses the frozen river at dawn';
    await createProject(path.join(dir, 'film'), { title: 'Fox film', scenes: [{ prompt, seconds: 4 }] });
    // A log line an adapter bug might write: the key in plain text, and the prompt.
    await fs.mkdir(path.dirname(logFile), { recursive: true });
    await fs.writeFile(logFile, `2026-12-02T10:00:00Z sent key=${KEY} for "${prompt}"\n`);
    const app = new Storyreel({
      version: '9.9.9',
      ffmpeg: resolveFfmpeg({ env: process.env }),
      settings: new MemorySettings({ budgetUsd: 12 }),
      secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
      log: createLog({ file: logFile, secrets: () => [KEY] }),
      logFile,
      versions: { electron: '39.0.0', node: process.versions.node },
      owner: 'test',
    });
    await app.openProject(path.join(dir, 'film'));
    const hidden = await dispatch(app.handlers(), 'app.diagnostics', { includePrompts: false });
    assert.equal(hidden.ok, true);
    const text = hidden.ok ? (hidden.value as { text: string }).text : '';
    assert.match(text, /Storyreel 9\.9\.9; electron 39\.0\.0, node /);
    assert.match(text, /ffmpeg: (ffmpeg version|\d)/);
    assert.match(text, /Project format: 2/);
    assert.match(text, /budget cap \$12/);
    assert.match(text, /openai-videos set \(env\)/);
    assert.match(text, /sent key=/, 'the log lines are there');
    assert.ok(!text.includes(KEY), 'no key');
    assert.ok(!text.includes(prompt) && text.includes('[prompt]'), 'the prompt is hidden');
    const shown = await dispatch(app.handlers(), 'app.diagnostics', { includePrompts: true });
    assert.ok(shown.ok && (shown.value as { text: string }).text.includes(prompt), 'asked for, the prompt is included');
    assert.ok(shown.ok && !(shown.value as { text: string }).text.includes(KEY));
    await app.shutdown();
    assert.ok(existsSync(logFile));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
