// The interchange writers (electron/services/export/interchange/): each file parsed back by its format's
// rules must give the cut the timeline describes — clips in order with their media, source in/out and
// record in/out in frames, and each transition's length — with trims, a crossfade and a cut. Also the
// caption sidecars' timings and the frame-rate and timecode arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProjectSchema, type Project, type SceneInput, type Take } from '../../shared/project.ts';
import { buildTimeline, type Timeline } from '../../shared/timeline.ts';
import { captionCues, toSrt, toVtt } from '../../electron/services/export/interchange/captions.ts';
import { buildCut, frameRate, packageMediaName, timecode, type Cut } from '../../electron/services/export/interchange/cut.ts';
import { toEdl } from '../../electron/services/export/interchange/edl.ts';
import { fcpTime, toFcpxml } from '../../electron/services/export/interchange/fcpxml.ts';
import { toOtio } from '../../electron/services/export/interchange/otio.ts';
import { toXmeml } from '../../electron/services/export/interchange/xmeml.ts';
import { readEdl, readFcpxml, readOtio, readXmeml, type ReadCut } from '../helpers/interchange-read.ts';
import { all, child, parseXml } from '../helpers/xml.ts';

const take = (id: string, seconds: number, trim?: Take['trim']): Take => ({
  id,
  jobId: `job_${id}`,
  provider: 'preview',
  model: 'animatic',
  file: `media/${id}.mp4`,
  thumbnail: null,
  seconds,
  size: '320x180',
  prompt: 'x',
  providerJobId: null,
  costUsd: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  rating: 0,
  ...(trim ? { trim } : {}),
});
const project = (scenes: SceneInput[]): Project => ProjectSchema.parse({ formatVersion: 2, model: 'animatic', title: 'Rain & <Shine>', size: '320x180', scenes });

/** Scene 1 trimmed 0.5–3.5 s with a 1 s crossfade into scene 2 (whole take), a cut into scene 3 (trimmed 1–3 s, no sound). */
function film(): { p: Project; t: Timeline } {
  const p = project([
    { id: 'scene_aaa111', prompt: 'a', seconds: 4, caption: 'It rains & <pours>', transition: { type: 'crossfade', seconds: 1 }, takes: [take('take_a1', 4, { in: 0.5, out: 3.5 })], chosenTake: 'take_a1' },
    { id: 'scene_bbb222', prompt: 'b', seconds: 4, caption: 'The sun\n\ncomes out', takes: [take('take_b1', 4)], chosenTake: 'take_b1' },
    { id: 'scene_ccc333', prompt: 'c', seconds: 4, caption: null, takes: [take('take_c1', 4, { in: 1, out: 3 })], chosenTake: 'take_c1' },
  ]);
  return { p, t: buildTimeline(p) };
}

function cutOf(p: Project, t: Timeline, fps = 30): Cut {
  return buildCut(p, t, {
    fps,
    media: ({ index, sceneId, takeId, file }) => {
      const name = packageMediaName(index + 1, sceneId, takeId, file);
      return { name, relPath: `media/${name}`, absPath: `/pkg/film package/media/${name}`, hasAudio: index !== 2 };
    },
  });
}

/** What the timeline says, in frames, independent of the writers: the shape every reader must give back. */
function expected(t: Timeline, fps: number): Omit<ReadCut, 'rate'> {
  const fr = (s: number) => Math.round(s * fps);
  return {
    clips: t.scenes.map((s) => ({ sourceIn: fr(s.take!.in), sourceOut: fr(s.take!.in) + fr(s.length), recordIn: fr(s.start), recordOut: fr(s.end) })) as ReadCut['clips'],
    transitions: t.boundaries.filter((b) => b.overlap > 0).map((b) => ({ after: b.index, frames: fr(b.overlap) })),
  };
}
const timings = (r: ReadCut) => ({ clips: r.clips.map(({ sourceIn, sourceOut, recordIn, recordOut }) => ({ sourceIn, sourceOut, recordIn, recordOut })), transitions: r.transitions });
const names = ['S01_aaa111_a1.mp4', 'S02_bbb222_b1.mp4', 'S03_ccc333_c1.mp4'];

