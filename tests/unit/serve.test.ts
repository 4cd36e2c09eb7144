import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteRange, contentType } from '../../electron/services/serve.ts';

test('byteRange reads the forms a <video> element sends, and refuses ranges past the end', () => {
  assert.deepEqual(byteRange('bytes=10-19', 1000), { start: 10, end: 19 });
  assert.deepEqual(byteRange('bytes=990-', 1000), { start: 990, end: 999 });
  assert.deepEqual(byteRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(byteRange('bytes=-5000', 1000), { start: 0, end: 999 });
  assert.deepEqual(byteRange('bytes=5-2000', 1000), { start: 5, end: 999 });
  assert.equal(byteRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(byteRange('bytes=20-10', 1000), 'unsatisfiable');
  assert.equal(byteRange(undefined, 1000), null);
  assert.equal(byteRange('bytes=-', 1000), null);
  assert.equal(byteRange('bytes=0-', 0), null, 'an empty file is sent whole');
});

test('contentType by extension, case-insensitively', () => {
  assert.equal(contentType('/p/media/a.MP4'), 'video/mp4');
  assert.equal(contentType('/p/media/a.jpeg'), 'image/jpeg');
  assert.equal(contentType('/p/exports/x.bin'), 'application/octet-stream');
});
