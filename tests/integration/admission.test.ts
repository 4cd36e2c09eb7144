// Admission through the door the window and the bridge use (dispatch), against the /v1/videos emulator:
// however the calls come (the same scene named ten times, three calls at once), the budget cap holds and
// the provider sees no more creates than scenes were asked for. A prompt the model cannot take is refused
// before anything is estimated as payable or sent.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Reply } from '../../shared/contract.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';

const KEY = 'sk-test-admission-0123456789';
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-admission-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

async function open(name: string, scenes: Array<{ prompt: string; seconds: number }>, budgetUsd: number | null) {
  const dir = path.join(root, name);
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes });
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url, budgetUsd }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: () => undefined,
    owner: 'test',
    concurrency: 4,
    timing: { pollMinMs: 50, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 400, reconcileDelaysMs: [100, 300, 600], reconcileSettleMs: 1000 },
  });
  const view = await app.openProject(dir);
  const handlers = app.handlers();
  const call = (channel: string, payload: unknown) => dispatch(handlers, channel, payload);
  return { app, dir, ids: view.project.scenes.map((s) => s.id), call };
}

const jobIdsOf = (r: Reply): string[] => (r.ok ? (r.value as { jobIds: string[] }).jobIds : []);

async function settle(app: Storyreel, dir: string) {
  await app.current().engine.idle();
  const jobs = app.current().engine.list();
  await app.shutdown();
  const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
  return { jobs, spentUsd: Math.round(spend.reduce((a, e) => a + e.usd, 0) * 10000) / 10000 };
}

test('one generate naming the same scene ten times makes one job and is priced once', { timeout: 60000 }, async () => {
  emu.resetStats();
  const { app, dir, ids, call } = await open('duplicates', [{ prompt: 'a lighthouse at dusk', seconds: 4 }], 0.5);
  const sceneIds = Array(10).fill(ids[0]);
  const est = await call('jobs.estimate', { sceneIds });
  assert.ok(est.ok);
  assert.equal((est.value as { totalUsd: number }).totalUsd, 0.4);
  const reply = await call('jobs.generate', { sceneIds });
  assert.ok(reply.ok, JSON.stringify(reply));
  assert.equal(jobIdsOf(reply).length, 1, 'one job for one scene');
  const { jobs, spentUsd } = await settle(app, dir);
  assert.equal(jobs.length, 1);
  assert.equal(emu.stats.creates, 1, 'one paid create');
  assert.ok(spentUsd <= 0.5, `spent ${spentUsd} under a $0.50 cap`);
});

test('three generate calls at once for the same scene: one job, one create, the cap holds', { timeout: 60000 }, async () => {
  emu.resetStats();
  const { app, dir, ids, call } = await open('concurrent-same', [{ prompt: 'a paper boat', seconds: 4 }], 0.4);
  const replies = await Promise.all([call('jobs.generate', { sceneIds: [ids[0]] }), call('jobs.generate', { sceneIds: [] }), call('jobs.generate', { sceneIds: [ids[0]] })]);
  const made = replies.flatMap(jobIdsOf);
  assert.equal(made.length, 1, `replies: ${JSON.stringify(replies)}`);
  for (const r of replies) if (!r.ok) assert.match(r.error.code, /^(InvalidInput|BudgetExceeded)$/, r.error.message);
  const { jobs, spentUsd } = await settle(app, dir);
  assert.equal(jobs.length, 1);
  assert.equal(emu.stats.creates, 1, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
  assert.ok(spentUsd <= 0.4, `spent ${spentUsd} under a $0.40 cap`);
});

test('three generate calls at once for different scenes: only what fits under the cap is created', { timeout: 60000 }, async () => {
  emu.resetStats();
  const scenes = ['one', 'two', 'three'].map((p) => ({ prompt: `scene ${p}`, seconds: 4 }));
  const { app, dir, ids, call } = await open('concurrent-budget', scenes, 0.8);
  const replies = await Promise.all(ids.map((id) => call('jobs.generate', { sceneIds: [id] })));
  const refused = replies.filter((r) => !r.ok);
  assert.equal(replies.flatMap(jobIdsOf).length, 2, `replies: ${JSON.stringify(replies)}`);
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.ok ? '' : refused[0]!.error.code, 'BudgetExceeded');
  const { jobs, spentUsd } = await settle(app, dir);
  assert.equal(jobs.length, 2);
  assert.equal(emu.stats.creates, 2);
  assert.ok(spentUsd <= 0.8, `spent ${spentUsd} under a $0.80 cap`);
});

test('a prompt that, with the style, is longer than the model takes is refused before any estimate or create', async () => {
  emu.resetStats();
  const { app, ids, call } = await open('long-prompt', [{ prompt: 'short', seconds: 4 }, { prompt: 'x'.repeat(31_990), seconds: 4 }], null);
  assert.ok((await call('project.update', { style: 'grainy 16 mm film, warm light' })).ok);
  const est = await call('jobs.estimate', { sceneIds: [ids[1]] });
  assert.ok(est.ok);
  const blocked = (est.value as { blocked: { message: string } | null }).blocked;
  assert.match(blocked?.message ?? '', /Scene 2.*32,000/);
  const reply = await call('jobs.generate', { sceneIds: [] });
  assert.equal(reply.ok, false);
  if (!reply.ok) assert.match(reply.error.message, /Scene 2's prompt with the project style is 32,0\d\d characters, but sora-2 takes at most 32,000/);
  assert.equal(emu.stats.creates, 0);
  assert.deepEqual(await fs.readdir(path.join(root, 'long-prompt', '.storyreel', 'jobs')).catch(() => []), [], 'no job written');
  await app.shutdown();
});
