// One side of bench 3, in a fresh process so its memory is measured on its own:
//   node --expose-gc --import tsx tests/bench/jobs-worker.ts <engine|baseline> <url> <apiKey> <workDir> <jobs> <concurrency>
//
// engine:   Storyreel.generate() for <jobs> scenes of a fresh project and waits until the engine is idle
//           (ledger written and fsynced at every step, spend ledger, every download verified with
//           ffprobe + a full read, thumbnails, each take added to project.json).
// baseline: the same <jobs> requests through OpenAiVideosProvider with a minimal loop: create, read the
//           status until completed (on the engine's own poll schedule), download to a temp file. No
//           ledger, no verification, no thumbnails, no project.
// Both: one untimed warm-up round of 2 jobs first, then a GC, then the timed round with the RSS sampled
// every 20 ms. Prints "RESULT {ms, rssStart, rssPeak, ...}".
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { POLL_HINT_FLOOR_MS, type EngineTiming } from '../../electron/services/jobs/engine.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { createLog } from '../../electron/services/log.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import type { CreateRequest } from '../../electron/services/providers/types.ts';

/** The engine's timing for the bench; the baseline loop polls on exactly the same schedule. */
export const ENGINE_TIMING: Partial<EngineTiming> = { pollMinMs: 25, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 400, reconcileDelaysMs: [50, 100, 200], reconcileSettleMs: 1000 };
const SECONDS = 4;
const SIZE = '1280x720';
const MODEL = 'sora-2';
const HARD_LIMIT_MS = 120_000;

export interface WorkerResult {
  mode: 'engine' | 'baseline';
  jobs: number;
  ms: number;
  rssStart: number;
  rssPeak: number;
  samples: number;
  ok: number;
  /** Engine only: how long generate() took to return (the window waits for this answer). */
  generateMs?: number;
  /** Engine only, counted by observing (see observe()). */
  counts?: { projectWrites: number; ledgerWrites: number; ffprobe: number; ffmpeg: number; mediaMs: number; ledgerMs: number };
}

/**
 * Counts atomic writes by where they land, ffprobe/ffmpeg processes, and the time spent in them (summed
 * over concurrent jobs, i.e. slot time), by wrapping fs.promises.rename, Ffmpeg's two spawners and
 * Ledger.write. Nothing changes in what runs.
 */
function observe(): { counts: NonNullable<WorkerResult['counts']>; restore: () => void } {
  const counts = { projectWrites: 0, ledgerWrites: 0, ffprobe: 0, ffmpeg: 0, mediaMs: 0, ledgerMs: 0 };
  const timed = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, add: (ms: number) => void) =>
    async function (this: unknown, ...a: A): Promise<R> {
      const start = performance.now();
      try {
        return await fn.apply(this, a);
      } finally {
        add(performance.now() - start);
      }
    };
  const promises = fs as unknown as { rename: typeof fs.rename };
  const rename = promises.rename;
  promises.rename = async (from, to) => {
    await rename(from, to);
    const dest = String(to);
    if (path.basename(dest) === 'project.json') counts.projectWrites++;
    else if (path.basename(path.dirname(dest)) === 'jobs') counts.ledgerWrites++;
  };
  const proto = Ffmpeg.prototype as unknown as { run: Ffmpeg['run']; probeDetails: Ffmpeg['probeDetails'] };
  const { run, probeDetails } = proto;
  proto.run = timed(run, (ms) => {
    counts.ffmpeg++;
    counts.mediaMs += ms;
  });
  proto.probeDetails = timed(probeDetails, (ms) => {
    counts.ffprobe++;
    counts.mediaMs += ms;
  });
  const ledger = Ledger.prototype as unknown as { write: Ledger['write'] };
  const write = ledger.write;
  ledger.write = timed(write, (ms) => (counts.ledgerMs += ms));
  return {
    counts,
    restore() {
      promises.rename = rename;
      proto.run = run;
      proto.probeDetails = probeDetails;
      ledger.write = write;
    },
  };
}

const prompt = (i: number): string => `Scene ${i + 1}: a paper boat drifts past lantern ${i + 1} on a dark canal`;

function sampler(): { stop: () => { start: number; peak: number; samples: number } } {
  const start = process.memoryUsage.rss();
  let peak = start;
  let samples = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    samples++;
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { start, peak, samples };
    },
  };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---- engine -----------------------------------------------------------------------------------------

