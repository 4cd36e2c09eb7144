// Enhance's pure parts: what the chat model is asked, how its answer is read, the diff the creator reviews.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enhanceMessages, readEnhanced, wordDiff } from '../../shared/enhance.ts';

test('the request names the length and the style, and asks for the prompt only', () => {
  const m = enhanceMessages('  a boat  ', { seconds: 8, style: 'ink' });
  assert.deepEqual(m.map((x) => x.role), ['system', 'user']);
  assert.match(m[0]!.content, /Answer with the rewritten prompt only/);
  assert.equal(m[1]!.content, 'The shot lasts 8 seconds.\nThe project style (added separately, do not repeat it): ink\n\nPrompt to rewrite:\na boat');
});

test('answers wrapped in fences, labels or quotes are unwrapped', () => {
  assert.equal(readEnhanced('```\nWide shot of a boat.\n```'), 'Wide shot of a boat.');
  assert.equal(readEnhanced('Enhanced prompt: “Wide shot of a boat.”'), 'Wide shot of a boat.');
  assert.equal(readEnhanced('  Wide shot.  '), 'Wide shot.');
});

test('the word diff keeps shared words plain and marks what was removed and added', () => {
  assert.deepEqual(wordDiff('a nice harbour', 'Wide shot: a quiet harbour, dusk.'), [
    { op: 'add', text: 'Wide shot: ' },
    { op: 'same', text: 'a ' },
    { op: 'del', text: 'nice' },
    { op: 'add', text: 'quiet' },
    { op: 'same', text: ' harbour' },
    { op: 'add', text: ', dusk.' },
  ]);
  assert.deepEqual(wordDiff('', 'x'), [{ op: 'add', text: 'x' }]);
});
