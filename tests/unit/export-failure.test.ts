// The shape of a failed export's details in the export panel (renderer/src/lib/export-failure.ts): the
// command line apart, then ffmpeg's last lines, at most SHOWN_LINES of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureDetail, SHOWN_LINES } from '../../renderer/src/lib/export-failure.ts';

test("ffmpeg's command line is split from its last lines; blank lines and its description of the files go; only the last lines are kept", () => {
  const stderr = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
  const described = ["Input #1, wav, from 'stem.wav':", '  Metadata:', '    encoder         : Lavf59.27.100', '  Stream #1:0: Audio: pcm_f32le, 48000 Hz, stereo', 'Stream mapping:', '  Stream #0:0 -> #0:0 (copy)'];
  const d = failureDetail(["$ /usr/bin/ffmpeg -hide_banner -i 'a b.mp4' out.part", '', ...stderr.slice(0, 15), ...described, ...stderr.slice(15), '  '].join('\n'));
  assert.equal(d?.command, "/usr/bin/ffmpeg -hide_banner -i 'a b.mp4' out.part");
  assert.equal(d?.lines.length, SHOWN_LINES);
  assert.deepEqual(d?.lines.at(-1), 'line 20');
  assert.deepEqual(d?.lines[0], `line ${20 - SHOWN_LINES + 1}`);
});

test('a detail without a command line (a damaged take, a disk error) is all lines; no detail is nothing', () => {
  assert.deepEqual(failureDetail('media/take.mp4: moov atom not found'), { command: null, lines: ['media/take.mp4: moov atom not found'] });
  assert.equal(failureDetail(undefined), null);
  assert.equal(failureDetail('  \n'), null);
});
