// The window can name the ffmpeg Storyreel runs (Settings → ffmpeg path). Only a file named ffmpeg that
// answers -version as ffmpeg (with ffprobe beside it answering as ffprobe) is accepted; anything else is
// refused without being run where its name already says it is not ffmpeg, and a huge value is refused
// without being echoed into an error or a log line.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { checkFfmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

let dir: string;
let settings: MemorySettings;
let handlers: ReturnType<Storyreel['handlers']>;
const logged: string[] = [];

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-ffmpeg-'));
  settings = new MemorySettings();
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    resolveFfmpeg: (userPath) => resolveFfmpeg({ userPath, env: process.env }),
    settings,
    secrets: new EnvSecrets({}),
    log: (line) => logged.push(line),
    owner: 'test',
  });
  handlers = app.handlers();
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const update = (ffmpegPath: string) => dispatch(handlers, 'settings.update', { ffmpegPath }, (line) => logged.push(line));

/** A shell script that leaves a marker file when it runs, then prints `out` and exits 0. */
async function script(name: string, out = ''): Promise<{ file: string; ran: () => boolean }> {
  const folder = await fs.mkdtemp(path.join(dir, 'bin-'));
  const file = path.join(folder, name);
  const marker = path.join(folder, `${name}.ran`);
  await fs.writeFile(file, `#!/bin/sh\necho ran > '${marker}'\nprintf '%s\\n' '${out}'\nexit 0\n`, { mode: 0o755 });
  return { file, ran: () => existsSync(marker) };
}

test('a program not named ffmpeg (a shell) is refused without being run', async () => {
  const sh = await script('sh');
  await fs.writeFile(path.join(path.dirname(sh.file), 'ffprobe'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const reply = await update(sh.file);
  assert.equal(reply.ok, false);
  if (!reply.ok) assert.match(reply.error.message, /is not ffmpeg/);
  assert.equal(sh.ran(), false, 'the program was executed');
  assert.equal(settings.get().ffmpegPath, null, 'not saved');

  const real = await update('/bin/sh');
  assert.equal(real.ok, false, '/bin/sh is refused');
  assert.equal(settings.get().ffmpegPath, null);
});

test('a file named ffmpeg that does not answer -version as ffmpeg is refused', async () => {
  // It answers every question as if it had the encoders and filters Storyreel asks about.
  const lines = ' V..... libx264 x\n A..... aac x\n ... drawtext V->V x\n ... concat N->N x\n ... apad A->A x\n ... atrim A->A x\n ... aresample A->A x';
  const fake = await script('ffmpeg', lines);
  await fs.writeFile(path.join(path.dirname(fake.file), 'ffprobe'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const reply = await update(fake.file);
  assert.equal(reply.ok, false, 'an impostor was accepted');
  if (!reply.ok) assert.match(reply.error.message, /does not answer -version as ffmpeg/);
  assert.equal(settings.get().ffmpegPath, null);

  // ffmpeg itself is fine, but the ffprobe beside it is not one.
  const folder = await fs.mkdtemp(path.join(dir, 'mixed-'));
  await fs.symlink(resolveFfmpeg({ env: process.env }).ffmpeg, path.join(folder, 'ffmpeg'));
  await fs.writeFile(path.join(folder, 'ffprobe'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
  const mixed = await checkFfmpeg({ ffmpeg: path.join(folder, 'ffmpeg'), ffprobe: path.join(folder, 'ffprobe') });
  assert.equal(mixed.ok, false);
  assert.match(mixed.error ?? '', /does not answer -version as ffprobe/);
});

test('a 10 MB ffmpeg path is refused, and neither the reply nor the log carries it whole', async () => {
  logged.length = 0;
  const huge = '/' + 'a'.repeat(10 * 1024 * 1024);
  const reply = await update(huge);
  assert.equal(reply.ok, false);
  if (!reply.ok) assert.ok(JSON.stringify(reply.error).length < 2000, `the error is ${JSON.stringify(reply.error).length} characters`);
  for (const line of logged) assert.ok(line.length < 2000, `a log line of ${line.length} characters`);
  assert.equal(settings.get().ffmpegPath, null);
});

test('the real ffmpeg (and the folder it is in) is still accepted', async () => {
  const real = resolveFfmpeg({ env: process.env }).ffmpeg;
  const reply = await update(real);
  assert.equal(reply.ok, true, reply.ok ? '' : reply.error.message);
  assert.equal(settings.get().ffmpegPath, real);
  const folder = await update(path.dirname(real));
  assert.equal(folder.ok, true, folder.ok ? '' : folder.error.message);
});
