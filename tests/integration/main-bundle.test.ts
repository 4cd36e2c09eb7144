// Loads the BUILT main bundle under Node with a stand-in for `electron`, and checks that every contract
// call has a handler, that payloads are validated, and that the window is hardened.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { channels } from '../../shared/contract.ts';

const run = promisify(execFile);
const bundle = path.resolve('dist-electron/main.mjs');
const KEY = 'sk-stub-7c1f0b2e9a4d55aa';
const HEADER = 'route-stub-4b1e9f0c77';

test('the built main bundle binds every contract call and hardens its window', async () => {
  assert.ok(existsSync(bundle), 'dist-electron/main.mjs is not built: run npm run build:electron first (npm test does)');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-main-'));
  try {
    const { stdout } = await run(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
      env: { ...process.env, STORYREEL_STUB_ROOT: root, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', OPENAI_BASE_URL: '', STORYREEL_STUB_KEY: KEY, STORYREEL_STUB_HEADER: HEADER, STORYREEL_STUB_CONFIRM: 'no,yes,no,yes' },
      timeout: 60000,
    });
    const report = JSON.parse(stdout);
    // A key saved from the window: sealed with safeStorage into electron-store's file, answered with a hint.
    assert.deepEqual(report.keySet, {
      ok: true,
      value: { outcome: 'stored', status: { provider: 'openai-videos', set: true, hint: `••••${KEY.slice(-4)}`, source: 'app', origin: null, authHeader: 'bearer', headers: [], query: [], target: null } },
    });
    // Main's own message box decides where the key may go and whether the cap may be loosened.
    const flow = report.confirmFlow;
    assert.equal(flow.baseUrlRefused.ok, false);
    assert.equal(flow.baseUrlRefused.error.code, 'NotConfirmed');
    assert.equal(flow.baseUrlAccepted.ok, true);
    assert.equal(flow.baseUrlAccepted.value.settings.openaiBaseUrl, 'https://gateway.example/v1');
    assert.equal(flow.keyAfter.origin, 'https://gateway.example', 'the key is bound to the confirmed address');
    assert.equal(flow.capSet.ok, true, 'setting a cap where there was none asks nothing');
    assert.equal(flow.capRaiseRefused.ok, false);
    assert.equal(flow.capRaiseRefused.error.code, 'NotConfirmed');
    assert.equal(flow.capClearAccepted.ok, true);
    assert.equal(flow.capClearAccepted.value.settings.budgetUsd, null);
    assert.deepEqual(
      flow.messageBoxes.map((m: { title: string }) => m.title),
      ['Send your API key to this address?', 'Send your API key to this address?', 'Raise the budget cap?', 'Remove the budget cap?'],
    );
    for (const m of flow.messageBoxes) {
      assert.equal(m.buttons[0], 'Cancel');
      assert.equal(m.defaultId, 0, 'Cancel is the default');
      assert.equal(m.cancelId, 0);
    }
    assert.match(flow.messageBoxes[0].message, /https:\/\/gateway\.example\?$/);
    assert.ok(!JSON.stringify(report.infoAfterKey).includes(KEY.slice(0, -4)), 'app.info carries no key');
    const stored = await fs.readFile(path.join(root, 'userData', 'keys.json'), 'utf8');
    assert.ok(!stored.includes(KEY), 'the key is not stored in plain text');
    assert.ok(!stored.includes(HEADER), 'gateway header values are sealed like the key');
    assert.deepEqual(report.confirmFlow.gateway.value, { ...report.confirmFlow.keyAfter, authHeader: 'api-key', headers: ['x-route'], query: ['api-version'] }, 'the window learns names only');
    assert.match(stored, /openai-videos/);
    assert.equal(statSync(path.join(root, 'userData', 'keys.json')).mode & 0o777, 0o600, 'the keys file is readable by its owner only');
    // Crash reports: written locally from the start, never uploaded (this build names no address), even
    // after the creator opts in.
    assert.equal(report.crashReporter.uploadToServer, false);
    assert.deepEqual(report.crashReporter.switches, [false], 'opting in cannot upload without an address');
    assert.deepEqual(report.crashOptIn, { uploadAddress: null, folder: path.join(root, 'crashDumps') });
    assert.deepEqual(report.channels, channels().map((c) => c.channel).sort(), 'one handler per contract call, no more');
    assert.equal(report.windows.length, 1);
    const prefs = report.windows[0];
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.ok(existsSync(prefs.preload), `preload exists at ${prefs.preload}`);
    assert.equal(report.renderer, 'storyreel-app://app/index.html', 'the window loads through the app scheme, not file://');
    assert.deepEqual(report.schemes, ['storyreel-app', 'storyreel-media']);
    assert.deepEqual(report.protocols, ['storyreel-app', 'storyreel-media']);
    assert.equal(prefs.devTools, true, 'DevTools stay available from a checkout');
    // The example project was created on first start and answers through the validated door.
    assert.equal(report.projectGet.ok, true);
    assert.equal(report.projectGet.value.project.title, 'The Last Lighthouse');
    assert.equal(report.projectGet.value.project.provider, 'preview');
    assert.deepEqual(report.projectGet.value.project.scenes.map((s: { seconds: number }) => s.seconds), [4, 8, 4]);
    assert.equal(report.foreignCall.ok, false, 'calls from a foreign frame are refused');
    assert.equal(report.invalidCall.ok, false);
    assert.equal(report.invalidCall.error.code, 'InvalidInput');
    assert.equal(report.openDenied, true, 'window.open is denied');
    assert.equal(report.navigationBlocked, true, 'navigation away is blocked');
    assert.equal(report.permission, false, 'permissions are denied by default');
    assert.match(report.csp, /default-src 'none'/);
    assert.match(report.csp, /script-src 'self'/);
    // The application menu: File/Edit/View/Help, New and Open by keyboard, the example on Open Recent, and
    // its commands reaching the window over the contract's menu event.
    const menu = report.menu;
    assert.ok(menu, 'main sets an application menu');
    assert.deepEqual(menu.top.filter((l: string) => ['File', 'Edit', 'View', 'Help'].includes(l)), ['File', 'Edit', 'View', 'Help']);
    const file = (label: string) => menu.file.find((i: { label: string | null }) => i.label === label);
    assert.equal(file('New Project…').accelerator, 'CmdOrCtrl+N');
    assert.equal(file('Open Project…').accelerator, 'CmdOrCtrl+O');
    assert.equal(file('Close Project').enabled, true, 'a project is open (the example)');
    assert.match(menu.recent[0].label, /^The Last Lighthouse — /, 'the example film is on Open Recent');
    assert.deepEqual(menu.sent, [['event.menu', { command: 'new' }], ['event.menu', { command: 'undo' }]]);
    assert.match(menu.clipboard, /^Storyreel diagnostics\nStoryreel 0\.0\.0-test/, 'Copy Diagnostics puts the diagnostics text on the clipboard');
    assert.ok(!menu.clipboard.includes(KEY.slice(0, -4)) && !menu.clipboard.includes(KEY.slice(-4)), 'diagnostics carry no key, not even its hint');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a second instance hands over to the first: no window, no handlers, no project opened', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-main2-'));
  try {
    const { stdout } = await run(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
      env: { ...process.env, STORYREEL_STUB_ROOT: root, STORYREEL_STUB_SECOND_INSTANCE: '1' },
      timeout: 60000,
    });
    const report = JSON.parse(stdout);
    assert.deepEqual(report.windows, []);
    assert.deepEqual(report.channels, []);
    assert.equal(existsSync(path.join(root, 'documents', 'Storyreel')), false, 'the example project was not created');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('the built preload exposes one object with every contract call, and failed calls keep their code', async () => {
  const preload = path.resolve('dist-electron/preload.cjs');
  assert.ok(existsSync(preload), 'dist-electron/preload.cjs is not built');
  const exposed: Record<string, unknown> = {};
  const invoked: Array<[string, unknown]> = [];
  const stub = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        invoked.push([channel, payload]);
        return channel === 'jobs.cancel' ? { ok: false, error: { code: 'NotFound', message: 'That job no longer exists.' } } : { ok: true, value: { echoed: channel } };
      },
      on: () => undefined,
      removeListener: () => undefined,
    },
  };
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  Module._load = (request: string, ...rest: unknown[]) => (request === 'electron' ? stub : original(request, ...rest));
  try {
    require(preload);
  } finally {
    Module._load = original;
  }
  assert.deepEqual(Object.keys(exposed), ['storyreel'], 'exactly one object is exposed');
  const api = exposed.storyreel as Record<string, Record<string, (input: unknown) => Promise<unknown>>> & { mediaUrl: (rel: string) => string };
  for (const { group, method } of channels()) assert.equal(typeof api[group]?.[method], 'function', `${group}.${method}`);
  const groups = Object.keys(api).filter((k) => typeof api[k] === 'object');
  assert.deepEqual(groups.sort(), [...new Set(channels().map((c) => c.group))].sort(), 'nothing beyond the contract');
  assert.deepEqual(await api.scenes!.add!({ afterId: null }), { echoed: 'scenes.add' });
  assert.deepEqual(invoked[0], ['scenes.add', { afterId: null }]);
  await assert.rejects(api.jobs!.cancel!({ jobId: 'x' }), (err: unknown) => {
    assert.ok(!(err instanceof Error), 'a plain object, which contextBridge clones whole');
    assert.equal((err as { code: string }).code, 'NotFound');
    return true;
  });
  assert.equal(api.mediaUrl('media/a b.mp4'), 'storyreel-media://project/media/a%20b.mp4');
  assert.ok(statSync(preload).size < 20_000, `the sandboxed preload stays small (${statSync(preload).size} bytes)`);
});

