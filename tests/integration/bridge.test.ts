// The test/dev bridge serves the contract of a process that holds keys: loopback only, token, Host and
// Origin checks, and media only from the open project's media/ and exports/.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { startBridge, type Bridge } from '../bridge/server.ts';

let dir: string;
let app: Storyreel;
let bridge: Bridge;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bridge-'));
  await createProject(path.join(dir, 'p'), { title: 'Bridge' });
  await fs.writeFile(path.join(dir, 'p', 'media', 'clip.mp4'), Buffer.alloc(1000, 7));
  await fs.writeFile(path.join(dir, 'secret.txt'), 'outside the project');
  const staticDir = path.join(dir, 'static');
  await fs.mkdir(staticDir);
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  await app.openProject(path.join(dir, 'p'));
  bridge = await startBridge(app, { staticDir });
});
after(async () => {
  await bridge?.close();
  await app?.shutdown();
  await fs.rm(dir, { recursive: true, force: true });
});

function request(p: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const url = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: p, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('latin1').on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('binds to loopback only', () => {
  assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('calls need the token, the right Host and (when sent) the right Origin', async () => {
  const call = (headers: Record<string, string>) => request('/rpc/project.get', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  const ok = await call({ 'x-storyreel-token': bridge.token });
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).value.project.title, 'Bridge');
  assert.equal((await call({})).status, 403);
  // A token one character off (never the real one, whatever its last character is).
  const wrong = bridge.token.slice(0, -1) + (bridge.token.endsWith('0') ? '1' : '0');
  assert.equal((await call({ 'x-storyreel-token': wrong })).status, 403);
  assert.equal((await call({ 'x-storyreel-token': bridge.token, host: 'evil.example' })).status, 421, 'DNS rebinding is refused');
  assert.equal((await call({ 'x-storyreel-token': bridge.token, origin: 'http://evil.example' })).status, 403);
  assert.equal((await request(`/events?token=nope`)).status, 403);
  const bad = await request('/rpc/scenes.update', { method: 'POST', headers: { 'x-storyreel-token': bridge.token }, body: '{"id":1}' });
  assert.equal(JSON.parse(bad.body).error.code, 'InvalidInput', 'payloads are validated here too');
});

test('media is served only from the open project, with ranges', async () => {
  const t = `token=${bridge.token}`;
  const clip = await request(`/media/media/clip.mp4?${t}`, { headers: { range: 'bytes=10-19' } });
  assert.equal(clip.status, 206);
  assert.equal(clip.headers['content-range'], 'bytes 10-19/1000');
  assert.equal(clip.body.length, 10);
  assert.equal((await request(`/media/media/clip.mp4`)).status, 403, 'token needed');
  for (const p of ['/media/../secret.txt', '/media/media/..%2F..%2Fsecret.txt', '/media/project.json', '/media/.storyreel/lock']) {
    const r = await request(`${p}?${t}`);
    assert.equal(r.status, 404, p);
    assert.ok(!r.body.includes('outside the project'), p);
  }
  assert.equal((await request('/../secret.txt')).status, 404, 'static files stay in their folder');
});