test('the fixture is what the tests say: trims, a 1 s crossfade, a cut, 8 s in all', () => {
  const { t } = film();
  assert.deepEqual(t.scenes.map((s) => [s.start, s.end]), [[0, 3], [2, 6], [6, 8]]);
  assert.deepEqual(t.boundaries.map((b) => b.overlap), [1, 0]);
  assert.equal(t.total, 8);
});

test('OpenTimelineIO: clips, media paths, trims and the crossfade read back as the timeline says', () => {
  const { p, t } = film();
  const text = toOtio(cutOf(p, t));
  const video = readOtio(text, 'Video');
  assert.equal(video.rate, 30);
  assert.deepEqual(timings(video), expected(t, 30));
  assert.deepEqual(video.clips.map((c) => c.name), names);
  assert.deepEqual(video.clips.map((c) => c.path), names.map((n) => `media/${n}`), 'relative to the .otio file');
  const doc = JSON.parse(text);
  const transition = doc.tracks.children[0].children[1];
  assert.equal(transition.OTIO_SCHEMA, 'Transition.1');
  assert.equal(transition.transition_type, 'SMPTE_Dissolve');
  assert.deepEqual([transition.in_offset.value, transition.out_offset.value], [15, 15], 'centred on the edit');
  // The sound: scene 3 has none, so its place is a gap and the crossfade stays between the first two.
  const audio = readOtio(text, 'Audio');
  assert.deepEqual(timings(audio), { clips: expected(t, 30).clips.slice(0, 2), transitions: [{ after: 0, frames: 30 }] });
  assert.equal(doc.tracks.children[1].children.at(-1).OTIO_SCHEMA, 'Gap.1');
});

test('FCPXML 1.10: assets with file URLs, a spine edit to edit, the transition over the overlap', () => {
  const { p, t } = film();
  const text = toFcpxml(cutOf(p, t));
  const read = readFcpxml(text);
  assert.equal(read.rate, 30);
  assert.deepEqual(timings(read), expected(t, 30));
  assert.deepEqual(read.clips.map((c) => c.path), names.map((n) => `file:///pkg/film%20package/media/${n}`));
  const { root } = parseXml(text);
  // The elements used, in the order the DTD allows, with their required attributes.
  assert.deepEqual(child(root, 'resources').children.map((c) => c.name), ['format', 'effect', 'effect', 'asset', 'asset', 'asset']);
  const spine = all(root, 'spine')[0]!;
  assert.deepEqual(spine.children.map((c) => c.name), ['asset-clip', 'transition', 'asset-clip', 'asset-clip']);
  const [a, tr, b] = spine.children as [typeof spine, typeof spine, typeof spine];
  assert.equal(b.attrs.offset, fcpTime(75, { rate: frameRate(30) }), 'clips butt at the edit: a spine may not overlap');
  assert.equal(Number(a.attrs.offset?.replace('s', '') ?? 1), 0);
  assert.deepEqual(tr.children.map((c) => [c.name, c.attrs.ref]), [['filter-video', 'r2'], ['filter-audio', 'r3']]);
  assert.equal(all(root, 'effect').find((e) => e.attrs.id === 'r2')?.attrs.uid, 'FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265');
  assert.equal(child(all(root, 'event')[0]!, 'project').attrs.name, 'Rain & <Shine>', 'names escaped and read back whole');
  const assets = all(root, 'asset');
  assert.deepEqual(assets.map((x) => x.attrs.hasAudio ?? '0'), ['1', '1', '0']);
  for (const x of assets) assert.deepEqual(x.children.map((c) => c.name), ['media-rep']);
  assert.equal(all(root, 'sequence')[0]!.attrs.duration, '8s');
});

