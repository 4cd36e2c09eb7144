// The window reads project files through one door (serve.ts openProjectFile → fsutil containedFile):
// the app's storyreel-media:// protocol and the test bridge's /media route. Nothing outside media/ and
// exports/ comes out of it: no project.json, no .storyreel/, no .env (which holds the CLI's API key), no
// hidden partial export, and no file a symlink inside media/ points at.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { containedFile } from '../../electron/services/fsutil.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { openProjectFile } from '../../electron/services/serve.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { startBridge, type Bridge } from '../bridge/server.ts';

const KEY = 'sk-dotenv-0123456789abcdef';
const OUTSIDE = 'outside the project: do not serve';

/** Every path a hostile page could ask for, as it would appear in the URL after the scheme's root. */
export const ESCAPES = [
  'media/..%2fproject.json',
  'media/..%2F..%2Fsecret.txt',
  'media/..%2f.storyreel%2flock',
  'media/..%2f.env',
  'media/%2e%2e/.env',
  'media/%2E%2E%2F.env',
  'media/..%5c.env',
  'exports/..%2fproject.json',
  'project.json',
  '.env',
  '.storyreel/lock',
  'media/.hidden.mp4',
  'exports/.film.mp4.0a1b2c3d.part',
  'media/passwd-link',
  'media/outside-link.mp4',
  'media/state-link/lock',
  'media/sub/..%2f..%2f.env',
  'media/clip.mp4%00.txt',
  'media',
  'media/',
  'media/sub',
];
export const ALLOWED = ['media/clip.mp4', 'media/a%20b.mp4', 'media/sub/clip2.mp4', 'media/inside-link.mp4', 'exports/film.mp4'];

/** A project with a secret in every place a path could escape to. */
export async function plantProject(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'media', 'sub'), { recursive: true });
  await fs.mkdir(path.join(dir, 'exports'), { recursive: true });
  await fs.mkdir(path.join(dir, '.storyreel'), { recursive: true });
  await fs.writeFile(path.join(dir, '.env'), `OPENAI_API_KEY=${KEY}\n`);
  await fs.writeFile(path.join(dir, '.storyreel', 'lock'), `{"secret":"${KEY}"}`);
  await fs.writeFile(path.join(dir, 'media', 'clip.mp4'), Buffer.alloc(1000, 7));
  await fs.writeFile(path.join(dir, 'media', 'a b.mp4'), Buffer.alloc(10, 7));
  await fs.writeFile(path.join(dir, 'media', 'sub', 'clip2.mp4'), Buffer.alloc(10, 7));
  await fs.writeFile(path.join(dir, 'media', '.hidden.mp4'), KEY);
  await fs.writeFile(path.join(dir, 'exports', 'film.mp4'), Buffer.alloc(10, 7));
  await fs.writeFile(path.join(dir, 'exports', '.film.mp4.0a1b2c3d.part'), KEY);
  await fs.writeFile(path.join(dir, '..', 'secret.txt'), OUTSIDE);
  await fs.symlink('/etc/passwd', path.join(dir, 'media', 'passwd-link'));
  await fs.symlink(path.join(dir, '..', 'secret.txt'), path.join(dir, 'media', 'outside-link.mp4'));
  await fs.symlink(path.join(dir, '.storyreel'), path.join(dir, 'media', 'state-link'));
  await fs.symlink('clip.mp4', path.join(dir, 'media', 'inside-link.mp4'));
}

/** What must never be in an answer to an escape. */
export function leaks(body: string): boolean {
  return body.includes(KEY) || body.includes(OUTSIDE) || body.includes('root:') || body.includes('formatVersion');
}

let dir: string;
let project: string;
let app: Storyreel;
let bridge: Bridge;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-media-'));
  project = path.join(dir, 'p');
  await createProject(project, { title: 'Escapes' });
  await plantProject(project);
  const staticDir = path.join(dir, 'static');
  await fs.mkdir(staticDir);
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  await app.openProject(project);
  bridge = await startBridge(app, { staticDir });
});
after(async () => {
  await bridge?.close();
  await app?.shutdown();
  await fs.rm(dir, { recursive: true, force: true });
});

