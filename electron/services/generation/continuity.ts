// Where a continuing scene's first frame comes from, when its job runs: the previous scene's chosen take,
// its provider's own exact last frame when there is one (Ark's return_last_frame) and the take is used to its
// end, otherwise the sharpest, best-exposed frame of the last second it is used for (media/frames.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chosenTakeOf } from '../../../shared/project.ts';
import { toAppErrorShape } from '../../../shared/errors.ts';
import type { ContinuityFrame, ContinuitySource } from '../jobs/engine.ts';
import type { JobRecord } from '../jobs/ledger.ts';
import { fitImage } from '../media/animatic.ts';
import type { Ffmpeg } from '../media/ffmpeg.ts';
import { pickLastFrame } from '../media/frames.ts';
import type { ProjectStore } from '../projects/store.ts';

export interface ContinuityDeps {
  store: ProjectStore;
  ff(): Ffmpeg;
  /** The job that made a take, for the provider's own last frame it may have kept. */
  job(id: string): JobRecord | undefined;
}

export function continuitySource(deps: ContinuityDeps): ContinuitySource {
  return {
    previousScene(sceneId) {
      const scenes = deps.store.get().scenes;
      const i = scenes.findIndex((s) => s.id === sceneId);
      return i > 0 ? scenes[i - 1]!.id : null;
    },
    lastFrame: (job, signal) => lastFrameFor(deps, job, signal),
  };
}

async function lastFrameFor(deps: ContinuityDeps, job: JobRecord, signal: AbortSignal): Promise<ContinuityFrame | { problem: string }> {
  const scenes = deps.store.get().scenes;
  const i = scenes.findIndex((s) => s.id === job.sceneId);
  if (i < 0) return { problem: 'This scene was deleted.' };
  const prev = scenes[i - 1];
  if (!prev) return { problem: `Scene ${i + 1} continues from the scene before it, but it is now the first scene. Set it to start fresh, or move it after another scene.` };
  const take = chosenTakeOf(prev);
  if (!take) return { problem: `Scene ${i + 1} continues from scene ${i}, which has no chosen take. Generate scene ${i} (or choose one of its takes), then generate scene ${i + 1} again.` };
  const out = deps.store.stateDir('continuity', `${job.id}.png`);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const usedToEnd = !take.trim || take.trim.out >= take.seconds - 0.05;
  const exact = deps.job(take.jobId)?.lastFrame;
  if (exact && usedToEnd) {
    try {
      await fitImage(deps.ff(), path.join(deps.store.dir, exact), out, job.size, { signal });
      return { file: out, from: { sceneId: prev.id, takeId: take.id, atSeconds: take.seconds, exact: true } };
    } catch (err) {
      if (signal.aborted) throw err;
      // A damaged or missing provider frame: the take itself still holds the picture.
    }
  }
  try {
    const picked = await pickLastFrame(deps.ff(), path.join(deps.store.dir, take.file), out, job.size, { signal, ...(take.trim ? { end: take.trim.out } : {}) });
    return { file: out, from: { sceneId: prev.id, takeId: take.id, atSeconds: picked.at, exact: false } };
  } catch (err) {
    if (signal.aborted) throw err;
    return { problem: `Scene ${i}'s chosen take could not be read to continue from (${toAppErrorShape(err).message}). Generate scene ${i} again, or set scene ${i + 1} to start fresh.` };
  }
}
