// OpenRouter's live model list, read when the creator asks (the window's models.refresh, the CLI's
// `storyreel models --refresh openrouter`) against the emulator's GET /videos/models: what changed is said
// ("2 models updated, …, read YYYY-MM-DD"), the list is kept with the date read, estimates use it afterwards,
// a later start reads it back, a broken file leaves the bundled profiles, and the key goes only in its header.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { modelProfile, providerProfile } from '../../shared/capabilities.ts';
import { applyCatalog } from '../../shared/catalog/refreshed.ts';
import { OPENROUTER_BUNDLED, openRouterProfile } from '../../shared/catalog/openrouter.ts';
import type { AppInfo, Reply } from '../../shared/contract.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { whereKeyWent } from '../emulators/kit/testing.ts';
import { OPENROUTER_MODELS, startOpenRouterEmulator, type OpenRouterEmulator } from '../emulators/openrouter/server.ts';
import { cli } from '../helpers/provider-run.ts';

const KEY = 'sk-or-refresh-test-5a1c0e9d77';
const TODAY = () => new Date().toISOString().slice(0, 10);
let root: string;
let emu: OpenRouterEmulator;

/** The live list moved on: Veo 3.1 costs more at 720p, Wan 2.7 makes 8 s too, Kling 3 arrived, Wan 2.6 left. */
const MOVED = [
  ...OPENROUTER_MODELS.filter((m) => m.id !== 'alibaba/wan-2.6').map((m) =>
    m.id === 'google/veo-3.1' ? { ...m, perSecond: { ...m.perSecond, '720p': 0.45 } } : m.id === 'alibaba/wan-2.7' ? { ...m, supported_durations: [5, 8, 10, 15] } : m,
  ),
  { id: 'kwaivgi/kling-3', name: 'Kuaishou: Kling 3', supported_durations: [5, 10], supported_resolutions: ['720p'], supported_aspect_ratios: ['16:9', '9:16'], supported_frame_images: ['first_frame'], generate_audio: true, seed: false, max_input_references: 0, perSecond: { '720p': 0.1 } },
];
const bundled = () => applyCatalog({ provider: 'openrouter', fetchedAt: '', readOn: '2026-12-02', source: 'bundled', models: OPENROUTER_BUNDLED.map((m) => openRouterProfile(m)) });

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-models-'));
  emu = await startOpenRouterEmulator({ apiKey: KEY, models: MOVED });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

function appWith(catalogDir: string, key: string | null = KEY): Storyreel {
  const env = { OPENROUTER_BASE_URL: emu.url };
  return new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({}),
    secrets: new EnvSecrets(key ? { OPENROUTER_API_KEY: key } : {}),
    env,
    log: () => undefined,
    owner: 'test',
    catalogDir,
  });
}

async function call<T>(app: Storyreel, channel: string, payload: unknown): Promise<T> {
  const reply: Reply = await dispatch(app.handlers(), channel, payload);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.value as T;
}

