// Project format 2: files written by hand, files from format 1, and files that are wrong, read the way
// ProjectStore reads them. Every refused file must be left byte-for-byte as it was.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECT_FORMAT_VERSION, type Take } from '../../shared/project.ts';
import { locateJsonError, lineColumn } from '../../shared/json-text.ts';
import { rejectsWith } from '../helpers/assert.ts';
import { createProject, ProjectStore, readProject } from '../../electron/services/projects/store.ts';

const FIXTURES = path.resolve('tests/fixtures');
let root: string;
let n = 0;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-format-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A project folder holding exactly `content` as project.json. */
async function folder(content: string | Uint8Array | object): Promise<{ dir: string; file: string; bytes: Buffer }> {
  const dir = path.join(root, `p${++n}`);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'project.json');
  await fs.writeFile(file, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2));
  return { dir, file, bytes: await fs.readFile(file) };
}

async function copyFixture(name: string): Promise<string> {
  const dir = path.join(root, `${name}-${++n}`);
  await fs.cp(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Opens the way the app does: load, then write what loading repaired (the app holds the lock then). */
async function open(dir: string, log: string[] = []): Promise<ProjectStore> {
  const store = await ProjectStore.open(dir);
  await store.saveLoadRepairs((l) => log.push(l));
  return store;
}

const count = (text: string, word: RegExp) => text.match(new RegExp(word.source, 'gi'))?.length ?? 0;

test('a scene written by hand as {prompt, seconds} loads, with every other field at its default', async () => {
  const { dir, file, bytes } = await folder({ formatVersion: 2, scenes: [{ prompt: 'A lighthouse at dawn', seconds: 8 }, { prompt: 'The keeper', seconds: 4 }] });
  const project = await readProject(dir);
  assert.equal(project.provider, 'preview');
  assert.equal(project.model, 'animatic', "the provider's default model");
  assert.equal(project.size, '1280x720');
  assert.equal(project.title, 'Untitled film');
  const [a, b] = project.scenes;
  assert.match(a!.id, /^scene_/);
  assert.notEqual(a!.id, b!.id);
  assert.deepEqual(
    { ...a!, id: 'x' },
    { id: 'x', prompt: 'A lighthouse at dawn', seconds: 8, transition: 'cut', caption: null, continuity: 'none', referenceImage: null, takes: [], chosenTake: null, lastError: null },
  );
  assert.deepEqual(await fs.readFile(file), bytes, 'reading never writes');

  // Opened, the generated ids are saved at once (jobs will refer to them) and stay the same afterwards.
  const store = await open(dir);
  const ids = store.get().scenes.map((s) => s.id);
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.id), ids);
  assert.deepEqual((await open(dir)).get().scenes.map((s) => s.id), ids);
});

test('the example film from format 1 migrates to format 2 with the same scenes', async () => {
  const dir = await copyFixture('project-v1-first-film');
  const v1 = await fs.readFile(path.join(dir, 'project.json'));
  const old = JSON.parse(v1.toString('utf8'));
  assert.equal(old.formatVersion, 1);
  const log: string[] = [];
  const store = await open(dir, log);
  const p = store.get();
  assert.equal(p.formatVersion, PROJECT_FORMAT_VERSION);
  assert.equal(p.id, old.id);
  assert.equal(p.style, old.style);
  assert.deepEqual(
    p.scenes.map((s) => [s.id, s.prompt, s.seconds, s.transition, s.caption, s.continuity]),
    old.scenes.map((s: { id: string; prompt: string; seconds: number }) => [s.id, s.prompt, s.seconds, 'cut', null, 'none']),
  );
  assert.ok(log.some((l) => /migrated .* from format 1 to 2/.test(l)), log.join('\n'));
  // Written as format 2, with the format-1 file kept beside the ledger.
  const saved = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  assert.equal(saved.formatVersion, 2);
  assert.deepEqual(await fs.readFile(path.join(dir, '.storyreel', 'project.v1.json')), v1);
  // The shipped example is format 2 and reads as the same film.
  const shipped = await readProject(path.resolve('examples/first-film'));
  assert.equal(JSON.parse(await fs.readFile(path.resolve('examples/first-film/project.json'), 'utf8')).formatVersion, 2);
  assert.deepEqual(shipped.scenes.map((s) => [s.prompt, s.seconds]), p.scenes.map((s) => [s.prompt, s.seconds]));
});

