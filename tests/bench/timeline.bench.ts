// Bench 7 — timeline: the storyboard in Chromium through the test bridge, for a film of 200 scenes × 4 takes,
// against the same measures on a 10-scene board (× 4 takes) in the same run: how much the long film costs
// beyond a short one. Every figure is taken in the page on its own clock and ends at a paint: the task that
// follows the frame in which the change was drawn (a message posted from that frame's rAF callback).
//   - first render: navigation start → the first frame painted with a scene card in it (the whole start-up);
//   - drag: a card dragged across the strip. Chromium delivers drag and pointer moves at the start of a
//     frame, just before the rAF callbacks, and so does the bench: each step dispatches a dragover from a rAF
//     callback and ends once a frame has been painted with the drop line at its new place. A handler that
//     draws within the event is painted in that same frame; one that leaves the drawing to a later task (a
//     React state update) waits for the next frame. p50 and p95 over every step (the target is
//     p95 < 16 ms, one frame at 60 Hz);
//   - edit → screen: one scene's prompt changed in main (the door the window uses, scenes.update) → the frame
//     painted with that card showing the new text (both ends on the machine's epoch clock); median and p95.
// TL_STATIC=<dir> measures another bridge build with these same measures; TL_COMPARE=<dir> measures that
// build too, in the same run, page loads in turn with ours (before/after figures under the same load).
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
import { startBridge, type Bridge } from '../bridge/server.ts';
import { fmtMs, median, REPO_ROOT, tempDir, type Bench, type BenchResult } from './lib.ts';

const exec = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STATIC = path.resolve(process.env.TL_STATIC ?? path.join(REPO_ROOT, 'dist-renderer-bridge'));
const TAKES = 4;
const ROUNDS = Number(process.env.TL_ROUNDS ?? 3);
const DRAG_STEPS = Number(process.env.TL_STEPS ?? 100);
const EDITS = Number(process.env.TL_EDITS ?? 20);
const COMPARE = process.env.TL_COMPARE ? path.resolve(process.env.TL_COMPARE) : null;

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

/** The q-quantile (nearest rank) of xs. */
const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(xs.length * q) - 1))]!;

interface Figures {
  firstRender: number;
  drag: { p50: number; p95: number; n: number };
  /** The main thread's CPU time per drag step (from a trace): the work of a frame, whatever the machine's load. */
  dragCpu: { p50: number; p95: number; n: number };
  /** A bare frame in the same page (FLOOR_JS): one line moved, nothing else; wall and main-thread CPU. */
  floor: { p50: number; p95: number; n: number };
  floorCpu: { p50: number; p95: number; n: number };
  edit: { p50: number; p95: number; n: number };
  /** The part of an edit → screen after the change arrived in the page (the window's own work and the frame). */
  editInPage: { p50: number; p95: number; n: number };
  /** The main thread's CPU time from the change's arrival to that frame painted (from a trace). */
  editCpu: { p50: number; p95: number; n: number };
}

