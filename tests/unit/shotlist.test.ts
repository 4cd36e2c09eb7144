// Shot lists in (issue 10, item 10): the text creators write → one scene per shot.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { modelProfile } from '../../shared/capabilities.ts';
import { fitShots, parseShotList } from '../../shared/shotlist.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/shotlists/${name}`, import.meta.url), 'utf8');

test('a Markdown list: one scene per numbered item, sub-bullets kept, [8s] lengths read, act headings and the style line left out', () => {
  const r = parseShotList(fixture('lighthouse.md'));
  assert.equal(r.format, 'numbered');
  assert.equal(r.style, '35mm film, muted teal and amber grade');
  assert.deepEqual(r.shots.map((s) => s.seconds), [8, 7, null, 12]);
  assert.equal(r.shots[0]!.prompt, 'Wide aerial of a lighthouse on a cliff at dusk, waves below. Camera: slow drone push-in from the sea. Lighting: last sun on the tower, warm tungsten windows.');
  assert.equal(r.shots[1]!.prompt, 'The keeper climbs the spiral stairs. Camera: handheld, following from below.');
  assert.ok(!r.shots.some((s) => /Act|\[|\(7/.test(s.prompt)), 'act titles and lengths stay out of the prompts');
});

test('the seed documents\' shot sequence (bold numbered titles, 镜头 lines, no line breaks between shots) gives one scene per shot', () => {
  const r = parseShotList(fixture('seed-sequence.txt'));
  assert.equal(r.format, 'shot-sequence');
  assert.equal(r.shots.length, 7);
  assert.equal(r.style, '电影感纪录片、航拍大片、节日庆典、唯美光影');
  assert.equal(r.shots[0]!.title, '开场:日出海天,国旗飘扬');
  assert.ok(r.shots[0]!.prompt.startsWith('开场:日出海天,国旗飘扬。超广角航拍镜头。'), r.shots[0]!.prompt.slice(0, 40));
  assert.ok(r.shots[0]!.prompt.endsWith('形成壮丽的视觉冲击。'), 'the next shot\'s title is not in this one');
  // The keywords and music notes after the rule are not a shot, and not in the last one.
  assert.ok(r.shots[6]!.prompt.endsWith('视频在宁静而恢弘的画面中结束。'), r.shots[6]!.prompt.slice(-30));
  assert.ok(!r.shots.some((s) => s.prompt.includes('**') || s.prompt.includes('镜头**')));
});

test('the same format in English with Shot: lines and a length in the title', () => {
  const r = parseShotList(fixture('english-sequence.md'));
  assert.equal(r.format, 'shot-sequence');
  assert.deepEqual(r.shots.map((s) => s.title), ['Opening: the market wakes', 'Detail: the noodle stall', 'Ending: rain']);
  assert.equal(r.shots[0]!.seconds, 4);
  assert.equal(r.shots[0]!.prompt, 'Opening: the market wakes. Wide establishing shot of a night market as the first lamps come on, slow pan left to right.');
  assert.ok(!r.shots[2]!.prompt.includes('Music'));
});

test('headings, bullets and paragraphs each make scenes when there is no numbered list', () => {
  const h = parseShotList('# Dawn [4s]\nA fox crosses a frosted field.\n\n# Noon\nThe fox sleeps under a hedge.\n- Camera: locked-off wide\n');
  assert.equal(h.format, 'headings');
  assert.deepEqual(h.shots.map((s) => [s.prompt, s.seconds]), [['Dawn. A fox crosses a frosted field.', 4], ['Noon. The fox sleeps under a hedge. Camera: locked-off wide.', null]]);
  const b = parseShotList('- A kettle boils [6s]\n  - steam curls up, macro\n- A cup is filled\n');
  assert.equal(b.format, 'bullets');
  assert.deepEqual(b.shots.map((s) => s.prompt), ['A kettle boils. steam curls up, macro.', 'A cup is filled.']);
  const p = parseShotList('Style: watercolor\n\nA boat leaves the harbour.\nGulls follow it.\n\r\n\r\nThe boat is a dot on the horizon (10s)');
  assert.equal(p.format, 'paragraphs');
  assert.equal(p.style, 'watercolor');
  assert.deepEqual(p.shots.map((s) => [s.prompt, s.seconds]), [['A boat leaves the harbour. Gulls follow it.', null], ['The boat is a dot on the horizon.', 10]]);
  assert.deepEqual(parseShotList('  \n\n').shots, []);
});

test('lengths snap to what the model makes, and each change is said', () => {
  const r = parseShotList(fixture('lighthouse.md'));
  const { scenes, notes } = fitShots(r.shots, modelProfile('openai-videos', 'sora-2'));
  assert.deepEqual(scenes.map((s) => s.seconds), [8, 8, 4, 12]);
  assert.deepEqual(notes, ['Shot 2 asked for 7 s; sora-2 makes 4, 8, 12 s, so it is 8 s.']);
  assert.deepEqual(fitShots(r.shots, modelProfile('preview', 'animatic')).notes, []);
});
