// A full disk, for real: a 2 MB tmpfs. An edit that cannot be saved is refused in words (DiskFull, not
// "Internal"), the window is told to show what is on disk instead of an edit that closing would drop, and no
// partial temp file stays beside project.json. Mounting needs root (CAP_SYS_ADMIN); elsewhere the test says
// so and skips.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProjectChange } from '../../shared/change.ts';
import type { Project } from '../../shared/project.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';

function mountTmpfs(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
  }
}

/** Writes a file until the disk says ENOSPC. */
async function fill(file: string): Promise<void> {
  const h = await fs.open(file, 'w');
  try {
    for (;;) await h.write(Buffer.alloc(64 * 1024, 1));
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    await h.close().catch(() => undefined);
  }
}

test('an edit on a full disk is refused as DiskFull, the window gets back what is on disk, and no temp file stays', async (t) => {
  const mnt = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-fulldisk-'));
  const why = process.platform === 'linux' ? mountTmpfs(mnt) : 'tmpfs mounts are Linux only';
  if (why) {
    console.log(`# skipped: cannot mount a small tmpfs here (${why}); run as root on Linux to test a full disk`);
    await fs.rm(mnt, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs: ${why}`);
    return;
  }
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    const dir = path.join(mnt, 'film');
    await createProject(dir, { title: 'Full disk', scenes: [{ prompt: 'A lighthouse at dusk', seconds: 4 }] });
    await app.openProject(dir);
    const handlers = app.handlers();
    const changes: ProjectChange[] = [];
    app.current().store.on('change', (c) => changes.push(c));
    const sceneId = app.current().store.get().scenes[0]!.id;

    await fill(path.join(mnt, 'filler'));
    const long = 'A lighthouse at dusk, the beam sweeping over a black sea. '.repeat(200);
    const refused = await dispatch(handlers, 'scenes.update', { id: sceneId, patch: { prompt: long } });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.error.code, 'DiskFull', JSON.stringify(refused.error));
      assert.match(refused.error.message, /disk is full/);
    }
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8')) as Project;
    assert.equal(onDisk.scenes[0]!.prompt, 'A lighthouse at dusk', 'the file still holds the last save');
    assert.equal(app.current().store.get().scenes[0]!.prompt, 'A lighthouse at dusk', 'memory went back to what is on disk');
    const last = changes.at(-1)!;
    assert.equal(last.origin, 'system');
    assert.match(last.label, /^Not saved: /);
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')), [], 'no partial temp file beside project.json');

    // Space again: the same edit goes through.
    await fs.rm(path.join(mnt, 'filler'));
    const saved = await dispatch(handlers, 'scenes.update', { id: sceneId, patch: { prompt: long } });
    assert.equal(saved.ok, true);
    assert.equal((JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8')) as Project).scenes[0]!.prompt, long);
  } finally {
    await app.shutdown().catch(() => undefined);
    execFileSync('umount', [mnt]);
    await fs.rm(mnt, { recursive: true, force: true });
  }
});
