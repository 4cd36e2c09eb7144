// A film whose scenes use three different providers (each scene's own `provider`/`model`), rendered end to
// end by the command line against three emulators: one create per scene at each, every request valid, the
// film exported, and a spend ledger that matches what each emulator billed (OpenRouter's and Ark's reported
// costs, not the estimate).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readProject } from '../../electron/services/projects/store.ts';
import { startArkEmulator } from '../emulators/ark/server.ts';
import { startFalEmulator } from '../emulators/fal/server.ts';
import { startOpenRouterEmulator } from '../emulators/openrouter/server.ts';
import type { KitEmulator } from '../emulators/index.ts';
import { cli } from '../helpers/provider-run.ts';
import { probeStreams } from '../helpers/probe.ts';
import { spendOf, sumUsd } from '../helpers/module-cli.ts';

const KEYS = { FAL_KEY: 'fal-mixed-key-0123456789', ARK_API_KEY: 'ark-mixed-key-0123456789', OPENROUTER_API_KEY: 'sk-or-mixed-0123456789' };
let root: string;
let fal: KitEmulator;
let ark: KitEmulator;
let openrouter: KitEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-mixed-'));
  fal = await startFalEmulator({ apiKey: KEYS.FAL_KEY });
  ark = await startArkEmulator({ apiKey: KEYS.ARK_API_KEY });
  openrouter = await startOpenRouterEmulator({ apiKey: KEYS.OPENROUTER_API_KEY, costVariance: 0.3 });
});
after(async () => {
  await Promise.all([fal?.close(), ark?.close(), openrouter?.close()]);
  await fs.rm(root, { recursive: true, force: true });
});

test('three scenes on three providers render one film; the spend ledger matches what each provider billed', { timeout: 240000 }, async () => {
  const env = { ...KEYS, FAL_BASE_URL: fal.url, ARK_BASE_URL: ark.url, OPENROUTER_BASE_URL: openrouter.url, STORYREEL_TIMING: JSON.stringify({ pollMinMs: 100, pollMaxMs: 300 }) };
  const dir = path.join(root, 'film');
  const init = await cli(['init', dir, '--title', 'Three Providers'], root, env).done;
  assert.equal(init.code, 0, init.stderr);
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8'));
  Object.assign(p, { provider: 'fal', model: 'fal-ai/veo3.1/fast', size: '1280x720' });
  p.scenes = [
    { prompt: 'A lighthouse at dusk, waves below', seconds: 4 },
    { prompt: 'The keeper climbs the spiral stairs', seconds: 5, provider: 'ark', model: 'dreamina-seedance-2-0-fast-260128' },
    { prompt: 'The lamp turns on over the dark sea', seconds: 5, provider: 'openrouter', model: 'alibaba/wan-2.7' },
  ];
  await fs.writeFile(file, JSON.stringify(p, null, 2));

  const run = await cli(['render', dir], root, env).done;
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual([fal.stats.creates, ark.stats.creates, openrouter.stats.creates], [1, 1, 1], 'one create per scene, each at its own provider');
  for (const e of [fal, ark, openrouter]) assert.deepEqual(e.stats.requests.filter((r) => r.validation === 'invalid').map((r) => `${r.method} ${r.path}`), []);

  const project = await readProject(dir);
  assert.deepEqual(project.scenes.map((s) => s.takes[0]?.provider), ['fal', 'ark', 'openrouter']);
  const out = /Wrote (.*\.mp4)/.exec(run.stdout)?.[1];
  assert.ok(out, run.stdout);
  const info = await probeStreams(out);
  assert.ok(Math.abs(info.duration - 14) < 0.3, `film of 4 + 5 + 5 s: ${info.duration}`);

  const billed = fal.billed().totalUsd + ark.billed().totalUsd + openrouter.billed().totalUsd;
  const spend = sumUsd(await spendOf(dir));
  assert.ok(Math.abs(spend - billed) < 0.0005, `ledger ${spend} vs billed ${billed} (fal ${fal.billed().totalUsd}, ark ${ark.billed().totalUsd}, openrouter ${openrouter.billed().totalUsd})`);
});
