// Shared by the fal and OpenRouter adapter tests (tests/integration/provider-{fal,openrouter}.test.ts): an app wired to one provider
// module, the command line as a child process, the job ledger and spend ledger as read from disk, and a scan
// for a key anywhere in a folder or text.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { makeSolidPng } from '../emulators/kit/index.ts';
import { keyLeaks } from './provider-run.ts';

export const BIN = path.resolve('bin/storyreel.mjs');

/** The app as main runs it, with one provider's key and base URL in its environment. */
export function appFor(dir: string, env: Record<string, string>, key: string, timing: Record<string, unknown> = {}): Storyreel {
  return new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({}),
    secrets: new EnvSecrets(env),
    env,
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'test.log'), secrets: () => [key] }),
    owner: 'test',
    concurrency: 3,
    timing: { pollMinMs: 50, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 400, reconcileDelaysMs: [50, 100, 200], ...timing },
  });
}

/** A project on disk; scenes with `image: true` get a first-frame reference image. */
export async function makeProject(dir: string, o: { provider: string; model: string; size: string; scenes: Array<{ prompt: string; seconds: number; image?: boolean }> }): Promise<void> {
  await createProject(dir, { title: path.basename(dir), provider: o.provider, model: o.model, size: o.size, scenes: o.scenes });
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8')) as { scenes: Array<{ referenceImage: string | null }> };
  for (const [i, s] of o.scenes.entries()) {
    if (!s.image) continue;
    const rel = `media/refs/ref-${i + 1}.png`;
    await fs.mkdir(path.join(dir, 'media', 'refs'), { recursive: true });
    await fs.writeFile(path.join(dir, rel), makeSolidPng(64, 36, [20 * i, 90, 160]));
    p.scenes[i]!.referenceImage = rel;
  }
  await fs.writeFile(file, JSON.stringify(p, null, 2));
}

export async function spendOf(dir: string): Promise<Array<{ jobId: string; providerJobId: string; usd: number; billed?: boolean }>> {
  return (await new Ledger(path.join(dir, '.storyreel')).readSpend()) as Array<{ jobId: string; providerJobId: string; usd: number; billed?: boolean }>;
}

export const sumUsd = (xs: Array<{ usd: number }>): number => Math.round(xs.reduce((a, x) => a + x.usd, 0) * 10000) / 10000;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `storyreel <args>` in `cwd` with `env` added (a hung run is killed well inside the test timeout). */
export function cli(cwd: string, args: string[], env: Record<string, string>) {
  // Paid work needs the creator's yes when not on a terminal: these tests agree with --yes (cli-first-hour tests the refusal).
  const child = spawn(process.execPath, [BIN, ...args, ...(args[0] === 'render' ? ['--yes'] : [])], { cwd, env: { ...process.env, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (process.env.CLI_DEBUG) child.stderr.on('data', (d) => process.stderr.write(`[cli] ${d}`));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void done.finally(() => clearTimeout(timer));
  return { child, done };
}

export async function jobsOnDisk(dir: string): Promise<Array<{ id: string; state: string; providerJobId: string | null; sceneId: string; remote: unknown; error: { code: string } | null }>> {
  const jobsDir = path.join(dir, '.storyreel', 'jobs');
  const out = [];
  for (const n of (await fs.readdir(jobsDir).catch(() => [] as string[])).filter((x) => x.endsWith('.json') && !x.startsWith('.'))) {
    try {
      out.push(JSON.parse(await fs.readFile(path.join(jobsDir, n), 'utf8')));
    } catch {
      // being renamed into place
    }
  }
  return out;
}

/** Polls a condition on disk (the thing itself, not a fixed sleep): provider-run.ts's waitFor. */
export { waitFor as until } from './provider-run.ts';

/** Every file under `dir`, and every text given, that holds the key (or its last 12 characters). */
export const leaksOf = (key: string, dir: string, texts: Record<string, string>): Promise<string[]> => keyLeaks(dir, key, texts);
