// A bible character through the real planner and adapter to the provider (issue 10, item 8): its text is in
// the prompt the Gemini emulator receives, and its image arrives as a reference image; Preview draws it as an
// inset of the animatic.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { addBibleImage } from '../../electron/services/projects/bible.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../emulators/gemini/server.ts';
import { makeApp, pngFixture } from '../helpers/provider-run.ts';

const exec = promisify(execFile);
const KEY = `AIza-SENTINEL-${randomBytes(12).toString('hex')}`;
const MODEL = 'gemini-omni-1.1-flash';
let root: string;
let emu: GeminiEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bible-'));
  emu = await startGeminiEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

test('a scene naming @Mara sends her description in the prompt and her image as a reference; the take records the prompt sent', { timeout: 60000 }, async () => {
  const dir = path.join(root, 'mara');
  await createProject(dir, { provider: 'gemini', model: MODEL, size: '1280x720', style: 'rain at night', scenes: [{ prompt: '@Mara walks slowly left along the pier', seconds: 4 }, { prompt: 'Empty pier, wide shot', seconds: 4 }] });
  const face = await pngFixture(path.join(root, 'mara.png'), '320x480', 'green');
  const app = makeApp(dir, { GEMINI_BASE_URL: emu.url }, { name: 'GEMINI_API_KEY', value: KEY });
  await app.openProject(dir);
  const h = app.handlers();
  await h.bible.update({ entries: [{ kind: 'character', name: 'Mara', description: 'a woman in her thirties, short silver hair, red raincoat', images: [] }], presets: ['film-noir'] });
  const entry = app.current().store.get().bible!.entries[0]!;
  await addBibleImage(app.current(), entry.id, face);
  // A path the window makes up is refused: images come only through the picker.
  await assert.rejects(h.bible.update({ entries: [{ id: entry.id, kind: 'character', name: 'Mara', description: 'x', images: ['../../etc/passwd'] }], presets: [] }), /not one of its images/);

  await app.generate([]);
  await app.current().engine.idle();
  const project = app.current().store.get();
  await app.shutdown();

  const creates = emu.stats.requests.filter((r) => r.route === 'create');
  assert.equal(creates.length, 2);
  type Part = { type: string; text?: string; role?: string; mime_type?: string; data?: string };
  const bodies = creates.map((r) => (r.body as { input: Part[] }).input);
  const mara = bodies.find((b) => b[0]!.text!.startsWith('Mara walks'))!;
  assert.equal(mara[0]!.text, 'Mara walks slowly left along the pier\n\nMara: a woman in her thirties, short silver hair, red raincoat.\n\nStyle: rain at night; film noir, high-contrast black and white, hard low-key light, venetian-blind shadows');
  assert.deepEqual(mara.slice(1).map((p) => `${p.type}:${p.role}:${p.mime_type}`), ['image:reference:image/png']);
  // The reference is Mara's picture fitted to the frame (1280x720 PNG, IHDR width and height).
  const png = Buffer.from(mara[1]!.data!, 'base64');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 720]);
  const other = bodies.find((b) => b[0]!.text!.startsWith('Empty pier'))!;
  assert.equal(other.length, 1, 'a scene that names no one sends no reference');
  assert.equal(emu.stats.invalidRequests, 0);

  const take = project.scenes[0]!.takes[0]!;
  assert.equal(take.prompt, mara[0]!.text, 'the take keeps the prompt that was sent');
  assert.ok((await readProject(dir)).bible!.entries[0]!.images[0]!.startsWith('media/refs/bible-mara-'));
});

test('Preview draws a named character\'s picture as an inset of the animatic, and none for a scene that names no one', { timeout: 60000 }, async () => {
  const dir = path.join(root, 'preview');
  const size = '640x360';
  await createProject(dir, { provider: 'preview', model: 'animatic', size, scenes: [{ prompt: '@Mara walks slowly left along the pier', seconds: 1 }, { prompt: 'Empty pier, wide shot', seconds: 1 }] });
  const face = await pngFixture(path.join(root, 'mara-magenta.png'), '240x320', '0xff00ff');
  const app = makeApp(dir, {}, { name: 'NONE', value: 'none' });
  await app.openProject(dir);
  await app.handlers().bible.update({ entries: [{ kind: 'character', name: 'Mara', description: 'a woman in her thirties, red raincoat', images: [] }], presets: [] });
  await addBibleImage(app.current(), app.current().store.get().bible!.entries[0]!.id, face);
  await app.generate([]);
  await app.current().engine.idle();
  const [named, plain] = app.current().store.get().scenes.map((s) => path.join(dir, s.takes[0]!.file));
  await app.shutdown();
  // Magenta pixels in the lower right (where insets sit, above the caption band), half a second in.
  const magentaIn = async (file: string): Promise<number> => {
    const { stdout } = await exec(resolveFfmpeg({ env: process.env }).ffmpeg, ['-v', 'error', '-ss', '0.5', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    let n = 0;
    for (let y = 180; y < 330; y++) {
      for (let x = 400; x < 640; x++) {
        const i = (y * 640 + x) * 3;
        if (stdout[i]! > 200 && stdout[i + 1]! < 60 && stdout[i + 2]! > 200) n++;
      }
    }
    return n;
  };
  const inset = await magentaIn(named!);
  assert.ok(inset > 1000, `Mara's picture is drawn as an inset (${inset} magenta pixels)`);
  // The control's own palette is drawn from a random seed (the job id) and may hold a few magenta-ish
  // pixels of its own (7 were seen in CI); an inset is a solid block of over a thousand.
  const stray = await magentaIn(plain!);
  assert.ok(stray < 150, `control: no inset in a scene that names no one (${stray} magenta pixels)`);
  // For a creator to look at: the animatic's frame with the inset.
  const shots = path.resolve('test-results', 'screenshots');
  await fs.mkdir(shots, { recursive: true });
  await exec(resolveFfmpeg({ env: process.env }).ffmpeg, ['-v', 'error', '-ss', '0.5', '-i', named!, '-frames:v', '1', '-y', path.join(shots, 'preview-bible-inset.png')]);
});
