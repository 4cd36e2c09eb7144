// Takes worth comparing, through the door the window uses (dispatch): variations with their provenance,
// four-criteria scores, the "best takes" cut, stale takes after a size change (and the export's warning on
// the command line), and regenerating a Preview board on a paid provider (the /v1/videos emulator) with the
// new takes entering the film except where the creator had picked one by hand.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { EstimateView } from '../../shared/contract.ts';
import type { Project } from '../../shared/project.ts';
import { staleReasons } from '../../shared/stale.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { cli, FAST_TIMING } from '../helpers/provider-run.ts';
import { door } from '../helpers/door.ts';

const KEY = 'sk-test-takes-craft-0123456789';
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-takes-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

async function open(name: string, opts: Parameters<typeof createProject>[1]) {
  const dir = path.join(root, name);
  await createProject(dir, opts);
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: () => undefined,
    owner: 'test',
    concurrency: 3,
    timing: FAST_TIMING,
  });
  const view = await app.openProject(dir);
  const call = door(app);
  const project = (): Project => app.current().store.get();
  return { app, dir, ids: view.project.scenes.map((s) => s.id), call, project };
}

test('three variations in one action keep their provenance; scores pick the best-takes cut; a size change marks them stale', { timeout: 120000 }, async () => {
  const { app, dir, ids, call, project } = await open('variations', {
    provider: 'preview',
    size: '640x360',
    style: 'pencil sketch',
    scenes: [
      { prompt: 'A lamp lights up in a dark room', seconds: 1 },
      { prompt: 'A second lamp answers across the street', seconds: 1 },
    ],
  });
  const { jobIds } = await call<{ jobIds: string[] }>('jobs.generate', { sceneIds: [ids[0]], takes: 3 });
  assert.equal(jobIds.length, 3, 'three variations, three jobs through one admission');
  await call('jobs.generate', { sceneIds: [ids[1]] });
  await app.current().engine.idle();

  const [one, two] = project().scenes;
  assert.equal(one!.takes.length, 3);
  for (const t of one!.takes) {
    assert.equal(t.prompt, 'A lamp lights up in a dark room\n\nStyle: pencil sketch', 'the exact prompt sent');
    assert.deepEqual({ ...t.provenance, elapsedMs: typeof t.provenance?.elapsedMs }, { scenePrompt: 'A lamp lights up in a dark room', style: 'pencil sketch', seconds: 1, images: [], seed: null, elapsedMs: 'number', from: null, continuityFrom: null });
  }
  assert.equal(one!.chosenTake, one!.takes[0]!.id, 'the first take to arrive goes into the film');
  assert.equal(one!.chosenBy, 'auto');

  // Four criteria on two takes; the second scores higher overall.
  const [a, b] = one!.takes;
  await call('takes.score', { sceneId: ids[0], takeId: a!.id, scores: { visual: 6, adherence: 7, consistency: 5, narrative: 6 } });
  await call('takes.score', { sceneId: ids[0], takeId: b!.id, scores: { visual: 9, adherence: 8 } });
  const scored = project().scenes[0]!.takes[1]!;
  assert.deepEqual(scored.scores, { visual: 9, adherence: 8, consistency: null, narrative: null });
  assert.equal(scored.rating, 4, 'stars follow the overall score (8.5 → 4) for older readers');
  await assert.rejects(call('takes.score', { sceneId: ids[0], takeId: a!.id, scores: { visual: 11 } }), /visual/);

  await call('takes.chooseBest', {});
  assert.equal(project().scenes[0]!.chosenTake, b!.id, 'the best-scored take is in the film');
  assert.equal(project().scenes[0]!.chosenBy, 'creator');
  assert.equal(project().scenes[1]!.chosenTake, two!.takes[0]!.id, 'an unscored scene keeps its take');

  // The film changes size: every take is marked stale with the reason; nothing regenerates.
  await call('project.update', { size: '1280x720' });
  const p = project();
  for (const s of p.scenes) for (const t of s.takes) assert.deepEqual(staleReasons(p, s, t).map((r) => r.field), ['size']);
  assert.equal(app.current().engine.list().length, 4, 'no job was started by the change');
  await app.shutdown();

  // The command line exports the stale takes as they are, but says so first.
  const run = await cli(['render', dir], root, {}).done;
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /warning: Scene 1's take is stale: Made at 640x360; the film is now 1280x720\./);
  assert.match(run.stderr, /warning: Scene 2's take is stale/);
});

test('a Preview board regenerated on a paid provider: every scene is generated, new takes enter the film except a hand-picked one', { timeout: 120000 }, async () => {
  const { app, dir, ids, call, project } = await open('regenerate', {
    provider: 'preview',
    size: '1280x720',
    scenes: [
      { prompt: 'A red kite climbs over the dunes', seconds: 4 },
      { prompt: 'The kite string snaps', seconds: 4 },
    ],
  });
  await call('jobs.generate', { sceneIds: [] });
  await app.current().engine.idle();
  // The creator picks scene 2's animatic by hand.
  await call('takes.choose', { sceneId: ids[1], takeId: project().scenes[1]!.takes[0]!.id });

  await call('project.update', { provider: 'openai-videos', model: 'sora-2' });
  // "Generate all" is not empty any more: animatics put in the film automatically are placeholders.
  const all = await call<EstimateView>('jobs.estimate', { sceneIds: [] });
  assert.deepEqual(all.lines.map((l) => l.sceneId), [ids[0]]);
  // Regenerating the board: every scene, one cost.
  const board = await call<EstimateView>('jobs.estimate', { sceneIds: ids });
  assert.equal(board.totalUsd, 0.8);
  emu.resetStats();
  await call('jobs.generate', { sceneIds: ids });
  await app.current().engine.idle();
  assert.equal(emu.stats.creates, 2, 'one create per scene');

  const scenes = (await readProject(dir)).scenes;
  const inFilm = scenes.map((s) => s.takes.find((t) => t.id === s.chosenTake)!);
  assert.deepEqual(inFilm.map((t) => t.provider), ['openai-videos', 'preview']);
  assert.deepEqual(scenes.map((s) => s.chosenBy), ['auto', 'creator']);
  assert.deepEqual(scenes.map((s) => s.takes.length), [2, 2], "scene 2's new take is kept beside the one picked by hand");
  assert.equal(scenes[0]!.takes[1]!.costUsd, 0.4);
  assert.equal(scenes[0]!.takes[1]!.provenance?.seconds, 4);
  // Nothing more to generate: the paid takes match the provider now.
  assert.deepEqual((await call<EstimateView>('jobs.estimate', { sceneIds: [] })).lines, []);
  await app.shutdown();
});

test('after Unchoose, "Generate all" leaves the scene to the creator\'s pick: nothing to pay for, here or on the command line', { timeout: 120000 }, async () => {
  const { app, dir, ids, call, project } = await open('unchoose', {
    provider: 'preview',
    size: '640x360',
    scenes: [
      { prompt: 'A lamp lights up in a dark room', seconds: 1 },
      { prompt: 'A second lamp answers across the street', seconds: 1 },
    ],
  });
  await call('jobs.generate', { sceneIds: [ids[0]], takes: 2 });
  await call('jobs.generate', { sceneIds: [ids[1]] });
  await app.current().engine.idle();
  await call('project.update', { provider: 'openai-videos', model: 'sora-2' });
  await call('takes.choose', { sceneId: ids[1], takeId: project().scenes[1]!.takes[0]!.id });
  await call('takes.choose', { sceneId: ids[0], takeId: null }); // Unchoose: two takes, none in the film
  const all = await call<EstimateView>('jobs.estimate', { sceneIds: [] });
  assert.deepEqual(all.lines, [], 'no third take offered for scene 1');
  assert.equal(all.totalUsd, 0);
  emu.resetStats();
  assert.deepEqual((await call<{ jobIds: string[] }>('jobs.generate', { sceneIds: [] })).jobIds, []);
  assert.equal(emu.stats.creates, 0);
  // Naming the scene still generates it: the creator's explicit word.
  assert.deepEqual((await call<EstimateView>('jobs.estimate', { sceneIds: [ids[0]] })).lines.map((l) => l.sceneId), [ids[0]]);
  await app.shutdown();

  const run = await cli(['render', dir], root, {}).done;
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /Generating/);
  assert.match(run.stderr, /scene 1 has 2 takes and none is in the film/);
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.takes.length), [2, 1], 'no take was made');
  assert.equal(emu.stats.creates, 0);
});

