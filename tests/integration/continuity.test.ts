// Continuity between scenes: a continuing scene starts from the previous scene's chosen take's best last
// frame, resolved when its job runs and sent to the provider (checked in what the fal emulator received);
// the frame picker skips a black or blurred ending; a shared keyframe and inputs a model cannot take are
// refused before sending, naming models that can. Real ffmpeg, small clips.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { importKeyframe } from '../../electron/services/generation/references.ts';
import { bestFrame, exposureWeight, pickLastFrame, scoreFrames } from '../../electron/services/media/frames.ts';
import { continuityBlocked, continuityProblems, continuityStale, keyframeBlocked, sceneFrames } from '../../shared/continuity.ts';
import { staleReasons } from '../../shared/stale.ts';
import { blankProject, createProject, readProject } from '../../electron/services/projects/store.ts';
import type { Scene } from '../../shared/project.ts';
import { startArkEmulator } from '../emulators/ark/server.ts';
import { startFalEmulator, type FalEmulator } from '../emulators/fal/server.ts';
import { appFor, jobsOnDisk } from '../helpers/module-cli.ts';
import { makeApp } from '../helpers/provider-run.ts';
import { meanDiff, rgbAt } from '../helpers/pixels.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const KEY = 'fal-continuity-test-key';
let root: string;
let emu: FalEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-continuity-'));
  emu = await startFalEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});


test('continue from previous: scene 2 waits for scene 1\'s take, then sends its best last frame as the first frame', { timeout: 120000 }, async () => {
  emu.resetStats();
  emu.setFaults({});
  const dir = path.join(root, 'continue');
  await createProject(dir, { provider: 'preview', model: 'animatic', size: '854x480', scenes: [{ prompt: 'A lantern swings in the dark.', seconds: 2 }, { prompt: 'The @Lantern falls into the water.', seconds: 4 }] });
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  Object.assign(raw.scenes[1], { provider: 'fal', model: 'bytedance/seedance-2.0/fast', continuity: 'previous-last-frame' });
  // A bible entry with a picture, named by the continuing scene: Seedance takes references only without a
  // first frame, so its description is sent and its picture is not (the continuity frame is).
  await fs.mkdir(path.join(dir, 'media', 'refs'), { recursive: true });
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=green:s=64x64', '-frames:v', '1', '-y', path.join(dir, 'media', 'refs', 'bible-lantern.png')]);
  raw.bible = { entries: [{ id: 'lantern', kind: 'prop', name: 'Lantern', description: 'a brass storm lantern with a cracked glass', images: ['media/refs/bible-lantern.png'] }], presets: [] };
  await fs.writeFile(file, JSON.stringify(raw));

  const app = appFor(dir, { FAL_KEY: KEY, FAL_BASE_URL: emu.url }, KEY);
  await app.openProject(dir);
  // Both at once: scene 2 is queued before scene 1 has a take, and resolves its frame only when it runs.
  await app.generate([]);
  await app.current().engine.idle();
  await app.shutdown();

  const project = await readProject(dir);
  const [one, two] = project.scenes as [Scene, Scene];
  const source = one.takes[0]!;
  const made = two.takes[0];
  assert.ok(made, `scene 2 has a take: ${JSON.stringify(two.lastError)}`);
  // Provenance: which take and which moment of it the scene continues from.
  assert.equal(made.continuityFrom?.takeId, source.id);
  assert.equal(made.continuityFrom?.sceneId, one.id);
  assert.equal(made.continuityFrom?.exact, false);
  const at = made.continuityFrom!.atSeconds;
  assert.ok(at >= source.seconds - 1.05 && at <= source.seconds, `a frame of the last second (${at} of ${source.seconds} s)`);
  const job = (await jobsOnDisk(dir)).find((j) => j.sceneId === two.id) as unknown as { continuityFrom: { file: string; takeId: string } };
  assert.equal(job.continuityFrom.takeId, source.id, 'the ledger recorded it before sending');
  // The take is current while scene 1 keeps that take and stays before it; moving or re-choosing makes it stale.
  assert.equal(continuityStale(project, two.id, made), null);
  // Its provenance says so too, so the card does not call it stale (shared/stale.ts).
  assert.deepEqual(made.provenance?.continuityFrom, { sceneId: one.id, takeId: source.id });
  assert.deepEqual(staleReasons(project, two, made), []);
  assert.deepEqual(staleReasons(project, two, { ...made, provenance: { ...made.provenance!, continuityFrom: { sceneId: one.id, takeId: 'take_other' } } }).map((r) => r.field), ['continuity']);
  assert.match(continuityStale({ scenes: [two, one] }, two.id, made) ?? '', /no longer the one before it/);
  assert.match(continuityStale({ scenes: [{ ...one, chosenTake: null }, two] }, two.id, made) ?? '', /another take of scene 1/);

  // What fal received: the image-to-video endpoint with an uploaded first frame that is scene 1's frame.
  const submit = emu.stats.requests.find((r) => r.route === 'submit')!;
  assert.equal(submit.path, '/bytedance/seedance-2.0/fast/image-to-video');
  assert.match(String((submit.body as { prompt?: string }).prompt), /Lantern: a brass storm lantern with a cracked glass\./);
  const sentUrl = String((submit.body as { image_url?: string }).image_url);
  const upload = emu.uploads.get(sentUrl);
  assert.ok(upload, `the first frame was uploaded (${sentUrl})`);
  const sent = path.join(dir, 'sent.png');
  await fs.writeFile(sent, upload.bytes);
  const diff = meanDiff(await rgbAt(sent, '854x480'), await rgbAt(path.join(dir, source.file), '854x480', at));
  assert.ok(diff < 4, `the sent image is scene 1's frame at ${at} s (mean difference ${diff.toFixed(2)})`);
  // Control: scene 1's opening frame is a different picture, so the comparison can tell them apart.
  assert.ok(meanDiff(await rgbAt(sent, '854x480'), await rgbAt(path.join(dir, source.file), '854x480', 0)) > diff + 4);
});