for (const answer of ['no', 'yes'] as const) {
  test(`without a keyring (basic_text), keys.set answers "needs consent" with no message box; the window's ${answer === 'yes' ? '"Store anyway" stores it' : '"Keep for this session only" writes nothing'}`, async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-main-'));
    try {
      const { stdout } = await run(process.execPath, ['tests/fixtures/electron-stub/drive-main.mjs', bundle], {
        env: { ...process.env, STORYREEL_STUB_ROOT: root, OPENAI_API_KEY: '', STORYREEL_API_KEY: '', OPENAI_BASE_URL: '', STORYREEL_STUB_KEY: KEY, STORYREEL_STUB_BACKEND: 'basic_text', STORYREEL_STUB_KEY_STORE: answer, STORYREEL_STUB_CONFIRM: 'no' },
        timeout: 60000,
      });
      const report = JSON.parse(stdout);
      assert.equal(report.keySet.ok, true, JSON.stringify(report.keySet));
      assert.equal(report.keySet.value.outcome, 'needs-consent', 'the window is asked to ask the creator');
      assert.equal(report.keySet.value.reason, 'no-keyring');
      assert.equal(report.keySet.value.status.source, 'session', 'until the answer, the key is kept for this session only');
      assert.ok(!stdout.includes(KEY.slice(0, -4)), 'no reply carries the key');
      assert.equal(report.infoAfterKey.value.keys[0].set, true, 'the key works for this session');
      assert.ok(!report.keysFileBeforeAnswer.includes('openai-videos'), `nothing written before the answer: ${report.keysFileBeforeAnswer}`);
      assert.ok(!report.confirmFlow.messageBoxes.some((m: { title: string }) => /keyring/i.test(m.title)), 'no native message box about the keyring');
      assert.equal(report.keyStorage.ok, true, JSON.stringify(report.keyStorage));
      if (answer === 'no') {
        assert.equal(report.keyStorage.value.source, 'session', 'kept for this session only');
        assert.ok(!report.keysFileAfterAnswer.includes('openai-videos'), `nothing was written for the key: ${report.keysFileAfterAnswer}`);
      } else {
        assert.equal(report.keyStorage.value.source, 'app', 'stored, as the creator chose');
        assert.match(report.keysFileAfterAnswer, /openai-videos/);
        assert.ok(!report.keysFileAfterAnswer.includes(KEY), 'sealed (with basic_text), not plain');
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
}
