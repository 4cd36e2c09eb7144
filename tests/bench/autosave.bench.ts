// Bench 2 — autosave: a typing burst of 300 ProjectStore.updateScene edits against a naive store that
// awaits one atomic write (writeJsonAtomic: temp file, fsync, rename, fsync the folder) per edit.
//
// The burst: one edit per event-loop turn (setImmediate), as keystrokes arrive from the window over IPC,
// each edit's promise kept and all of them awaited together at the end, then store.flush(). (Starting
// all 300 calls in one synchronous loop would coalesce into a single write and measure nothing.)
// Fairness: the baseline does the same in-memory work per edit as ProjectStore.mutate (structuredClone,
// the patch, the same validation: schema and cross-field rules) on the same project, so the only difference is how the store
// writes: coalesced (at most one write in flight plus one pending) versus one durable write per edit.
// Writes are counted by wrapping fs.promises.rename, which both sides use for the final rename.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../../electron/services/fsutil.ts';
import { createProject, ProjectStore } from '../../electron/services/projects/store.ts';
import { projectProblems } from '../../shared/project-file.ts';
import { PROJECT_FILE, ProjectSchema, type Take } from '../../shared/project.ts';
import { fmtMs, interleave, median, now, spread, tempDir, type Bench } from './lib.ts';

const EDITS = 300;
const SCENES = 20;
const TAKES_PER_SCENE = 3;
const TARGET = 0.5;

const TYPED = 'A lone lighthouse keeper climbs the spiral stairs as the storm rolls in; the lamp flickers, then holds, and a small boat turns for home. '.repeat(3);

/** Counts completed renames onto project.json while `fn` runs. */
async function countingRenames<T>(fn: () => Promise<T>): Promise<{ value: T; writes: number }> {
  const promises = fs as unknown as { rename: typeof fs.rename };
  const original = promises.rename;
  let writes = 0;
  promises.rename = async (from, to) => {
    await original(from, to);
    if (path.basename(String(to)) === PROJECT_FILE) writes++;
  };
  try {
    return { value: await fn(), writes };
  } finally {
    promises.rename = original;
  }
}

function fakeTake(sceneIndex: number, k: number): Take {
  const id = `${sceneIndex}x${k}${'0'.repeat(12)}`;
  return {
    id: `take_${id}`,
    jobId: `job_${id}`,
    provider: 'openai-videos',
    model: 'sora-2',
    file: `media/scene-${sceneIndex}-job_${id}.mp4`,
    thumbnail: `media/scene-${sceneIndex}-job_${id}.jpg`,
    seconds: 8.008,
    size: '1280x720',
    prompt: TYPED.slice(0, 160),
    providerJobId: `video_${id}${'ab'.repeat(8)}`,
    costUsd: 0.8,
    createdAt: new Date().toISOString(),
    rating: k % 6,
  };
}

/** A realistic project: 20 scenes with 3 takes each (project.json ≈ 40 KB). */
async function makeProject(dir: string): Promise<void> {
  await createProject(dir, { title: 'Bench film', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: Array.from({ length: SCENES }, (_, i) => ({ prompt: TYPED.slice(0, 120 + i), seconds: 8 })) });
  const store = await ProjectStore.open(dir);
  for (const [i, scene] of store.get().scenes.entries()) for (let k = 0; k < TAKES_PER_SCENE; k++) await store.addTake(scene.id, fakeTake(i, k));
  await store.flush();
}

export const autosaveBench: Bench = {
  name: 'autosave',
  async run(ctx) {
    const dir = await tempDir(ctx.root, 'autosave');
    try {
      await makeProject(dir);
      const size = (await fs.stat(path.join(dir, PROJECT_FILE))).size;
      const writes = { ours: [] as number[], baseline: [] as number[] };

      const ours = async (): Promise<number> => {
        const store = await ProjectStore.open(dir);
        const sceneId = store.get().scenes[SCENES >> 1]!.id;
        const { value: ms, writes: n } = await countingRenames(async () => {
          const start = now();
          const pending: Array<Promise<unknown>> = [];
          for (let i = 0; i < EDITS; i++) {
            pending.push(store.updateScene(sceneId, { prompt: TYPED.slice(0, 40 + i) }));
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          await Promise.all(pending);
          await store.flush();
          return now() - start;
        });
        writes.ours.push(n);
        return ms;
      };

      const baseline = async (): Promise<number> => {
        const file = path.join(dir, PROJECT_FILE);
        let project = ProjectSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
        const sceneId = project.scenes[SCENES >> 1]!.id;
        const { value: ms, writes: n } = await countingRenames(async () => {
          const start = now();
          for (let i = 0; i < EDITS; i++) {
            const draft = structuredClone(project);
            Object.assign(draft.scenes.find((s) => s.id === sceneId)!, { prompt: TYPED.slice(0, 40 + i) });
            draft.updatedAt = new Date().toISOString();
            project = projectProblems(draft).project ?? ProjectSchema.parse(draft); // what mutate validates
            await writeJsonAtomic(file, project);
          }
          return now() - start;
        });
        writes.baseline.push(n);
        return ms;
      };

      await ours(); // untimed warm-up of both (JIT, zod, page cache)
      await baseline();
      writes.ours.length = 0;
      writes.baseline.length = 0;
      const t = await interleave(3, baseline, ours);

      const check = await ProjectStore.open(dir);
      const saved = check.get().scenes[SCENES >> 1]!.prompt;
      if (saved !== TYPED.slice(0, 40 + EDITS - 1)) throw new Error('the last edit of the burst is not what project.json holds');
      if (writes.baseline.some((n) => n !== EDITS)) throw new Error(`baseline made ${writes.baseline.join('/')} writes, expected ${EDITS}`);

      const o = median(t.ours);
      const b = median(t.baseline);
      const ratio = o / b;
      const wo = median(writes.ours);
      const notes = [
        `${EDITS} edits of one scene in a ${(size / 1024).toFixed(0)} KB project.json: store ${fmtMs(o)} (${spread(t.ours)}) with ${writes.ours.join('/')} writes; naive ${fmtMs(b)} (${spread(t.baseline)}) with ${EDITS} writes (${fmtMs(b / EDITS)} per durable write)`,
      ];
      for (const n of notes) ctx.log(`  ${n}`);
      return [
        {
          name: `autosave: ${EDITS}-edit typing burst`,
          ours: `${fmtMs(o)} (${wo} writes)`,
          baseline: `${fmtMs(b)} (${EDITS} writes)`,
          ratio,
          target: '≤ 0.50×',
          pass: ratio <= TARGET,
          notes,
        },
      ];
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};