test('where the provider sent its own last frame (Ark return_last_frame), the next scene starts from exactly that', { timeout: 120000 }, async () => {
  const ark = await startArkEmulator({ apiKey: KEY });
  try {
    const dir = path.join(root, 'exact');
    const model = 'dreamina-seedance-2-0-fast-260128';
    await createProject(dir, { provider: 'ark', model, size: '854x480', scenes: [{ prompt: 'A kite rises.', seconds: 4 }, { prompt: 'The kite dives.', seconds: 4 }] });
    const file = path.join(dir, 'project.json');
    const raw = JSON.parse(await fs.readFile(file, 'utf8'));
    raw.scenes[1].continuity = 'previous-last-frame';
    await fs.writeFile(file, JSON.stringify(raw));
    const app = makeApp(dir, { ARK_BASE_URL: ark.url }, { name: 'ARK_API_KEY', value: KEY });
    await app.openProject(dir);
    await app.generate([]);
    await app.current().engine.idle();
    const jobs = app.current().engine.records();
    await app.shutdown();
    const project = await readProject(dir);
    const [one, two] = project.scenes as [Scene, Scene];
    const made = two.takes[0];
    assert.ok(made, JSON.stringify(two.lastError));
    assert.deepEqual([made.continuityFrom?.takeId, made.continuityFrom?.exact], [one.takes[0]!.id, true]);
    const lastFrame = jobs.find((j) => j.sceneId === one.id)!.lastFrame!;
    const creates = ark.stats.requests.filter((r) => r.route === 'create');
    const body = creates.at(-1)!.body as { content: Array<{ type: string; role?: string; image_url?: { url: string } }> };
    const first = body.content.find((c) => c.role === 'first_frame')!.image_url!.url;
    const sent = path.join(dir, 'sent.png');
    await fs.writeFile(sent, Buffer.from(first.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const diff = meanDiff(await rgbAt(sent, '854x480'), await rgbAt(path.join(dir, lastFrame), '854x480'));
    assert.ok(diff < 1, `the sent first frame is Ark's own last frame of scene 1 (mean difference ${diff.toFixed(2)})`);
  } finally {
    await ark.close();
  }
});

test('Preview: a keyframe shared by scenes 1 and 2 ends one and opens the other; scene 3 opens on scene 2\'s chosen frame', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'keyframe');
  const size = '640x360';
  await createProject(dir, { size, scenes: [{ prompt: 'A door opens.', seconds: 1 }, { prompt: 'A field beyond the door.', seconds: 1 }, { prompt: 'Walking into the field.', seconds: 1 }] });
  const key = path.join(root, 'key.png');
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}`, '-frames:v', '1', '-y', key]);
  const app = appFor(dir, {}, 'none');
  await app.openProject(dir);
  const session = app.current();
  const [s1, , s3] = session.store.get().scenes;
  await importKeyframe(session, s1!.id, key);
  await session.store.updateScene(s3!.id, { continuity: 'previous-last-frame' });
  assert.match(session.store.get().scenes[0]!.boundaryKeyframe ?? '', /^media\/refs\/.+\.png$/);
  await app.generate([]);
  await app.current().engine.idle();
  await app.shutdown();
  const [one, two, three] = (await readProject(dir)).scenes.map((s) => s.takes[0]!) as [Scene['takes'][0], Scene['takes'][0], Scene['takes'][0]];
  assert.ok(one && two && three, 'every scene has a take');
  const media = (t: { file: string }): string => path.join(dir, t.file);
  const keyPixels = await rgbAt(key, size);
  const end1 = await rgbAt(media(one), size, one.seconds - 1 / 30);
  const start2 = await rgbAt(media(two), size, 0);
  assert.ok(meanDiff(end1, keyPixels) < 6, `scene 1 ends on the keyframe (${meanDiff(end1, keyPixels).toFixed(1)})`);
  assert.ok(meanDiff(start2, keyPixels) < 6, `scene 2 opens on it (${meanDiff(start2, keyPixels).toFixed(1)})`);
  const at = three.continuityFrom!.atSeconds;
  const from2 = await rgbAt(media(two), size, at);
  const start3 = await rgbAt(media(three), size, 0);
  assert.ok(meanDiff(start3, from2) < 6, `scene 3 opens on scene 2's frame at ${at} s (${meanDiff(start3, from2).toFixed(1)})`);
  // For a creator: the two boundaries side by side (scene 1's end | scene 2's start || scene 2 at the chosen frame | scene 3's start).
  const shots = path.resolve('test-results', 'screenshots');
  await fs.mkdir(shots, { recursive: true });
  await exec(paths.ffmpeg, ['-v', 'error', '-sseof', '-0.04', '-i', media(one), '-i', media(two), '-ss', Math.max(0, at - 0.01).toFixed(3), '-i', media(two), '-i', media(three), '-filter_complex', '[0:v]trim=end_frame=1[a];[1:v]trim=end_frame=1[b];[2:v]trim=end_frame=1[c];[3:v]trim=end_frame=1[d];[a][b][c][d]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0', '-frames:v', '1', '-y', path.join(shots, 'continuity-boundaries.png')]);
});

