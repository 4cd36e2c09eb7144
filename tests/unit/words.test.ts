import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filmOf } from '../../electron/services/export/film.ts';
import { SceneSchema } from '../../shared/project.ts';
import { listNumbers, listScenes } from '../../shared/words.ts';

test('numbers and scenes listed in words', () => {
  assert.equal(listNumbers([]), '');
  assert.equal(listNumbers([2]), '2');
  assert.equal(listNumbers([2, 5]), '2 and 5');
  assert.equal(listNumbers([2, 3, 5]), '2, 3 and 5');
  assert.equal(listScenes([3]), 'Scene 3');
  assert.equal(listScenes([1, 2, 3]), 'Scenes 1, 2 and 3');
});

test('an export with scenes lacking a take names them as a sentence does', () => {
  const scene = (prompt: string) => SceneSchema.parse({ prompt, seconds: 4 });
  assert.throws(() => filmOf({ scenes: ['a', 'b', 'c'].map(scene) }, '/tmp'), { message: /^Scenes 1, 2 and 3 have no chosen take yet\. Generate them or choose a take first\.$/ });
  assert.throws(() => filmOf({ scenes: [scene('a')] }, '/tmp'), { message: /^Scene 1 has no chosen take yet\. Generate it or choose a take first\.$/ });
});
