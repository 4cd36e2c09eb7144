// A small project on disk for the conform package tests: three real 320x180, 30 fps, 2 s takes made by
// ffmpeg (the third without sound), scene 1 trimmed with a 0.5 s crossfade into scene 2, a cut into
// scene 3, which is trimmed too. Captions on the first two scenes.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

async function clip(file: string, colour: string, sound: boolean): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=30:d=2,drawbox=c=${colour}@0.5:t=fill`];
  if (sound) args.push('-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=2', '-c:a', 'aac', '-ac', '2');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file);
  await exec('ffmpeg', args);
}

const take = (id: string, trim?: { in: number; out: number }) => ({
  id,
  jobId: `job_${id}`,
  provider: 'preview',
  model: 'animatic',
  file: `media/${id}.mp4`,
  thumbnail: null,
  seconds: 2,
  size: '320x180',
  prompt: 'a test card',
  providerJobId: null,
  costUsd: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  rating: 0,
  ...(trim ? { trim } : {}),
});

export const FIXTURE_TAKES = ['take_k3v9a1', 'take_p0q7b2', 'take_x5w2c3'] as const;

/** Writes the project into `dir` (created) and returns it. */
export async function conformFixture(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'media'), { recursive: true });
  await Promise.all([
    clip(path.join(dir, 'media', `${FIXTURE_TAKES[0]}.mp4`), 'red', true),
    clip(path.join(dir, 'media', `${FIXTURE_TAKES[1]}.mp4`), 'blue', true),
    clip(path.join(dir, 'media', `${FIXTURE_TAKES[2]}.mp4`), 'green', false),
  ]);
  const project = {
    formatVersion: 2,
    id: 'proj_conform',
    title: 'Harbour at dawn',
    provider: 'preview',
    model: 'animatic',
    size: '320x180',
    scenes: [
      { id: 'scene_m1harbour', prompt: 'boats', seconds: 2, caption: 'The boats come in.', transition: { type: 'crossfade', seconds: 0.5 }, takes: [take(FIXTURE_TAKES[0], { in: 0.2, out: 1.8 })], chosenTake: FIXTURE_TAKES[0] },
      { id: 'scene_m2market', prompt: 'market', seconds: 2, caption: 'Fish at the market.', takes: [take(FIXTURE_TAKES[1])], chosenTake: FIXTURE_TAKES[1] },
      { id: 'scene_m3gulls', prompt: 'gulls', seconds: 2, caption: null, takes: [take(FIXTURE_TAKES[2], { in: 0.5, out: 1.5 })], chosenTake: FIXTURE_TAKES[2] },
    ],
  };
  await writeFile(path.join(dir, 'project.json'), JSON.stringify(project, null, 2));
}
