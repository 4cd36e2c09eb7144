// The prompt composer's parts compose into the prompt in a fixed order (issue 10, item 9).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeParts } from '../../shared/composer.ts';
import { SceneSchema } from '../../shared/project.ts';

test('parts compose in order, one sentence each; empty parts are left out; style and sound are labelled', () => {
  assert.equal(
    composeParts({ camera: 'Medium close-up, slow dolly in', subject: 'An old fisherman mends a net', setting: '  a wooden pier ', lighting: 'low golden sun.', style: 'muted teal and amber', sound: 'waves; he mutters “Storm tonight.”' }),
    'Medium close-up, slow dolly in. An old fisherman mends a net. a wooden pier. low golden sun. Style: muted teal and amber. Sound: waves; he mutters “Storm tonight.”',
  );
  assert.equal(composeParts({ subject: 'A kite rises', camera: '' }), 'A kite rises.');
  assert.equal(composeParts({}), '');
});

test('a scene keeps its composer parts; a scene without them has none', () => {
  const withParts = SceneSchema.parse({ prompt: 'x', seconds: 4, composer: { camera: 'wide', subject: 'x' } });
  assert.deepEqual(withParts.composer, { camera: 'wide', subject: 'x', setting: '', lighting: '', style: '', sound: '' });
  assert.equal(SceneSchema.parse({ prompt: 'x', seconds: 4 }).composer, undefined);
});
