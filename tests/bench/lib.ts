// Shared pieces of the benchmarks: timing, medians, results, the table, child processes, temp dirs.
//
// The house rule: a speed or memory target is a RATIO against a baseline measured in the same run on the
// same machine, never a wall-clock constant. Every result here carries both figures and the target ratio.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..', '..');

/** One row of the final table. `ratio` is always ours / baseline: lower is better. */
export interface BenchResult {
  name: string;
  /** Figures as printed (with units, and e.g. the number of writes). */
  ours: string;
  baseline: string;
  ratio: number;
  /** How the target is written in the table, e.g. "≤ 0.33×". */
  target: string;
  pass: boolean;
  /** Lines printed under the bench while it runs, and repeated in the summary notes. */
  notes: string[];
}

export interface BenchContext {
  /** A temp folder of this run; removed at the end. */
  root: string;
  log: (line: string) => void;
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "1.23 s", "45.6 ms" */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** "min–max" of a series of timings, to show how noisy a figure was. */
export function spread(xs: readonly number[]): string {
  return `${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))}`;
}

/** Runs `fn` for ours and baseline alternately (B, O, B, O, ...) so drift in machine load hits both. */
export async function interleave(reps: number, baseline: () => Promise<number>, ours: () => Promise<number>): Promise<{ ours: number[]; baseline: number[] }> {
  const out = { ours: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < reps; i++) {
    // Swap the order every other round, so neither side always runs on a "warmer" machine.
    if (i % 2 === 0) {
      out.baseline.push(await baseline());
      out.ours.push(await ours());
    } else {
      out.ours.push(await ours());
      out.baseline.push(await baseline());
    }
  }
  return out;
}

export async function tempDir(parent: string, name: string): Promise<string> {
  await fs.mkdir(parent, { recursive: true });
  return fs.mkdtemp(path.join(parent, `${name}-`));
}

export async function makeRunRoot(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bench-'));
}

// ---------------------------------------------------------------------------------------------------
// Child processes (the emulator and the job-engine workers). Every child is tracked so the run can end
// each one by its own pid; none outlives the run.

const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  children.clear();
}

/** Spawns `node --import tsx <script> ...args` from the repo root. */
export function spawnTs(script: string, args: string[], nodeFlags: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Resolves with the JSON after the first stdout line starting with `tag `. Rejects when the child exits
 * first or after `timeoutMs` (then the child is killed).
 */
export function readTagged<T>(child: ChildProcess, tag: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`${tag}: no answer within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      err = (err + d).slice(-8000);
    });
    child.stdout?.on('data', (d: string) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(`${tag} `)) {
          try {
            const value = JSON.parse(line.slice(tag.length + 1)) as T;
            finish(() => resolve(value));
          } catch (e) {
            finish(() => reject(e as Error));
          }
        }
      }
    });
    // 'close', not 'exit': stdout may still hold the answer when the process has exited.
    child.once('close', (code, signal) => finish(() => reject(new Error(`${tag}: child exited (${code ?? signal}) before answering; stderr: ${err.slice(-2000)}`))));
  });
}

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The table

export function table(results: readonly BenchResult[]): string {
  const head = ['name', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const rows = results.map((r) => [r.name, r.ours, r.baseline, fmtRatio(r.ratio), r.target, r.pass ? 'PASS' : 'MISS']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => [...(row[i] ?? '')].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...c].length))).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
