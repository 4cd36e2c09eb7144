// Progress parsing on real ffmpeg stderr lines, and the other pure helpers of the ffmpeg module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFilterValue, etaSeconds, filterScriptOption, parseProbeJson, parseProgressLine, progressFraction, shellEscape } from '../../electron/services/media/ffmpeg.ts';

// Captured from /usr/bin/ffmpeg 5.1.9 (Debian 12) while encoding, stream-copying and writing stills.
const REAL_5_1 = {
  encodeStart: 'frame=    1 fps=0.0 q=0.0 size=       0kB time=00:00:00.00 bitrate=N/A speed=   0x    ',
  encodeMid: 'frame=   60 fps= 30 q=29.0 size=       0kB time=00:00:00.71 bitrate=   0.5kbits/s speed=0.357x    ',
  encodeEnd: 'frame=  240 fps=0.0 q=-1.0 Lsize=     134kB time=00:00:07.97 bitrate= 137.7kbits/s speed=19.6x    ',
  copyScientific: 'frame=   60 fps=0.0 q=-1.0 Lsize=      55kB time=00:00:01.50 bitrate= 296.7kbits/s speed=1.83e+03x    ',
  concatOvershoot: 'frame=  360 fps=0.0 q=-1.0 Lsize=      66kB time=00:00:12.01 bitrate=  44.8kbits/s speed=48.9x    ',
  audioOnly: 'size=      32kB time=00:00:02.00 bitrate= 131.7kbits/s speed=18.1x    ',
  negative: 'size=N/A time=-00:00:00.47 bitrate=N/A speed=N/A    ',
  speedNA: 'frame=    1 fps=0.0 q=-1.0 size=       0kB time=00:00:00.00 bitrate=N/A speed=N/A    ',
  still: 'frame=    1 fps=0.0 q=1.6 Lsize=N/A time=00:00:00.03 bitrate=N/A speed=3.91x    ',
};
// ffmpeg 6.1 and 7 print `time=N/A` before the first packet is written (5.1 prints 00:00:00.00) and
// 7 appends `elapsed=`; these two lines are from public logs of those versions.
const REAL_6_7 = {
  timeNA: 'frame=    0 fps=0.0 q=0.0 size=       0kB time=N/A bitrate=N/A speed=N/A    ',
  elapsed: 'frame=    0 fps=0.0 q=0.0 Lsize=       0KiB time=N/A bitrate=N/A speed=N/A elapsed=0:00:00.03',
};

test('reads time and speed from real stats lines', () => {
  assert.deepEqual(parseProgressLine(REAL_5_1.encodeStart), { outSeconds: 0, speed: 0 });
  assert.deepEqual(parseProgressLine(REAL_5_1.encodeMid), { outSeconds: 0.71, speed: 0.357 });
  assert.deepEqual(parseProgressLine(REAL_5_1.encodeEnd), { outSeconds: 7.97, speed: 19.6 });
  assert.deepEqual(parseProgressLine(REAL_5_1.audioOnly), { outSeconds: 2, speed: 18.1 });
  assert.deepEqual(parseProgressLine(REAL_5_1.still), { outSeconds: 0.03, speed: 3.91 });
});

test('reads speeds printed in scientific notation (fast stream copies)', () => {
  const p = parseProgressLine(REAL_5_1.copyScientific);
  assert.equal(p?.outSeconds, 1.5);
  assert.equal(p?.speed, 1830);
});

test('hours and minutes count', () => {
  assert.equal(parseProgressLine('frame=171211 fps=1062 q=-1.0 size=15714940kB time=01:59:00.84 bitrate=2532.3kbits/s speed=1.89x')?.outSeconds, 7140.84);
});

test('speed=N/A gives a time but no speed', () => {
  assert.deepEqual(parseProgressLine(REAL_5_1.speedNA), { outSeconds: 0, speed: null });
});

test('negative times are ignored', () => {
  assert.equal(parseProgressLine(REAL_5_1.negative), null);
  assert.equal(parseProgressLine('size=N/A time=-00:00:00.02 bitrate=N/A speed=N/A'), null);
});

test('time=N/A is ignored', () => {
  assert.equal(parseProgressLine(REAL_6_7.timeNA), null);
  assert.equal(parseProgressLine(REAL_6_7.elapsed), null);
});

test('lines without stats are ignored, including ones that mention a time', () => {
  assert.equal(parseProgressLine('    creation_time   : 2025-01-01T00:00:00.000000Z'), null);
  assert.equal(parseProgressLine('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x56127f74a900] moov atom not found'), null);
  assert.equal(parseProgressLine('Stream mapping:'), null);
  assert.equal(parseProgressLine(''), null);
});