function get(p: string): Promise<{ status: number; body: string }> {
  const url = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: p, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1').on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the bridge media route serves nothing outside media/ and exports/, and no dotfile or outward symlink', async () => {
  for (const p of ESCAPES) {
    const r = await get(`/media/${p}?token=${bridge.token}`);
    assert.equal(r.status, 404, `${p} answered ${r.status}: ${r.body.slice(0, 80)}`);
    assert.ok(!leaks(r.body), `${p} leaked`);
  }
  for (const p of ALLOWED) assert.equal((await get(`/media/${p}?token=${bridge.token}`)).status, 200, p);
  const ranged = await get(`/media/media/clip.mp4?token=${bridge.token}`);
  assert.equal(ranged.body.length, 1000);
});

test('openProjectFile: the one shared check decodes, contains and opens regular files only', async () => {
  for (const p of ESCAPES) {
    const opened = await openProjectFile(project, `/${p}`);
    await opened?.handle.close();
    assert.equal(opened, null, p);
  }
  for (const p of ALLOWED) {
    const opened = await openProjectFile(project, `/${p}`);
    assert.ok(opened, p);
    await opened.handle.close();
  }
  assert.equal(await openProjectFile(null, '/media/clip.mp4'), null, 'no project, nothing served');
  assert.equal(await openProjectFile(project, `/media/${'a'.repeat(5000)}.mp4`), null);
  assert.equal(await openProjectFile(project, '/media/%E0%A4%A'), null, 'a malformed escape is refused, not thrown');
});

test('containedFile refuses a media/ folder that is itself a link out of the project', async () => {
  const other = path.join(dir, 'linked');
  await fs.mkdir(path.join(other, 'media'), { recursive: true });
  await fs.writeFile(path.join(dir, 'elsewhere.mp4'), OUTSIDE);
  await fs.symlink(dir, path.join(other, 'media', 'up'));
  const p2 = path.join(dir, 'p2');
  await fs.mkdir(p2);
  await fs.symlink(dir, path.join(p2, 'media'));
  assert.equal(await containedFile(p2, 'media/elsewhere.mp4', ['media']), null);
  assert.equal(await containedFile(other, 'media/up/elsewhere.mp4', ['media']), null);
  assert.equal(await containedFile(project, 'media/clip.mp4', ['exports']), null, 'only the areas asked for');
  assert.equal(await containedFile(project, 'media/clip.mp4', ['media']), await fs.realpath(path.join(project, 'media', 'clip.mp4')));
});

test('the app protocol (storyreel-media:// in the built main bundle) answers the same escapes with 404', async (t) => {
  const bundle = path.resolve('dist-electron/main.mjs');
  if (!existsSync(bundle)) {
    t.skip('dist-electron/main.mjs is not built (npm test builds it first)');
    return;
  }
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-main-'));
  // Main opens the example film's folder on first start; it is made here first, with the traps in it.
  const example = path.join(root, 'documents', 'Storyreel', 'Example film');
  await createProject(example, { title: 'Escapes' });
  await plantProject(example);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
      env: { ...process.env, STORYREEL_STUB_ROOT: root, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', STORYREEL_STUB_MEDIA_PROBES: JSON.stringify([...ESCAPES, ...ALLOWED]) },
      timeout: 60000,
    });
    const report = JSON.parse(stdout) as { mediaProbes: Array<{ path: string; status: number; body: string }> };
    assert.equal(report.mediaProbes.length, ESCAPES.length + ALLOWED.length);
    for (const probe of report.mediaProbes) {
      const allowed = ALLOWED.includes(probe.path);
      assert.equal(probe.status, allowed ? 200 : 404, `${probe.path} answered ${probe.status}`);
      if (!allowed) assert.ok(!leaks(probe.body), `${probe.path} leaked`);
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