async function engineRound(url: string, apiKey: string, dir: string, jobs: number, concurrency: number, measure: boolean): Promise<Omit<WorkerResult, 'mode'> | null> {
  await createProject(dir, { title: 'Bench', provider: 'openai-videos', model: MODEL, size: SIZE, scenes: Array.from({ length: jobs }, (_, i) => ({ prompt: prompt(i), seconds: SECONDS })) });
  const app = new Storyreel({
    version: 'bench',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: apiKey }),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'bench.log'), secrets: () => [apiKey] }),
    owner: 'bench',
    concurrency,
    timing: ENGINE_TIMING,
  });
  await app.openProject(dir);
  if (measure) collectGarbage();
  const seen = measure ? observe() : null;
  const rss = sampler();
  const start = performance.now();
  const ids = await app.generate([]);
  const generateMs = performance.now() - start;
  await app.current().engine.idle();
  const ms = performance.now() - start;
  const mem = rss.stop();
  seen?.restore();
  const states = app.current().engine.list();
  await app.shutdown();
  const ok = states.filter((j) => j.state === 'ready').length;
  if (ids.length !== jobs || ok !== jobs) {
    throw new Error(`engine: ${ok}/${jobs} jobs ready; errors: ${JSON.stringify(states.filter((j) => j.state !== 'ready').map((j) => j.error).slice(0, 3))}`);
  }
  return measure ? { jobs, ms, rssStart: mem.start, rssPeak: mem.peak, samples: mem.samples, ok, generateMs, ...(seen ? { counts: seen.counts } : {}) } : null;
}

// ---- baseline ---------------------------------------------------------------------------------------

async function oneJob(provider: OpenAiVideosProvider, dir: string, i: number, signal: AbortSignal): Promise<void> {
  const req: CreateRequest = { jobId: `bench_${i}`, model: MODEL, prompt: prompt(i), seconds: SECONDS, size: SIZE, referenceImage: null, sentAt: Date.now(), sceneNumber: i + 1 };
  const { providerJobId } = await provider.create(req, signal);
  // The engine's schedule: read at once, then the server's hint (floored) or our interval, capped.
  let interval = ENGINE_TIMING.pollMinMs!;
  for (let reads = 0; ; reads++) {
    if (reads > 2000) throw new Error(`baseline: job ${providerJobId} never completed`);
    const status = await provider.status(providerJobId, signal);
    if (status.state === 'completed') break;
    if (status.state !== 'queued' && status.state !== 'running') throw new Error(`baseline: job ${providerJobId} ended ${JSON.stringify(status)}`);
    const hinted = status.pollAfterMs !== undefined ? Math.max(POLL_HINT_FLOOR_MS, status.pollAfterMs) : interval;
    await sleep(Math.min(ENGINE_TIMING.pollMaxMs!, hinted), undefined, { signal });
    interval = Math.min(ENGINE_TIMING.pollMaxMs!, Math.round(interval * 1.4));
  }
  await provider.download(providerJobId, path.join(dir, `${i}.mp4.part`), { signal });
}

async function baselineRound(url: string, apiKey: string, dir: string, jobs: number, concurrency: number, measure: boolean): Promise<Omit<WorkerResult, 'mode'> | null> {
  await fs.mkdir(dir, { recursive: true });
  const provider = new OpenAiVideosProvider({ baseUrl: url, apiKey });
  const signal = AbortSignal.timeout(HARD_LIMIT_MS);
  if (measure) collectGarbage();
  const rss = sampler();
  const start = performance.now();
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs; i = next++) {
      await oneJob(provider, dir, i, signal);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs) }, worker));
  const ms = performance.now() - start;
  const mem = rss.stop();
  if (ok !== jobs) throw new Error(`baseline: ${ok}/${jobs} jobs done`);
  return measure ? { jobs, ms, rssStart: mem.start, rssPeak: mem.peak, samples: mem.samples, ok } : null;
}

// ---- main -------------------------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]).endsWith(path.join('tests', 'bench', 'jobs-worker.ts'));
if (isMain) {
  const [mode, url, apiKey, workDir, jobsArg, concArg] = process.argv.slice(2);
  if ((mode !== 'engine' && mode !== 'baseline') || !url || !apiKey || !workDir) {
    console.error('usage: jobs-worker.ts <engine|baseline> <url> <apiKey> <workDir> <jobs> <concurrency>');
    process.exit(2);
  }
  setTimeout(() => {
    console.error(`jobs-worker ${mode}: still running after ${HARD_LIMIT_MS} ms; giving up`);
    process.exit(3);
  }, HARD_LIMIT_MS).unref();
  const jobs = Number(jobsArg);
  const concurrency = Number(concArg);
  const round = mode === 'engine' ? engineRound : baselineRound;
  try {
    await round(url, apiKey, path.join(workDir, 'warm-up'), 2, concurrency, false);
    const r = await round(url, apiKey, path.join(workDir, 'timed'), jobs, concurrency, true);
    console.log(`RESULT ${JSON.stringify({ mode, ...r })}`);
    process.exit(0);
  } catch (err) {
    console.error(`jobs-worker ${mode} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  }
}
