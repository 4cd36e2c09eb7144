// Loads the BUILT main bundle under Node with a stand-in for `electron`, and checks that every contract
// call has a handler, that payloads are validated, and that the window is hardened.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { channels } from '../../shared/contract.ts';

const run = promisify(execFile);
const bundle = path.resolve('dist-electron/main.mjs');

test('the built main bundle binds every contract call and hardens its window', async () => {
  assert.ok(existsSync(bundle), 'dist-electron/main.mjs is not built: run npm run build:electron first (npm test does)');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-main-'));
  try {
    const { stdout } = await run(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
      env: { ...process.env, STORYREEL_STUB_ROOT: root, OPENAI_API_KEY: '' },
      timeout: 60000,
    });
    const report = JSON.parse(stdout);
    assert.deepEqual(report.channels, channels().map((c) => c.channel).sort(), 'one handler per contract call, no more');
    assert.equal(report.windows.length, 1);
    const prefs = report.windows[0];
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.ok(existsSync(prefs.preload), `preload exists at ${prefs.preload}`);
    assert.match(report.renderer, /dist-renderer[\\/]index\.html$/);
    assert.deepEqual(report.schemes, ['storyreel-media']);
    assert.deepEqual(report.protocols, ['storyreel-media']);
    // The example project was created on first start and answers through the validated door.
    assert.equal(report.projectGet.ok, true);
    assert.equal(report.projectGet.value.project.title, 'The Last Lighthouse');
    assert.equal(report.projectGet.value.project.provider, 'preview');
    assert.deepEqual(report.projectGet.value.project.scenes.map((s: { seconds: number }) => s.seconds), [4, 8, 4]);
    assert.equal(report.foreignCall.ok, false, 'calls from a foreign frame are refused');
    assert.equal(report.invalidCall.ok, false);
    assert.equal(report.invalidCall.error.code, 'InvalidInput');
    assert.equal(report.openDenied, true, 'window.open is denied');
    assert.equal(report.navigationBlocked, true, 'navigation away is blocked');
    assert.equal(report.permission, false, 'permissions are denied by default');
    assert.match(report.csp, /default-src 'none'/);
    assert.match(report.csp, /script-src 'self'/);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
