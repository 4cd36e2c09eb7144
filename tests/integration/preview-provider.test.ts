// The Preview provider (offline animatics through the provider seam) on the real ffmpeg, small and short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { drainAll, Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { PreviewProvider } from '../../electron/services/providers/preview.ts';
import type { CreateRequest } from '../../electron/services/providers/types.ts';
import { verifyVideo } from '../../electron/services/media/stitch.ts';
import { rejectsWith } from '../helpers/assert.ts';
import { scratch } from '../helpers/scratch.ts';

const ff = new Ffmpeg(resolveFfmpeg({ env: process.env }), () => {});
const { freshDir } = await scratch('storyreel-preview-test-');

function request(jobId: string, over: Partial<CreateRequest> = {}): CreateRequest {
  return { jobId, model: 'animatic', prompt: 'A paper boat drifts down a rain gutter.', seconds: 1, size: '640x360', referenceImage: null, sentAt: Date.now(), sceneNumber: 3, ...over };
}

async function pollUntilDone(p: PreviewProvider, id: string, seen: string[] = []): Promise<void> {
  const signal = new AbortController().signal;
  for (let i = 0; i < 400; i++) {
    const s = await p.status(id, signal);
    seen.push(s.state);
    if (s.state === 'completed') return;
    if (s.state !== 'running' && s.state !== 'queued') assert.fail(`unexpected status ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('the preview never completed');
}

test('PreviewProvider: create returns at once, status reports running then completed, download copies the file', async () => {
  const dir = await freshDir('preview');
  const cacheDir = path.join(dir, 'cache');
  const provider = new PreviewProvider({ ff, cacheDir });
  assert.equal(provider.profile.id, 'preview');
  assert.equal(provider.model('animatic')?.id, 'animatic');
  const signal = new AbortController().signal;

  const { providerJobId } = await provider.create(request('job1', { seconds: 2 }), signal);
  assert.equal(providerJobId, 'preview_job1');
  const first = await provider.status(providerJobId, signal);
  assert.equal(first.state, 'running', 'create does not wait for the render');
  const seen: string[] = [];
  await pollUntilDone(provider, providerJobId, seen);

  const dest = path.join(dir, 'take.mp4');
  const progress: Array<[number, number | null]> = [];
  await provider.download(providerJobId, dest, { signal, onProgress: (r, t) => progress.push([r, t]) });
  const info = await verifyVideo(ff, dest, { seconds: 2, tolerance: 0.1 });
  assert.equal(info.video?.width, 640);
  const size = (await stat(dest)).size;
  assert.deepEqual(progress.at(-1), [size, size]);
  assert.equal(await provider.downloadThumbnail(providerJobId, path.join(dir, 'thumb.jpg'), signal), true);
  // Only the finished animatic and its request remain in the cache: no temporary files.
  assert.deepEqual((await readdir(cacheDir)).sort(), ['preview_job1.json', 'preview_job1.mp4']);
  assert.equal(await provider.reconcile(request('job1'), new Set(), signal), 'preview_job1');
  assert.equal(await provider.reconcile(request('job1'), new Set(['preview_job1']), signal), null);
  assert.equal(await provider.reconcile(request('other'), new Set(), signal), null);
});

test('PreviewProvider: a render lost to a restart is started again by status()', async () => {
  const dir = await freshDir('preview-restart');
  const cacheDir = path.join(dir, 'cache');
  const signal = new AbortController().signal;
  const before = new PreviewProvider({ ff, cacheDir });
  const { providerJobId } = await before.create(request('job2', { seconds: 2 }), signal);
  // Quitting the app drains every ffmpeg process mid-render.
  await drainAll();
  assert.deepEqual((await readdir(cacheDir)).filter((f) => f.endsWith('.mp4') || f.includes('.rendering')), [], 'nothing half-written is left');

  const after = new PreviewProvider({ ff, cacheDir });
  const first = await after.status(providerJobId, signal);
  assert.equal(first.state, 'running');
  await pollUntilDone(after, providerJobId);
  const dest = path.join(dir, 'take.mp4');
  await after.download(providerJobId, dest, { signal });
  await verifyVideo(ff, dest, { seconds: 2, tolerance: 0.1 });

  // A job this cache never saw is reported failed, not left running forever.
  const lost = await after.status('preview_never_made', signal);
  assert.equal(lost.state, 'failed');
});

test('PreviewProvider: cancel stops the render and leaves nothing behind', async () => {
  const dir = await freshDir('preview-cancel');
  const cacheDir = path.join(dir, 'cache');
  const signal = new AbortController().signal;
  const provider = new PreviewProvider({ ff, cacheDir });
  const { providerJobId } = await provider.create(request('job3', { seconds: 20, size: '1280x720' }), signal);
  await provider.cancel(providerJobId, signal);
  assert.deepEqual(await provider.status(providerJobId, signal), { state: 'unknown', raw: 'canceled' });
  assert.deepEqual(await readdir(cacheDir), []);
  await rejectsWith(provider.download(providerJobId, path.join(dir, 'x.mp4'), { signal }), 'ContentExpired');
  await rejectsWith(provider.create(request('bad', { size: '641x360' }), signal), 'InvalidInput');
});
