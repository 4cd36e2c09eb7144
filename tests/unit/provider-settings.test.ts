// Each provider's own settings beside its key (base URL, region) and the command line's --region: checked,
// merged, and followed to the host the request goes to (undici's MockAgent stands in for the network: nothing
// leaves this computer, and a request to any other host fails the test).
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import type { Settings } from '../../shared/contract.ts';
import { AppError } from '../../shared/errors.ts';
import { MemorySettings } from '../../electron/services/settings-store.ts';
import { checkProviderSettings, mergeProviderSettings, regionSettings } from '../../electron/services/providers/provider-settings.ts';
import { EnvSecrets, parseBaseUrl, ProviderRegistry } from '../../electron/services/providers/registry.ts';
import type { Provider } from '../../electron/services/providers/types.ts';

const CN = 'https://ark.cn-beijing.volces.com';
const BYTEPLUS = 'https://ark.ap-southeast.bytepluses.com';
const registry = (providers: Settings['providers'], env: NodeJS.ProcessEnv = {}) =>
  new ProviderRegistry({ settings: new MemorySettings({ providers }), secrets: new EnvSecrets({ ARK_API_KEY: 'ark-key-0123456789', ...env }), env, log: () => undefined });

test('--region cn picks Volcengine Ark; an unknown region is refused naming the ones there are', () => {
  assert.deepEqual(regionSettings('cn'), { ark: { region: 'cn' } });
  assert.throws(() => regionSettings('mars'), (e: unknown) => e instanceof AppError && /--region mars: no provider has that region\. ark: byteplus .*, cn /.test(e.message));
});

test('the base URL in force: the setting, else *_BASE_URL, else the region\'s host; the environment key is bound to it', () => {
  assert.equal(registry({}).baseUrl('ark').base, `${BYTEPLUS}/api/v3`);
  const cn = registry(regionSettings('cn'));
  assert.equal(cn.baseUrl('ark').base, `${CN}/api/v3`);
  assert.equal(cn.status('ark').target, CN);
  assert.equal(cn.status('ark').origin, CN, 'a key from the environment goes to the region the run asked for');
  assert.equal(registry(regionSettings('cn'), { ARK_BASE_URL: 'http://127.0.0.1:4013/api/v3' }).baseUrl('ark').origin, 'http://127.0.0.1:4013', 'an explicit base URL wins over the region');
  assert.equal(registry({ ark: { region: 'cn', baseUrl: 'https://gw.example/ark' } }, { ARK_BASE_URL: 'http://127.0.0.1:4013/api/v3' }).baseUrl('ark').base, 'https://gw.example/ark', 'the window\'s setting wins over the environment');
});

test('a create for region cn goes to ark.cn-beijing.volces.com, and nowhere else', { timeout: 20000 }, async () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: string[] = [];
  agent
    .get(CN)
    .intercept({ path: '/api/v3/contents/generations/tasks', method: 'POST' })
    .reply(200, (opts) => {
      seen.push(`${CN}${opts.path} ${String((opts.headers as Record<string, string>).authorization ?? '')}`);
      return { id: 'cgt-cn-1' };
    });
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  try {
    const cache = new Map<string, Provider>();
    const ark = registry(regionSettings('cn')).provider('ark', os.tmpdir(), (k, make) => cache.get(k) ?? cache.set(k, make()).get(k)!);
    const made = await ark.create({ jobId: 'j1', model: 'doubao-seedance-2-0-260128', prompt: 'A lantern festival', seconds: 5, size: '1280x720', referenceImage: null, seed: 7, sentAt: Date.now() }, AbortSignal.timeout(10000));
    assert.equal(made.providerJobId, 'cgt-cn-1');
    assert.deepEqual(seen, [`${CN}/api/v3/contents/generations/tasks Bearer ark-key-0123456789`]);
    agent.assertNoPendingInterceptors();
  } finally {
    setGlobalDispatcher(previous);
    await agent.close();
  }
});

test('provider settings: checked like the gateway base URL, regions from the profile, merged field by field', () => {
  const refused = (patch: Parameters<typeof checkProviderSettings>[0], message: RegExp) =>
    assert.throws(() => checkProviderSettings(patch, parseBaseUrl), (e: unknown) => e instanceof AppError && e.code === 'InvalidInput' && message.test(e.message));
  refused({ fal: { baseUrl: 'http://gw.example/fal' } }, /only for this computer/);
  refused({ ark: { region: 'eu' } }, /no region "eu"\. Choose byteplus or cn/);
  refused({ fal: { region: 'cn' } }, /has no regions/);
  refused({ 'openai-videos': { baseUrl: 'https://gw.example/v1' } }, /its own setting/);
  refused({ nope: {} }, /not a provider with settings/);
  checkProviderSettings({ fal: { baseUrl: 'http://127.0.0.1:4011' }, ark: { region: 'cn', baseUrl: null } }, parseBaseUrl);
  const merged = mergeProviderSettings({ ark: { region: 'cn' }, fal: { baseUrl: 'https://a.example' } }, { ark: { baseUrl: ' https://b.example/api/v3 ' }, fal: { baseUrl: null } });
  assert.deepEqual(merged, { ark: { region: 'cn', baseUrl: 'https://b.example/api/v3' } }, 'null clears; an empty entry goes');
});
