// Bench 5 — edit: one scene's prompt edited through the door the window uses (dispatch 'scenes.update'), in
// a project of 200 scenes × 4 takes, counting what main does for it and what crosses IPC: the reply and
// every pushed event, serialised (JSON.stringify stands in for Electron's structured clone).
//
// Baseline, in the same run: the same edit done the whole-project way (clone the project, apply the edit,
// validate the whole project, save it, and serialise the whole project twice: the reply and the event).
// Both sides await the same durable save of project.json, so the ratio shows what the edit costs beyond it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { writeJsonAtomic } from '../../electron/services/fsutil.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { PROJECT_FILE, ProjectSchema, type Project } from '../../shared/project.ts';
import { fmtMs, interleave, median, now, spread, tempDir, type Bench } from './lib.ts';

const SCENES = 200;
const TAKES = 4;
const EDITS = 20;
const TARGET = 0.5;
const TYPED = 'A lone lighthouse keeper climbs the spiral stairs as the storm rolls in; the lamp flickers, then holds, and a small boat turns for home. '.repeat(3);

async function makeProject(dir: string): Promise<void> {
  await createProject(dir, { title: 'Edit bench', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: Array.from({ length: SCENES }, (_, i) => ({ prompt: TYPED.slice(0, 200 + (i % 100)), seconds: 8 })) });
  const project = await readProject(dir);
  project.scenes.forEach((scene, i) => {
    for (let k = 0; k < TAKES; k++) {
      const id = `${i}x${k}${'0'.repeat(12)}`;
      scene.takes.push({
        id: `take_${id}`, jobId: `job_${id}`, provider: 'openai-videos', model: 'sora-2', file: `media/scene-${i}-job_${id}.mp4`, thumbnail: `media/scene-${i}-job_${id}.webp`,
        seconds: 8.008, size: '1280x720', prompt: `${scene.prompt}\n\nStyle: grainy 16 mm film`, providerJobId: `video_${id}${'ab'.repeat(8)}`, costUsd: 0.8, createdAt: new Date().toISOString(), rating: k % 6,
      });
    }
    scene.chosenTake = scene.takes[0]!.id;
  });
  await writeJsonAtomic(path.join(dir, PROJECT_FILE), project);
}

export const editBench: Bench = {
  name: 'edit',
  async run(ctx) {
    const dir = await tempDir(ctx.root, 'edit');
    const app = new Storyreel({ version: 'bench', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'bench' });
    try {
      await makeProject(dir);
      const fileKb = (await fs.stat(path.join(dir, PROJECT_FILE))).size / 1024;
      await app.openProject(dir);
      const handlers = app.handlers();
      const sceneId = app.current().store.get().scenes[SCENES >> 1]!.id;
      let crossed = 0;
      app.on('event', (_name, payload) => {
        crossed += JSON.stringify(payload).length;
      });
      const bytes = { ours: [] as number[], baseline: [] as number[] };
      let n = 0;

      const ours = async (): Promise<number> => {
        const start = now();
        for (let i = 0; i < EDITS; i++) {
          crossed = 0;
          const reply = await dispatch(handlers, 'scenes.update', { id: sceneId, patch: { prompt: TYPED.slice(0, 40 + (n++ % 300)) } });
          if (!reply.ok) throw new Error(reply.error.message);
          crossed += JSON.stringify(reply).length;
          bytes.ours.push(crossed);
        }
        return (now() - start) / EDITS;
      };

      const file = path.join(dir, 'baseline.json');
      let project: Project = ProjectSchema.parse(JSON.parse(await fs.readFile(path.join(dir, PROJECT_FILE), 'utf8')));
      const baseline = async (): Promise<number> => {
        const start = now();
        for (let i = 0; i < EDITS; i++) {
          const draft = structuredClone(project);
          Object.assign(draft.scenes.find((s) => s.id === sceneId)!, { prompt: TYPED.slice(0, 40 + (n++ % 300)) });
          draft.updatedAt = new Date().toISOString();
          project = ProjectSchema.parse(draft);
          const event = JSON.stringify({ project, dir });
          await writeJsonAtomic(file, project);
          const reply = JSON.stringify({ ok: true, value: { project, dir } });
          bytes.baseline.push(event.length + reply.length);
        }
        return (now() - start) / EDITS;
      };

      await ours(); // untimed warm-up of both (JIT, zod, page cache)
      await baseline();
      bytes.ours.length = 0;
      bytes.baseline.length = 0;
      const t = await interleave(3, baseline, ours);
      const saved = (await readProject(dir)).scenes[SCENES >> 1]!.prompt;
      if (saved !== app.current().store.get().scenes[SCENES >> 1]!.prompt) throw new Error('project.json does not hold the last edit');

      const o = median(t.ours);
      const b = median(t.baseline);
      const kb = (xs: number[]) => `${(median(xs) / 1024).toFixed(1)} KB`;
      const note = `one-scene edit, ${SCENES} scenes × ${TAKES} takes (${fileKb.toFixed(0)} KB project.json): main ${fmtMs(o)} per edit (${spread(t.ours)}), ${kb(bytes.ours)} across IPC; whole-project way ${fmtMs(b)} (${spread(t.baseline)}), ${kb(bytes.baseline)}`;
      ctx.log(`  ${note}`);
      return [
        {
          name: `edit: one scene of ${SCENES} × ${TAKES} takes`,
          ours: `${fmtMs(o)} (${kb(bytes.ours)} over IPC)`,
          baseline: `${fmtMs(b)} (${kb(bytes.baseline)})`,
          ratio: o / b,
          target: `≤ ${TARGET.toFixed(2)}×`,
          pass: o / b <= TARGET,
          notes: [note],
        },
      ];
    } finally {
      await app.shutdown();
    }
  },
};
