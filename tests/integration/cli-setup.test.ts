// The README's set-up steps when something is in the way. npm start (scripts/start.mjs) when Electron's
// program was never downloaded: one message that says what to run, before any build, instead of a stack
// trace from inside the electron package. npm run emulator on a port already taken: one line, not a trace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

let root: string;
const start = (electronDir: string, args: string[] = []) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['scripts/start.mjs', ...args], { env: { ...process.env, STORYREEL_ELECTRON_DIR: electronDir, ELECTRON_OVERRIDE_DIST_PATH: '' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-start-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('no Electron binary: npm start says how to fetch it and that the CLI, tests and bridge work without it (exit 1, nothing built)', async () => {
  const dir = path.join(root, 'electron-without-dist');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'package.json'), '{"name":"electron"}');
  const r = await start(dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Electron's program was not downloaded/);
  assert.match(r.stderr, /node node_modules\/electron\/install\.js/);
  assert.match(r.stderr, /node bin\/storyreel\.mjs --help/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+|failed to install correctly/, 'no stack trace');
  assert.equal(r.stdout, '', 'nothing was built');
});

test('with the binary in place, --check names it (exit 0)', async () => {
  const dir = path.join(root, 'electron');
  await fs.mkdir(path.join(dir, 'dist'), { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), '{"name":"electron"}');
  await fs.writeFile(path.join(dir, 'path.txt'), 'electron');
  await fs.writeFile(path.join(dir, 'dist', 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  const r = await start(dir, ['--check']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Electron: ${path.join(dir, 'dist', 'electron')}\n`);
});

test('npm run emulator on a port already in use: one line naming the port and the command to try (exit 1, no EADDRINUSE trace)', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', 'tests/emulators/launch.ts', '--port', String(port), '--quiet'], { timeout: 60_000 }, (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr })),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use .*\\nChoose another: npm run emulator -- --port ${port + 100}\\n$`));
  } finally {
    taken.close();
  }
});
