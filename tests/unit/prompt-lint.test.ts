// The prompt linter (issue 10, item 9): each case it must catch, each with a fix, and a good prompt left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintPrompt, type LintCode } from '../../shared/prompt-lint.ts';

const codes = (prompt: string, opts = {}): LintCode[] => lintPrompt(prompt, opts).map((w) => w.code);
const one = (prompt: string, code: LintCode) => {
  const w = lintPrompt(prompt).filter((x) => x.code === code);
  assert.equal(w.length, 1, `${code} in ${JSON.stringify(prompt)}: ${JSON.stringify(lintPrompt(prompt))}`);
  assert.ok(w[0]!.fix.length > 10, 'every warning suggests a fix');
  return w[0]!;
};

const GOOD = 'Medium close-up of an old fisherman mending a net on the pier at dawn, soft golden backlight, slow dolly in.';

test('a specific prompt with camera, light and a directed move gets no warning', () => {
  assert.deepEqual(lintPrompt(GOOD), []);
  assert.deepEqual(lintPrompt(''), [], 'an empty field is not nagged');
});

test('vague words, each with concrete alternatives', () => {
  const w = one('A beautiful garden, wide shot, soft morning light.', 'vague');
  assert.deepEqual(w.words, ['beautiful']);
  assert.match(w.fix, /golden-hour backlight/);
  assert.deepEqual(lintPrompt('A nice, beautiful garden, wide shot, morning light.').filter((x) => x.code === 'vague').map((x) => x.words![0]), ['nice', 'beautiful']);
});

test('contradictions: sunny with a starry night, a locked-off camera that pans, slow motion with time-lapse', () => {
  const w = one('A sunny beach under a starry night sky, wide shot.', 'contradiction');
  assert.deepEqual(w.words, ['sunny', 'starry night']);
  assert.match(w.fix, /time of day/);
  assert.ok(codes('Locked-off tripod shot, the camera pans slowly left across the desert at noon.').includes('contradiction'));
  assert.ok(codes('Slow motion time-lapse of clouds over a city at dusk, wide shot.').includes('contradiction'));
  assert.ok(!codes('A sunny beach at noon, wide shot.').includes('contradiction'));
});

test('too many subjects or actions for one shot', () => {
  one('A man, a woman, a dog and a horse cross the square at noon, wide shot.', 'crowded');
  const w = one('Wide shot at dusk: she opens the door, then lights a lamp, then reads the letter, then cries, finally burns it.', 'crowded');
  assert.match(w.message, /actions/);
  assert.match(w.fix, /Split it/);
});

test('a camera move with no direction or speed is flagged, and passes once it has one', () => {
  const w = one('A market at night under neon light. The camera pans.', 'motion');
  assert.deepEqual(w.words, ['pans']);
  assert.match(w.fix, /which way and how fast, e\.g\. “slow pan left to right”/);
  assert.ok(!codes('A market at night under neon light. The camera pans slowly.').includes('motion'));
  assert.ok(!codes('A market at night under neon light. The camera pans left.').includes('motion'));
});

test('no camera, no lighting: tips once the prompt has a few words', () => {
  assert.deepEqual(codes('An old fisherman mends a net on the pier.'), ['no-camera', 'no-lighting']);
  assert.deepEqual(codes('fisherman'), [], 'one word is not judged yet');
  assert.deepEqual(codes('An old fisherman mends a net on the pier.', { sent: 'An old fisherman mends a net on the pier.\n\nStyle: close-up, golden hour' }), [], 'the project style counts');
});

test('over the model\'s limit, counted as sent', () => {
  const sent = GOOD + 'x'.repeat(100 - GOOD.length + 100);
  assert.equal(sent.length, 200);
  const w = lintPrompt(GOOD, { sent, maxChars: 150, modelLabel: 'sora-2' }).find((x) => x.code === 'too-long')!;
  assert.equal(w.level, 'error');
  assert.match(w.message, /is 200 characters; sora-2 takes at most 150/);
  assert.match(w.fix, /Cut 50 characters/);
  assert.ok(!codes(GOOD, { sent, maxChars: 200 }).includes('too-long'));
});

test('wording likely to be blocked: real people and well-known characters, with an original to use instead', () => {
  const p = one('Taylor Swift sings on a rooftop at night, wide shot, neon light.', 'blocked');
  assert.match(p.message, /real person/);
  assert.match(p.fix, /pop singer/);
  const c = one('Spider-Man swings slowly left between towers at dusk, wide shot.', 'blocked');
  assert.match(c.message, /copyrighted/);
  assert.ok(!codes('Mario the baker kneads dough at dawn, close-up, warm light.').includes('blocked'), 'a first name alone is not a famous person');
});
