// The stylesheet parses. A block left open by a merge (it happened: `.conform-done {` lost its `}`) makes
// the browser drop every rule after it without a word — here it took the transition marker's z-index, and
// the boundary between two cards could no longer be clicked. renderer/src/styles.css imports one file per
// area from renderer/src/styles/: every one of them must parse, and every one must be imported.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import postcss, { type Root } from 'postcss';

const ENTRY = 'renderer/src/styles.css';
const DIR = 'renderer/src/styles';
const parse = (file: string): Root => postcss.parse(readFileSync(file, 'utf8'), { from: file });

test('styles.css imports every file under renderer/src/styles/, and nothing else', () => {
  const imported: string[] = [];
  parse(ENTRY).walkAtRules('import', (r) => void imported.push(path.posix.join('renderer/src', r.params.replace(/^['"]|['"]$/g, ''))));
  const files = readdirSync(DIR).filter((f) => f.endsWith('.css')).map((f) => path.posix.join(DIR, f));
  assert.deepEqual([...imported].sort(), files.sort());
  assert.ok(files.length > 1);
});

test('every stylesheet parses with no unclosed block', () => {
  const files = [ENTRY, ...readdirSync(DIR).filter((f) => f.endsWith('.css')).map((f) => path.posix.join(DIR, f))];
  const selectors: string[] = [];
  for (const file of files) {
    const root = parse(file);
    root.walkRules((r) => void selectors.push(r.selector));
    // Rules near the end of a file are really rules (not swallowed into an earlier block).
    for (const r of root.nodes) if (r.type === 'rule') assert.equal(r.parent?.type, 'root', `${file}: ${r.selector}`);
  }
  assert.ok(selectors.includes('button.transition-marker'), 'the transition marker rule is a top-level rule');
  assert.ok(selectors.includes('.conform-done'), 'the conform-done rule is a top-level rule');
});

test('the stylesheets components import (craft.css, continuity.css) parse too', () => {
  for (const file of ['renderer/src/craft.css', 'renderer/src/continuity.css']) {
    parse(file).walkRules((r) => void assert.ok(r.parent?.type === 'root' || r.parent?.type === 'atrule', `${file}: ${r.selector} is inside another rule`));
  }
});