test('Premiere XML (xmeml 4): clipitems with files, -1 where the transitionitem takes over, audio alongside', () => {
  const { p, t } = film();
  const text = toXmeml(cutOf(p, t));
  const read = readXmeml(text, 'video');
  assert.equal(read.rate, 30);
  assert.deepEqual(timings(read), expected(t, 30));
  assert.deepEqual(read.clips.map((c) => c.path), names.map((n) => `file://localhost/pkg/film%20package/media/${n}`));
  const audio = readXmeml(text, 'audio');
  assert.deepEqual(timings(audio), { clips: expected(t, 30).clips.slice(0, 2), transitions: [{ after: 0, frames: 30 }] });
  const { root } = parseXml(text);
  const full = all(root, 'file').filter((f) => f.children.length);
  assert.deepEqual(full.map((f) => f.attrs.id), ['file-1', 'file-2', 'file-3'], 'each file written in full once');
  assert.equal(child(child(root, 'sequence'), 'duration').text, '240');
});

test('CMX 3600 EDL: header, events with source and record timecode, the dissolve as C + D 030', () => {
  const { p, t } = film();
  const text = toEdl(cutOf(p, t));
  const read = readEdl(text, 30);
  assert.equal(read.title, 'Rain & <Shine>');
  assert.deepEqual(timings(read), expected(t, 30));
  assert.deepEqual(read.clips.map((c) => c.name), names);
  assert.deepEqual(read.clips.map((c) => c.path), names.map((n) => `media/${n}`));
  const events = text.split('\n').filter((l) => /^\d{3} /.test(l));
  assert.deepEqual(events, [
    '001  AX       V     C        00:00:00:15 00:00:02:15 00:00:00:00 00:00:02:00',
    '002  AX       V     C        00:00:02:15 00:00:02:15 00:00:02:00 00:00:02:00',
    '002  AX       V     D 030    00:00:00:00 00:00:04:00 00:00:02:00 00:00:06:00',
    '003  AX       V     C        00:00:01:00 00:00:03:00 00:00:06:00 00:00:08:00',
  ]);
});

test('at 29.97 fps every format counts the same frames, and FCPXML times are multiples of 1001/30000 s', () => {
  const { p, t } = film();
  const cut = cutOf(p, t, 29.97);
  assert.deepEqual([cut.rate.num, cut.rate.den, cut.rate.timebase, cut.rate.ntsc], [30000, 1001, 30, true]);
  const fps = 30000 / 1001;
  const want = expected(t, fps);
  assert.deepEqual(timings(readOtio(toOtio(cut))), want);
  assert.deepEqual(timings(readFcpxml(toFcpxml(cut))), want);
  assert.deepEqual(timings(readXmeml(toXmeml(cut))), want);
  assert.deepEqual(timings(readEdl(toEdl(cut), 30)), want);
  assert.match(toFcpxml(cut), /frameDuration="1001\/30000s"/);
});

test('frame rates, timecode and FCPXML time', () => {
  assert.deepEqual(frameRate(30), { fps: 30, num: 30, den: 1, timebase: 30, ntsc: false });
  assert.equal(frameRate(23.976).num, 24000);
  assert.equal(frameRate(59.94).timebase, 60);
  assert.equal(frameRate(25.01).fps, 25);
  assert.equal(timecode(30 * 3600 + 30 * 61 + 7, frameRate(30)), '01:01:01:07');
  assert.equal(timecode(24 * 59 + 23, frameRate(24)), '00:00:59:23');
  assert.equal(fcpTime(240, { rate: frameRate(30) }), '8s');
  assert.equal(fcpTime(1, { rate: frameRate(29.97) }), '1001/30000s');
  assert.equal(packageMediaName(3, 'scene_m1x2y3abcdef0123', 'take_zz9', 'media/x.MOV'), 'S03_ef0123_zz9.mov');
});

test('captions: a cue per captioned scene over its time on the film, overlaps split at the middle', () => {
  const { p, t } = film();
  assert.deepEqual(captionCues(p, t).map((c) => [c.sceneIndex, c.startMs, c.endMs, c.lines]), [
    [0, 0, 2500, ['It rains & <pours>']],
    [1, 2500, 6000, ['The sun', 'comes out']],
  ]);
  assert.equal(toSrt(p, t), '1\n00:00:00,000 --> 00:00:02,500\nIt rains & <pours>\n\n2\n00:00:02,500 --> 00:00:06,000\nThe sun\ncomes out\n');
  assert.equal(toVtt(p, t), 'WEBVTT\n\nscene-1\n00:00:00.000 --> 00:00:02.500\nIt rains &amp; &lt;pours&gt;\n\nscene-2\n00:00:02.500 --> 00:00:06.000\nThe sun\ncomes out\n');
});

