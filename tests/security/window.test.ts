// The window's limits, in the BUILT main bundle (loaded under Node with the Electron stand-in) and in the
// policy module it uses: only the app's own https links open in the system browser, the page comes from
// storyreel-app:// (not file://), DevTools are off in a packaged build, and fuses are set at packaging.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { appFile, EXTERNAL_LINKS, isAllowedExternal, isAppUrl } from '../../electron/window-policy.ts';

const run = promisify(execFile);
const bundle = path.resolve('dist-electron/main.mjs');

async function driveMain(env: Record<string, string>) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-window-'));
  try {
    const { stdout } = await run(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
      env: { ...process.env, STORYREEL_STUB_ROOT: root, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', ...env },
      timeout: 60000,
    });
    return JSON.parse(stdout);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

test('openExternal gets only the https links the app shows, never any http(s) URL a page names', async (t) => {
  if (!existsSync(bundle)) return t.skip('dist-electron/main.mjs is not built (npm test builds it first)');
  const report = await driveMain({});
  assert.equal(report.openDenied, true, 'every window.open is denied in the window');
  assert.deepEqual(report.openedExternal, ['https://github.com/storyreel/storyreel/releases/tag/v1.0.0']);
});

test('isAllowedExternal: https, exact pages or under an allowed folder, no credentials, ports or look-alike hosts', () => {
  for (const link of EXTERNAL_LINKS) assert.equal(isAllowedExternal(link), true, link);
  assert.equal(isAllowedExternal('https://ffmpeg.org/download.html#build-linux'), true, 'a fragment is fine');
  for (const bad of [
    'https://example.com/',
    'http://ffmpeg.org/download.html',
    'https://ffmpeg.org/download.html/../../x',
    'https://ffmpeg.org:444/download.html',
    'https://a:b@ffmpeg.org/download.html',
    'https://ffmpeg.org.evil.example/download.html',
    'https://github.com/storyreel/storyreel/releasesX',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'not a url',
  ]) {
    assert.equal(isAllowedExternal(bad), false, bad);
  }
});

test('the window loads storyreel-app://, whose files stay inside the renderer build', async (t) => {
  const dir = path.resolve('dist-renderer');
  assert.equal(appFile(dir, 'storyreel-app://app/index.html'), path.join(dir, 'index.html'));
  assert.equal(appFile(dir, 'storyreel-app://app/assets/x.js'), path.join(dir, 'assets', 'x.js'));
  // URL parsing already folds literal dot segments (%2e%2e included) into the path: it stays inside.
  assert.equal(appFile(dir, 'storyreel-app://app/%2e%2e/%2e%2e/package.json'), path.join(dir, 'package.json'));
  for (const bad of ['storyreel-app://app/..%2fpackage.json', 'storyreel-app://app/..%2F..%2Fpackage.json', 'storyreel-app://app/.env', 'storyreel-app://other/index.html', 'file:///etc/passwd', 'storyreel-app://app/a%5c..%5c..%5cpackage.json']) {
    assert.equal(appFile(dir, bad), null, bad);
  }
  assert.equal(isAppUrl('storyreel-app://app/index.html'), true);
  assert.equal(isAppUrl('file:///x/dist-renderer/index.html'), false, 'file:// pages get no IPC');
  if (!existsSync(bundle)) return t.skip('dist-electron/main.mjs is not built');
  const report = await driveMain({});
  assert.equal(report.renderer, 'storyreel-app://app/index.html');
  for (const [url, probe] of Object.entries(report.appProbes as Record<string, { status: number; type: string | null; csp: string | null }>)) {
    const ok = url === 'storyreel-app://app/index.html' || url === 'storyreel-app://app/';
    if (ok && !existsSync(path.join(dir, 'index.html'))) continue;
    assert.equal(probe.status, ok ? 200 : 404, url);
    if (ok) {
      assert.match(probe.type ?? '', /^text\/html/);
      assert.match(probe.csp ?? '', /default-src 'none'/);
    }
  }
  assert.equal(report.foreignCall.ok, false, 'a frame from elsewhere gets no answer');
  assert.equal(report.projectGet.ok, true, 'the app page does');
});

test('DevTools are off in a packaged build', async (t) => {
  if (!existsSync(bundle)) return t.skip('dist-electron/main.mjs is not built');
  const report = await driveMain({ STORYREEL_STUB_PACKAGED: '1' });
  assert.equal(report.windows.length, 1);
  assert.equal(report.windows[0].devTools, false);
});

test('Electron fuses are set when packaging: no RunAsNode, no NODE_OPTIONS or --inspect, only the app asar, no file:// privileges', async () => {
  const config = parse(await fs.readFile('electron-builder.yml', 'utf8')) as { electronFuses?: Record<string, boolean> };
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
  assert.ok(existsSync('node_modules/@electron/fuses'), '@electron/fuses (used by electron-builder to flip them) is installed');
});
