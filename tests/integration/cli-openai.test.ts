// The command-line interface against the /v1/videos emulator: moderation failures, SIGKILL at any moment
// and a resumed run, and a sentinel key that must appear nowhere it was not sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { probeStreams } from '../helpers/probe.ts';
import { ALL_FAULTS } from '../helpers/faults.ts';

const BIN = path.resolve('bin/storyreel.mjs');
const SENTINEL = `sk-SENTINEL-${randomBytes(12).toString('hex')}`;
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-openai-'));
  emu = await startOpenAiVideosEmulator({ apiKey: SENTINEL });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  // Paid work off a terminal needs the creator's yes (cli-first-hour.test.ts tests the refusal).
  const child = spawn(process.execPath, [BIN, ...args, ...(args[0] === 'render' ? ['--yes'] : [])], {
    cwd: root,
    env: { ...process.env, OPENAI_API_KEY: SENTINEL, OPENAI_BASE_URL: emu.url, STORYREEL_API_KEY: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (process.env.CLI_DEBUG) {
    child.stdout.on('data', (d) => process.stderr.write(`[cli ${args[0]}] ${d}`));
    child.stderr.on('data', (d) => process.stderr.write(`[cli! ${args[0]}] ${d}`));
  }
  // 'close', not 'exit': by then every byte of output has been read.
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  // Well inside the test timeout, so a hung run still reports its output in the assertion message.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
  void done.finally(() => clearTimeout(timer));
  return { child, done };
}

async function makeProject(name: string, scenes: Array<[string, number]>): Promise<string> {
  const dir = path.join(root, name);
  const init = await start(['init', dir, '--title', name]).done;
  assert.equal(init.code, 0, init.stderr);
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8'));
  Object.assign(p, { provider: 'openai-videos', model: 'sora-2', size: '1280x720' });
  p.scenes = scenes.map(([prompt, seconds], i) => ({ id: `s${i + 1}`, prompt, seconds, transition: 'cut', referenceImage: null, takes: [], chosenTake: null, lastError: null }));
  await fs.writeFile(file, JSON.stringify(p, null, 2));
  return dir;
}

async function ledger(dir: string): Promise<Array<{ state: string; providerJobId: string | null }>> {
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

async function until(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a moderated scene fails by name; the others are kept; a second run retries only what is missing', { timeout: 200000 }, async () => {
  emu.resetStats();
  emu.setFaults({ moderationWord: 'FORBIDDEN' });
  const dir = await makeProject('moderation', [
    ['A kite over the dunes', 4],
    ['FORBIDDEN: a famous actor waves', 8],
    ['The kite lands in the sea', 4],
  ]);
  const first = await start(['render', dir]).done;
  assert.equal(first.code, 1, first.stdout + first.stderr);
  assert.match(first.stderr, /scene 2 failed: .*moderation.*\[ModerationBlocked\]/i);
  assert.match(first.stderr, /2 of 3 scene\(s\) have a take and were kept/);
  let project = await readProject(dir);
  assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 0, 1]);
  assert.equal(project.scenes[1]!.lastError?.code, 'ModerationBlocked');
  for (const s of [project.scenes[0]!, project.scenes[2]!]) await fs.access(path.join(dir, s.takes[0]!.file));
  assert.equal(emu.stats.creates, 3);

  // The creator rephrases scene 2 and runs the same command: only scene 2 is sent again.
  project.scenes[1]!.prompt = 'A stranger in a yellow coat waves from the pier';
  await fs.writeFile(path.join(dir, 'project.json'), JSON.stringify(project, null, 2));
  const second = await start(['render', dir]).done;
  assert.equal(second.code, 0, second.stderr);
  assert.equal(emu.stats.creates, 4);
  project = await readProject(dir);
  assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1]);
  assert.equal(project.scenes[1]!.lastError, null);
  const out = /Wrote (.*\.mp4)/.exec(second.stdout)![1]!;
  const info = await probeStreams(out);
  assert.ok(Math.abs(info.duration - 16) <= 0.1, `duration ${info.duration}`);
});