test('models.refresh says what changed, keeps the list with the date read, and the estimate uses it', { timeout: 60000 }, async () => {
  bundled();
  const catalogDir = path.join(root, 'app-catalog');
  const dir = path.join(root, 'film');
  await createProject(dir, { provider: 'openrouter', model: 'google/veo-3.1', size: '1280x720', scenes: [{ prompt: 'A heron over a pond', seconds: 4 }] });
  const app = appWith(catalogDir);
  await app.openProject(dir);
  assert.equal((await app.estimate([])).totalUsd, 1.6, '4 s at the bundled $0.40/s');

  emu.resetStats();
  const change = await call<{ summary: string; updated: string[]; added: string[]; removed: string[] }>(app, 'models.refresh', { provider: 'openrouter' });
  assert.equal(change.summary, `2 models updated, 1 model added, 1 model gone, read ${TODAY()}.`);
  assert.deepEqual([change.updated.sort(), change.added, change.removed], [['alibaba/wan-2.7', 'google/veo-3.1'], ['kwaivgi/kling-3'], ['alibaba/wan-2.6']]);
  assert.equal((await app.estimate([])).totalUsd, 1.8, 'the estimate uses the price read: 4 s × $0.45/s');
  assert.deepEqual(modelProfile('openrouter', 'alibaba/wan-2.7')!.durations, [5, 8, 10, 15]);
  assert.equal(modelProfile('openrouter', 'alibaba/wan-2.6'), undefined, 'a model the list no longer has is not offered');
  assert.match(modelProfile('openrouter', 'google/veo-3.1')!.priceSource ?? '', new RegExp(`GET /videos/models, read ${TODAY()}`));
  const info = await call<AppInfo>(app, 'app.info', {});
  assert.deepEqual(info.catalogs?.map((c) => [c.provider, c.readOn, c.models.length]), [['openrouter', TODAY(), 5]], 'the window gets the list to apply');
  const stored = JSON.parse(await fs.readFile(path.join(catalogDir, 'openrouter.json'), 'utf8')) as { readOn: string; source: string };
  assert.deepEqual([stored.readOn, stored.source], [TODAY(), new URL(emu.url).host]);
  assert.equal(emu.stats.requests.filter((r) => r.route === 'models').length, 1);
  assert.deepEqual(whereKeyWent(emu.stats.requests, KEY).map((w) => w.where), ['header:authorization']);
  // Asked again with nothing moved: said so.
  assert.equal((await call<{ summary: string }>(app, 'models.refresh', { provider: 'openrouter' })).summary, `No change (5 models as before), read ${TODAY()}.`);
  await app.shutdown();

  // A later start reads the kept list back, before any estimate.
  bundled();
  assert.equal(modelProfile('openrouter', 'google/veo-3.1')!.pricePerSecond['1280x720'], 0.4);
  const again = appWith(catalogDir);
  assert.equal(modelProfile('openrouter', 'google/veo-3.1')!.pricePerSecond['1280x720'], 0.45);
  assert.ok(providerProfile('openrouter')!.models.some((m) => m.id === 'kwaivgi/kling-3'));
  await again.shutdown();
});

test('a broken kept list leaves the bundled profiles; no key, or a provider without a live list, is refused in words', { timeout: 30000 }, async () => {
  bundled();
  const broken = path.join(root, 'broken');
  await fs.mkdir(broken, { recursive: true });
  await fs.writeFile(path.join(broken, 'openrouter.json'), '{"provider":"openrouter","models":[{"id":1}]}');
  const app = appWith(broken, null);
  assert.equal(modelProfile('openrouter', 'google/veo-3.1')!.pricePerSecond['1280x720'], 0.4);
  assert.deepEqual((await app.info()).catalogs, []);
  await assert.rejects(call(app, 'models.refresh', { provider: 'openrouter' }), (e: Error & { code?: string }) => e.code === 'MissingKey' && /OPENROUTER_API_KEY/.test(e.message));
  await assert.rejects(call(app, 'models.refresh', { provider: 'preview' }), /does not use a key|Unknown provider|does not publish/);
  await app.shutdown();
});

test('CLI: storyreel models --refresh openrouter says what changed and keeps it; models lists the prices read', { timeout: 120000 }, async () => {
  const catalogDir = path.join(root, 'cli-catalog');
  const env = { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: emu.url, STORYREEL_CATALOG_DIR: catalogDir };
  const refreshed = await cli(['models', '--refresh', 'openrouter'], root, env).done;
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.match(refreshed.stdout, new RegExp(`OpenRouter: 2 models updated, 1 model added, 1 model gone, read ${TODAY()}\\.`));
  assert.match(refreshed.stdout, /updated: .*google\/veo-3\.1/);
  assert.ok(!refreshed.stdout.includes(KEY) && !refreshed.stderr.includes(KEY));
  const listed = await cli(['models', '--provider', 'openrouter'], root, { STORYREEL_CATALOG_DIR: catalogDir }).done;
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`OpenRouter \\(openrouter\\) — list read ${TODAY()} from 127\\.0\\.0\\.1`));
  assert.match(listed.stdout, /google\/veo-3\.1 {2}4, 6, 8 s {2}4 sizes .* \$0\.45–\$0\.50\/s/);
  assert.match(listed.stdout, /kwaivgi\/kling-3/);
  const wrong = await cli(['models', '--refresh', 'fal'], root, { STORYREEL_CATALOG_DIR: catalogDir }).done;
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /fal does not publish its models' prices; --refresh takes openrouter/);
});
