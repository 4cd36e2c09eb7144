// The bible panel's virtualised list (renderer/src/lib/rows.ts): only the rows in view, and a few either side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleRows } from '../../renderer/src/lib/rows.ts';

test('the rows in view and a few either side; never past either end', () => {
  assert.deepEqual(visibleRows(100, 50, 0, 300), { from: 0, to: 9 });
  assert.deepEqual(visibleRows(100, 50, 1000, 300), { from: 17, to: 29 });
  assert.deepEqual(visibleRows(100, 50, 4900, 300), { from: 95, to: 100 });
  assert.deepEqual(visibleRows(100, 50, 1025, 300, 0), { from: 20, to: 27 });
  assert.deepEqual(visibleRows(5, 50, 0, 300), { from: 0, to: 5 });
  assert.deepEqual(visibleRows(0, 50, 0, 300), { from: 0, to: 0 });
});
