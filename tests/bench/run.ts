// `npm run bench`: benchmarks of the real services. Each prints our figure, a baseline measured in this
// same run on this same machine, and the ratio against a target ratio (PASS/MISS). Nothing here compares
// against a wall-clock constant, so a slow or busy machine slows both sides alike.
//
// Exit code: 0 whether targets are met or missed; 1 only when a benchmark crashes (or the run overruns).
// Everything lives in one temp folder, removed at the end; the only network is 127.0.0.1.
//
//   npm run bench                 all of them
//   npm run bench -- export jobs  only those (names: export, autosave, jobs, ledger, edit, cli, timeline)
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { autosaveBench } from './autosave.bench.ts';
import { cliBench } from './cli.bench.ts';
import { editBench } from './edit.bench.ts';
import { exportBench } from './export.bench.ts';
import { jobsBench } from './jobs.bench.ts';
import { ledgerBench } from './ledger.bench.ts';
import { timelineBench } from './timeline.bench.ts';
import { fmtMs, killChildren, makeRunRoot, now, table, type Bench, type BenchResult } from './lib.ts';

const ALL: Bench[] = [exportBench, autosaveBench, jobsBench, ledgerBench, editBench, cliBench, timelineBench];
/**
 * A run takes minutes (the export bench encodes 96 s of 720p several times, slower on a shared machine); past this something is
 * stuck, and the run ends itself.
 */
const WATCHDOG_MS = 3_600_000;

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const benches = wanted.length ? ALL.filter((b) => wanted.includes(b.name)) : ALL;

const root = await makeRunRoot();
let cleaning: Promise<void> | null = null;
/** Ends every child this run started (by pid) and removes the temp folder; once, however often called. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killChildren();
    await fs.rm(root, { recursive: true, force: true, maxRetries: 3 });
  })();
  return cleaning;
}
let interrupted = false;

const watchdog = setTimeout(() => {
  console.error(`\nbench: still running after ${WATCHDOG_MS / 1000} s; stopping.`);
  void cleanup().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`\nbench: ${sig}; cleaning up.`);
    void cleanup().finally(() => process.exit(130));
  });
}

const cpus = os.cpus();
console.log(`Storyreel benchmarks — node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('ratio = ours / baseline, both measured in this run (lower is better)\n');

const results: BenchResult[] = [];
const crashed: string[] = [];
const started = now();
try {
  for (const bench of benches) {
    if (interrupted) break;
    console.log(`▶ ${bench.name}`);
    const t0 = now();
    try {
      const rows = await bench.run({ root, log: (line) => console.log(line) });
      results.push(...rows);
      for (const r of rows) console.log(`  ${r.pass ? 'PASS' : 'MISS'} ${r.name}: ${r.ours} vs ${r.baseline} → ${r.ratio.toFixed(3)}× (target ${r.target})`);
    } catch (err) {
      if (interrupted) break;
      crashed.push(bench.name);
      console.error(`  CRASH ${bench.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    console.log(`  (${fmtMs(now() - t0)})\n`);
  }
} finally {
  await cleanup();
}

if (interrupted) {
  console.error('bench: interrupted.');
  process.exit(130);
}
console.log(table(results));
if (crashed.length) console.log(`\ncrashed: ${crashed.join(', ')}`);
const missed = results.filter((r) => !r.pass).length;
console.log(`\n${results.length - missed} PASS, ${missed} MISS${crashed.length ? `, ${crashed.length} CRASH` : ''} in ${fmtMs(now() - started)}`);
process.exit(crashed.length ? 1 : 0);
