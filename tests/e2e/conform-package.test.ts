// A conform package looked at as an editor would before opening it: the folder tree with sizes, the EDL
// and the captions, rendered in Chromium from the package on disk (no app involved) to
// test-results/screenshots/conform-package.png.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Browser } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { writeConformPackage } from '../../electron/services/export/interchange/package.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import { conformFixture } from '../helpers/conform-fixture.ts';
import { launchChromium, openWindow, SHOTS, type OpenedWindow } from '../helpers/e2e.ts';

let browser: Browser | undefined;
let root: string | undefined;
let app: Storyreel | undefined;
let win: OpenedWindow | undefined;
after(async () => {
  await browser?.close();
  await win?.close();
  await app?.shutdown();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
// Drawn icons: the test machine's fonts have no emoji.
const FOLDER = '<svg width="14" height="12" viewBox="0 0 14 12"><path d="M0 1.5A1.5 1.5 0 0 1 1.5 0h3.6l1.4 1.6h6A1.5 1.5 0 0 1 14 3.1v7.4a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 0 10.5z" fill="#6ea8fe"/></svg>';
const FILE = (c: string) => `<svg width="11" height="13" viewBox="0 0 11 13"><path d="M0 1a1 1 0 0 1 1-1h6l4 4v8a1 1 0 0 1-1 1H1a1 1 0 0 1-1-1z" fill="${c}"/></svg>`;
const colour = (name: string) => (name.endsWith('.mp4') ? '#f59f58' : name.endsWith('.txt') ? '#b8bcc6' : name.match(/\.(srt|vtt)$/) ? '#8fd18f' : '#c9a0ff');
const size = (bytes: number) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`);

test('a conform package folder, as an editor sees it: the files, the EDL and the captions', async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-conform-shot-'));
  const projectDir = path.join(root, 'harbour');
  await conformFixture(projectDir);
  const project = await readProject(projectDir);
  const out = path.join(root, 'Harbour at dawn - conform');
  const result = await writeConformPackage(projectDir, project, buildTimeline(project), out, { fps: 30 });

  const rows: string[] = [];
  for (const rel of ['media/', ...result.files].sort((a, b) => (a.startsWith('media') === b.startsWith('media') ? a.localeCompare(b) : a.startsWith('media') ? -1 : 1))) {
    const isDir = rel.endsWith('/');
    const depth = rel.split('/').length - (isDir ? 2 : 1);
    const bytes = isDir ? null : (await fs.stat(path.join(out, rel))).size;
    rows.push(`<tr data-testid="entry"><td style="padding-left:${12 + depth * 22}px">${isDir ? FOLDER : FILE(colour(rel))} ${esc(path.basename(rel))}${isDir ? '/' : ''}</td><td class="num">${bytes === null ? '' : size(bytes)}</td></tr>`);
  }
  const edl = await fs.readFile(path.join(out, 'film.edl'), 'utf8');
  const srt = await fs.readFile(path.join(out, 'film.srt'), 'utf8');
  const spine = (await fs.readFile(path.join(out, 'film.fcpxml'), 'utf8'))
    .split('\n')
    .filter((l) => /<(asset-clip|transition|filter-)/.test(l))
    .map((l) => l.trim())
    .join('\n');
  const { cut } = result;
  const summary = `${cut.clips.length} scenes · ${cut.frames} frames at ${cut.rate.fps} fps · ${cut.width}×${cut.height} · ${cut.transitions.length} crossfade`;
  const html = `<!doctype html><meta charset="utf-8"><title>${esc(path.basename(out))}</title>
<style>
  body { margin: 0; font: 13px/1.45 system-ui, sans-serif; background: #1c1d21; color: #e6e6e6; display: grid; grid-template-columns: 360px 1fr; height: 100vh; }
  aside { background: #24262b; border-right: 1px solid #34363c; padding: 14px 0; }
  h1 { font-size: 13px; margin: 0 14px 10px; color: #9aa0aa; font-weight: 600; }
  table { width: 100%; border-collapse: collapse; }
  td { padding: 5px 12px; white-space: nowrap; } td svg { vertical-align: -1px; margin-right: 6px; }
  p.summary { margin: 0 14px 12px; color: #c8ccd4; } td.num { text-align: right; color: #9aa0aa; }
  tr:nth-child(odd) td { background: #282a30; }
  main { padding: 14px 20px; overflow: hidden; }
  h2 { font-size: 13px; margin: 0 0 6px; color: #9aa0aa; font-weight: 600; }
  pre { font: 12px/1.5 ui-monospace, 'DejaVu Sans Mono', monospace; background: #141518; border: 1px solid #34363c; border-radius: 6px; padding: 10px 12px; margin: 0 0 16px; white-space: pre; }
</style>
<aside><h1>${esc(path.basename(out))}</h1><p class="summary">${esc(summary)}</p><table>${rows.join('')}</table></aside>
<main><h2>film.edl</h2><pre data-testid="edl">${esc(edl)}</pre><h2>film.fcpxml — the spine</h2><pre data-testid="spine">${esc(spine)}</pre><h2>film.srt</h2><pre data-testid="srt">${esc(srt)}</pre></main>`;
  const page = path.join(root, 'listing.html');
  await fs.writeFile(page, html);

  browser = await launchChromium();
  const tab = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await tab.goto(`file://${page}`);
  assert.equal(await tab.getByTestId('entry').count(), 1 + result.files.length);
  await tab.getByText('002  AX       V     D 015').waitFor();
  await fs.mkdir(SHOTS, { recursive: true });
  await tab.screenshot({ path: path.join(SHOTS, 'conform-package.png') });
});

test('in the app: "Conform package for editors…" writes the package under exports/ and says where', async () => {
  root ??= await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-conform-shot-'));
  const projectDir = path.join(root, 'in-app');
  await conformFixture(projectDir);
  const revealed: string[] = [];
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'e2e',
    dialogs: { pickFolder: async () => null, pickImage: async () => null, reveal: async (file) => (revealed.push(file), true) },
  });
  await app.openProject(projectDir);
  win = await openWindow(app, { viewport: { width: 1280, height: 800 } });
  const page = win.page;
  await page.getByTestId('conform-package').click();
  const done = page.getByTestId('conform-done');
  await done.waitFor();
  const folder = (await fs.readdir(path.join(projectDir, 'exports'))).find((n) => n.startsWith('harbour-at-dawn-package-'));
  assert.ok(folder, 'the package folder is under exports/');
  assert.match((await done.textContent()) ?? '', /Package written: 3 scenes, 3 takes.*film\.otio · film\.fcpxml · film\.xml · film\.edl · film\.srt · film\.vtt · README\.txt/);
  assert.ok(((await done.textContent()) ?? '').includes(folder));
  assert.deepEqual(revealed, [path.join(projectDir, 'exports', folder, 'README.txt')]);
  await fs.mkdir(SHOTS, { recursive: true });
  await page.getByRole('region', { name: 'Export', exact: true }).screenshot({ path: path.join(SHOTS, 'conform-package-button.png') });
});
