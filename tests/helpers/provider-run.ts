// Shared by the provider adapter tests: a Storyreel app pointed at a module provider's emulator, a job engine
// over one adapter, a CLI runner, a ledger reader and a key scan.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { JobEngine } from '../../electron/services/jobs/engine.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { createLog } from '../../electron/services/log.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { verifyVideo } from '../../electron/services/media/stitch.ts';
import type { Provider } from '../../electron/services/providers/types.ts';

export const FAST_TIMING = { pollMinMs: 50, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 400, reconcileDelaysMs: [100, 300, 600], reconcileGiveUpMs: 3000, reconcileSettleMs: 1000 };

/** A Storyreel app whose only key is `key` in `keyVar`, with the module's base URL in `env`. */
export function makeApp(dir: string, env: Record<string, string>, key: { name: string; value: string }): Storyreel {
  return new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({}),
    secrets: new EnvSecrets({ [key.name]: key.value }),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'test.log'), secrets: () => [key.value] }),
    owner: 'test',
    env,
    concurrency: 3,
    timing: FAST_TIMING,
  });
}

/** A job engine driving one adapter, with real ffprobe checks of what it downloads. */
export async function engineFor(dir: string, provider: Provider): Promise<JobEngine> {
  const ff = new Ffmpeg(resolveFfmpeg({ env: process.env }));
  return JobEngine.open({
    ledger: new Ledger(path.join(dir, '.storyreel')),
    provider: () => provider,
    media: { verify: async (f) => ({ durationSeconds: (await verifyVideo(ff, f)).durationSeconds }), thumbnail: async () => undefined },
    projectDir: dir,
    onTake: async () => true,
    onFailed: async () => undefined,
    concurrency: 2,
    timing: FAST_TIMING,
  });
}

export async function ledgerJobs(dir: string): Promise<Array<{ state: string; providerJobId: string | null; prompt: string; error: { code: string; message: string } | null }>> {
  const jobsDir = path.join(dir, '.storyreel', 'jobs');
  const names = await fs.readdir(jobsDir).catch(() => [] as string[]);
  const out = [];
  for (const n of names.filter((x) => x.endsWith('.json') && !x.startsWith('.'))) {
    try {
      out.push(JSON.parse(await fs.readFile(path.join(jobsDir, n), 'utf8')));
    } catch {
      // being renamed into place
    }
  }
  return out;
}

export async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/storyreel.mjs in `cwd` with `env` added. */
export function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): { child: ReturnType<typeof spawn>; done: Promise<Run> } {
  // Paid work needs the creator's yes when not on a terminal: these tests agree with --yes (cli-first-hour tests the refusal).
  const child = spawn(process.execPath, [path.resolve('bin/storyreel.mjs'), ...args, ...(args[0] === 'render' ? ['--yes'] : [])], { cwd, env: { ...process.env, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
  void done.finally(() => clearTimeout(timer));
  return { child, done };
}

/** Writes a project of these scenes on `provider`/`model` at `size` (after `storyreel init`). */
export async function makeCliProject(root: string, name: string, o: { provider: string; model: string; size: string; scenes: Array<[string, number]> }, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = path.join(root, name);
  const init = await cli(['init', dir, '--title', name], root, env).done;
  assert.equal(init.code, 0, init.stderr);
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8'));
  Object.assign(p, { provider: o.provider, model: o.model, size: o.size });
  p.scenes = o.scenes.map(([prompt, seconds], i) => ({ id: `s${i + 1}`, prompt, seconds, transition: 'cut', referenceImage: null, takes: [], chosenTake: null, lastError: null }));
  await fs.writeFile(file, JSON.stringify(p, null, 2));
  return dir;
}

/** Every file under `dir` (and every named text) that holds the key or its last 12 characters. */
export async function keyLeaks(dir: string, key: string, texts: Record<string, string>): Promise<string[]> {
  const leaks: string[] = [];
  const tail = key.slice(-12);
  let files = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        files++;
        const bytes = await fs.readFile(p);
        if (bytes.includes(key) || bytes.includes(tail)) leaks.push(p);
      }
    }
  };
  await walk(dir);
  assert.ok(files > 3, 'the scan read the project');
  for (const [name, text] of Object.entries(texts)) if (text.includes(key) || text.includes(tail)) leaks.push(name);
  return leaks;
}

/** A tiny PNG of a colour at a size, made by ffmpeg. */
export async function pngFixture(file: string, size: string, color: string): Promise<string> {
  const ff = resolveFfmpeg({ env: process.env });
  await new Promise<void>((resolve, reject) => {
    const p = spawn(ff.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${color}:s=${size}`, '-frames:v', '1', file]);
    p.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`ffmpeg exit ${c}`))));
  });
  return file;
}
