// The windowed render's pieces (pure): every frame of the film in exactly one piece, whatever the cuts,
// transitions and copied bodies; and x264's own options line read into settings to encode with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transition } from '../../shared/project.ts';
import type { FilmPlan } from '../../electron/services/export/plan.ts';
import { seededRandom } from '../../electron/services/media/animatic-look.ts';
import { filmPieces, type CopyFrom } from '../../electron/services/media/windowed-pieces.ts';
import { x264Params } from '../../electron/services/media/take-stream.ts';

function planOf(frames: number[], overlaps: number[]): FilmPlan {
  const total = frames.reduce((a, b) => a + b, 0) - overlaps.reduce((a, b) => a + b, 0);
  return { kind: 'render', reason: '', segments: [], canvas: { width: 16, height: 16, fps: 30 }, frames, samples: frames.map((f) => f * 1600), overlapFrames: overlaps, overlapSamples: overlaps.map((o) => o * 1600), totalSeconds: total / 30 };
}

test('every frame of the film is in exactly one piece, in order, with cuts, transitions and copies mixed', () => {
  const random = seededRandom(7);
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(random() * 6);
    const frames = Array.from({ length: n }, () => 4 + Math.floor(random() * 60));
    const transitions: Transition[] = Array.from({ length: n - 1 }, () => (random() < 0.4 ? 'cut' : { type: 'crossfade', seconds: 0.2 }));
    const overlaps = transitions.map((t, b) => (t === 'cut' ? 0 : 1 + Math.floor(random() * Math.floor(Math.min(frames[b]!, frames[b + 1]!) / 2))));
    const copyFrom: CopyFrom = frames.map((f) => {
      if (random() < 0.4) return null;
      const from = Math.floor(random() * f);
      return { from, to: from + 1 + Math.floor(random() * (f - from)) };
    });
    const plan = planOf(frames, overlaps);
    const pieces = filmPieces(plan, transitions, copyFrom);
    const film = Math.round(plan.totalSeconds * 30);
    assert.equal(pieces.reduce((s, p) => s + p.frames, 0), film, `round ${round}: pieces add up to the film`);
    // Each clip's frames are covered once and in order: a window holds the overlap, the rest is alone.
    const next = new Array<number>(n).fill(0);
    for (const p of pieces) {
      for (const part of p.parts) {
        assert.equal(part.from, next[part.clip], `round ${round}: clip ${part.clip} continues where it left off (${JSON.stringify(pieces)})`);
        assert.ok(part.to > part.from || p.kind === 'window', `round ${round}: no empty piece`);
        next[part.clip] = part.to;
      }
      const [a, b] = p.parts;
      if (p.kind === 'window') assert.equal(p.frames, a!.to - a!.from + b!.to - overlaps[p.boundary!]!, 'a window is its two sides less their overlap');
      else assert.equal(p.frames, a!.to - a!.from);
      if (p.kind === 'copy') assert.deepEqual({ from: a!.from, to: a!.to }, copyFrom[p.owner], 'a copy is the range that can be copied');
    }
    assert.deepEqual(next, frames, `round ${round}: every clip is used to its end`);
  }
});

const ULTRAFAST = 'cabac=0 ref=1 deblock=0:0:0 analyse=0:0 me=dia subme=0 psy=1 psy_rd=1.00:0.00 mixed_ref=0 me_range=16 chroma_me=1 trellis=0 8x8dct=0 cqm=0 deadzone=21,11 fast_pskip=1 chroma_qp_offset=0 threads=3 lookahead_threads=1 sliced_threads=0 nr=0 decimate=1 interlaced=0 bluray_compat=0 constrained_intra=0 bframes=0 weightp=0 keyint=250 keyint_min=25 scenecut=0 intra_refresh=0 rc=crf mbtree=0 crf=23.0 qcomp=0.60 qpmin=0 qpmax=69 qpstep=4 ip_ratio=1.40 aq=0';

test("x264's options line becomes x264-params (B-frames too); takes it cannot match are refused", () => {
  const params = x264Params(ULTRAFAST)!.split(':');
  for (const want of ['bframes=0', 'crf=23.0', 'cabac=0', 'no-deblock=1', 'partitions=none', 'psy-rd=1.00,0.00', 'deadzone-inter=21', 'deadzone-intra=11', 'merange=16', 'min-keyint=25', 'aq-mode=0', 'dct-decimate=1']) assert.ok(params.includes(want), `${want} in ${params.join(':')}`);
  assert.ok(!params.some((p) => p.startsWith('threads')), 'threads are how it ran, not what it made');
  const withB = x264Params(ULTRAFAST.replace('bframes=0', 'bframes=3 b_pyramid=2 b_adapt=1 b_bias=0 direct=1 weightb=1 open_gop=0'))!.split(':');
  for (const want of ['bframes=3', 'b-pyramid=2', 'b-adapt=1', 'direct=spatial', 'weightb=1']) assert.ok(withB.includes(want), `${want} in ${withB.join(':')}`);
  assert.equal(x264Params(ULTRAFAST.replace('bframes=0', 'bframes=3 b_pyramid=2 open_gop=1')), null, 'open GOPs');
  assert.equal(x264Params(ULTRAFAST.replace('rc=crf', 'rc=abr').replace('crf=23.0', 'bitrate=2000')), null, 'a bitrate');
  assert.equal(x264Params(ULTRAFAST.replace('interlaced=0', 'interlaced=tff')), null, 'interlaced');
  assert.equal(x264Params(`${ULTRAFAST} something_new=1`), null, 'a setting it does not know');
  assert.match(x264Params(ULTRAFAST.replace('deblock=0:0:0', 'deblock=1:-1:-1'))!, /(^|:)deblock=-1,-1(:|$)/);
});

test('a copy starts only on an IDR picture: a sync sample holding another slice (an I-frame later frames may refer across) is not one', async () => {
  const { mkdtemp, open, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { isIdr } = await import('../../electron/services/media/take-stream.ts');
  const nal = (type: number, bytes: number): Buffer => Buffer.concat([Buffer.from([0, 0, 0, bytes + 1, type]), Buffer.alloc(bytes, 0x55)]);
  const samples = [
    Buffer.concat([nal(6, 20), nal(5, 40)]), // SEI then an IDR slice
    Buffer.concat([nal(6, 20), nal(1, 40)]), // SEI then a non-IDR slice (an I-frame marked as a sync sample)
    Buffer.concat([nal(9, 1), nal(7, 8), nal(8, 4), nal(5, 30)]), // delimiter, SPS, PPS, IDR
    Buffer.from([0, 0, 0, 200, 5]), // a length past the sample: not parsed, not an IDR
  ];
  const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-idr-'));
  try {
    const file = path.join(dir, 'samples.bin');
    await writeFile(file, Buffer.concat(samples));
    const fh = await open(file, 'r');
    try {
      let pos = 0;
      const found: boolean[] = [];
      for (const s of samples) {
        found.push(await isIdr(fh, pos, s.length));
        pos += s.length;
      }
      assert.deepEqual(found, [true, false, true, false]);
    } finally {
      await fh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
