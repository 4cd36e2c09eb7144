// The window's export choices through main's door (dispatch, the same as Electron IPC): a music bed picked
// in main's dialog is copied into media/music/ and used by name; a loudness target outside the offered
// ones, an unknown caption mode, or a music path outside the project's media/ are refused before any
// export starts; burned captions and a loudness target reach the film.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { historyFile, listExports, recordExport } from '../../electron/services/export/history.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { choicesInWords, type PastExport } from '../../shared/export-history.ts';
import { conformFixture } from '../helpers/conform-fixture.ts';
import { exportApp } from '../helpers/export-app.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const root = await mkdtemp(path.join(tmpdir(), 'storyreel-export-choices-'));
let app: Storyreel | undefined;
after(async () => {
  await app?.shutdown();
  await rm(root, { recursive: true, force: true });
});

test('export choices from the window: music picked in main, bad values refused at the door, the film made as chosen', async () => {
  const dir = path.join(root, 'harbour');
  await conformFixture(dir);
  const song = path.join(root, 'Harbour Song.mp3');
  await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=300:d=3:sample_rate=44100', song]);
  const picks: Array<string | null> = [path.join(root, 'notes.txt'), song];
  app = exportApp({ music: () => picks.shift() ?? null });
  await app.openProject(dir);
  const handlers = app.handlers();

  const notAudio = await dispatch(handlers, 'exports.pickMusic', {});
  assert.equal(notAudio.ok, false);
  assert.match(!notAudio.ok ? notAudio.error.message : '', /A music bed must be an audio file .*notes\.txt is not one/);
  const picked = await dispatch(handlers, 'exports.pickMusic', {});
  assert.ok(picked.ok, JSON.stringify(picked));
  const music = picked.value as { file: string; name: string; seconds: number };
  assert.match(music.file, /^media\/music\/[0-9a-z]+\/Harbour Song\.mp3$/);
  assert.equal(music.name, 'Harbour Song.mp3');
  assert.ok(Math.abs(music.seconds - 3) < 0.1);
  assert.deepEqual(await readdir(path.dirname(path.join(dir, music.file))), ['Harbour Song.mp3']);

  const refused: Array<[unknown, RegExp]> = [
    [{ loudness: -5 }, /Invalid request to exports\.start: loudness/],
    [{ captions: 'both' }, /Invalid request to exports\.start: captions/],
    [{ music: '../../outside.mp3' }, /The music bed is no longer in the project/],
    [{ music: 'project.json' }, /The music bed is no longer in the project/],
    [{ volume: 11 }, /Invalid request to exports\.start/],
  ];
  for (const [payload, message] of refused) {
    const r = await dispatch(handlers, 'exports.start', payload);
    assert.equal(r.ok, false, JSON.stringify(payload));
    assert.match(!r.ok ? r.error.message : '', message, JSON.stringify(payload));
  }
  assert.deepEqual(app.exports().list(), [], 'no export was started');

  const started = await dispatch(handlers, 'exports.start', { loudness: -16, music: music.file, captions: 'burn' });
  assert.ok(started.ok, JSON.stringify(started));
  const done = await app.waitExport((started.value as { id: string }).id);
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  assert.match(done.planReason ?? '', /because of captions burned into the picture/);
  assert.match(done.planReason ?? '', /a music bed \(Harbour Song\.mp3\) laid under the film/);
  assert.match(done.planReason ?? '', /brought to -16 LUFS/);
  const film = path.join(dir, done.outputFile!);
  const { stderr } = await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-i', film, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-']);
  const lufs = Number(/Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr)?.[1]);
  assert.ok(Math.abs(lufs - -16) <= 1, `film is ${lufs} LUFS`);

  const srt = await dispatch(handlers, 'exports.start', { captions: 'srt' });
  assert.ok(srt.ok);
  const second = await app.waitExport((srt.value as { id: string }).id);
  assert.equal(second.state, 'done');
  const stem = path.basename(second.outputFile!, '.mp4');
  const beside = (await readdir(path.join(dir, 'exports'))).filter((f) => f.startsWith(stem)).sort();
  assert.deepEqual(beside, [`${stem}.mp4`, `${stem}.srt`, `${stem}.vtt`]);

  // Past exports record what each was made with, and say it in words.
  const history = await dispatch(handlers, 'exports.history', {});
  assert.ok(history.ok);
  const [srtPast, burnPast] = history.value as PastExport[];
  assert.deepEqual(burnPast!.choices, { loudness: -16, music: music.file, captions: 'burn' });
  assert.deepEqual(srtPast!.choices, { loudness: null, music: null, captions: 'srt' });
  assert.deepEqual(burnPast!.preset, { size: '320x180', aspect: null, fit: 'fit', quality: 'standard' });
  assert.equal(choicesInWords(burnPast!.choices), '\u221216 LUFS · music: Harbour Song.mp3 · captions burned in');
  assert.equal(choicesInWords(srtPast!.choices), 'sound as recorded · captions in SRT and WebVTT files beside it');
});

