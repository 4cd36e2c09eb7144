import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSize, firstWords, formatClock, formatEta, formatMoney, formatPercent, joinForDisplay, listScenes } from '../../renderer/src/lib/format.ts';

test('formatClock', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(8), '0:08');
  assert.equal(formatClock(84), '1:24');
  assert.equal(formatClock(3725), '1:02:05');
  assert.equal(formatClock(-3), '0:00');
  assert.equal(formatClock(7.6), '0:08');
});

test('formatEta says nothing it does not know', () => {
  assert.equal(formatEta(null), '');
  assert.equal(formatEta(-1), '');
  assert.equal(formatEta(Number.NaN), '');
  assert.equal(formatEta(0.2), 'almost done');
  assert.equal(formatEta(11.2), 'about 12 s left');
  assert.equal(formatEta(150), 'about 3 min left');
});

test('formatPercent clamps', () => {
  assert.equal(formatPercent(0.434), '43%');
  assert.equal(formatPercent(1.7), '100%');
  assert.equal(formatPercent(-0.2), '0%');
  assert.equal(formatPercent(Number.NaN), '0%');
});

test('formatMoney keeps cents, and a tenth of a cent only when it matters', () => {
  assert.equal(formatMoney(0), '$0.00');
  assert.equal(formatMoney(0.8), '$0.80');
  assert.equal(formatMoney(2.8), '$2.80');
  assert.equal(formatMoney(0.125), '$0.125');
  assert.equal(formatMoney(12.345), '$12.35');
  assert.equal(formatMoney(0.1 * 3), '$0.30');
});

test('firstWords', () => {
  assert.equal(firstWords('  '), '');
  assert.equal(firstWords('a b c', 8), 'a b c');
  assert.equal(firstWords('one two three four', 2), 'one two…');
  assert.equal(firstWords('line\nbreak   spaces', 8), 'line break spaces');
});

test('describeSize names the common shapes', () => {
  assert.equal(describeSize('1280x720'), '1280×720 · 16:9');
  assert.equal(describeSize('720x1280'), '720×1280 · 9:16');
  assert.equal(describeSize('1792x1024'), '1792×1024 · landscape');
  assert.equal(describeSize('1024x1024'), '1024×1024 · square');
  assert.equal(describeSize('weird'), 'weird');
});

test('listScenes', () => {
  assert.equal(listScenes([]), '');
  assert.equal(listScenes([3]), 'Scene 3');
  assert.equal(listScenes([2, 4]), 'Scenes 2 and 4');
  assert.equal(listScenes([2, 4, 7]), 'Scenes 2, 4 and 7');
});

test('joinForDisplay uses the folder’s own separator', () => {
  assert.equal(joinForDisplay('/home/a/film', 'exports/film.mp4'), '/home/a/film/exports/film.mp4');
  assert.equal(joinForDisplay('/home/a/film/', 'exports/film.mp4'), '/home/a/film/exports/film.mp4');
  assert.equal(joinForDisplay('C:\\Films\\one', 'exports/film.mp4'), 'C:\\Films\\one\\exports\\film.mp4');
});
