// Exports as the app runs them (export/service.ts), on real ffmpeg and small takes: a second export asked
// for while one runs is queued with its place, can be canceled before it starts, and runs after; every
// event carries its own export's progress; a failed export says why in words with ffmpeg's command line and
// last lines; finished films are listed with the cut they were made from.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import type { EventName } from '../../shared/contract.ts';
import { cutOf, olderCutNote } from '../../shared/export-history.ts';
import type { ExportSnapshot } from '../../shared/jobs.ts';
import { conformFixture, FIXTURE_TAKES } from '../helpers/conform-fixture.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'storyreel-export-queue-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openApp(dir: string): Promise<{ app: Storyreel; events: ExportSnapshot[] }> {
  const app = new Storyreel({ version: 'test', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test', concurrency: 1 });
  const events: ExportSnapshot[] = [];
  app.on('event', (name: EventName, payload: unknown) => {
    if (name === 'export') events.push(payload as ExportSnapshot);
  });
  await app.openProject(dir);
  return { app, events };
}

const statesOf = (events: readonly ExportSnapshot[], id: string): string[] => events.filter((e) => e.id === id).map((e) => (e.state === 'queued' ? `queued ${e.queuePosition}` : e.state)).filter((s, i, all) => s !== all[i - 1]);

test('exports asked for while one runs are queued in order, a queued one can be canceled, the rest run one after another', { timeout: 180000 }, async () => {
  const dir = path.join(root, 'queue');
  await conformFixture(dir);
  const { app, events } = await openApp(dir);
  try {
    const a = app.startExport();
    const b = app.startExport();
    const c = app.startExport();
    assert.deepEqual([a.state, b.state, b.queuePosition, c.state, c.queuePosition], ['running', 'queued', 1, 'queued', 2]);

    const canceled = await app.cancelExport(b.id);
    assert.equal(canceled.state, 'canceled');
    const [doneA, doneC] = [await app.waitExport(a.id), await app.waitExport(c.id)];
    assert.equal(doneA.state, 'done', JSON.stringify(doneA.error));
    assert.equal(doneC.state, 'done', JSON.stringify(doneC.error));

    assert.deepEqual(statesOf(events, a.id), ['running', 'done']);
    assert.deepEqual(statesOf(events, b.id), ['queued 1', 'canceled']);
    // C moved up when B left the queue, and started only once A had finished.
    assert.deepEqual(statesOf(events, c.id), ['queued 2', 'queued 1', 'running', 'done']);
    const order = events.map((e) => `${e.id}:${e.state}`);
    assert.ok(order.indexOf(`${a.id}:done`) < order.indexOf(`${c.id}:running`), 'C ran after A was done');
    // Each export's own progress, in its own events.
    for (const id of [a.id, c.id]) {
      const mine = events.filter((e) => e.id === id && e.state === 'running').map((e) => e.progress);
      assert.ok(mine.some((p) => p > 0 && p < 1) || mine.length > 1, `progress events for ${id}: ${mine}`);
      assert.deepEqual([...mine].sort((x, y) => x - y), mine, 'progress never goes back');
    }
    // Two films with two names (asked for in the same second), nothing of the canceled one.
    assert.notEqual(doneA.outputFile, doneC.outputFile);
    const files = (await readdir(path.join(dir, 'exports'))).sort();
    assert.deepEqual(files, [path.basename(doneA.outputFile!), path.basename(doneC.outputFile!)].sort());
  } finally {
    await app.shutdown();
  }
});

test('a failed export says why in words, with the ffmpeg command line and its last lines; the next in the queue still runs', { timeout: 180000 }, async () => {
  const dir = path.join(root, 'failed');
  await conformFixture(dir);
  const { app } = await openApp(dir);
  try {
    // The exports folder is replaced by a file while the project is open: ffmpeg cannot write the film.
    await rm(path.join(dir, 'exports'), { recursive: true });
    await writeFile(path.join(dir, 'exports'), 'not a folder');
    const first = app.startExport();
    const second = app.startExport(path.join(dir, 'media', 'film.mp4'));
    const failed = await app.waitExport(first.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'FfmpegFailed');
    assert.match(failed.error!.message, /could not write the film/i);
    const detail = failed.error!.detail!.split('\n');
    assert.match(detail[0]!, /^\$ \S*ffmpeg .* -i /, 'the command line comes first');
    assert.ok(detail[0]!.includes('.part'), 'it names the file it was writing');
    assert.ok(detail.slice(1).some((l) => /Not a directory/.test(l)), `ffmpeg's last lines follow: ${detail.slice(1).join(' | ')}`);
    assert.equal((await app.waitExport(second.id)).state, 'done');
  } finally {
    await app.shutdown();
  }
});

test('finished exports are listed newest first with the cut they came from; one from before a take changed says so', { timeout: 180000 }, async () => {
  const dir = path.join(root, 'history');
  await conformFixture(dir);
  const { app } = await openApp(dir);
  try {
    const first = await app.waitExport(app.startExport().id);
    assert.equal(first.state, 'done');
    // Scene 2 gets another take, chosen: the cut changes.
    await copyFile(path.join(dir, 'media', `${FIXTURE_TAKES[1]}.mp4`), path.join(dir, 'media', 'take_other.mp4'));
    const scene2 = app.current().store.get().scenes[1]!;
    await app.current().store.addTake(scene2.id, { ...scene2.takes[0]!, id: 'take_other', jobId: 'job_other', file: 'media/take_other.mp4' });
    await app.current().store.chooseTake(scene2.id, 'take_other');
    const second = await app.waitExport(app.startExport().id);
    assert.equal(second.state, 'done');
    await rm(path.join(dir, first.outputFile!));

    const listed = await app.exports().history();
    assert.deepEqual(listed.map((e) => [e.id, e.file, e.missing ?? false]), [
      [second.id, second.outputFile, false],
      [first.id, first.outputFile, true],
    ]);
    assert.ok(Math.abs(listed[0]!.seconds - second.totalSeconds) < 0.05, `length ${listed[0]!.seconds}`);
    assert.deepEqual(listed[0]!.preset, { size: '320x180', aspect: null, fit: 'fit', quality: 'standard' });
    const now = cutOf(app.current().store.get());
    assert.equal(olderCutNote(listed[0]!.cut, now), null);
    assert.equal(olderCutNote(listed[1]!.cut, now), "made from an older cut: scene 2's take changed");
  } finally {
    await app.shutdown();
  }
  // Kept with the project: a new session lists the same.
  const { app: again } = await openApp(dir);
  try {
    assert.equal((await again.exports().history()).length, 2);
  } finally {
    await again.shutdown();
  }
});
