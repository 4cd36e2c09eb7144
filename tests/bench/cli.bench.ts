// Bench — CLI start: `node bin/storyreel.mjs --help` (the installed command, running the built CLI)
// against `node -e 0` (Node starting and doing nothing), both spawned the same way in this run, interleaved,
// medians of 15. The CLI is built first, so the figure is for the code in this checkout.
// Diagnostic, not a target: the same --help from source through tsx (bin/'s fallback in a checkout whose
// build is missing or stale; before the build existed, bin/ always ran this way, and loaded every service).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fmtMs, interleave, median, now, REPO_ROOT, spread, type Bench } from './lib.ts';

const TARGET = 4;
const REPS = 15;

/** Wall time from spawn to exit of `node ...args`, with stdout/stderr read and dropped. */
function timeNode(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let err = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = now() - start;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err}`));
      else if (err) reject(new Error(`node ${args.join(' ')} wrote to stderr (not the built CLI?): ${err}`));
      else resolve(ms);
    });
  });
}

export const cliBench: Bench = {
  name: 'cli',
  async run(ctx) {
    const built = spawnSync(process.execPath, ['scripts/build-electron.mjs', 'cli'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the CLI failed: ${built.stderr}`);
    const bin = path.join(REPO_ROOT, 'bin', 'storyreel.mjs');
    const ours = () => timeNode([bin, '--help']);
    const baseline = () => timeNode(['-e', '0']);
    await ours();
    await baseline();
    const t = await interleave(REPS, baseline, ours);
    const o = median(t.ours);
    const b = median(t.baseline);
    const ratio = o / b;
    const source: number[] = [];
    for (let i = 0; i < 3; i++) source.push(await timeNode(['--import', 'tsx', path.join(REPO_ROOT, 'electron', 'cli.ts'), '--help']));
    const notes = [
      `storyreel --help ${fmtMs(o)} (${spread(t.ours)}), node -e 0 ${fmtMs(b)} (${spread(t.baseline)}), medians of ${REPS}, interleaved`,
      `diagnostic: the same --help from source through tsx (the fallback without a build) ${fmtMs(median(source))}, ${(median(source) / b).toFixed(1)}× node -e 0 (median of 3, tsx cache warm)`,
    ];
    for (const n of notes) ctx.log(`  ${n}`);
    return [{ name: 'CLI start: storyreel --help', ours: fmtMs(o), baseline: fmtMs(b), ratio, target: `≤ ${TARGET}×`, pass: ratio <= TARGET, notes }];
  },
};
