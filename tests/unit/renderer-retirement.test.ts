// The window's retirement notice (renderer/src/lib/retirement.ts): said ahead of the date and after it, with
// the nearest model that does the same to switch to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelProfile, type ModelProfile } from '../../shared/capabilities.ts';
import { retirementNotice } from '../../renderer/src/lib/retirement.ts';

const base = modelProfile('openai-videos', 'sora-2')!;
const leaving: ModelProfile = { ...base, id: 'old-model', label: 'Old model', retiresOn: '2026-12-20' };

test('no notice for a model with no date, or a date far off', () => {
  assert.equal(retirementNotice('openai-videos', base, '2026-12-02'), null);
  assert.equal(retirementNotice('openai-videos', leaving, '2026-09-01'), null);
});

test('a near date is said with the days left and a model to switch to', () => {
  const n = retirementNotice('openai-videos', leaving, '2026-12-02')!;
  assert.equal(n.retired, false);
  assert.equal(n.daysLeft, 18);
  assert.match(n.message, /^Old model will be retired by OpenAI-compatible gateway \(\/v1\/videos\) on 2026-12-20 \(in 18 days\)\./);
  assert.ok(n.alternative, 'a live model that does the same');
  assert.notEqual(n.alternative.model, 'old-model');
});

test('after the date it says the model was retired, still offering the switch', () => {
  const n = retirementNotice('openai-videos', leaving, '2026-12-21')!;
  assert.equal(n.retired, true);
  assert.match(n.message, /was retired by .* on 2026-12-20\. Nothing can be generated with it any more\. Switching keeps every prompt, image and take\./);
  assert.ok(n.alternative);
});
