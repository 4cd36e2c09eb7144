// "Clean up unused media" (electron/services/projects/cleanup.ts): only files nothing refers to, never a take
// kept in a scene (chosen or not), its thumbnail or last frame, a file named by a field this version does not
// know, the file of a job still under way, or a music bed chosen for exports.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findUnusedMedia, removeUnusedMedia } from '../../electron/services/projects/cleanup.ts';
import { blankProject } from '../../electron/services/projects/store.ts';
import type { Project } from '../../shared/project.ts';

test('only media nothing refers to is listed, and removed only while still unused', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cleanup-'));
  try {
    const files: Record<string, number> = {
      'media/scene_a-job_1.mp4': 300, // a kept take
      'media/scene_a-job_1.jpg': 20, // its thumbnail
      'media/scene_a-job_1.last.png': 30, // its last frame, named nowhere
      'media/scene_gone-job_2.mp4': 500, // a take of a deleted scene
      'media/scene_gone-job_2.jpg': 25,
      'media/refs/scene_a-ref_old.png': 40, // a replaced reference
      'media/refs/scene_a-ref_new.png': 41, // the current one
      'media/scene_b-job_3.mp4': 10, // a job still downloading
      'media/extra/named-by-a-newer-field.wav': 60,
      'media/music/k2x9/Harbour Song.mp3': 70, // a music bed chosen for exports (the window keeps its choice)
    };
    for (const [rel, size] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), Buffer.alloc(size));
    }
    const take = { id: 'take_1', jobId: 'job_1', provider: 'preview', model: 'animatic', file: 'media/scene_a-job_1.mp4', thumbnail: 'media/scene_a-job_1.jpg', seconds: 2, size: '640x360', prompt: 'x', providerJobId: null, costUsd: 0, createdAt: '2026-12-02T00:00:00Z', rating: 0 };
    const base = blankProject({ scenes: [{ prompt: 'a', seconds: 2 }] });
    const project = { ...base, soundtrack: 'media/extra/named-by-a-newer-field.wav', scenes: [{ ...base.scenes[0]!, id: 'scene_a', referenceImage: 'media/refs/scene_a-ref_new.png', takes: [take], chosenTake: null }] } as Project;
    const unused = await findUnusedMedia(dir, project, ['job_3']);
    assert.deepEqual(unused, [
      { path: 'media/refs/scene_a-ref_old.png', bytes: 40 },
      { path: 'media/scene_gone-job_2.jpg', bytes: 25 },
      { path: 'media/scene_gone-job_2.mp4', bytes: 500 },
    ]);
    // Between the preview and the click, the old reference was chosen again: it stays. A path outside media/ is ignored.
    const now = { ...project, scenes: [{ ...project.scenes[0]!, referenceImage: 'media/refs/scene_a-ref_old.png' }] } as Project;
    const removed = await removeUnusedMedia(dir, now, ['job_3'], [...unused.map((f) => f.path), 'project.json', 'media/scene_a-job_1.mp4']);
    assert.deepEqual(removed.map((f) => f.path), ['media/scene_gone-job_2.jpg', 'media/scene_gone-job_2.mp4']);
    for (const rel of Object.keys(files)) {
      const gone = rel.startsWith('media/scene_gone');
      assert.equal(await fs.stat(path.join(dir, rel)).then(() => true, () => false), !gone, rel);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