test('a format-1 project with takes, made by the format-1 CLI, keeps its takes and chosen takes', async () => {
  const dir = await copyFixture('project-v1-with-takes');
  const old = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  const p = (await open(dir)).get();
  assert.equal(p.scenes.length, 2);
  for (const [i, s] of p.scenes.entries()) {
    assert.deepEqual(s.takes, old.scenes[i].takes, 'takes unchanged, no trim added');
    assert.equal(s.chosenTake, old.scenes[i].chosenTake);
  }
  const again = await fs.readFile(path.join(dir, 'project.json'), 'utf8');
  await open(dir);
  assert.equal(await fs.readFile(path.join(dir, 'project.json'), 'utf8'), again, 'a format-2 file with nothing to repair is not rewritten at open');
});

test('every problem in a hand-edited file is named at once, by scene and field, in words', async () => {
  const { dir, file, bytes } = await folder({
    formatVersion: 2,
    size: '00x00',
    scenes: [
      { prompt: 'A storm over the bay', seconds: 'eight' },
      { prompt: 'Gulls', seconds: 4, transition: { type: 'spin', seconds: 1 } },
      { seconds: 4, continuity: 'sometimes' },
      { prompt: 'The end', seconds: 200, transition: { type: 'crossfade' } },
    ],
  });
  const err = await rejectsWith(ProjectStore.open(dir), 'ProjectCorrupt', /not a valid Storyreel project/);
  const m = err.message;
  assert.match(m, /The project: "size" must have even sides from 16 to 8192 pixels, e\.g\. 1280x720, not "00x00"/);
  assert.match(m, /Scene 1 \("A storm over the bay"\): "seconds" must be a number, not "eight"/);
  assert.match(m, /Scene 2 \("Gulls"\): "transition" has type "spin", which is not one of: crossfade, fade-black/);
  assert.match(m, /Scene 3: "prompt" is missing \(every scene needs its text/);
  assert.match(m, /Scene 3: "continuity" must be "none" or "previous-last-frame", not "sometimes"/);
  assert.match(m, /Scene 4 \("The end"\): "seconds" must be at most 120, not 200/);
  assert.match(m, /Scene 4 \("The end"\): "transition" needs "seconds"/);
  assert.match(m, /7 problems/);
  assert.equal(count(m, /left untouched/), 1, m);
  assert.doesNotMatch(m, /Invalid input|expected string|received|Too small|Too big/, 'no schema wording');
  assert.deepEqual(await fs.readFile(file), bytes);
});

test('a JSON syntax error says the line and column, and the file is left untouched', async () => {
  const text = '{\n  "formatVersion": 2,\n  "scenes": [\n    { "prompt": "a ferry", "seconds": 4, },\n  ]\n}\n';
  const { dir, file, bytes } = await folder(text);
  const err = await rejectsWith(readProject(dir), 'ProjectCorrupt', /damaged/);
  assert.match(err.message, /a comma before "\}" \(remove the last comma\) at line 4, column 42\. The file was left untouched\.$/);
  assert.deepEqual(await fs.readFile(file), bytes);
  const empty = await folder('\n');
  await rejectsWith(readProject(empty.dir), 'ProjectCorrupt', /cannot be read: the file is empty\. The file was left untouched\.$/);
  // The grammar walk on other slips a hand makes.
  const at = (t: string) => {
    const { offset, what } = locateJsonError(t);
    return { ...lineColumn(t, offset), what };
  };
  assert.deepEqual(at('{"a": 1,\n "b": }'), { line: 2, column: 7, what: 'unexpected "}" where a value was expected' });
  assert.deepEqual(at('{"a": \'x\'}'), { line: 1, column: 7, what: 'a value in \'single quotes\' (JSON needs "double quotes")' });
  assert.deepEqual(at('{"a": "x\ny"}'), { line: 1, column: 9, what: 'a line break inside a "string" (a closing quote is missing, or write \\n)' });
  assert.equal(at('{"title": ').what, 'the file ends where a value was expected');
  assert.equal(at('{"a": 1} x').what, 'unexpected "x" after the end of the project');
  assert.equal(at('{"a" 1}').what, 'expected ":" after the field name, found "1"');
});

test('invalid UTF-8 is refused with where it is, instead of becoming U+FFFD on the next save', async () => {
  const good = Buffer.from(JSON.stringify({ formatVersion: 2, title: 'Café', scenes: [{ prompt: 'x', seconds: 4 }] }, null, 2));
  const bad = Buffer.from(good);
  const at = bad.indexOf('é');
  bad[at] = 0xe9; // Latin-1 é: one byte, not UTF-8
  bad[at + 1] = 0x27; // keep the JSON shape ("Caf\xe9'")
  const { dir, file } = await folder(bad);
  const err = await rejectsWith(ProjectStore.open(dir), 'ProjectCorrupt', /not valid UTF-8 text \(byte \d+, line 3, column 16\); save it as UTF-8/);
  assert.equal(count(err.message, /left untouched/), 1);
  assert.deepEqual(await fs.readFile(file), bad);
  // A byte-order mark, as some Windows editors write, is fine.
  const bom = await folder(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
  assert.equal((await readProject(bom.dir)).title, 'Café');
});

test('fields this version does not know are kept on save: top level, scenes, takes', async () => {
  const dir = await copyFixture('project-v1-with-takes');
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  raw.formatVersion = 2;
  raw.soundtrack = { cues: ['the keeper'] };
  // A known object keeps the fields it does not know too (the bible is known since issue 10).
  raw.bible = { entries: [], presets: [], voices: ['the keeper'] };
  raw.scenes[0].notes = 'shoot at golden hour';
  raw.scenes[0].takes[0].lut = 'kodak-2383';
  raw.scenes[1].transition = { type: 'crossfade', seconds: 0.5, curve: 'ease' };
  await fs.writeFile(file, JSON.stringify(raw, null, 2));
  const store = await open(dir);
  await store.updateScene(store.get().scenes[0]!.id, { prompt: 'A lamp flickers on.' });
  await store.flush();
  const saved = JSON.parse(await fs.readFile(file, 'utf8'));
  assert.deepEqual(saved.soundtrack, { cues: ['the keeper'] });
  assert.deepEqual(saved.bible, { entries: [], presets: [], voices: ['the keeper'] });
  assert.equal(saved.scenes[0].notes, 'shoot at golden hour');
  assert.equal(saved.scenes[0].prompt, 'A lamp flickers on.');
  assert.equal(saved.scenes[0].takes[0].lut, 'kodak-2383');
  assert.deepEqual(saved.scenes[1].transition, { type: 'crossfade', seconds: 0.5, curve: 'ease' });
});

test('duplicate scene or take ids are refused with a message, not altered', async () => {
  const { dir, file, bytes } = await folder({ formatVersion: 2, scenes: [{ id: 'a', prompt: 'one', seconds: 4 }, { id: 'b', prompt: 'two', seconds: 4 }, { id: 'a', prompt: 'three', seconds: 4 }] });
  const err = await rejectsWith(ProjectStore.open(dir), 'ProjectCorrupt');
  assert.match(err.message, /Scene 3 \("three"\): "id" has the same id as scene 1 \("a"\); every scene needs its own id/);
  assert.deepEqual(await fs.readFile(file), bytes);

  const withTakes = await copyFixture('project-v1-with-takes');
  const f2 = path.join(withTakes, 'project.json');
  const raw = JSON.parse(await fs.readFile(f2, 'utf8'));
  raw.scenes[1].takes[0].id = raw.scenes[0].takes[0].id;
  raw.scenes[1].chosenTake = raw.scenes[0].takes[0].id;
  await fs.writeFile(f2, JSON.stringify(raw));
  await rejectsWith(readProject(withTakes), 'ProjectCorrupt', /Scene 2 \("A second lamp answers across the…"\), take 1: "id" has the same id as scene 1, take 1/);
});

test('sizes are validated at load and on every change', async () => {
  for (const size of ['00x00', '1281x720', '8x8', '1280 x 720', '99999x720']) {
    const { dir } = await folder({ formatVersion: 2, size, scenes: [] });
    await rejectsWith(readProject(dir), 'ProjectCorrupt', /"size" must/);
  }
  const dir = path.join(root, `p${++n}`);
  await createProject(dir);
  const store = await open(dir);
  await rejectsWith(store.update({ size: '00x00' }), 'InvalidInput', /"size" must have even sides/);
  assert.equal(store.get().size, '1280x720');
});

test('the fields later versions give behaviour are stored, validated and saved as written', async () => {
  const take: Take = { id: 't1', jobId: 'j1', provider: 'preview', model: 'animatic', file: 'media/a.mp4', thumbnail: null, seconds: 4, size: '1280x720', prompt: 'x', providerJobId: null, costUsd: 0, createdAt: '2026-12-01T00:00:00.000Z', rating: 0, trim: { in: 0.5, out: 3.5 } };
  const scenes = [
    { prompt: 'one', seconds: 4, transition: { type: 'dip-white', seconds: 0.5 }, caption: 'Dawn.', continuity: 'none', provider: 'openai-videos', model: 'sora-2-pro', takes: [take], chosenTake: 't1' },
    { prompt: 'two', seconds: 4, continuity: 'previous-last-frame' },
  ];
  const { dir, file } = await folder({ formatVersion: 2, scenes });
  const store = await open(dir);
  const [a, b] = store.get().scenes;
  assert.deepEqual(a!.transition, { type: 'dip-white', seconds: 0.5 });
  assert.equal(a!.caption, 'Dawn.');
  assert.equal(a!.provider, 'openai-videos');
  assert.equal(a!.model, 'sora-2-pro');
  assert.deepEqual(a!.takes[0]!.trim, { in: 0.5, out: 3.5 });
  assert.equal(b!.continuity, 'previous-last-frame');
  assert.equal(b!.provider, undefined, 'no override: absent, not null');
  await store.updateScene(b!.id, { transition: { type: 'wipe-left', seconds: 1 }, caption: null });
  await store.flush();
  const saved = JSON.parse(await fs.readFile(file, 'utf8'));
  assert.deepEqual(saved.scenes[1].transition, { type: 'wipe-left', seconds: 1 });
  assert.equal('provider' in saved.scenes[1], false);
  assert.deepEqual(saved.scenes[0].takes[0].trim, { in: 0.5, out: 3.5 });
  await rejectsWith(store.updateScene(b!.id, { transition: { type: 'crossfade', seconds: 0 } }), 'InvalidInput', /Scene 2 \("two"\): "transition\.seconds" must be more than 0, not 0/);

  const badTrim = await folder({ formatVersion: 2, scenes: [{ ...scenes[0], takes: [{ ...take, trim: { in: 3, out: 1 } }] }] });
  await rejectsWith(readProject(badTrim.dir), 'ProjectCorrupt', /Scene 1 \("one"\), take 1: "trim" ends \(out 1 s\) before it starts \(in 3 s\)/);
});

test('a dangling chosen take is repaired at load to the newest take of the scene, or none, and logged', async () => {
  const dir = await copyFixture('project-v1-with-takes');
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  const older = { ...raw.scenes[0].takes[0], id: 'take_older', jobId: 'job_older', createdAt: '2020-01-01T00:00:00.000Z' };
  raw.scenes[0].takes.push(older); // the newest take is not the last one in the list
  raw.scenes[0].chosenTake = 'take_deleted_by_hand';
  raw.scenes[1].takes = [];
  raw.scenes[1].chosenTake = 'take_gone_too';
  await fs.writeFile(file, JSON.stringify(raw));
  const log: string[] = [];
  const store = await open(dir, log);
  const [a, b] = store.get().scenes;
  assert.equal(a!.chosenTake, raw.scenes[0].takes[0].id);
  assert.equal(b!.chosenTake, null);
  assert.ok(log.some((l) => /scene 1's chosen take "take_deleted_by_hand" does not exist; chose its newest take/.test(l)), log.join('\n'));
  assert.ok(log.some((l) => /scene 2's chosen take "take_gone_too" does not exist; it has no takes/.test(l)), log.join('\n'));
  const saved = await readProject(dir);
  assert.equal(saved.scenes[0]!.chosenTake, a!.chosenTake, 'the repair is saved');
  // The next take that arrives for a scene with none chosen becomes its chosen one.
  const take = { ...older, id: 'take_new', jobId: 'job_new', createdAt: new Date().toISOString() };
  await store.addTake(b!.id, take);
  assert.equal(store.get().scenes[1]!.chosenTake, 'take_new');
});

test('a project from a newer Storyreel, or with no usable formatVersion, is refused and left untouched', async () => {
  for (const [value, code, message] of [
    [{ formatVersion: PROJECT_FORMAT_VERSION + 1, scenes: 'whatever' }, 'ProjectTooNew', /newer Storyreel \(format 3; this version reads up to 2\)/],
    [{ scenes: [] }, 'ProjectCorrupt', /"formatVersion" is missing \(write "formatVersion": 2 at the top\)/],
    [{ formatVersion: '2' }, 'ProjectCorrupt', /"formatVersion" must be a whole number from 1 to 2, not "2"/],
    [[1, 2], 'ProjectCorrupt', /holds a list, not an object/],
  ] as const) {
    const { dir, file, bytes } = await folder(JSON.stringify(value));
    const err = await rejectsWith(ProjectStore.open(dir), code, message);
    assert.equal(count(err.message, /left untouched/), 1, err.message);
    assert.deepEqual(await fs.readFile(file), bytes);
  }
});

test("the README's hand-written project opens as it stands", async () => {
  const readme = await fs.readFile(path.resolve('README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Project format'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(json, 'the Project format section shows a project.json');
  const { dir } = await folder(json);
  const p = (await open(dir)).get();
  assert.equal(p.formatVersion, PROJECT_FORMAT_VERSION);
  assert.deepEqual(p.scenes.map((s) => s.seconds), [4, 8, 4]);
  assert.ok(p.scenes.every((s) => s.transition === 'cut' && s.takes.length === 0 && s.id));
});
