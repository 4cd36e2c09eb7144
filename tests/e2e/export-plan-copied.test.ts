// The export panel's plan for a film whose takes can keep their own frames (x264 takes with a keyframe every
// half second, crossfades between them): each scene is marked "copied", each crossfade a "window", in the
// real renderer (bridge + Chromium). Screenshot: test-results/screenshots/export-plan-copied.png.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { exportApp } from '../helpers/export-app.ts';
import { closeAfter, openWindow, SHOTS } from '../helpers/e2e.ts';
import { ffmpeg } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const opened = closeAfter();

const take = (id: string, prompt: string) => ({ id, jobId: `job_${id}`, provider: 'preview', model: 'animatic', file: `media/${id}.mp4`, thumbnail: null, seconds: 2, size: '320x180', prompt, providerJobId: null, costUsd: 0, createdAt: '2026-12-01T00:00:00.000Z', rating: 0 });

test('the plan marks the takes whose own frames are copied, and the windows around the crossfades', async () => {
  const root = (opened.root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-export-copied-')));
  const dir = path.join(root, 'tide');
  await fs.mkdir(path.join(dir, 'media'), { recursive: true });
  const ids = ['take_c1tide', 'take_c2rock', 'take_c3gull'];
  await Promise.all(
    ids.map((id, k) =>
      ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=30:d=2,hue=h=${k * 90}`, '-f', 'lavfi', '-i', `sine=f=${400 + 100 * k}:d=2:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '15', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', path.join(dir, 'media', `${id}.mp4`)]),
    ),
  );
  const crossfade = { type: 'crossfade', seconds: 0.4 };
  const prompts = ['the tide turns', 'rocks in the surf', 'a gull lands'];
  const scenes = ids.map((id, k) => ({ id: `scene_c${k + 1}`, prompt: prompts[k], seconds: 2, transition: k < 2 ? crossfade : 'cut', takes: [take(id, prompts[k]!)], chosenTake: id }));
  await fs.writeFile(path.join(dir, 'project.json'), JSON.stringify({ formatVersion: 2, id: 'proj_tide', title: 'Tide', provider: 'preview', model: 'animatic', size: '320x180', scenes }, null, 2));
  const app = (opened.app = exportApp({}));
  await app.openProject(dir);
  const win = (opened.win = await openWindow(app, { viewport: { width: 1280, height: 1200 } }));
  const panel = win.page.getByRole('region', { name: 'Export', exact: true });

  await panel.getByTestId('export-start').click();
  await panel.getByTestId('export-done').waitFor({ timeout: 120_000 });
  await panel.getByTestId('export-plan').locator('summary').click();
  const plan = (await panel.getByTestId('export-plan').textContent()) ?? '';
  assert.match(plan, /The takes' own frames copied in 3 scenes/);
  assert.equal((plan.match(/copied(?= Scene)/g) ?? []).length, 3, plan);
  assert.equal((plan.match(/window(?= Scene)/g) ?? []).length, 2, plan);
  assert.match(plan, /Scene 2: crossfade from scene 1, crossfade into scene 3: its own frames from 0\.50 s to 1\.50 s of the take copied, not re-encoded/);
  await panel.screenshot({ path: path.join(SHOTS, 'export-plan-copied.png') });

  // The film decodes cleanly, 6 s less two overlaps of 0.4 s.
  const film = (await fs.readdir(path.join(dir, 'exports'))).find((f) => f.endsWith('.mp4'))!;
  const { stdout, stderr } = await exec('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path.join(dir, 'exports', film)]);
  assert.equal(stderr.trim(), '');
  assert.equal(Number(stdout.trim()), 3 * 60 - 2 * 12);
  assert.deepEqual(win.pageErrors, []);
});
