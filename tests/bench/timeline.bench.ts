// Bench 7 — timeline: the storyboard in Chromium through the test bridge, for a film of 200 scenes × 4 takes,
// against the same measures on a 10-scene board (× 4 takes) in the same run: how much the long film costs
// beyond a short one.
//   - first render: page navigation → the first scene card in the page (the whole app start-up);
//   - drag: a card dragged across the strip, one dragover per frame; per step, the time until the drop line
//     is drawn at its new place (p95; the target is < 16 ms, one frame at 60 Hz);
//   - edit → screen: one scene's prompt changed in main (the door the window uses) → its card's text changed
//     in the page (both clocks are the machine's epoch clock).
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { writeJsonAtomic } from '../../electron/services/fsutil.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { PROJECT_FILE } from '../../shared/project.ts';
import { startBridge } from '../bridge/server.ts';
import { fmtMs, median, REPO_ROOT, tempDir, type Bench, type BenchResult } from './lib.ts';

const exec = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STATIC = path.join(REPO_ROOT, 'dist-renderer-bridge');
const TAKES = 4;
const ROUNDS = Number(process.env.TL_ROUNDS ?? 3);
const DRAG_STEPS = Number(process.env.TL_STEPS ?? 60);

async function makeProject(dir: string, scenes: number): Promise<void> {
  await createProject(dir, { title: 'Timeline bench', size: '1280x720', scenes: Array.from({ length: scenes }, (_, i) => ({ prompt: `Shot ${i + 1}: a crane swings a crate of ice over the quay`, seconds: 4 })) });
  const project = await readProject(dir);
  project.scenes.forEach((scene, i) => {
    for (let k = 0; k < TAKES; k++) {
      const id = `${i}x${k}`;
      // Files that do not exist: the strip shows its frames from thumbnails it cannot load, as a broken link would.
      scene.takes.push({ id: `take_${id}`, jobId: `job_${id}`, provider: 'preview', model: 'animatic', file: `media/t-${id}.mp4`, thumbnail: `media/t-${id}.webp`, seconds: 4, size: '1280x720', prompt: scene.prompt, providerJobId: null, costUsd: 0, createdAt: new Date().toISOString(), rating: k % 6 });
    }
    scene.chosenTake = scene.takes[0]!.id;
  });
  await writeJsonAtomic(path.join(dir, PROJECT_FILE), project);
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

interface Figures {
  firstRender: number;
  dragP95: number;
  editToScreen: number;
}

async function measure(browser: Browser, root: string, scenes: number): Promise<Figures> {
  const dir = await tempDir(root, `timeline-${scenes}`);
  await makeProject(dir, scenes);
  const app = new Storyreel({ version: 'bench', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'bench' });
  await app.openProject(dir);
  const bridge = await startBridge(app, { staticDir: STATIC });
  const first: number[] = [];
  const drag: number[] = [];
  const edit: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await page.goto(bridge.pageUrl, { waitUntil: 'commit' });
        await page.getByTestId('scene-card').first().waitFor();
        first.push(await page.evaluate(() => performance.now()));
        drag.push(...(await dragSteps(page)));
        edit.push(await editToScreen(page, app, round));
      } finally {
        await page.close();
      }
    }
  } finally {
    await bridge.close();
    await app.shutdown();
  }
  return { firstRender: median(first), dragP95: p95(drag), editToScreen: median(edit) };
}

// The in-page parts are plain JavaScript strings: they run in Chromium, not in Node (and tsx would wrap named
// functions in a helper the page does not have).

