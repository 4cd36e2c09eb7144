// The stylesheet parses. A block left open by a merge (it happened: `.conform-done {` lost its `}`) makes
// the browser drop every rule after it without a word — here it took the transition marker's z-index, and
// the boundary between two cards could no longer be clicked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import postcss from 'postcss';

test('renderer/src/styles.css parses with no unclosed block', () => {
  const css = readFileSync('renderer/src/styles.css', 'utf8');
  const root = postcss.parse(css, { from: 'renderer/src/styles.css' });
  const selectors: string[] = [];
  root.walkRules((r) => void selectors.push(r.selector));
  // Rules near the end of the file are really rules (not swallowed into an earlier block).
  for (const r of root.nodes) if (r.type === 'rule') assert.equal(r.parent?.type, 'root');
  assert.ok(selectors.includes('button.transition-marker'), 'the transition marker rule is a top-level rule');
});