/** The figures of each bundle in `statics` (one bridge each, on the same project), their page loads taken in turn. */
async function measure(browser: Browser, root: string, scenes: number, statics: string[]): Promise<Figures[]> {
  const dir = await tempDir(root, `timeline-${scenes}`);
  await makeProject(dir, scenes);
  const app = new Storyreel({ version: 'bench', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'bench' });
  await app.openProject(dir);
  const bridges: Bridge[] = [];
  const samples = statics.map(() => ({ first: [] as number[], drag: [] as number[], dragCpu: [] as number[], floor: [] as number[], floorCpu: [] as number[], edit: [] as number[], inPage: [] as number[], editCpu: [] as number[] }));
  try {
    for (const staticDir of statics) bridges.push(await startBridge(app, { staticDir }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [b, bridge] of bridges.entries()) {
        const { first, drag, dragCpu, floor, floorCpu, edit, inPage, editCpu } = samples[b]!;
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        try {
          await page.addInitScript(FIRST_CARD_JS);
          await page.goto(bridge.pageUrl, { waitUntil: 'commit' });
          first.push((await (await page.waitForFunction(() => (globalThis as { __firstCard?: number }).__firstCard)).jsonValue()) as number);
          const steps = await dragSteps(browser, page);
          drag.push(...steps.wall);
          dragCpu.push(...steps.cpu);
          const bare = await dragSteps(browser, page, FLOOR_JS);
          floor.push(...bare.wall);
          floorCpu.push(...bare.cpu);
          const edits = await traced(
            browser,
            page,
            async () => {
              for (let i = 0; i < EDITS; i++) {
                const took = await editToScreen(page, app, `${b}-${round}-${i}`);
                edit.push(took.total);
                inPage.push(took.inPage);
              }
            },
            (marks) => {
              const [arrived, painted] = [marks('tl-change'), marks('tl-painted')];
              if (arrived.length !== EDITS || painted.length !== EDITS) throw new Error(`the trace has ${arrived.length} changes and ${painted.length} paints for ${EDITS} edits`);
              return arrived.map((a, i) => [a, painted[i]!]);
            },
          );
          editCpu.push(...edits.cpu);
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    for (const bridge of bridges) await bridge.close();
    await app.shutdown();
  }
  const spread = (xs: number[]) => ({ p50: median(xs), p95: quantile(xs, 0.95), n: xs.length });
  return samples.map(({ first, drag, dragCpu, floor, floorCpu, edit, inPage, editCpu }) => ({
    firstRender: median(first),
    drag: spread(drag),
    dragCpu: spread(dragCpu),
    floor: spread(floor),
    floorCpu: spread(floorCpu),
    edit: spread(edit),
    editInPage: spread(inPage),
    editCpu: spread(editCpu),
  }));
}

// The in-page parts are plain JavaScript strings: they run in Chromium, not in Node (and tsx would wrap named
// functions in a helper the page does not have).

/** Helpers every in-page part uses: the end of the frame being drawn, and the next frame's. */
const FRAME_JS = `
  // A task posted now runs after the current task — from a rAF callback, after that frame is painted.
  const afterTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(performance.now()); c.port2.postMessage(0); });
  // The next frame, painted.
  const nextPaint = () => new Promise((r) => requestAnimationFrame(() => afterTask().then(r)));
`;

/**
 * Before the page's own scripts: stores in window.__firstCard when the first frame with a scene card was painted
 * (ms since navigation start), and in window.__changes when each change from main arrived (epoch ms, before
 * the page's own listener runs).
 */
const FIRST_CARD_JS = `(() => {
  ${FRAME_JS}
  window.__changes = [];
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, fn, ...rest) {
    if (type !== 'event.change') return add.call(this, type, fn, ...rest);
    return add.call(this, type, function (ev) { performance.mark('tl-change'); window.__changes.push(performance.timeOrigin + performance.now()); return fn.call(this, ev); }, ...rest);
  };
  const seen = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="scene-card"]')) return;
    seen.disconnect();
    nextPaint().then((t) => { window.__firstCard = t; });
  });
  seen.observe(document, { subtree: true, childList: true });
})()`;

/** A card dragged across the strip: per dragover (sent from a rAF callback), the time until a frame is painted with the drop line at its new place. */
const DRAG_JS = `async (steps) => {
  ${FRAME_JS}
  const strip = document.querySelector('.strip');
  const card = document.querySelector('[data-testid="scene-card"][data-index="2"]');
  const dt = new DataTransfer();
  card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));
  await nextPaint();
  await nextPaint();
  const rect = strip.getBoundingClientRect();
  // Where the drop line is drawn (its box, so a line moved by left or by a transform reads the same); null when not shown.
  const lineAt = () => {
    const line = document.querySelector('.drop-line');
    if (!line) return null;
    const r = line.getBoundingClientRect();
    return r.width > 0 ? Math.round(r.left) : null;
  };
  const times = [];
  let last = lineAt();
  for (let i = 0; i < steps; i++) {
    // Alternating between the first gap and one far right (neither is the dragged card's own place), so
    // every step moves the line.
    const x = rect.left + (i % 2 ? 700 : 20) + (i % 7);
    const took = await new Promise((resolve) => requestAnimationFrame(async () => {
      performance.mark('tl-step'); // where the step starts, in the trace
      const t0 = performance.now();
      strip.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: rect.top + 60 }));
      const moved = () => { const at = lineAt(); if (at === null || at === last) return false; last = at; return true; };
      // Drawn within the event: this frame shows it.
      if (moved()) return resolve((await afterTask()) - t0);
      // Left to a later task: wait for it, then for the frame that shows it.
      while (!moved()) {
        if ((await afterTask()) - t0 > 2000) return resolve(NaN);
      }
      resolve((await nextPaint()) - t0);
    }));
    times.push(took);
  }
  await new Promise((r) => requestAnimationFrame(() => { performance.mark('tl-step'); r(); }));
  card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));
  if (times.some((t) => Number.isNaN(t))) throw new Error('the drop line did not move within 2 s of a dragover');
  return times;
}`;

/**
 * The floor under a drag step, in the same page: per step (from a rAF callback, like a drag step), one
 * fixed line on its own layer moved by a transform and read back, nothing else; the time until a frame is
 * painted with it. What this browser needs to show any change here (software compositing in this bench).
 */
const FLOOR_JS = `async (steps) => {
  ${FRAME_JS}
  const probe = document.createElement('div');
  probe.style.cssText = 'position:fixed;left:0;top:200px;width:2px;height:100px;background:#f00;will-change:transform;z-index:9999;pointer-events:none';
  document.body.append(probe);
  await nextPaint();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const x = (i % 2 ? 700 : 20) + (i % 7);
    times.push(await new Promise((resolve) => requestAnimationFrame(async () => {
      performance.mark('tl-step');
      const t0 = performance.now();
      probe.style.transform = 'translateX(' + x + 'px)';
      probe.getBoundingClientRect();
      resolve((await afterTask()) - t0);
    })));
  }
  await new Promise((r) => requestAnimationFrame(() => { performance.mark('tl-step'); r(); }));
  probe.remove();
  return times;
}`;

/**
 * Resolves [arrived, painted] (epoch ms): when the next change from main arrived, and when a frame was painted
 * with the card of scene `id` showing `marker`; window.__watching says the watch is set.
 */
const SEEN_JS = `(id, marker) => new Promise((resolve) => {
  ${FRAME_JS}
  const next = window.__changes.length;
  const shows = () => {
    const el = document.querySelector('[data-testid="scene-card"][data-scene-id="' + id + '"]');
    return !!el && (el.textContent || '').includes(marker);
  };
  const obs = new MutationObserver(() => {
    if (!shows()) return;
    obs.disconnect();
    nextPaint().then(() => { performance.mark('tl-painted'); resolve([window.__changes[next] ?? NaN, performance.timeOrigin + performance.now()]); });
  });
  obs.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  window.__watching = marker;
})`;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
}

/** Runs `work` under a Chromium trace; returns its result and the page's main-thread CPU time (ms) per span between marks. */
async function traced<T>(browser: Browser, page: Page, work: () => Promise<T>, spans: (marks: (name: string) => TraceEvent[]) => Array<[TraceEvent, TraceEvent]>): Promise<{ result: T; cpu: number[] }> {
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
  const result = await work();
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const marks = (name: string) => traceEvents.filter((e) => e.name === name).sort((a, b) => a.ts - b.ts);
  const pairs = spans(marks);
  const { pid, tid } = pairs[0]?.[0] ?? { pid: -1, tid: -1 };
  const tasks = traceEvents.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
  // A span starts with the task its first mark is in, and counts every task begun before its second mark.
  const startOf = (ts: number) => tasks.find((t) => t.ts <= ts && ts <= t.ts + (t.dur ?? 0))?.ts ?? ts;
  const cpu = pairs.map(([from, to]) => {
    const start = startOf(from.ts);
    return tasks.filter((t) => t.ts >= start && t.ts < to.ts).reduce((sum, t) => sum + (t.tdur ?? t.dur ?? 0), 0) / 1000;
  });
  return { result, cpu };
}

/**
 * The drag steps, traced: per step, the wall time to the painted frame (from the page), and the CPU time the
 * page's main thread spent between one step's start and the next (its tasks' thread time, from Chromium's
 * trace). On a loaded machine the first waits for the CPU; the second is the work a frame costs.
 */
async function dragSteps(browser: Browser, page: Page, script = DRAG_JS): Promise<{ wall: number[]; cpu: number[] }> {
  const { result: wall, cpu } = await traced(
    browser,
    page,
    async () => (await page.evaluate(`(${script})(${DRAG_STEPS})`)) as number[],
    (marks) => {
      const steps = marks('tl-step');
      if (steps.length !== DRAG_STEPS + 1) throw new Error(`the trace has ${steps.length} step marks for ${DRAG_STEPS} steps`);
      return steps.slice(1).map((end, i) => [steps[i]!, end]);
    },
  );
  return { wall, cpu };
}

/** One scene's prompt changed in main → a frame painted with that card showing the new text, in ms: the whole, and from the change's arrival in the page. */
async function editToScreen(page: Page, app: Storyreel, tag: string): Promise<{ total: number; inPage: number }> {
  const scene = app.current().store.get().scenes[1]!;
  const marker = `edited${tag}x${Date.now()}`;
  const seen = page.evaluate(`(${SEEN_JS})(${JSON.stringify(scene.id)}, ${JSON.stringify(marker)})`) as Promise<[number, number]>;
  // The observer is in place once the page has run that script.
  await page.waitForFunction((m) => (globalThis as { __watching?: string }).__watching === m, marker);
  const start = performance.timeOrigin + performance.now();
  const reply = await dispatch(app.handlers(), 'scenes.update', { id: scene.id, patch: { prompt: `${marker} ${scene.prompt.replace(/^edited\S+ /, '')}` } });
  if (!reply.ok) throw new Error(reply.error.message);
  const [arrived, painted] = await seen;
  return { total: painted - start, inPage: painted - arrived };
}

export const timelineBench: Bench = {
  name: 'timeline',
  async run(ctx) {
    if (!process.env.TL_STATIC) {
      // Built every run: a bundle left from older sources would be measured instead of the code at hand.
      ctx.log('  building the bridge renderer (vite --mode bridge)…');
      await exec('npx', ['vite', 'build', '--mode', 'bridge', '--logLevel', 'warn'], { cwd: REPO_ROOT });
    } else if (!existsSync(path.join(STATIC, 'index.html'))) {
      throw new Error(`TL_STATIC: no index.html in ${STATIC}`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const statics = COMPARE ? [STATIC, COMPARE] : [STATIC];
      const [small, smallThen] = await measure(browser, ctx.root, 10, statics);
      const [big, bigThen] = await measure(browser, ctx.root, 200, statics);
      const spread = (f: { p50: number; p95: number; n: number }) => `p50 ${fmtMs(f.p50)}, p95 ${fmtMs(f.p95)} (n=${f.n})`;
      const lines = (big: Figures, small: Figures) => [
        `200 × ${TAKES} vs 10 × ${TAKES}, ${ROUNDS} page loads each: first render ${fmtMs(big.firstRender)} vs ${fmtMs(small.firstRender)} (median)`,
        `drag step (dragover → frame painted with the drop line moved): ${spread(big.drag)} vs ${spread(small.drag)}`,
        `  its main-thread CPU time (trace): ${spread(big.dragCpu)} vs ${spread(small.dragCpu)}`,
        `  a bare frame in the same page (one line moved, nothing else): ${spread(big.floor)} vs ${spread(small.floor)}; CPU ${spread(big.floorCpu)} vs ${spread(small.floorCpu)}`,
        `edit → screen (scenes.update → frame painted with the card's new text): ${spread(big.edit)} vs ${spread(small.edit)}`,
        `  of which in the page (change arrived → that frame painted): ${spread(big.editInPage)} vs ${spread(small.editInPage)}`,
        `  the page's main-thread CPU time in that part (trace): ${spread(big.editCpu)} vs ${spread(small.editCpu)}`,
      ];
      const notes = lines(big!, small!);
      if (bigThen && smallThen) notes.push(`TL_COMPARE ${COMPARE}, measured in turn with the above:`, ...lines(bigThen, smallThen).map((l) => `  ${l}`));
      for (const n of notes) ctx.log(`  ${n}`);
      const row = (name: string, o: number, b: number, target: number, extra: { text: string; pass: boolean } | null = null): BenchResult => ({
        name,
        ours: fmtMs(o),
        baseline: `${fmtMs(b)} (10 scenes)`,
        ratio: o / b,
        target: extra ? `${extra.text}, ≤ ${target}×` : `≤ ${target}×`,
        pass: o / b <= target && (extra?.pass ?? true),
        notes,
      });
      return [
        row('timeline: first render, 200 × 4', big!.firstRender, small!.firstRender, 1.5),
        row('timeline: drag step p95, 200 × 4', big!.drag.p95, small!.drag.p95, 1.5, { text: '< 16 ms', pass: big!.drag.p95 < 16 }),
        row('timeline: drag step CPU p95, 200 × 4', big!.dragCpu.p95, small!.dragCpu.p95, 1.5, { text: '< 16 ms', pass: big!.dragCpu.p95 < 16 }),
        row('timeline: edit → screen p50, 200 × 4', big!.edit.p50, small!.edit.p50, 1.5),
        row('timeline: edit → screen, page CPU p50, 200 × 4', big!.editCpu.p50, small!.editCpu.p50, 1.5),
      ];
    } finally {
      await browser.close();
      await fs.rm(path.join(ctx.root, 'timeline-10'), { recursive: true, force: true }).catch(() => undefined);
    }
  },
};