test('the frame picker takes the sharpest, best-exposed frame of the last second, not a black or blurred ending', async () => {
  const dir = path.join(root, 'frames');
  await fs.mkdir(dir, { recursive: true });
  const clip = path.join(dir, 'ending.mp4');
  // 2 s: sharp until 1.4 s, blurred until 1.7 s, then black.
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=2', '-vf', "gblur=sigma=6:enable='between(t,1.4,1.7)',drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='gte(t,1.7)'", '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', clip]);
  const out = path.join(dir, 'picked.png');
  const picked = await pickLastFrame(ff, clip, out, '640x360');
  assert.ok(picked.at >= 0.99 && picked.at < 1.4, `a sharp frame of the last second (${picked.at} s)`);
  assert.ok(picked.scores.some((s) => s.at >= 1.7 && s.brightness < 20), 'the black ending was looked at');
  const info = await ff.probe(out);
  assert.deepEqual([info.video?.width, info.video?.height], [640, 360], 'fitted to the next scene\'s size');
  const diff = meanDiff(await rgbAt(out, '320x180'), await rgbAt(clip, '320x180', picked.at));
  assert.ok(diff < 4, `it is the frame at ${picked.at} s (${diff.toFixed(2)})`);
  // A trimmed take continues from where the film leaves it: the second before its out point.
  const trimmed = await pickLastFrame(ff, clip, out, '320x180', { end: 1 });
  assert.ok(trimmed.at < 1, `${trimmed.at}`);
  // The scoring alone: black and blown-out frames weigh nothing; a clip black throughout gives its last frame.
  assert.deepEqual([exposureWeight(5), exposureWeight(128), exposureWeight(250)], [0, 1, 0]);
  const flat = new Uint8Array(16).fill(0);
  assert.equal(bestFrame(scoreFrames([flat, flat, flat], 4, 4, [0, 1, 2])), 2);
});