test('progressFraction is output time over the known total, clamped to 0..1', () => {
  assert.equal(progressFraction(2, 8), 0.25);
  // The concat run that reported 12.01 s for a 12 s film.
  const p = parseProgressLine(REAL_5_1.concatOvershoot);
  assert.ok(p);
  assert.equal(progressFraction(p.outSeconds, 12), 1);
  assert.equal(progressFraction(-1, 8), 0);
  assert.equal(progressFraction(3, 0), 0);
  assert.equal(progressFraction(Number.NaN, 8), 0);
});

test('ETA is media time left divided by speed', () => {
  assert.equal(etaSeconds(2, 12, 2), 5);
  assert.equal(etaSeconds(7.97, 8, 19.6)?.toFixed(4), (0.03 / 19.6).toFixed(4));
  assert.equal(etaSeconds(13, 12, 2), 0);
  assert.equal(etaSeconds(2, 12, null), null);
  assert.equal(etaSeconds(0, 12, 0), null, 'speed 0x at the start means no estimate yet');
  assert.equal(etaSeconds(2, 0, 2), null);
});

test('shellEscape quotes what a POSIX shell would split or expand', () => {
  assert.equal(shellEscape(['ffmpeg', '-i', '/tmp/a.mp4', '-c:v', 'copy']), 'ffmpeg -i /tmp/a.mp4 -c:v copy');
  assert.equal(shellEscape(['-map', '[v]']), "-map '[v]'");
  assert.equal(shellEscape(['/tmp/my film.mp4']), "'/tmp/my film.mp4'");
  assert.equal(shellEscape(["it's"]), `'it'\\''s'`);
  assert.equal(shellEscape(['']), "''");
  assert.equal(shellEscape(['$HOME', 'a;b', 'x*']), "'$HOME' 'a;b' 'x*'");
});

test('escapeFilterValue escapes both filtergraph levels', () => {
  assert.equal(escapeFilterValue('/tmp/plain/file.txt'), '/tmp/plain/file.txt');
  assert.equal(escapeFilterValue('C:\\Users\\me\\f.ttf'), 'C\\\\:\\\\\\\\Users\\\\\\\\me\\\\\\\\f.ttf');
  // The example in ffmpeg-filters' "Notes on filtergraph escaping".
  assert.equal(
    escapeFilterValue("this is a 'string': may contain one, or more, special characters"),
    "this is a \\\\\\'string\\\\\\'\\\\: may contain one\\, or more\\, special characters",
  );
  assert.equal(escapeFilterValue('[a];b'), '\\[a\\]\\;b');
});

test('parseProbeJson maps ffprobe JSON, skipping cover art and reading the track id in hex', () => {
  const json = JSON.stringify({
    streams: [
      { index: 0, codec_name: 'mjpeg', codec_type: 'video', width: 600, height: 600, disposition: { attached_pic: 1 }, id: '0x3' },
      { index: 1, codec_name: 'h264', profile: 'High', codec_type: 'video', width: 1280, height: 720, pix_fmt: 'yuv420p', r_frame_rate: '30/1', avg_frame_rate: '30000/1001', time_base: '1/15360', duration: '8.000000', id: '0x1', extradata_hash: 'CRC32:ec7454f7', disposition: { attached_pic: 0 } },
      { index: 2, codec_name: 'aac', profile: 'LC', codec_type: 'audio', sample_rate: '48000', channels: 2, duration: '8.021333', id: '0x2' },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '8.021333' },
  });
  const d = parseProbeJson(json);
  assert.equal(d.info.durationSeconds, 8.021333);
  assert.equal(d.info.video?.codec, 'h264');
  assert.equal(d.info.video?.width, 1280);
  assert.equal(d.info.video?.fps.toFixed(3), '29.970');
  assert.equal(d.info.video?.timeBase, '1/15360');
  assert.equal(d.info.audio?.sampleRate, 48000);
  assert.equal(d.info.audio?.durationSeconds, 8.021333);
  assert.equal(d.videoStreamId, 1);
  assert.equal(d.videoExtradataHash, 'CRC32:ec7454f7');
  assert.throws(() => parseProbeJson('{}'));
});

test('filterScriptOption picks the file option the ffmpeg version understands', () => {
  assert.equal(filterScriptOption('5.1.9-0+deb12u1'), '-filter_complex_script');
  assert.equal(filterScriptOption('6.1.1-3ubuntu5'), '-filter_complex_script');
  assert.equal(filterScriptOption('7.0.2-static'), '-/filter_complex');
  assert.equal(filterScriptOption('n7.1'), '-/filter_complex');
  assert.equal(filterScriptOption('8.0'), '-/filter_complex');
  assert.equal(filterScriptOption('N-125551-g1a2b3c4d5e-20260701'), '-/filter_complex');
  assert.equal(filterScriptOption(null), '-filter_complex_script');
});
