// The README, followed literally: every fenced shell block marked `<!-- readme-test -->` is run verbatim, in
// order, with bash, in a clean copy of this checkout (the files git tracks or would add: no build output,
// no leftovers), as a newcomer would after the README's own `npm install` (the copy links this checkout's
// node_modules in its place). `npm link` goes to a private prefix whose bin/ is on PATH, so `storyreel`
// works as the README says and nothing global is touched. When the README drifts from the code (a renamed
// option, a missing step, a wrong path), a block fails and this test names it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { probeStreams } from '../helpers/probe.ts';

const exec = promisify(execFile);
const MARK = '<!-- readme-test -->';
let root: string;

/** The marked blocks: the fenced block right after each marker line, with the line it starts on. */
export function markedBlocks(readme: string): Array<{ line: number; code: string }> {
  const lines = readme.split('\n');
  const blocks: Array<{ line: number; code: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== MARK) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    assert.match(lines[j] ?? '', /^```(sh|bash)\s*$/, `README.md:${i + 1}: ${MARK} must be followed by a \`\`\`sh block`);
    const end = lines.findIndex((l, k) => k > j && l.startsWith('```'));
    assert.ok(end > j, `README.md:${j + 1}: the block never closes`);
    blocks.push({ line: j + 1, code: lines.slice(j + 1, end).join('\n') + '\n' });
  }
  return blocks;
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-readme-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('the marker finds each fenced block, and only marked ones', () => {
  const md = ['text', MARK, '```sh', 'echo one', '```', '```sh', 'echo unmarked', '```', MARK, '', '```sh', 'a', 'b', '```'].join('\n');
  assert.deepEqual(markedBlocks(md), [
    { line: 3, code: 'echo one\n' },
    { line: 11, code: 'a\nb\n' },
  ]);
});

test("the README's command-line examples run as written on a clean copy of the checkout", { timeout: 240_000 }, async () => {
  const readme = await fs.readFile('README.md', 'utf8');
  const blocks = markedBlocks(readme);
  assert.ok(blocks.length >= 2, `README.md has ${blocks.length} blocks marked ${MARK}; the set-up and first-film examples should be`);
  assert.ok(blocks.some((b) => /storyreel render/.test(b.code)), 'a marked block renders a film');

  // The clean copy: what `git clone` of this working tree would give (tracked files and new, unignored ones).
  const repo = path.join(root, 'storyreel');
  const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 64 * 1024 * 1024 });
  for (const rel of stdout.split('\0').filter((f) => f && f !== 'node_modules')) {
    const from = path.resolve(rel);
    const stat = await fs.lstat(from).catch(() => null);
    if (!stat || stat.isDirectory()) continue; // deleted in the working tree, or a submodule
    await fs.mkdir(path.join(repo, path.dirname(rel)), { recursive: true });
    await fs.cp(from, path.join(repo, rel), { verbatimSymlinks: true });
  }
  await fs.symlink(path.resolve('node_modules'), path.join(repo, 'node_modules'), 'dir');
  const prefix = path.join(root, 'npm-prefix');
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_prefix: prefix, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`, NODE_OPTIONS: '' };
  for (const k of ['OPENAI_API_KEY', 'STORYREEL_API_KEY', 'OPENAI_BASE_URL', 'STORYREEL_TEST']) delete env[k];

  let output = '';
  for (const block of blocks) {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', block.code], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 200_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
    assert.equal(result.code, 0, `README.md:${block.line} failed:\n${block.code}\n--- output ---\n${result.out}`);
    output += result.out;
  }
  // What the first-film example says it makes.
  const film = path.join(repo, 'my-film.mp4');
  const info = await probeStreams(film);
  assert.ok(Math.abs(info.duration - 5) <= 0.1, `my-film.mp4 lasts ${info.duration} s`);
  // The summary line the README quotes is the one the CLI printed.
  const quoted = /It ends with `(\d+ of \d+ scenes ready, \d+:\d\d exported to )…\/(my-film\.mp4)`/.exec(readme);
  assert.ok(quoted, 'the README quotes the summary line of the first film');
  assert.ok(output.includes(`${quoted[1]}${film}`), `the CLI printed "${quoted[1]}${film}":\n${output}`);
});
