// The project bible folded into the prompt that is sent (issue 10, item 8): one composition for every caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bibleReferences, BibleSchema, composePrompt, mentions, type Bible } from '../../shared/bible.ts';
import { modelProfile, sceneProblems } from '../../shared/capabilities.ts';
import { fullPrompt } from '../../shared/project.ts';

const bible: Bible = {
  entries: [
    { id: 'b1', kind: 'character', name: 'Mara', description: 'a woman in her thirties, short silver hair, red raincoat', images: ['media/refs/mara-1.png', 'media/refs/mara-2.png'] },
    { id: 'b2', kind: 'location', name: 'Lighthouse', description: 'a white stone lighthouse on a black basalt cliff.', images: ['media/refs/lh.png'] },
    { id: 'b3', kind: 'prop', name: 'lamp', description: '', images: [] },
  ],
  presets: ['film-noir'],
};

test('named entries are folded in once each, in the order named, with @ taken off; the style and presets follow', () => {
  const sent = composePrompt({ style: 'rain at night', bible }, { prompt: '@Mara climbs to the @lighthouse lamp room; @Mara lights the @lamp. Mail mara@example.com' });
  assert.equal(
    sent,
    'Mara climbs to the lighthouse lamp room; Mara lights the lamp. Mail mara@example.com\n\n' +
      'Mara: a woman in her thirties, short silver hair, red raincoat.\nLighthouse: a white stone lighthouse on a black basalt cliff.\n\n' +
      'Style: rain at night; film noir, high-contrast black and white, hard low-key light, venetian-blind shadows',
  );
  assert.equal(fullPrompt({ style: 'rain at night', bible }, { prompt: '@Mara climbs.' }), composePrompt({ style: 'rain at night', bible }, { prompt: '@Mara climbs.' }), 'fullPrompt is composePrompt');
  assert.equal(fullPrompt({ style: 'x' }, { prompt: 'A boat.' }), 'A boat.\n\nStyle: x', 'a project with no bible is sent as before');
  assert.deepEqual(mentions(bible, 'Hi @Bob and @Mara').unknown, ['Bob']);
});

test('the model limit counts the folded text: a short scene naming long entries goes over', () => {
  const cast: Bible = { entries: Array.from({ length: 17 }, (_, i) => ({ id: `c${i}`, kind: 'character' as const, name: `C${i}`, description: 'd'.repeat(1990), images: [] })), presets: [] };
  const prompt = cast.entries.map((e) => `@${e.name}`).join(' ');
  const project = { provider: 'openai-videos', model: 'sora-2', size: '1280x720', style: '', bible: cast };
  assert.ok(fullPrompt(project, { prompt }).length > 32000);
  const problems = sceneProblems(project, { id: 's', prompt, seconds: 4, referenceImage: null });
  assert.deepEqual(problems.map((p) => p.field), ['prompt']);
  assert.match(problems[0]!.message, /takes at most 32,000/);
  assert.deepEqual(sceneProblems({ ...project, bible: undefined }, { id: 's', prompt, seconds: 4, referenceImage: null }), []);
});

test('bible images go as references only where the model takes them, and say why when not', () => {
  const scene = { prompt: '@Mara at the @Lighthouse' };
  assert.deepEqual(bibleReferences({ bible }, scene, modelProfile('gemini', 'gemini-omni-1.1-flash')), { images: ['media/refs/mara-1.png', 'media/refs/mara-2.png', 'media/refs/lh.png'], note: null });
  const none = bibleReferences({ bible }, scene, modelProfile('openai-videos', 'sora-2'));
  assert.deepEqual(none.images, []);
  assert.match(none.note!, /sora-2 takes no reference images, so the 3 bible images of the named entries are not sent; their descriptions are\./);
  const capped = bibleReferences({ bible }, scene, { id: 'm', imageInput: { references: true, maxReferences: 2 } });
  assert.deepEqual(capped.images, ['media/refs/mara-1.png', 'media/refs/mara-2.png']);
  const alone = bibleReferences({ bible }, { ...scene, referenceImage: 'media/refs/first.png' }, { id: 'seedance', imageInput: { references: true, referencesAlone: true } });
  assert.deepEqual(alone.images, []);
  assert.match(alone.note!, /cannot take reference images together with a first frame/);
});

test('the schema: names are one word, unique whatever their case; unknown fields kept', () => {
  assert.equal(BibleSchema.safeParse({ entries: [{ id: 'a', kind: 'character', name: 'Old Tom', description: '' }] }).success, false);
  const dup = BibleSchema.safeParse({ entries: [{ id: 'a', kind: 'character', name: 'Mara', description: '' }, { id: 'b', kind: 'prop', name: 'mara', description: '' }] });
  assert.equal(dup.success, false);
  assert.match(JSON.stringify(dup.error?.issues), /already in the bible/);
  assert.deepEqual(BibleSchema.parse({ entries: [{ id: 'a', kind: 'look', name: 'Noir', description: 'ink', mood: 'bleak' }] }).entries[0], { id: 'a', kind: 'look', name: 'Noir', description: 'ink', images: [], mood: 'bleak' });
});
