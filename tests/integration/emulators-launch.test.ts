// `npm run emulator -- <provider>`: the shared launcher starts each emulator on its own, prints its base URL,
// key and speed, and serves; with no provider name it still runs the /v1/videos emulator.
// Run: node --import tsx --test tests/integration/emulators-launch.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { call } from '../emulators/kit/testing.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the launcher and resolves with what it printed once `ready` matches it. */
async function launch(args: string[], ready = /try: .*\n/): Promise<{ out: string; stop: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/emulators/launch.ts'), ...args, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`launcher exited ${code}: ${err}${out}`)));
  });
  return {
    out,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      return out;
    },
  };
}

test('npm run emulator -- ark --port 0 --speed 50 --key K: prints URL, key and speed, then serves Ark with that key', async () => {
  const ark = await launch(['ark', '--port', '0', '--speed', '50', '--key', 'launch-key']);
  try {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/v3)/.exec(ark.out)?.[1];
    assert.ok(url, ark.out);
    assert.match(ark.out, /key: launch-key/);
    assert.match(ark.out, /speed: 50x \(0\.1s queued \+ 1\.2s running\)/);
    assert.match(ark.out, /ARK_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v3 ARK_API_KEY=launch-key/);
    const r = await call(`${url}/contents/generations/tasks`, { headers: { authorization: 'Bearer launch-key' }, json: { model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'from the launcher' }], duration: 4, resolution: '480p' } });
    assert.equal(r.status, 200, r.text);
  } finally {
    assert.match(await ark.stop(), /stopping ark \(1 requests, 1 creates/);
  }
});

test('with no provider name the launcher still runs the /v1/videos emulator', async () => {
  const oa = await launch(['--port', '0']);
  try {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(oa.out)?.[1];
    assert.ok(url, oa.out);
    assert.equal((await call(`${url}/videos`, { headers: { authorization: 'Bearer sk-emulator' } })).status, 200);
  } finally {
    await oa.stop();
  }
});

test('npm run emulator -- all: the four provider emulators at once, with one line of environment to paste', async () => {
  const all = await launch(['all', '--port', '0', '--speed', '50'], /all: .*\n/);
  try {
    const line = /all: (.*)\n/.exec(all.out)?.[1] ?? '';
    const env = Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    assert.deepEqual(Object.keys(env).sort(), ['ARK_API_KEY', 'ARK_BASE_URL', 'FAL_BASE_URL', 'FAL_KEY', 'GEMINI_API_KEY', 'GEMINI_BASE_URL', 'OPENROUTER_API_KEY', 'OPENROUTER_BASE_URL']);
    const models = await call(`${env.OPENROUTER_BASE_URL}/videos/models`);
    assert.equal(models.status, 200);
    const fal = await call(`${env.FAL_BASE_URL}/fal-ai/veo3.1/fast`, { headers: { authorization: `Key ${env.FAL_KEY}` }, json: { prompt: 'from all' } });
    assert.equal(fal.status, 200, fal.text);
  } finally {
    await all.stop();
  }
});