test('captions follow trims and transitions, and never overlap each other', () => {
  const p = project([
    { id: 'a', prompt: 'a', seconds: 8, caption: 'one', transition: { type: 'fade-black', seconds: 2 }, takes: [take('a1', 8, { in: 2, out: 7 })], chosenTake: 'a1' },
    { id: 'b', prompt: 'b', seconds: 8, caption: 'two', transition: { type: 'wipe-left', seconds: 0.5 }, takes: [take('b1', 8, { in: 0, out: 4 })], chosenTake: 'b1' },
    { id: 'c', prompt: 'c', seconds: 8, caption: 'three', takes: [take('c1', 61.25)], chosenTake: 'c1' },
  ]);
  const t = buildTimeline(p);
  const cues = captionCues(p, t);
  assert.deepEqual(cues.map((c) => [c.startMs, c.endMs]), [
    [0, 4000],
    [4000, 6750],
    [6750, 67750],
  ]);
  assert.match(toSrt(p, t), /00:01:07,750/);
  for (let i = 1; i < cues.length; i++) assert.ok(cues[i]!.startMs >= cues[i - 1]!.endMs);
});

test('FCPXML holds to the 1.10 DTD for every element it uses: allowed children in order, required attributes, refs that resolve', () => {
  const { p, t } = film();
  const { root } = parseXml(toFcpxml(cutOf(p, t)));
  // Transcribed from Apple's FCPXMLv1_10.dtd: each element's content model (as a regex over child names) and required attributes.
  const dtd: Record<string, { children: RegExp; required: string[] }> = {
    fcpxml: { children: /^(resources )?library $/, required: ['version'] },
    resources: { children: /^((asset|effect|format|media|locator) )*$/, required: [] },
    format: { children: /^$/, required: ['id'] },
    effect: { children: /^$/, required: ['id', 'uid'] },
    asset: { children: /^(media-rep )+(metadata )?$/, required: ['id'] },
    'media-rep': { children: /^(bookmark )?$/, required: ['src'] },
    library: { children: /^((event|smart-collection) )*$/, required: [] },
    event: { children: /^((clip|audition|mc-clip|ref-clip|sync-clip|asset-clip|collection-folder|keyword-collection|smart-collection|project) )*$/, required: [] },
    project: { children: /^sequence $/, required: [] },
    sequence: { children: /^(note )?spine (metadata )?$/, required: ['format'] },
    spine: { children: /^((audio|video|clip|title|mc-clip|ref-clip|sync-clip|asset-clip|audition|gap|transition) )*$/, required: [] },
    'asset-clip': { children: /^$/, required: ['ref'] },
    transition: { children: /^(filter-video )?(filter-audio )?$/, required: ['duration'] },
    'filter-video': { children: /^$/, required: ['ref'] },
    'filter-audio': { children: /^$/, required: ['ref'] },
  };
  const ids = new Set<string>();
  const refs: string[] = [];
  const visit = (e: ReturnType<typeof parseXml>['root']) => {
    const rule = dtd[e.name];
    assert.ok(rule, `<${e.name}> is an element this test knows`);
    assert.match(e.children.map((c) => c.name + ' ').join(''), rule.children, `<${e.name}>'s children`);
    for (const a of rule.required) assert.ok(e.attrs[a], `<${e.name}> has ${a}`);
    if (e.attrs.id) ids.add(e.attrs.id);
    for (const a of ['ref', 'format']) if (e.attrs[a]) refs.push(e.attrs[a]!);
    e.children.forEach(visit);
  };
  visit(root);
  for (const r of refs) assert.ok(ids.has(r), `${r} resolves`);
});
