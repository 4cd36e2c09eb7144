// Takes worth comparing, as pure functions: stale reasons (size, style, prompt, length, continuity source),
// four-criteria scores with v1/v2 stars read as scores, the "best takes" cut, and which scenes "generate all"
// means once the film's takes came from another provider; which takes can be remixed or extended.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { matchesRequest, type VideoObject } from '../../electron/services/providers/openai-videos.ts';
import { canDerive, extensionSeconds } from '../../shared/derive.ts';
import { readProjectBytes } from '../../shared/project-file.ts';
import { ProjectSchema, type Project, type Scene, type Take } from '../../shared/project.ts';
import { bestTakeOf, bestTakesCut, mergeScores, overallScore, scoresOf, starsFor } from '../../shared/rating.ts';
import { awaitsPick, needsGeneration, staleReasons, staleWarnings } from '../../shared/stale.ts';

const fixture = path.resolve('tests/fixtures/project-v1-with-takes/project.json');

function take(id: string, over: Partial<Take> = {}): Take {
  return {
    id,
    jobId: `job_${id}`,
    provider: 'preview',
    model: 'animatic',
    file: `media/${id}.mp4`,
    thumbnail: null,
    seconds: 4.02,
    size: '1280x720',
    prompt: 'A kite\n\nStyle: ink',
    providerJobId: null,
    costUsd: 0,
    createdAt: '2026-12-02T10:00:00.000Z',
    rating: 0,
    provenance: { scenePrompt: 'A kite', style: 'ink', seconds: 4, images: [], seed: null, elapsedMs: 1200, from: null, continuityFrom: null },
    ...over,
  };
}

function project(scenes: Array<Partial<Scene> & { takes: Take[] }>, over: Partial<Project> = {}): Project {
  return ProjectSchema.parse({
    formatVersion: 2,
    model: 'animatic',
    size: '1280x720',
    style: 'ink',
    ...over,
    scenes: scenes.map((s, i) => ({ id: `s${i + 1}`, prompt: 'A kite', seconds: 4, chosenTake: s.takes[0]?.id ?? null, ...s })),
  });
}

test('a take made at another size, style, prompt or length is stale, each with its reason; a matching one is not', () => {
  const p = project([{ takes: [take('t1')] }]);
  const scene = p.scenes[0]!;
  assert.deepEqual(staleReasons(p, scene, scene.takes[0]!), [], 'made for exactly what the scene asks');
  const resized = { ...p, size: '720x1280' };
  assert.deepEqual(staleReasons(resized, scene, scene.takes[0]!), [{ field: 'size', message: 'Made at 1280x720; the film is now 720x1280.' }]);
  assert.deepEqual(staleReasons({ ...p, style: 'watercolor' }, scene, scene.takes[0]!).map((r) => r.field), ['style']);
  assert.deepEqual(staleReasons(p, { ...scene, prompt: 'A red kite' }, scene.takes[0]!).map((r) => r.field), ['prompt']);
  assert.deepEqual(staleReasons(p, { ...scene, seconds: 8 }, scene.takes[0]!).map((r) => [r.field, r.message]), [['seconds', 'Made for 4 s; the scene is now 8 s.']]);
  // An extension is longer on purpose.
  const extended = take('t2', { seconds: 8, provenance: { ...take('x').provenance!, seconds: 8, from: { kind: 'extend', takeId: 't1' } } });
  assert.deepEqual(staleReasons(p, scene, extended), []);
  assert.deepEqual(staleWarnings(resized), ["Scene 1's take is stale: Made at 1280x720; the film is now 720x1280."]);
});

test("a continuing scene's take is stale when the scene before now uses another take", () => {
  const cont = take('b1', { provenance: { ...take('x').provenance!, continuityFrom: { sceneId: 's1', takeId: 'a1' } } });
  const p = project([{ takes: [take('a1'), take('a2')] }, { takes: [cont], continuity: 'previous-last-frame' }]);
  assert.deepEqual(staleReasons(p, p.scenes[1]!, cont), []);
  const swapped = { ...p, scenes: [{ ...p.scenes[0]!, chosenTake: 'a2' }, p.scenes[1]!] };
  assert.deepEqual(staleReasons(swapped, swapped.scenes[1]!, cont).map((r) => r.field), ['continuity']);
  const off = { ...p, scenes: [p.scenes[0]!, { ...p.scenes[1]!, continuity: 'none' as const }] };
  assert.deepEqual(staleReasons(off, off.scenes[1]!, cont).map((r) => r.field), ['continuity']);
});