test('an exports.json written before the choices were kept still reads, and keeps its films when a new one is recorded', async () => {
  const dir = path.join(root, 'older');
  await mkdir(path.join(dir, '.storyreel'), { recursive: true });
  const cut = { size: '320x180', scenes: [{ sceneId: 'scene_a', takeId: 'take_a', in: 0, out: 2, transition: 'cut' }] };
  const old = { id: 'export_old1', file: 'exports/Harbour-2026-11-30.mp4', finishedAt: '2026-11-30T10:00:00.000Z', seconds: 2, preset: { size: '320x180', aspect: null, fit: 'fit', quality: 'standard' }, cut };
  await writeFile(historyFile(dir), JSON.stringify({ version: 1, exports: [old] }, null, 2));
  const [listed] = await listExports(dir);
  assert.deepEqual({ ...listed }, { ...old, missing: true });
  assert.equal(choicesInWords(listed!.choices), null, 'nothing is said of choices it did not record');
  await recordExport(dir, { ...old, id: 'export_new1', file: 'exports/Harbour-2026-12-01.mp4', choices: { loudness: -14, music: null, captions: 'none' } });
  assert.deepEqual((await listExports(dir)).map((e) => [e.id, choicesInWords(e.choices)]), [
    ['export_new1', '\u221214 LUFS'],
    ['export_old1', null],
  ]);
});

test('the export panel\'s choices are kept in the project between sessions, beside project.json, not in it', async () => {
  const dir = path.join(root, 'kept');
  await conformFixture(dir);
  const song = path.join(root, 'Kept Song.wav');
  await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=300:d=2:sample_rate=44100', song]);
  const projectBefore = await readFile(path.join(dir, 'project.json'), 'utf8');
  const session = async () => {
    const a = exportApp({ music: song });
    await a.openProject(dir);
    return a;
  };
  const first = await session();
  let music: { file: string; name: string; seconds: number };
  try {
    const h = first.handlers();
    assert.deepEqual(await dispatch(h, 'exports.keptChoices', {}), { ok: true, value: { loudness: null, music: null, burnCaptions: false } }, 'nothing kept yet');
    const picked = await dispatch(h, 'exports.pickMusic', {});
    assert.ok(picked.ok);
    music = picked.value as typeof music;
    const refused = await dispatch(h, 'exports.keepChoices', { loudness: -16, music: { ...music, file: '../../etc/passwd' }, burnCaptions: true });
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.error.message : '', /The music bed is no longer in the project/);
    assert.equal((await dispatch(h, 'exports.keepChoices', { loudness: -12, music: null, burnCaptions: true })).ok, false, 'a loudness not offered is refused');
    assert.deepEqual(await dispatch(h, 'exports.keepChoices', { loudness: -23, music, burnCaptions: true }), { ok: true, value: { ok: true } });
  } finally {
    await first.shutdown();
  }
  assert.equal(await readFile(path.join(dir, 'project.json'), 'utf8'), projectBefore, 'project.json is not touched');

  const second = await session();
  try {
    assert.deepEqual(await dispatch(second.handlers(), 'exports.keptChoices', {}), { ok: true, value: { loudness: -23, music, burnCaptions: true } });
  } finally {
    await second.shutdown();
  }
  // The music bed deleted since: the other choices still hold, the music is left out.
  await rm(path.join(dir, music.file));
  const third = await session();
  try {
    assert.deepEqual(await dispatch(third.handlers(), 'exports.keptChoices', {}), { ok: true, value: { loudness: -23, music: null, burnCaptions: true } });
  } finally {
    await third.shutdown();
  }
});
