// The engine's waits after a provider refuses a create for now (429 with no hint) must grow.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROVIDERS } from '../../shared/capabilities.ts';
import { AppError } from '../../shared/errors.ts';
import { JobEngine } from '../../electron/services/jobs/engine.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import type { Provider } from '../../electron/services/providers/types.ts';

test('repeated 429s on create back off exponentially, and count as no create attempt', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-backoff-'));
  try {
    const createdAt: number[] = [];
    const refusalsBeforeAccepting = 4;
    const provider: Provider = {
      profile: PROVIDERS.find((p) => p.id === 'openai-videos')!,
      model: () => undefined,
      async create() {
        createdAt.push(Date.now());
        if (createdAt.length <= refusalsBeforeAccepting) throw new AppError('RateLimited', 'Too many requests.', { retryable: true });
        return { providerJobId: 'remote_1' };
      },
      async status() {
        return { state: 'failed', code: 'test_done', message: 'stop after the create' };
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
      // random() = 1: every wait is exactly its cap, base · 2^(n−1).
      random: () => 1,
      timing: { backoffBaseMs: 100, backoffMaxMs: 10_000, pollMinMs: 10, pollMaxMs: 10 },
    });
    await engine.enqueue([{ sceneId: 's1', sceneNumber: 1, provider: 'openai-videos', model: 'sora-2', prompt: 'p', seconds: 4, size: '1280x720', referenceImage: null, costUsd: 0.4 }]);
    await engine.idle();
    const [job] = engine.records();
    assert.equal(createdAt.length, refusalsBeforeAccepting + 1);
    const waits = createdAt.slice(1).map((t, i) => t - createdAt[i]!);
    // 100, 200, 400, 800 ms (timers never fire early; a slow machine only makes them longer).
    [100, 200, 400, 800].forEach((want, i) => assert.ok(waits[i]! >= want - 5, `wait ${i + 1} was ${waits[i]} ms, want ≥ ${want}`));
    assert.equal(job!.createAttempts, 1, 'refusals are not create attempts');
    assert.equal(job!.providerJobId, 'remote_1');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
