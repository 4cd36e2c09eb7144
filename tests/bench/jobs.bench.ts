// Bench 3 — job engine overhead: 40 jobs through Storyreel.generate (concurrency 8) against a minimal
// loop that drives the SAME /v1/videos emulator with OpenAiVideosProvider directly (create → poll until
// completed → download to a temp file), same concurrency, same poll schedule.
//
// What the engine does on top, and the baseline does not: writes and fsyncs a ledger file at every state
// change, appends to the spend ledger, verifies every download (ffprobe, then ffmpeg reading every packet),
// fetches a thumbnail, and saves each take into project.json. The time target (≤ 3×) is the allowance
// for that work; the memory target (≤ 2× the baseline's RSS increase + 50 MB) says the engine must not
// hold on to what it downloads or spawns.
//
// Fairness: the emulator runs in its own process (its memory and request log count for neither side);
// each side runs in a fresh Node process (so RSS is its own), after an untimed warm-up round of 2 jobs
// and a GC; runs alternate B, O, O, B, B, O. Both poll on the engine's schedule (first read at once, then the
// server's `openai-poll-after-ms` hint floored at POLL_HINT_FLOOR_MS and capped at pollMaxMs), so the
// difference is overhead, not a different polling policy.
import path from 'node:path';
import { BENCH_DIR, fmtMb, fmtMs, interleave, median, readTagged, spawnTs, spread, tempDir, waitExit, type Bench, type BenchResult } from './lib.ts';
import type { WorkerResult } from './jobs-worker.ts';

const JOBS = 40;
const CONCURRENCY = 8;
const EMULATOR_TIMING = { queuedMs: 20, runningMs: 100, pollAfterMs: 25 };
const MB = 1024 * 1024;
const REPS = 3;

/** What the engine did on top of the baseline (from the timed engine runs). */
function engineCounts(results: readonly WorkerResult[]): string[] {
  const engine = results.filter((r) => r.mode === 'engine' && r.counts);
  const c = engine[0]?.counts;
  if (!c) return [];
  const slots = (ms: number): number => median(engine.map((r) => ms / (CONCURRENCY * r.ms)));
  const media = median(engine.map((r) => r.counts!.mediaMs));
  const ledger = median(engine.map((r) => r.counts!.ledgerMs));
  return [
    `engine extras per run: ${c.ledgerWrites} ledger + ${c.projectWrites} project.json atomic (fsynced) writes, ${c.ffprobe} ffprobe + ${c.ffmpeg} ffmpeg processes; generate() itself returned after ${fmtMs(median(engine.map((r) => r.generateMs ?? NaN)))}`,
    `slot time (summed over jobs): verifying downloads ${fmtMs(media)} (${fmtMs(media / JOBS)}/job, ${(slots(media) * 100).toFixed(0)}% of ${CONCURRENCY} slots × wall), ledger writes ${fmtMs(ledger)} (${fmtMs(ledger / JOBS)}/job, ${(slots(ledger) * 100).toFixed(0)}%)`,
  ];
}

export const jobsBench: Bench = {
  name: 'jobs',
  async run(ctx) {
    const dir = await tempDir(ctx.root, 'jobs');
    const emulator = spawnTs(path.join(BENCH_DIR, 'emulator-child.ts'), [path.join(dir, 'emulator-cache'), String(EMULATOR_TIMING.queuedMs), String(EMULATOR_TIMING.runningMs), String(EMULATOR_TIMING.pollAfterMs)]);
    try {
      const emu = await readTagged<{ url: string; apiKey: string; validating: boolean }>(emulator, 'EMULATOR', 30_000);
      ctx.log(`  emulator at ${emu.url} (own process; spec validation ${emu.validating ? 'on' : 'off'}; queued ${EMULATOR_TIMING.queuedMs} ms, running ${EMULATOR_TIMING.runningMs} ms, poll hint ${EMULATOR_TIMING.pollAfterMs} ms)`);
      let n = 0;
      const results: WorkerResult[] = [];
      const runWorker = async (mode: 'engine' | 'baseline'): Promise<number> => {
        const work = path.join(dir, `${mode}-${++n}`);
        const child = spawnTs(path.join(BENCH_DIR, 'jobs-worker.ts'), [mode, emu.url, emu.apiKey, work, String(JOBS), String(CONCURRENCY)], ['--expose-gc']);
        const r = await readTagged<WorkerResult>(child, 'RESULT', 150_000);
        await waitExit(child, 10_000);
        results.push(r);
        const extra = r.counts ? `; generate() returned after ${fmtMs(r.generateMs ?? NaN)}; verifying ${fmtMs(r.counts.mediaMs)}, ledger writes ${fmtMs(r.counts.ledgerMs)} of slot time` : '';
        ctx.log(`    ${mode}: ${fmtMs(r.ms)}, RSS +${fmtMb(r.rssPeak - r.rssStart)} (from ${fmtMb(r.rssStart)}, ${r.samples} samples)${extra}`);
        return r.ms;
      };
      const t = await interleave(REPS, () => runWorker('baseline'), () => runWorker('engine'));

      emulator.kill('SIGTERM');
      const stats = await readTagged<{ requests: number; creates: number; invalid: number }>(emulator, 'EMULATOR_STATS', 10_000).catch(() => null);
      await waitExit(emulator, 5_000);
      const expectedCreates = 2 * REPS * (JOBS + 2);
      if (stats && stats.creates !== expectedCreates) throw new Error(`the emulator saw ${stats.creates} creates, expected ${expectedCreates} (one per job)`);
      if (stats?.invalid) throw new Error(`the emulator saw ${stats.invalid} request(s) that do not follow the /v1/videos spec`);

      const inc = (mode: string): number[] => results.filter((r) => r.mode === mode).map((r) => r.rssPeak - r.rssStart);
      const o = median(t.ours);
      const b = median(t.baseline);
      const mo = median(inc('engine'));
      const mb = median(inc('baseline'));
      const timeRatio = o / b;
      const memRatio = mo / Math.max(mb, 1 * MB);
      const notes = [
        `${JOBS} jobs at concurrency ${CONCURRENCY}: engine ${fmtMs(o)} (${spread(t.ours)}), bare provider loop ${fmtMs(b)} (${spread(t.baseline)}); per job ${fmtMs(o / JOBS)} vs ${fmtMs(b / JOBS)} of wall time`,
        `peak RSS increase: engine ${fmtMb(mo)}, baseline ${fmtMb(mb)} (fresh process each, medians of ${REPS}; ffmpeg/ffprobe children not included)`,
        ...engineCounts(results),
        ...(stats ? [`emulator: ${stats.requests} requests, ${stats.creates} creates (one per job), all valid per the spec`] : []),
      ];
      for (const line of notes) ctx.log(`  ${line}`);
      const rows: BenchResult[] = [
        { name: `jobs: ${JOBS} via generate vs bare loop (time)`, ours: fmtMs(o), baseline: fmtMs(b), ratio: timeRatio, target: '≤ 3×', pass: timeRatio <= 3, notes },
        {
          name: `jobs: ${JOBS} via generate vs bare loop (RSS +)`,
          ours: fmtMb(mo),
          baseline: fmtMb(mb),
          ratio: memRatio,
          target: '≤ 2× + 50 MB',
          pass: mo <= 2 * mb + 50 * MB,
          notes: [],
        },
      ];
      return rows;
    } finally {
      if (emulator.exitCode === null && emulator.signalCode === null) {
        emulator.kill('SIGTERM');
        await waitExit(emulator, 5_000);
      }
    }
  },
};
