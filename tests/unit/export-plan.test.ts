// The export's pure decisions: the most a transition may be (and its words), the plan's path per scene
// and its frame/sample arithmetic, the preset frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline } from '../../shared/timeline.ts';
import { maxTransitionSeconds, transitionProblems } from '../../shared/transitions.ts';
import type { Project, Transition } from '../../shared/project.ts';
import { planFilm, type PlanClip } from '../../electron/services/export/plan.ts';
import { presetFrame } from '../../electron/services/media/stitch.ts';

const project = (lengths: number[], transitions: Transition[]): Pick<Project, 'scenes'> =>
  ({
    scenes: lengths.map((s, k) => ({ id: `s${k}`, prompt: '', seconds: s, transition: transitions[k] ?? 'cut', takes: [{ id: `t${k}`, file: `media/${k}.mp4`, seconds: s }], chosenTake: `t${k}` })),
  }) as unknown as Pick<Project, 'scenes'>;

test('a transition may be at most half of the shorter scene; a longer one is refused saying the most it can be', () => {
  assert.equal(maxTransitionSeconds(3, 8), 1.5);
  const ok = buildTimeline(project([3, 8], [{ type: 'crossfade', seconds: 1.5 }]));
  assert.deepEqual(transitionProblems(ok), []);
  const long = buildTimeline(project([3, 8, 2], ['cut', { type: 'wipe-left', seconds: 1.2 }]));
  const [p] = transitionProblems(long);
  assert.equal(p?.index, 1);
  assert.equal(p?.max, 1);
  assert.equal(p?.message, "The wipe left between scene 2 and scene 3 is 1.2 s, longer than those scenes allow: it can be at most 1 s (half of scene 3's 2 s). Shorten it, or make the scene longer.");
});

const details = (w: number, h: number, fps = 30, extradata = 'x') => ({ info: { durationSeconds: 1, formatName: 'mp4', video: { codec: 'h264', width: w, height: h, fps, pixFmt: 'yuv420p', profile: 'High', timeBase: '1/15360', durationSeconds: 1 }, audio: null }, videoStreamId: 1, videoExtradataHash: extradata });
const clip = (o: Partial<PlanClip> = {}): PlanClip => ({ label: 'scene', in: 0, out: 1, whole: 1, details: details(320, 180), ...o });

test('planFilm copies whole, alike takes joined by cuts, and says why it renders otherwise', () => {
  const copy = planFilm([clip(), clip(), clip()], [], { width: 320, height: 180 });
  assert.equal(copy.kind, 'copy');
  assert.deepEqual(copy.segments.map((s) => s.path), ['copy', 'copy', 'copy']);
  assert.equal(copy.totalSeconds, 3);

  const other = planFilm([clip(), clip({ details: details(320, 180, 30, 'other encoder') })], [], { width: 320, height: 180 });
  assert.equal(other.kind, 'render');
  assert.match(other.segments[1]!.reason, /encoded differently from scene 1/);

  const trimmed = planFilm([clip({ in: 0.2 }), clip({ details: details(640, 360) })], [], { width: 320, height: 180 });
  assert.match(trimmed.segments[0]!.reason, /trimmed to 0\.2 s–1 s/);
  assert.match(trimmed.segments[1]!.reason, /640x360, the film is 320x180/);
});

test('planFilm rounds the film clock once: frames minus overlaps add up to the film, sound follows frame for frame', () => {
  const clips = Array.from({ length: 12 }, () => clip({ out: 1.0166, whole: 1.0166 }));
  const plan = planFilm(clips, new Array(11).fill({ type: 'crossfade', seconds: 0.2 }), { width: 320, height: 180 });
  const frames = plan.frames.reduce((a, b) => a + b, 0) - plan.overlapFrames.reduce((a, b) => a + b, 0);
  assert.equal(frames, Math.round((12 * 1.0166 - 11 * 0.2) * 30));
  assert.equal(plan.totalSeconds, frames / 30);
  assert.deepEqual(plan.samples, plan.frames.map((f) => f * 1600));
  assert.deepEqual(plan.overlapSamples, plan.overlapFrames.map((f) => f * 1600));
});

test('preset frames keep the long side: 16:9, 9:16, 1:1', () => {
  assert.deepEqual(presetFrame({ width: 1280, height: 720 }, '9:16'), { width: 720, height: 1280 });
  assert.deepEqual(presetFrame({ width: 720, height: 1280 }, '16:9'), { width: 1280, height: 720 });
  assert.deepEqual(presetFrame({ width: 1280, height: 720 }, '1:1'), { width: 720, height: 720 });
  assert.deepEqual(presetFrame({ width: 1280, height: 720 }, undefined), { width: 1280, height: 720 });
});
