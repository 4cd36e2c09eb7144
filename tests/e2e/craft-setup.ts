// Shared set-up for the storyboard-craft e2e tests (timeline-*.test.ts): a project whose scenes already have
// takes (tiny clips made here with ffmpeg, 320x180 with sound), the real services behind the test bridge, and
// Debian's Chromium. Takes are written into project.json directly so no test waits for a generation.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import type { Take } from '../../shared/project.ts';
import { openWindow, SHOTS, waitFor } from '../helpers/e2e.ts';

export { SHOTS, waitFor };

const exec = promisify(execFile);
const COLOURS = ['0x2f6fd6', '0xd6692f', '0x2fb36f', '0xb32f9c', '0xc9b02f'];

export interface Craft {
  dir: string;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

/** A clip `seconds` long with a moving test pattern tinted `colour` and a tone. */
async function clip(file: string, seconds: number, colour: string): Promise<void> {
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=24:d=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:d=${seconds}`,
    '-vf', `drawbox=c=${colour}@0.6:t=fill`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', file]);
}

/**
 * Opens Chromium on a project of `scenes` prompts; the first `withTakes` scenes get one chosen take of
 * `seconds` seconds each.
 */
export async function openCraft(opts: { scenes: string[]; withTakes?: number; seconds?: number; viewport?: { width: number; height: number } }): Promise<Craft> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-craft-'));
  const seconds = opts.seconds ?? 2;
  await createProject(dir, { title: 'Harbour at Dawn', size: '1280x720', scenes: opts.scenes.map((prompt) => ({ prompt, seconds: 4 })) });
  const withTakes = opts.withTakes ?? 0;
  if (withTakes > 0) {
    const project = await readProject(dir);
    await Promise.all(
      project.scenes.slice(0, withTakes).map(async (scene, i) => {
        const file = `media/take-${i + 1}.mp4`;
        await clip(path.join(dir, file), seconds, COLOURS[i % COLOURS.length]!);
        const take: Take = { id: `take_${i + 1}`, jobId: `job_${i + 1}`, provider: 'preview', model: 'animatic', file, thumbnail: null, seconds, size: '320x180', prompt: scene.prompt, providerJobId: null, costUsd: 0, createdAt: new Date().toISOString(), rating: 0 };
        scene.takes = [take];
        scene.chosenTake = take.id;
      }),
    );
    await fs.writeFile(path.join(dir, 'project.json'), JSON.stringify(project, null, 2));
  }
  const app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log') }),
    owner: 'e2e',
    dialogs: { pickFolder: async () => null, pickImage: async () => null, reveal: async () => false },
  });
  await app.openProject(dir);
  const win = await openWindow(app, { viewport: opts.viewport, extraArgs: ['--autoplay-policy=no-user-gesture-required'], consoleErrors: true });
  const { page, pageErrors } = win;
  await page.getByTestId('scene-card').first().waitFor();
  return {
    dir,
    page,
    pageErrors,
    close: async () => {
      await win.close();
      await app.shutdown();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every video in the page has a frame to show (before a screenshot a creator would look at). */
export async function framesLoaded(page: Page): Promise<void> {
  await waitFor(
    () => page.locator('video[src]').evaluateAll((els) => els.every((e) => (e as unknown as { readyState: number }).readyState >= 2)),
    20000,
    'every video shows a frame',
  );
}

export const prompts = async (dir: string) => (await readProject(dir)).scenes.map((s) => s.prompt);
