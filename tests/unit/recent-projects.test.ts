// The recent-projects list (electron/services/projects/recent.ts): most recent first, one entry per folder,
// folders that no longer hold a project pruned, and only listed folders reopened by name.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { MemoryRecentStore, RecentProjects, withRecent } from '../../electron/services/projects/recent.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { EnvSecrets } from '../../electron/services/providers/registry.ts';
import { exportStem, folderName, newProjectFolder } from '../../electron/services/projects/naming.ts';

const at = (n: number) => new Date(Date.UTC(2026, 11, 2, 12, n));

test('most recent first, one entry per folder however it is written, at most ten', () => {
  const recent = new RecentProjects(new MemoryRecentStore(), async () => true);
  recent.add('/films/a', 'A', at(1));
  recent.add('/films/b', 'B', at(2));
  recent.add('/films/x/../a/', 'A again', at(3));
  assert.deepEqual(recent.peek().map((r) => [r.dir, r.title]), [['/films/a', 'A again'], ['/films/b', 'B']]);
  let list = recent.peek();
  for (let i = 0; i < 12; i++) list = withRecent(list, { dir: `/films/${i}`, title: String(i), openedAt: at(i).toISOString() });
  assert.equal(list.length, 10);
  assert.equal(list[0]!.dir, '/films/11');
});

test('folders that no longer hold a project are pruned from the list, and forgotten', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-recent-'));
  try {
    const store = new MemoryRecentStore();
    const recent = new RecentProjects(store);
    for (const name of ['kept', 'moved', 'emptied']) {
      await createProject(path.join(root, name), { title: name });
      recent.add(path.join(root, name), name);
    }
    await fs.rm(path.join(root, 'moved'), { recursive: true });
    await fs.rm(path.join(root, 'emptied', 'project.json'));
    assert.deepEqual((await recent.list()).map((r) => r.title), ['kept']);
    assert.deepEqual(store.recentProjects().map((r) => r.title), ['kept'], 'the stored list is pruned too');
    assert.equal(recent.has(path.join(root, 'moved')), false);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('opening a project puts it on the list; the window may reopen listed folders only', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-recent-app-'));
  const app = new Storyreel({ version: 't', ffmpeg: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    await createProject(path.join(root, 'one'), { title: 'One' });
    await createProject(path.join(root, 'two'), { title: 'Two' });
    await createProject(path.join(root, 'never'), { title: 'Never opened' });
    const h = app.handlers();
    await app.openProject(path.join(root, 'one'));
    await app.openProject(path.join(root, 'two'));
    await h.project.update({ title: 'Two, renamed' });
    assert.deepEqual((await h.project.recent({})).map((r) => r.title), ['Two, renamed', 'One']);
    assert.equal((await h.project.openRecent({ dir: path.join(root, 'one') })).project.title, 'One');
    assert.deepEqual((await h.project.recent({})).map((r) => r.title), ['One', 'Two, renamed']);
    await assert.rejects(h.project.openRecent({ dir: path.join(root, 'never') }), (e: Error & { code?: string }) => e.code === 'NotFound');
    assert.equal(app.view()?.project.title, 'One', 'nothing else was opened');
    const events: unknown[] = [];
    app.on('event', (name, payload) => name === 'project' && events.push(payload));
    assert.deepEqual(await h.project.close({}), { ok: true });
    assert.deepEqual(events, [null], 'every window hears that no project is open');
    assert.equal(app.view(), null);
  } finally {
    await app.shutdown();
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a new project’s folder is named after its title, in any script, and never taken twice', async () => {
  assert.equal(folderName('Night: a/b*c?'), 'Night a b c');
  assert.equal(folderName('灯台守の夜'), '灯台守の夜');
  assert.equal(folderName('  ...  '), 'Untitled film');
  assert.equal(folderName('CON'), 'Untitled film');
  const taken = new Set(['/d/My film', '/d/My film 2']);
  assert.equal(await newProjectFolder('/d', 'My film', async (d) => taken.has(d)), path.join('/d', 'My film 3'));
});

test('an export is named after the title in ASCII, or the project id when the title has no Latin letters', () => {
  assert.equal(exportStem('Café at Dawn', 'proj_abc'), 'cafe-at-dawn');
  assert.equal(exportStem('Straße & Œuvre', 'proj_abc'), 'strasse-oeuvre');
  assert.equal(exportStem('灯台守の夜', 'proj_mh2x9k1f3a7c'), 'film-9k1f3a7c');
  assert.equal(exportStem('灯台守の夜 2', 'proj_mh2x9k1f3a7c'), 'film-9k1f3a7c', 'a stray digit does not name the film');
  assert.equal(exportStem('Tokyo 東京', 'proj_abc'), 'tokyo');
  assert.equal(exportStem('ليلة', 'proj_zz'), 'film-zz');
});
