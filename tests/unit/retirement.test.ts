// Models retire every few months (PROVIDERS.md §0): a profile carries `retiresOn`, a project on a retired
// model is refused before anything is sent, and the message names live models with the same abilities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternativesTo, isRetired, modelProfile, type ModelProfile } from '../../shared/capabilities.ts';

const base = modelProfile('openai-videos', 'sora-2')!;
const retired: ModelProfile = { ...base, id: 'old-model', label: 'Old model', retiresOn: '2026-10-22' };

test('a model is retired on and after its date, not before', () => {
  assert.equal(isRetired(retired, '2026-10-21'), false);
  assert.equal(isRetired(retired, '2026-10-22'), true);
  assert.equal(isRetired(base, '2099-01-01'), false, 'no date announced: never retired');
});

test('alternatives can do what the retired model did, and are not retired themselves', () => {
  const alt = alternativesTo('openai-videos', retired, '2026-12-02');
  assert.ok(alt.length > 0);
  for (const a of alt) {
    const m = modelProfile(a.provider, a.model)!;
    assert.equal(isRetired(m, '2026-12-02'), false);
    assert.ok(m.audio, `${a.label} makes sound like the retired model`);
    assert.ok(m.imageInput.firstFrame, `${a.label} takes a first frame like the retired model`);
  }
  const lastFrame: ModelProfile = { ...retired, imageInput: { firstFrame: true, lastFrame: true, references: false } };
  for (const a of alternativesTo('openai-videos', lastFrame, '2026-12-02')) assert.ok(modelProfile(a.provider, a.model)!.imageInput.lastFrame, a.label);
});
