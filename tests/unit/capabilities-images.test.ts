// Images a model cannot take are refused before anything is sent, with a message naming a model that can.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { countImageRoles, imageProblems, PROVIDERS } from '../../shared/capabilities.ts';
import { JobEngine } from '../../electron/services/jobs/engine.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import type { Provider } from '../../electron/services/providers/types.ts';

test('a last frame on a model with no last frame is refused, naming models that take one', () => {
  const [msg, ...rest] = imageProblems('openai-videos', 'sora-2', { firstFrame: true, lastFrame: true, references: 0 });
  assert.equal(rest.length, 0);
  assert.match(msg!, /^sora-2 .*cannot take a last frame\. Models that can: /);
  assert.match(msg!, /gemini gemini-omni-1\.1-flash|ark dreamina-seedance/);
});

test('what a model takes passes; too many references, or references with frames where not allowed, do not', () => {
  assert.deepEqual(imageProblems('gemini', 'gemini-omni-1.1-flash', { firstFrame: true, lastFrame: true, references: 3 }), []);
  assert.deepEqual(imageProblems('ark', 'dreamina-seedance-2-0-260128', { firstFrame: true, lastFrame: true, references: 0 }), []);
  assert.deepEqual(imageProblems('ark', 'dreamina-seedance-2-0-260128', { firstFrame: false, lastFrame: false, references: 9 }), []);
  assert.match(imageProblems('gemini', 'gemini-omni-1.1-flash', { firstFrame: false, lastFrame: false, references: 5 })[0]!, /5 reference images \(at most 3\)\. Models that can: .*seedance/);
  // Seedance takes frames or references, not both: Gemini Omni takes both together.
  assert.match(imageProblems('ark', 'dreamina-seedance-2-0-260128', { firstFrame: true, lastFrame: false, references: 2 })[0]!, /reference images together with a first or last frame\. Models that can: .*gemini-omni-1\.1-flash/);
  assert.deepEqual(countImageRoles([{ role: 'first-frame' }, { role: 'reference' }, { role: 'reference' }]), { firstFrame: true, lastFrame: false, references: 2 });
});

test('the engine refuses such a job before create() is called, and says which model can', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-images-'));
  try {
    let creates = 0;
    const provider: Provider = {
      profile: PROVIDERS.find((p) => p.id === 'openai-videos')!,
      model: () => undefined,
      async create() {
        creates++;
        return { providerJobId: 'remote_1' };
      },
      async status() {
        return { state: 'failed', code: 'x', message: 'x' };
      },
      async download() {
        throw new Error('not reached');
      },
    };
    const engine = await JobEngine.open({
      ledger: new Ledger(path.join(dir, '.storyreel')),
      provider: () => provider,
      media: { verify: async () => ({ durationSeconds: 4 }), thumbnail: async () => undefined },
      projectDir: dir,
      onTake: async () => true,
      onFailed: async () => undefined,
      concurrency: 1,
    });
    const first = path.join(dir, 'a.png');
    const last = path.join(dir, 'b.png');
    await engine.enqueue([{ sceneId: 's1', sceneNumber: 1, provider: 'openai-videos', model: 'sora-2', prompt: 'p', seconds: 4, size: '1280x720', referenceImage: first, costUsd: 0.4, images: [{ role: 'first-frame', file: first }, { role: 'last-frame', file: last }] }]);
    await engine.idle();
    const [job] = engine.records();
    assert.equal(creates, 0, 'nothing was sent');
    assert.equal(job!.state, 'failed');
    assert.equal(job!.error?.code, 'UnsupportedByModel');
    assert.match(job!.error!.message, /cannot take a last frame\. Models that can: .*gemini-omni-1\.1-flash/);
    assert.equal(job!.sentAt, null);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
