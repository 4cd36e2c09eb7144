// The command line on a real terminal, as a creator sees it: `storyreel render` of a paid film (against the
// /v1/videos emulator) under `script` (a pseudo-terminal, so the CLI takes its terminal path: the [y/N]
// question, one progress bar redrawn in place, the summary). The bytes it wrote are replayed into a screen
// (carriage returns, erase-line and cursor moves applied, as a terminal does) and drawn by Chromium into
// test-results/screenshots/cli-progress.png: the screen while scenes generate, and the screen at the end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { launchChromium, SHOTS } from '../helpers/e2e.ts';

const BIN = path.resolve('bin/storyreel.mjs');
const KEY = 'sk-emulator';
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-terminal-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, timing: { queuedMs: 300, runningMs: 1500, pollAfterMs: 100 } });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const COLS = 96;

/**
 * What a terminal COLS wide shows after these bytes: lines of text (CR, LF, wrapping at the right edge, and
 * the escapes the CLI and readline use: erase line/screen, cursor to column, cursor up/down; others dropped).
 */
export function screen(bytes: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string) => {
    if (col >= COLS) {
      row++;
      lines[row] ??= '';
      col = 0;
    }
    const line = lines[row]!.padEnd(col, ' ');
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  const chars = [...bytes];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      lines[row] ??= '';
    } else if (c === '\x1b' && chars[i + 1] === '[') {
      let j = i + 2;
      let arg = '';
      while (j < chars.length && /[0-9;?]/.test(chars[j]!)) arg += chars[j++];
      const op = chars[j];
      if (op === 'K') lines[row] = lines[row]!.slice(0, col);
      else if (op === 'J') {
        lines[row] = lines[row]!.slice(0, col);
        lines.length = row + 1;
      } else if (op === 'G') col = Math.max(0, Number(arg || 1) - 1);
      else if (op === 'A') row = Math.max(0, row - Number(arg || 1));
      else if (op === 'B') {
        row += Number(arg || 1);
        while (lines.length <= row) lines.push('');
      }
      i = j;
    } else if (c >= ' ') put(c);
  }
  return lines.map((l) => l.trimEnd());
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// `script` (util-linux; bsdutils on Debian, always installed there) gives the CLI a pseudo-terminal.
const noScript = spawnSync('script', ['--version']).status !== 0 ? 'needs `script` (util-linux) for a pseudo-terminal' : false;

test('on a terminal: the estimate is asked about, one bar shows the scenes, and a summary line ends the run', { timeout: 120_000, skip: noScript }, async () => {
  emu.resetStats();
  const dir = path.join(root, 'harbour');
  const prompts = ['Fog lifts off the harbour at dawn', 'A fishing boat leaves its mooring', 'Gulls follow the wake', 'The boat turns for home at dusk'];
  await createProject(dir, { title: 'Harbour', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: prompts.map((prompt) => ({ prompt, seconds: 4 })) });
  const shown = 'storyreel render harbour --out harbour.mp4';
  const command = `stty cols ${COLS} rows 24; node ${JSON.stringify(BIN)} render harbour --out harbour.mp4 --concurrency 2`;
  const env = { ...process.env, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: emu.url, STORYREEL_API_KEY: '', STORYREEL_TIMING: JSON.stringify({ pollMinMs: 100, pollMaxMs: 300 }) };
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let bytes = '';
  let answered = false;
  let during: string[] | null = null;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    bytes += d;
    if (!answered && bytes.includes('[y/N]')) {
      answered = true;
      child.stdin.write('y\n');
    }
    const now = screen(bytes);
    // The moment worth showing: some scenes ready, others still generating.
    if (!during && /[1-9] of 4 ready · \d+ generating/.test(now.at(-1) ?? '')) during = now;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const end = screen(bytes).filter((l, i, all) => l !== '' || i < all.length - 1);
  assert.equal(code, 0, end.join('\n'));
  assert.equal(emu.stats.creates, 4);
  assert.match(end.join('\n'), /^Paid work: 4 scene\(s\) with openai-videos\/sora-2 at 1280x720 — estimated \$1\.60 \(16 s × \$0\.10\/s\)\.\nSend it to the provider \(it bills you\)\? \[y\/N\] y$/m);
  assert.match(end.at(-1)!, /^4 of 4 scenes ready, 0:16 exported to .*harbour\.mp4$/);
  assert.equal(end.filter((l) => /\[[█░]+\] \d+ of 4 ready/.test(l)).length, 1, 'one bar, redrawn in place, not a line per update');
  assert.ok(during, `the bar showed scenes ready while others generated:\n${bytes}`);

  const frame = (title: string, lines: string[]) =>
    `<section><h2>${escape(title)}</h2><pre><span class="prompt">~/films $</span> ${escape(shown)}\n${lines.map(escape).join('\n')}</pre></section>`;
  const html = `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; padding: 24px; background: #e8e6e1; font: 14px system-ui, sans-serif; width: 860px; }
    section { margin-bottom: 20px; } h2 { font-size: 13px; font-weight: 600; color: #444; margin: 0 0 6px; }
    pre { margin: 0; padding: 14px 16px; background: #1d1f21; color: #d8d8d8; border-radius: 8px; font: 13px/1.45 'DejaVu Sans Mono', monospace; white-space: pre-wrap; }
    .prompt { color: #8fbf6f; }
  </style>${frame('While the scenes generate', during!)}${frame('At the end', end)}`;
  await fs.mkdir(SHOTS, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 908, height: 400 }, deviceScaleFactor: 1 });
    await page.setContent(html);
    await page.screenshot({ path: path.join(SHOTS, 'cli-progress.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
