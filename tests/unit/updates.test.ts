// Updates are offered, never taken: nothing downloads before the creator's click, notify-only builds never
// download, a failed look is quiet, and "Later" holds for the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newerVersion, UpdateService, type UpdateSource } from '../../electron/services/updates.ts';

test('versions compare as numbers, and a release is newer than its pre-release', () => {
  assert.equal(newerVersion('1.10.0', '1.9.3'), true);
  assert.equal(newerVersion('1.9.3', '1.10.0'), false);
  assert.equal(newerVersion('v2.0.0', '1.99.99'), true);
  assert.equal(newerVersion('1.2.0', '1.2.0'), false);
  assert.equal(newerVersion('1.2.0', '1.2.0-beta.2'), true);
  assert.equal(newerVersion('1.2.0-beta.2', '1.2.0'), false);
  assert.equal(newerVersion('1.2.0-beta.3', '1.2.0-beta.2'), true);
});

function fakeSource(version: string | Error | null) {
  const calls = { latest: 0, download: 0, install: 0 };
  const source: UpdateSource = {
    latest: async () => {
      calls.latest++;
      if (version instanceof Error) throw version;
      return version ? { version } : null;
    },
    download: async (onProgress) => {
      calls.download++;
      onProgress(0.5);
      onProgress(1);
    },
    install: () => void calls.install++,
  };
  return { source, calls };
}

test('a newer release is offered and nothing is downloaded until the creator asks', async () => {
  const { source, calls } = fakeSource('1.5.0');
  const u = new UpdateService({ current: '1.4.0', source, canInstall: true, releaseUrl: (v) => `https://github.com/storyreel/storyreel/releases/tag/v${v}` });
  const seen: string[] = [];
  u.on('state', (s) => seen.push(`${s.status}${s.status === 'downloading' ? `:${s.progress}` : ''}`));
  const offered = await u.check();
  assert.equal(offered.status, 'available');
  assert.equal(offered.version, '1.5.0');
  assert.equal(offered.releaseUrl, 'https://github.com/storyreel/storyreel/releases/tag/v1.5.0');
  assert.equal(calls.download, 0, 'checking downloads nothing');
  assert.equal(u.install().status, 'available', 'install before a download does nothing');
  assert.equal(calls.install, 0);
  assert.equal((await u.download()).status, 'ready');
  assert.equal(calls.download, 1);
  assert.deepEqual(seen, ['checking', 'available', 'downloading:0', 'downloading:0.5', 'downloading:1', 'ready']);
  u.install();
  assert.equal(calls.install, 1);
});

test('a notify-only build never downloads; a failed look is quiet; Later holds for the run', async () => {
  const notify = fakeSource('2.0.0');
  const u = new UpdateService({ current: '1.4.0', source: notify.source, canInstall: false, releaseUrl: (v) => `https://example.test/v${v}` });
  await u.check();
  const refused = await u.download();
  assert.equal(refused.status, 'available');
  assert.match(refused.error ?? '', /cannot install updates itself/);
  assert.equal(notify.calls.download, 0);
  assert.equal(u.dismiss().status, 'none');
  assert.equal((await u.check()).status, 'none', 'a dismissed version is not offered again');

  const offline = new UpdateService({ current: '1.4.0', source: fakeSource(new Error('getaddrinfo ENOTFOUND github.com')).source, canInstall: true, releaseUrl: () => '' });
  const quiet = await offline.check();
  assert.equal(quiet.status, 'none');
  assert.equal(quiet.error, null, 'being offline is not an error to show');
  const same = new UpdateService({ current: '1.4.0', source: fakeSource('1.4.0').source, canInstall: true, releaseUrl: () => '' });
  assert.equal((await same.check()).status, 'none');
});