test('remix and extend a take at the /v1/videos emulator (its remix and extensions routes), and on Preview as animatics', { timeout: 120000 }, async () => {
  emu.resetStats();
  const { app, ids, call, project } = await open('derive', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A red kite over the dunes', seconds: 4 }] });
  await call('jobs.generate', { sceneIds: ids });
  await app.current().engine.idle();
  const first = project().scenes[0]!.takes[0]!;
  await call('scenes.update', { id: ids[0], patch: { prompt: 'A blue kite over the dunes' } });

  const remixCost = await call<EstimateView>('takes.deriveEstimate', { sceneId: ids[0], takeId: first.id, kind: 'remix' });
  assert.equal(remixCost.totalUsd, 0.4);
  await call('takes.derive', { sceneId: ids[0], takeId: first.id, kind: 'remix' });
  await app.current().engine.idle();
  const extendCost = await call<EstimateView>('takes.deriveEstimate', { sceneId: ids[0], takeId: first.id, kind: 'extend' });
  assert.deepEqual([extendCost.totalSeconds, extendCost.totalUsd], [8, 0.8], 'an extension is counted at its whole length');
  await call('takes.derive', { sceneId: ids[0], takeId: first.id, kind: 'extend' });
  await app.current().engine.idle();

  const routes = emu.stats.requests.filter((r) => r.method === 'POST').map((r) => r.path.replace(first.providerJobId!, '{id}'));
  assert.deepEqual(routes, ['/v1/videos', '/v1/videos/{id}/remix', '/v1/videos/extensions']);
  assert.deepEqual(emu.stats.requests.filter((r) => r.validation === 'invalid').map((r) => r.path), []);
  const [, remix, extension] = project().scenes[0]!.takes;
  assert.deepEqual(remix!.provenance?.from, { kind: 'remix', takeId: first.id });
  assert.equal(remix!.prompt, 'A blue kite over the dunes', 'the remix sends the scene as it now reads');
  assert.deepEqual(extension!.provenance?.from, { kind: 'extend', takeId: first.id });
  assert.ok(Math.abs(extension!.seconds - 8) < 0.3, `a new, longer take: ${extension!.seconds} s`);
  assert.equal(project().scenes[0]!.chosenTake, first.id, 'the creator decides whether a new take goes into the film');
  assert.deepEqual(staleReasons(project(), project().scenes[0]!, extension!), [], 'longer on purpose, from the current prompt');
  await app.shutdown();

  // Preview implements both as animatics, and a re-roll records what it re-rolled.
  const pv = await open('derive-preview', { provider: 'preview', size: '640x360', scenes: [{ prompt: 'A lamp', seconds: 1 }] });
  await pv.call('jobs.generate', { sceneIds: pv.ids });
  await pv.app.current().engine.idle();
  const base = pv.project().scenes[0]!.takes[0]!;
  for (const kind of ['reroll', 'remix', 'extend']) {
    await pv.call('takes.derive', { sceneId: pv.ids[0], takeId: base.id, kind });
    await pv.app.current().engine.idle(); // one job per scene at a time, as for any generation
  }
  await assert.rejects(pv.call('takes.derive', { sceneId: pv.ids[0], takeId: 'take_gone', kind: 'remix' }), /no longer exists/);
  const made = pv.project().scenes[0]!.takes.slice(1);
  assert.deepEqual(made.map((t) => [t.provenance?.from?.kind, Math.round(t.seconds)]).sort(), [['extend', 5], ['remix', 1], ['reroll', 1]]);
  await pv.app.shutdown();
});
