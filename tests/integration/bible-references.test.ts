// A bible character through the real planner and adapter to the provider (issue 10, item 8): its text is in
// the prompt the Gemini emulator receives, and its image arrives as a reference image.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { addBibleImage } from '../../electron/services/projects/bible.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../emulators/gemini/server.ts';
import { makeApp, pngFixture } from '../helpers/provider-run.ts';

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