for (const moment of ['while jobs run at the provider', 'while a create request is in flight'] as const) {
  test(`SIGKILL ${moment}, then run again: the project finishes with one create per scene`, { timeout: 200000 }, async () => {
    emu.resetStats();
    const inFlight = moment === 'while a create request is in flight';
    emu.setFaults(inFlight ? { slow: { count: 1, delayMs: 1500, routes: ['create'] } } : {});
    const tag = inFlight ? '(take B)' : '(take A)';
    const dir = await makeProject(`kill-${inFlight ? 'create' : 'running'}`, [
      [`Rain on a tin roof ${tag}`, 4],
      [`A cat watches the rain ${tag}`, 4],
      [`Sun breaks through ${tag}`, 4],
      [`A rainbow over the fields ${tag}`, 4],
    ]);
    const run1 = start(['render', dir, '--concurrency', '2']);
    await until(
      async () => {
        const jobs = await ledger(dir);
        return inFlight ? jobs.some((j) => j.state === 'submitted' && !j.providerJobId) : jobs.some((j) => j.state === 'running');
      },
      60000,
      moment,
    );
    run1.child.kill('SIGKILL');
    const killed = await run1.done;
    assert.equal(killed.signal, 'SIGKILL');
    const left = await ledger(dir);
    assert.ok(left.some((j) => !['ready', 'failed', 'canceled'].includes(j.state)), 'work was left unfinished by the kill');

    const run2 = await start(['render', dir, '--concurrency', '2']).done;
    assert.equal(run2.code, 0, run2.stdout + run2.stderr);
    assert.match(run2.stdout, /Resuming \d+ job\(s\) from the last run/);
    assert.equal(emu.stats.creates, 4, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
    const project = await readProject(dir);
    assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1, 1]);
    assert.equal((await ledger(dir)).length, 4, 'one job per scene in the ledger');
  });
}

test('the key string appears in no project file, log line or output after a full run with faults on', { timeout: 200000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...ALL_FAULTS, moderationWord: 'FORBIDDEN' });
  const dir = await makeProject('sentinel', [
    ['Lanterns float up', 4],
    ['FORBIDDEN scene', 4],
    ['Morning fog', 8],
  ]);
  const run = await start(['render', dir]).done;
  assert.equal(run.code, 1, 'the moderated scene fails the run');
  const rerun = await start(['render', dir, '--max-spend', '0.01']).done;
  assert.match(rerun.stderr, /budget/);
  assert.ok(emu.stats.requests.length > 10, 'the key was really used');
  const leaks: string[] = [];
  const tail = SENTINEL.slice(-12);
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const bytes = await fs.readFile(p);
        if (bytes.includes(SENTINEL) || bytes.includes(tail)) leaks.push(p);
      }
    }
  };
  await walk(dir);
  for (const [name, text] of Object.entries({ stdout: run.stdout, stderr: run.stderr, stdout2: rerun.stdout, stderr2: rerun.stderr })) {
    if (text.includes(SENTINEL) || text.includes(tail)) leaks.push(name);
  }
  assert.deepEqual(leaks, []);
  // The log exists and has content, so the scan above read something real.
  const log = await fs.readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8');
  assert.ok(log.length > 0);
});

test('an address where nothing listens: render exits 75 in bounded time, naming the host; nothing is lost', { timeout: 120000 }, async () => {
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const dir = await makeProject('unreachable', [['Waves against the breakwater', 4]]);
  const run = await start(['render', dir], { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, STORYREEL_TIMING: JSON.stringify({ unreachableGiveUpMs: 1500, backoffBaseMs: 100, backoffMaxMs: 400 }) }).done;
  assert.equal(run.code, 75, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`scene 1 — not sent: Storyreel could not reach 127\\.0\\.0\\.1:${port}`));
  const jobs = await ledger(dir);
  assert.deepEqual(jobs.map((j) => j.state), ['queued'], 'the job is kept for the next run');
});

test('a create the list can never confirm: render stops it as unknown (exit 75, scene named), sends nothing twice, and --resend-unknown sends it', { timeout: 200000 }, async () => {
  emu.resetStats();
  emu.setFaults({ serverErrorAfterCreate: { count: 1 }, serverError: { routes: ['list'] } });
  const dir = await makeProject('unknown', [['A lighthouse keeper climbs the stairs (unknown)', 4]]);
  const timing = { STORYREEL_TIMING: JSON.stringify({ reconcileDelaysMs: [50, 100], reconcileGiveUpMs: 800, backoffBaseMs: 50, backoffMaxMs: 200 }) };
  const first = await start(['render', dir], timing).done;
  assert.equal(first.code, 75, first.stdout + first.stderr);
  assert.match(first.stderr, /scene 1 — not confirmed: Storyreel could not confirm whether the provider received this scene/);
  assert.match(first.stderr, /--resend-unknown/);
  assert.equal(emu.stats.creates, 1);
  assert.deepEqual((await ledger(dir)).map((j) => j.state), ['unknown']);

  // A plain re-run asks the provider again (the list still fails): still nothing sent.
  const second = await start(['render', dir], timing).done;
  assert.equal(second.code, 75, second.stderr);
  assert.equal(emu.stats.creates, 1);

  // The creator's explicit word: sent again, and the film is made.
  emu.setFaults({});
  const third = await start(['render', dir, '--resend-unknown'], timing).done;
  assert.equal(third.code, 0, third.stdout + third.stderr);
  assert.match(third.stdout, /sent again as you asked/);
  assert.equal(emu.stats.creates, 2);
});