/** A card dragged across the strip: per dragover, the time until the drop line stands at its new place. */
const DRAG_JS = `async (steps) => {
  const strip = document.querySelector('.strip');
  const card = document.querySelector('[data-testid="scene-card"][data-index="2"]');
  const dt = new DataTransfer();
  card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));
  await new Promise((r) => requestAnimationFrame(r));
  const rect = strip.getBoundingClientRect();
  const times = [];
  let lastLeft = '';
  for (let i = 0; i < steps; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    // Alternating between the first gap and one far right (neither is the dragged card's own place), so
    // every step moves the line.
    const x = rect.left + (i % 2 ? 700 : 20) + (i % 7);
    const t0 = performance.now();
    strip.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: rect.top + 60 }));
    for (;;) {
      const line = document.querySelector('.drop-line');
      const left = line ? line.style.left : '';
      if (left && left !== lastLeft) { lastLeft = left; break; }
      if (performance.now() - t0 > 1000) break;
      await new Promise((r) => setTimeout(r, 0));
    }
    times.push(performance.now() - t0);
  }
  card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));
  return times;
}`;

/** Resolves (epoch ms) once the card of scene `id` has a label containing `marker`, painted. */
const SEEN_JS = `(id, marker) => new Promise((resolve) => {
  const obs = new MutationObserver(() => {
    const el = document.querySelector('[data-testid="scene-card"][data-scene-id="' + id + '"]');
    if (el && (el.getAttribute('aria-label') || '').includes(marker)) {
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
    }
  });
  obs.observe(document.body, { subtree: true, attributes: true, childList: true });
  window.__seen = true;
})`;

function dragSteps(page: Page): Promise<number[]> {
  return page.evaluate(`(${DRAG_JS})(${DRAG_STEPS})`) as Promise<number[]>;
}

/** One scene's prompt changed in main → that card's label changed in the page, in ms. */
async function editToScreen(page: Page, app: Storyreel, round: number): Promise<number> {
  const scene = app.current().store.get().scenes[1]!;
  const marker = `edited-${round}-${Date.now()}`;
  const seen = page.evaluate(`(${SEEN_JS})(${JSON.stringify(scene.id)}, ${JSON.stringify(marker)})`) as Promise<number>;
  // The observer is in place once the page has run that script.
  await page.waitForFunction('window.__seen === true');
  const start = performance.timeOrigin + performance.now();
  const reply = await dispatch(app.handlers(), 'scenes.update', { id: scene.id, patch: { prompt: `${marker} ${scene.prompt}` } });
  if (!reply.ok) throw new Error(reply.error.message);
  return (await seen) - start;
}

export const timelineBench: Bench = {
  name: 'timeline',
  async run(ctx) {
    if (!existsSync(path.join(STATIC, 'index.html'))) {
      ctx.log('  building the bridge renderer (vite --mode bridge)…');
      await exec('npx', ['vite', 'build', '--mode', 'bridge', '--logLevel', 'warn'], { cwd: REPO_ROOT });
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const small = await measure(browser, ctx.root, 10);
      const big = await measure(browser, ctx.root, 200);
      const note = `200 × ${TAKES} vs 10 × ${TAKES}: first render ${fmtMs(big.firstRender)} vs ${fmtMs(small.firstRender)}; drag p95 ${fmtMs(big.dragP95)} vs ${fmtMs(small.dragP95)}; edit → screen ${fmtMs(big.editToScreen)} vs ${fmtMs(small.editToScreen)}`;
      ctx.log(`  ${note}`);
      const row = (name: string, o: number, b: number, target: number, extra: { text: string; pass: boolean } | null = null): BenchResult => ({
        name,
        ours: fmtMs(o),
        baseline: `${fmtMs(b)} (10 scenes)`,
        ratio: o / b,
        target: extra ? `${extra.text}, ≤ ${target}×` : `≤ ${target}×`,
        pass: o / b <= target && (extra?.pass ?? true),
        notes: [note],
      });
      return [
        row('timeline: first render, 200 × 4', big.firstRender, small.firstRender, 1.5),
        row('timeline: drag step p95, 200 × 4', big.dragP95, small.dragP95, 1.5, { text: '< 16 ms', pass: big.dragP95 < 16 }),
        row('timeline: edit → screen, 200 × 4', big.editToScreen, small.editToScreen, 1.5),
      ];
    } finally {
      await browser.close();
      await fs.rm(path.join(ctx.root, 'timeline-10'), { recursive: true, force: true }).catch(() => undefined);
    }
  },
};
