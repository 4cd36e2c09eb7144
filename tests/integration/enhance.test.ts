// Enhance against the chat-completions emulator (issue 10, item 9): off without a key; the key goes only to
// the address confirmed in main's dialog; what is sent; each failure in words; nothing changes in the project.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { BasicTextSecrets } from '../bridge/keyring.ts';
import { startChatEmulator, type ChatEmulator } from '../emulators/chat/server.ts';
import { rejectsWith } from '../helpers/assert.ts';

const KEY = `sk-or-SENTINEL-${randomBytes(12).toString('hex')}`;
let root: string;
let emu: ChatEmulator;
let other: ChatEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-enhance-'));
  emu = await startChatEmulator({ apiKey: KEY });
  other = await startChatEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await other?.close();
  await fs.rm(root, { recursive: true, force: true });
});

test('Enhance: off without a key, on once the address is confirmed; sends the prompt with a Bearer key and leaves the project alone', { timeout: 60000 }, async () => {
  const dir = path.join(root, 'p');
  await createProject(dir, { style: 'watercolour', scenes: [{ prompt: 'a nice boat leaves the harbour', seconds: 8 }] });
  const confirm = new ConfirmStub(false);
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: createLog({ file: path.join(dir, 'log.txt'), secrets: () => [KEY] }), owner: 't', dialogs: { ...confirm.dialogs() } });
  await app.openProject(dir);
  const h = app.handlers().enhance;
  const sceneId = app.current().store.get().scenes[0]!.id;

  const off = await h.status({});
  assert.deepEqual([off.ready, off.keySet, off.why], [false, false, 'Set an API key for Enhance.']);
  await rejectsWith(h.run({ sceneId }), 'MissingKey', /Enhance is off: no API key/);

  await h.configure({ baseUrl: emu.url, model: 'openai/gpt-4o-mini' });
  confirm.answer(true);
  const on = await h.setKey({ key: KEY });
  assert.equal(confirm.asked.length, 1);
  assert.match(confirm.asked[0]!.message, new RegExp(`Send your Enhance API key \\(••••${KEY.slice(-4)}\\) to ${emu.url.replace('/v1', '').replace(/\./g, '\\.')}\\?`));
  assert.deepEqual([on.ready, on.hint, on.origin], [true, `••••${KEY.slice(-4)}`, new URL(emu.url).origin]);
  assert.ok(!JSON.stringify(on).includes(KEY), 'the key never comes back');

  const before = app.current().store.version;
  const r = await h.run({ sceneId });
  assert.equal(r.before, 'a nice boat leaves the harbour');
  assert.equal(r.after, 'Medium close-up, slow dolly in: a nice boat leaves the harbour, warm golden backlight at dusk.');
  assert.equal(app.current().store.version, before, 'nothing changes until the creator accepts');
  const sent = emu.requests.at(-1)!;
  assert.equal(sent.path, '/v1/chat/completions');
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
  assert.equal(sent.invalid, undefined);
  const body = sent.body as { model: string; messages: Array<{ role: string; content: string }> };
  assert.equal(body.model, 'openai/gpt-4o-mini');
  assert.deepEqual(body.messages.map((m) => m.role), ['system', 'user']);
  assert.match(body.messages[1]!.content, /The shot lasts 8 seconds\.\nThe project style \(added separately, do not repeat it\): watercolour\n\nPrompt to rewrite:\na nice boat leaves the harbour$/);

  // A new address: the key does not follow it until main's dialog says yes.
  const n = other.requests.length;
  const moved = await h.configure({ baseUrl: other.url });
  assert.equal(moved.ready, false);
  assert.match(moved.why!, /Confirm that your key may go to http:\/\/127\.0\.0\.1:\d+/);
  await rejectsWith(h.run({ sceneId }), 'NotConfirmed', /Enhance is off\. Confirm/);
  await rejectsWith(h.confirmAddress({}), 'NotConfirmed', /was not sent/);
  assert.equal(other.requests.length, n, 'nothing reached the new address');
  await assert.rejects(h.configure({ baseUrl: 'http://example.com/v1' }), /Plain http:\/\/ is allowed only for this computer/);
  await h.configure({ baseUrl: emu.url });
  await app.shutdown();
});

test('Enhance failures in words: rate limit, server error, a reset, an answer that is not a completion, a refused key', { timeout: 60000 }, async () => {
  const dir = path.join(root, 'faults');
  await createProject(dir, { scenes: [{ prompt: 'a lamp', seconds: 4 }] });
  const confirm = new ConfirmStub(true);
  const secrets = new EnvSecrets({});
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets, log: createLog({ file: path.join(dir, 'log.txt') }), owner: 't', dialogs: { ...confirm.dialogs() } });
  await app.openProject(dir);
  const h = app.handlers().enhance;
  const sceneId = app.current().store.get().scenes[0]!.id;
  await h.configure({ baseUrl: emu.url, model: 'm' });
  await h.setKey({ key: KEY });
  const cases: Array<[Parameters<ChatEmulator['setFaults']>[0], string, RegExp]> = [
    [{ status: { code: 429, count: 1, retryAfterS: 7 } }, 'RateLimited', /rate-limiting Enhance; try again in 7 s/],
    [{ status: { code: 503, count: 1 } }, 'ProviderUnavailable', /had a problem \(HTTP 503\)/],
    [{ reset: { count: 1 } }, 'ProviderUnreachable', /could not be reached/],
    [{ garbage: { count: 1 } }, 'ProviderRejected', /not with a chat completion/],
  ];
  for (const [faults, code, message] of cases) {
    emu.setFaults(faults);
    await rejectsWith(h.run({ sceneId }), code, message);
  }
  emu.setFaults({});
  assert.ok((await h.run({ sceneId })).after.includes('a lamp'), 'works again after the faults');
  await h.setKey({ key: 'sk-wrong-key-123' });
  await rejectsWith(h.run({ sceneId }), 'AuthFailed', /refused the Enhance key \(HTTP 401\)/);
  await h.clearKey({});
  assert.equal((await h.status({})).ready, false);
  await app.shutdown();
});

test('without a keyring (basic_text), the Enhance key is kept for this session only until Store anyway (enhance.storeKey)', async () => {
  const dir = path.join(root, 'keyring');
  await createProject(dir, { title: 'Keyring', scenes: [{ prompt: 'a lamp', seconds: 4 }] });
  const secrets = new BasicTextSecrets({});
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets, log: () => undefined, owner: 't' });
  await app.openProject(dir);
  const h = app.handlers().enhance;
  assert.equal((await h.setKey({ key: KEY })).sessionOnly, true, 'the window is told, and asks the creator');
  assert.equal(secrets.source('enhance'), 'session');
  const stored = await h.storeKey({});
  assert.equal(stored.sessionOnly, false);
  assert.equal(secrets.source('enhance'), 'app');
  await rejectsWith(h.storeKey({}), 'InvalidInput', /no Enhance key kept for this session only/);
  assert.ok(!JSON.stringify(stored).includes(KEY.slice(0, -4)), 'no reply carries the key');
  await app.shutdown();
});