test('continuity and keyframes the project cannot do are refused before sending, naming models that can', () => {
  const project = blankProject({ provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'a', seconds: 4 }, { prompt: 'b', seconds: 4 }, { prompt: 'c', seconds: 4 }] });
  const [a, b, c] = project.scenes as [Scene, Scene, Scene];
  const ids = project.scenes.map((s) => s.id);
  // The first scene continues from nothing; the second from a scene with no take coming.
  a.continuity = 'previous-last-frame';
  c.continuity = 'previous-last-frame';
  const msgs = continuityProblems(project, ids).map((p) => p.message);
  assert.ok(msgs.some((m) => /Scene 1 .*first scene/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /Scene 3 continues from scene 2, which has no take yet/.test(m)), msgs.join('\n'));
  // Generated together, scene 3 waits for scene 2: no problem.
  a.continuity = 'none';
  assert.deepEqual(continuityProblems(project, ids, new Set(ids)), []);
  // A keyframe shared by scenes 1 and 2: sora-2 takes no last frame, so scene 1 is refused, naming models that can.
  (a as Scene & { boundaryKeyframe?: string }).boundaryKeyframe = 'media/refs/key.png';
  const refused = continuityProblems(project, ids, new Set(ids));
  assert.equal(refused.length, 1, JSON.stringify(refused));
  assert.equal(refused[0]!.sceneId, a.id);
  assert.match(refused[0]!.message, /Scene 1 ends on the keyframe shared with scene 2\. .*cannot take a last frame\. Models that can: .*(veo|seedance|kling|gemini)/i);
  assert.deepEqual(sceneFrames(project, a.id), { first: null, last: 'media/refs/key.png' });
  assert.deepEqual(sceneFrames(project, b.id), { first: 'media/refs/key.png', last: null });
  // On a model that takes both frames, the keyframe is fine; scene 2 cannot also have its own first frame.
  a.provider = 'fal';
  a.model = 'fal-ai/veo3.1/fast';
  assert.deepEqual(continuityProblems(project, ids, new Set(ids)), []);
  b.referenceImage = 'media/refs/other.png';
  assert.match(continuityProblems(project, ids, new Set(ids))[0]!.message, /Scene 2 has two first frames/);
});

test('the window\'s controls are disabled in words where continuity or a shared keyframe cannot be set', () => {
  const project = blankProject({ provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'a', seconds: 4 }, { prompt: 'b', seconds: 4 }, { prompt: 'c', seconds: 4 }] });
  const [a, b, c] = project.scenes as [Scene, Scene, Scene];
  assert.match(continuityBlocked(project, a.id) ?? '', /first scene has no shot before it/);
  assert.equal(continuityBlocked(project, b.id), null, 'sora-2 takes a first frame');
  b.referenceImage = 'media/refs/own.png';
  assert.match(continuityBlocked(project, b.id) ?? '', /its own first-frame image\. Remove it to continue from scene 1/);
  b.referenceImage = null;
  // sora-2 takes no last frame: scene 1 cannot end on a keyframe; the sentence names models that can.
  assert.match(keyframeBlocked(project, a.id) ?? '', /^Scene 1 would end on the keyframe: .*cannot take a last frame\. Models that can: /);
  assert.match(keyframeBlocked(project, c.id) ?? '', /Scene 3 is the last scene/);
  a.provider = 'fal';
  a.model = 'fal-ai/veo3.1/fast';
  assert.equal(keyframeBlocked(project, a.id), null, 'Veo ends on it, sora-2 opens on it');
  b.continuity = 'previous-last-frame';
  assert.match(keyframeBlocked(project, a.id) ?? '', /Scene 2 already starts from scene 1's last frame/);
  b.continuity = 'none';
  (a as Scene & { boundaryKeyframe?: string }).boundaryKeyframe = 'media/refs/key.png';
  assert.match(continuityBlocked(project, b.id) ?? '', /opens on the keyframe it shares with scene 1/);
});