test('v1 takes with stars read as scores (n stars = 2n on every criterion) and are not stale', () => {
  const raw = JSON.parse(readFileSync(fixture, 'utf8'));
  raw.scenes[0].takes[0].rating = 4;
  raw.scenes[1].takes[0].rating = 1;
  const { project: p } = readProjectBytes(new TextEncoder().encode(JSON.stringify(raw)), 'fixture');
  const [a, b] = [p.scenes[0]!.takes[0]!, p.scenes[1]!.takes[0]!];
  assert.deepEqual(scoresOf(a), { visual: 8, adherence: 8, consistency: 8, narrative: 8 });
  assert.equal(overallScore(a), 8);
  assert.equal(overallScore(b), 2);
  assert.equal(overallScore({ rating: 0 }), null, '0 stars: not rated');
  for (const s of p.scenes) assert.deepEqual(staleReasons(p, s, s.takes[0]!), [], 'a v1 take made for its scene is not stale');
  // Scoring one criterion keeps the others read from the stars; the stars follow the overall score.
  const scores = mergeScores(a, { visual: 3 });
  assert.deepEqual(scores, { visual: 3, adherence: 8, consistency: 8, narrative: 8 });
  assert.equal(starsFor(scores), 3); // overall 6.75 → 3 stars
});

test('the best-takes cut picks the highest overall score of every scene, and leaves unscored scenes alone', () => {
  const p = project([
    { takes: [take('a1', { scores: { visual: 5, adherence: 5, consistency: 5, narrative: 5 } }), take('a2', { scores: { visual: 9, adherence: 8, consistency: null, narrative: 7 } })] },
    { takes: [take('b1'), take('b2')] },
    { takes: [take('c1', { rating: 5 }), take('c2', { rating: 2 })] },
  ]);
  assert.equal(bestTakeOf(p.scenes[0]!)?.id, 'a2');
  assert.deepEqual(bestTakesCut(p), [{ sceneId: 's1', takeId: 'a2' }], 'scene 2 has no score; scene 3 already uses its best');
});

test('"generate all" means scenes with no take, or whose take was put in the film automatically by another model', () => {
  const p = project([{ takes: [take('a1')] }, { takes: [take('b1')], chosenBy: 'creator' }, { takes: [] }], { provider: 'openai-videos', model: 'sora-2' });
  assert.deepEqual(p.scenes.map((s) => needsGeneration(p, s)), [true, false, true]);
  const same = { ...p, provider: 'preview', model: 'animatic' };
  assert.deepEqual(same.scenes.map((s) => needsGeneration(same, s)), [false, false, true]);
});

test('"generate all" leaves a scene with takes but none chosen to the creator\'s pick (after Unchoose)', () => {
  const p = project([{ takes: [take('a1'), take('a2')], chosenTake: null }, { takes: [take('b1')], chosenTake: null }, { takes: [] }], { provider: 'openai-videos', model: 'sora-2' });
  assert.deepEqual(p.scenes.map((s) => needsGeneration(p, s)), [false, false, true]);
  assert.deepEqual(p.scenes.map((s) => awaitsPick(s)), [true, true, false]);
});

test('remix and extend are offered only where the adapter and the model can; a lost remix reply is found only as that remix', () => {
  const sora = { provider: 'openai-videos', model: 'sora-2', providerJobId: 'video_1' };
  assert.deepEqual(['reroll', 'remix', 'extend'].map((k) => canDerive(sora, k as 'remix')), [true, true, true]);
  assert.equal(canDerive({ ...sora, providerJobId: null }, 'remix'), false, 'no provider id kept: nothing to remix');
  // fal's Veo extends (its extend-video endpoint) but does not remix; Kling does neither.
  assert.deepEqual(['reroll', 'remix', 'extend'].map((k) => canDerive({ provider: 'fal', model: 'fal-ai/veo3.1/fast', providerJobId: 'x' }, k as 'remix')), [true, false, true]);
  assert.deepEqual(['reroll', 'remix', 'extend'].map((k) => canDerive({ provider: 'fal', model: 'fal-ai/kling-video/v3/pro', providerJobId: 'x' }, k as 'remix')), [true, false, false]);
  assert.equal(extensionSeconds([4, 8, 12]), 4);
  assert.equal(extensionSeconds([5, 10]), 5);

  const req = { jobId: 'job_1', model: 'sora-2', prompt: 'A blue kite', seconds: 4, size: '1280x720', referenceImage: null, sentAt: 0 };
  const video = { id: 'video_2', object: 'video', model: 'sora-2', status: 'queued', prompt: 'A blue kite', seconds: '4', size: '1280x720' } as VideoObject;
  const remixed = { ...video, remixed_from_video_id: 'video_1' };
  assert.equal(matchesRequest(remixed, { ...req, source: { kind: 'remix', providerJobId: 'video_1', seconds: 4 } }), true);
  assert.equal(matchesRequest(remixed, { ...req, source: { kind: 'remix', providerJobId: 'video_9', seconds: 4 } }), false, 'a remix of another video');
  assert.equal(matchesRequest(video, { ...req, source: { kind: 'remix', providerJobId: 'video_1', seconds: 4 } }), false, 'a new generation is not our remix');
  assert.equal(matchesRequest(remixed, req), false, 'a remix is not our new generation');
});
