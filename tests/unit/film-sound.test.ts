// The pure parts of finishing an export: reading loudnorm's first-pass print (silence included), the second
// pass's options, the finishing graph's exact length, and captions fitted to the frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitCaption } from '../../electron/services/media/film-captions.ts';
import { finishGraph, parseLoudnorm, secondPass } from '../../electron/services/media/film-sound.ts';

// As ffmpeg 5.1 prints it at the end of a first pass (the line before it names the filter instance).
const PRINT = ['[Parsed_loudnorm_0 @ 0x5588] ', '{', '\t"input_i" : "-42.64",', '\t"input_tp" : "-31.95",', '\t"input_lra" : "9.30",', '\t"input_thresh" : "-52.64",', '\t"output_i" : "-13.72",', '\t"output_tp" : "-3.25",', '\t"output_lra" : "0.40",', '\t"output_thresh" : "-23.72",', '\t"normalization_type" : "dynamic",', '\t"target_offset" : "-0.28"', '}'];

test('reads the first pass and builds a linear second pass with the measured values; LRA target raised to the measured one', () => {
  const m = parseLoudnorm(PRINT);
  assert.deepEqual(m, { input_i: '-42.64', input_tp: '-31.95', input_lra: '9.30', input_thresh: '-52.64', target_offset: '-0.28' });
  assert.equal(secondPass(-14, m), 'I=-14:TP=-1:LRA=10:measured_I=-42.64:measured_TP=-31.95:measured_LRA=9.30:measured_thresh=-52.64:offset=-0.28:linear=true:print_format=summary');
  assert.match(secondPass(-23, { ...m, input_lra: '2.1' }), /^I=-23:TP=-1:LRA=7:/);
});

test('silence measures -inf and is read, not refused; a print without the block is refused', () => {
  const silent = PRINT.map((l) => l.replace('"-42.64"', '"-inf"').replace('"-31.95"', '"-inf"'));
  assert.equal(parseLoudnorm(silent).input_i, '-inf');
  assert.throws(() => parseLoudnorm(['[Parsed_loudnorm_0 @ 0x1] ', 'nothing here']), /printed no measurement/);
});

test('the finished sound is cut to the film’s samples, with and without a bed', () => {
  const plain = finishGraph('1:a:0', null, 96000, null);
  assert.deepEqual(plain.parts, ['[1:a:0]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,apad,atrim=end_sample=96000[fout]']);
  const bed = finishGraph('ja2', 4, 96000, 'I=-16:TP=-1:LRA=7');
  assert.match(bed.parts[0]!, /^\[4:a:0\]aresample=48000,.*atrim=end_sample=96000,asetpts=PTS-STARTPTS,volume=0\.35,afade=t=in:d=0\.500,afade=t=out:st=1\.500:d=0\.500\[fbed\]$/);
  assert.match(bed.parts.join(';'), /\[fbed\]\[fkey\]sidechaincompress=.*\[fown\]\[fduck\]amix=inputs=2:duration=first:normalize=0\[fmix\]/);
  assert.match(bed.parts.at(-1)!, /^\[fmix\].*loudnorm=I=-16:TP=-1:LRA=7,aresample=48000,.*apad,atrim=end_sample=96000\[fout\]$/);
});

test('a long caption wraps within the frame, and a very long one gets smaller type', () => {
  const short = fitCaption(['Off it goes'], { width: 1280, height: 720 });
  assert.deepEqual(short, { lines: ['Off it goes'], size: 40 });
  const long = fitCaption(['The boat sails off down the gutter, past the drain, under the bridge and out of sight for good'], { width: 640, height: 360 });
  assert.ok(long.lines.length > 1 && long.lines.length <= 3, long.lines.join(' | '));
  const essay = fitCaption([Array.from({ length: 80 }, () => 'word').join(' ')], { width: 640, height: 360 });
  assert.ok(essay.size < 20 && essay.size >= 12, String(essay.size));
});
