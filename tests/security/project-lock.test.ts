// A project on a shared or synced folder may be open on another computer; its lock cannot be checked
// from here (the pid means nothing on this host), so it is never taken over without being asked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { acquireLock } from '../../electron/services/projects/lock.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { rejectsWith } from '../helpers/assert.ts';

const exec = promisify(execFile);
const OTHER_HOST = 'studio-mac.local';
let root: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-lock-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A lock written by Storyreel on another computer (its pid may well be alive here: it means nothing). */
async function foreignLock(stateDir: string): Promise<string> {
  await fs.mkdir(stateDir, { recursive: true });
  const body = JSON.stringify({ pid: 999999, host: OTHER_HOST, owner: 'app', nonce: 'feedfacefeedface', at: '2026-12-01T10:00:00.000Z' });
  await fs.writeFile(path.join(stateDir, 'lock'), body);
  return body;
}

test('a lock held by another host is refused, naming the host, and left in place', async () => {
  const dir = path.join(root, 'unit');
  const body = await foreignLock(dir);
  await rejectsWith(acquireLock(dir, 'app'), 'ProjectLocked', new RegExp(`another computer, "${OTHER_HOST.replace(/\./g, '\\.')}"`));
  assert.equal(await fs.readFile(path.join(dir, 'lock'), 'utf8'), body, 'the other computer keeps its lock');

  const lock = await acquireLock(dir, 'app', { force: true });
  const held = JSON.parse(await fs.readFile(path.join(dir, 'lock'), 'utf8'));
  assert.equal(held.host, os.hostname(), 'forced: the lock is ours and records our host');
  assert.equal(held.pid, process.pid);
  await lock.release();
});

test('openProject refuses a project locked on another host unless forceUnlock is given', async () => {
  const dir = path.join(root, 'app');
  await createProject(dir, { title: 'Shared' });
  await foreignLock(path.join(dir, '.storyreel'));
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'app' });
  try {
    await rejectsWith(app.openProject(dir), 'ProjectLocked', /studio-mac\.local/);
    assert.equal(app.view(), null);
    const view = await app.openProject(dir, { forceUnlock: true });
    assert.equal(view.project.title, 'Shared');
  } finally {
    await app.shutdown();
  }
});

test('storyreel render: refused with the host named (exit 1); --force-unlock takes the lock', async () => {
  const dir = path.join(root, 'cli');
  await createProject(dir, { title: 'Shared CLI' });
  await foreignLock(path.join(dir, '.storyreel'));
  const env = { ...process.env, OPENAI_API_KEY: '', STORYREEL_API_KEY: '' };
  const bin = path.resolve('bin/storyreel.mjs');
  await assert.rejects(exec(process.execPath, [bin, 'render', dir, '--no-export'], { env, cwd: root }), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /another computer, "studio-mac\.local"/);
    assert.match(err.stderr, /--force-unlock/);
    return true;
  });
  const forced = await exec(process.execPath, [bin, 'render', dir, '--no-export', '--force-unlock'], { env, cwd: root }).catch((err: { stdout: string; stderr: string }) => err);
  assert.doesNotMatch(forced.stderr, /another computer/);
});
