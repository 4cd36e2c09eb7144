// Gateways from the command line: --header, --auth-header and --query reach the gateway (the emulator in
// gateway mode refuses requests without them); --base-url is checked; a gateway model described with
// --price-per-second, --durations and --sizes is estimated and capped at its own price.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';

const BIN = path.resolve('bin/storyreel.mjs');
const KEY = 'sk-gateway-CLI-9f8e7d6c5b4a';
const ROUTE = 'team-a-7731';
let root: string;
let gw: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-gw-'));
  gw = await startOpenAiVideosEmulator({ apiKey: KEY, gateway: { authHeader: 'api-key', requireHeaders: { 'x-route': ROUTE }, requireQuery: { 'api-version': '2025-04-01' } } });
});
after(async () => {
  await gw?.close();
  await fs.rm(root, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Paid work off a terminal needs the creator's yes (cli-first-hour.test.ts tests the refusal).
  const child = spawn(process.execPath, [BIN, ...args, ...(args[0] === 'render' ? ['--yes'] : [])], { cwd: root, env: { ...process.env, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: '', STORYREEL_API_KEY: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function project(name: string, model: string, size: string, seconds: number[]): Promise<string> {
  const dir = path.join(root, name);
  await createProject(dir, { title: name, provider: 'openai-videos', model, size, scenes: seconds.map((s, i) => ({ prompt: `Scene ${i + 1}: a heron lifts off the reeds`, seconds: s })) });
  return dir;
}

test('--header, --auth-header api-key and --query reach the gateway on every request; the key goes in api-key only', { timeout: 120000 }, async () => {
  gw.resetStats();
  const dir = await project('headers', 'sora-2', '1280x720', [4, 4]);
  const r = await run(['render', dir, '--base-url', gw.url, '--header', `X-Route: ${ROUTE}`, '--auth-header', 'api-key', '--query', 'api-version=2025-04-01', '--no-export']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(gw.stats.creates, 2);
  assert.ok(gw.stats.requests.length >= 4);
  for (const req of gw.stats.requests) {
    const where = `${req.method} ${req.path}`;
    assert.ok(req.status === 200 || req.status === 206, `${where} → ${req.status}`);
    assert.equal(req.headers?.['x-route'], ROUTE, where);
    assert.equal(req.headers?.['api-key'], '[key]', where);
    assert.equal(req.headers?.authorization, undefined, `${where}: no Authorization header`);
    assert.equal(req.query['api-version'], '2025-04-01', where);
  }
  const logs = await fs.readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8').catch(() => '');
  assert.ok(!(r.stdout + r.stderr + logs).includes(ROUTE) && !(r.stdout + r.stderr + logs).includes(KEY), 'header values and the key are never printed or logged');
});

test('without the gateway headers the gateway refuses, and nothing was created', { timeout: 60000 }, async () => {
  gw.resetStats();
  const dir = await project('no-headers', 'sora-2', '1280x720', [4]);
  const r = await run(['render', dir, '--base-url', gw.url, '--no-export']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(gw.stats.creates, 0);
});

test('--base-url: plain http only for this computer, never file: or javascript:; reserved headers refused (usage errors, exit 2)', async () => {
  const dir = await project('refused', 'sora-2', '1280x720', [4]);
  for (const [args, message] of [
    [['--base-url', 'http://gateway.example/v1'], /http:\/\/ is allowed only for this computer/],
    [['--base-url', 'file:///etc/passwd'], /must start with https:\/\//],
    [['--base-url', 'javascript:alert(1)'], /must start with https:\/\//],
    [['--header', 'Authorization: Bearer x'], /choose "How the key is sent"|--auth-header/],
    [['--header', 'no colon here'], /Name: value/],
    [['--auth-header', 'x-key'], /bearer or api-key/],
  ] as Array<[string[], RegExp]>) {
    const r = await run(['render', dir, ...args, '--no-export']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('a gateway model described on the command line is estimated and capped at its own price', { timeout: 60000 }, async () => {
  gw.resetStats();
  const dir = await project('custom-model', 'sora-2', '1280x720', [10, 5]);
  const args = ['render', dir, '--base-url', gw.url, '--header', `x-route: ${ROUTE}`, '--auth-header', 'api-key', '--query', 'api-version=2025-04-01'];
  const r = await run([...args, '--model', 'veo-3.1-fast', '--price-per-second', '0.4', '--durations', '5,10', '--sizes', '1920x1080', '--max-spend', '5']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /openai-videos\/veo-3\.1-fast at 1920x1080 would cost \$6\.00/);
  assert.match(r.stderr, /\$6\.00, which goes over your budget of \$5\.00 by \$1\.00/);
  assert.equal(gw.stats.creates, 0);
  // Its durations hold too: a model described as 5/10 s refuses 4 s before anything is sent.
  const four = await run([...args, '--model', 'veo-3.1-fast', '--price-per-second', '0.4', '--durations', '5', '--max-spend', '50']);
  assert.equal(four.code, 1);
  assert.match(four.stderr, /only makes 5 s/);
  assert.equal(gw.stats.creates, 0);
});
