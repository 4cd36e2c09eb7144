// The README and the window name only places the app has. There is no "Settings" (the window has panels:
// Look & model, API keys, Budget, … and a menu), so no text a creator reads may send them there, and every
// "*Name* panel" in the README is a panel the window shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const COMPONENTS = path.resolve('renderer/src/components');
const sources = readdirSync(COMPONENTS)
  .filter((f) => f.endsWith('.tsx'))
  .map((f) => ({ file: `renderer/src/components/${f}`, text: readFileSync(path.join(COMPONENTS, f), 'utf8') }));
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

/** The panels' titles (h2.panel-title) and the folded sections' names (<summary>). */
function placesInTheWindow(): Set<string> {
  const names = new Set<string>();
  for (const { text } of sources) {
    for (const m of text.matchAll(/className="panel-title"[^>]*>([^<{]+)</g)) names.add(decode(m[1]!));
    for (const m of text.matchAll(/<summary[^>]*>([^<{]+)</g)) names.add(decode(m[1]!));
  }
  return names;
}

/** What a creator reads in the window: JSX text and string literals (not import paths). */
function windowStrings(text: string): string[] {
  const jsxText = [...text.matchAll(/>([^<>{}]*[A-Za-z][^<>{}]*)</g)].map((m) => m[1]!);
  const literals = [...text.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '').filter((s) => !/\.(tsx?|css)$/.test(s));
  return [...jsxText, ...literals];
}

test('the window has panels and no Settings: the panel titles are found', () => {
  const names = placesInTheWindow();
  for (const name of ['Look & model', 'API keys', 'Budget', 'Export', 'Gateway settings']) assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
  assert.ok(![...names].some((n) => /^(Settings|Preferences)$/i.test(n)));
});

test('no text in the window sends the creator to "Settings" or "Preferences"', () => {
  const found = sources.flatMap(({ file, text }) => windowStrings(text).filter((s) => /\b(Settings|Preferences)\b/.test(s)).map((s) => `${file}: ${s.trim()}`));
  assert.deepEqual(found, []);
});

test('the README and SECURITY.md name only panels the window has, and never "Settings"', () => {
  const names = placesInTheWindow();
  for (const doc of ['README.md', 'SECURITY.md']) {
    const text = readFileSync(doc, 'utf8');
    const settings = text.split('\n').flatMap((line, i) => (/\b(Settings|Preferences)\b/.test(line.replace(/`[^`]*`/g, '')) ? [`${doc}:${i + 1}: ${line.trim()}`] : []));
    assert.deepEqual(settings, [], 'the app has no Settings: name the panel (Look & model, API keys, Budget) or the menu');
    const panels = [...text.matchAll(/\*([^*\n]+)\* panel/g)].map((m) => m[1]!).filter((p) => !names.has(p));
    assert.deepEqual(panels, [], `${doc} names panels the window does not have (it has: ${[...names].join(', ')})`);
  }
});
