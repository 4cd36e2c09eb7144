// The pure parts of providers/registry.ts: base URL checks and joins, header and query syntax, where an
// environment key is bound, and a gateway model's own profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost, modelProfile } from '../../shared/capabilities.ts';
import { AppError } from '../../shared/errors.ts';
import { blankProject } from '../../electron/services/projects/store.ts';
import { EnvSecrets, isLoopbackHost, parseBaseUrl, parseHeaderLine, parseQueryPair } from '../../electron/services/providers/registry.ts';

const refused = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'InvalidInput' && message.test(e.message));

test('a base URL is split into the path /videos is joined to and its query', () => {
  assert.deepEqual(parseBaseUrl('https://gw.example/openai/v1/?api-version=2025-04-01'), { base: 'https://gw.example/openai/v1', origin: 'https://gw.example', query: { 'api-version': '2025-04-01' } });
  assert.deepEqual(parseBaseUrl(' http://127.0.0.1:4010/v1 '), { base: 'http://127.0.0.1:4010/v1', origin: 'http://127.0.0.1:4010', query: {} });
  assert.equal(parseBaseUrl('https://GW.example:443/v1').origin, 'https://gw.example', 'origins are normalised');
  refused(() => parseBaseUrl('http://gw.example/v1'), /only for this computer/);
  refused(() => parseBaseUrl('file:///etc/passwd'), /https:\/\//);
  refused(() => parseBaseUrl('javascript:alert(1)'), /https:\/\//);
  refused(() => parseBaseUrl('https://gw.example/v1#x'), /fragment/);
  refused(() => parseBaseUrl('not a url'), /not a web address/);
});

test('plain http is for loopback only', () => {
  for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.3.4', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['127.0.0.1.nip.io', '128.0.0.1', '10.0.0.1', '[::2]', 'localhost.example', '0.0.0.0']) assert.equal(isLoopbackHost(h), false, h);
  assert.equal(parseBaseUrl('http://127.1:9/v1').origin, 'http://127.0.0.1:9', 'short IPv4 forms are normalised before the check');
});

test('--header and --query syntax; reserved headers refused', () => {
  assert.deepEqual(parseHeaderLine('X-Route:  team-a '), ['x-route', 'team-a']);
  assert.deepEqual(parseHeaderLine('x-token: a:b:c'), ['x-token', 'a:b:c']);
  refused(() => parseHeaderLine('Authorization: Bearer x'), /How the key is sent/);
  refused(() => parseHeaderLine('Host: evil.example'), /sets the host header itself/);
  refused(() => parseHeaderLine('bad name: x'), /not a header name/);
  refused(() => parseHeaderLine('x-a: one\r\nx-b: two'), /one line/);
  assert.deepEqual(parseQueryPair('api-version=2025-04-01'), ['api-version', '2025-04-01']);
  refused(() => parseQueryPair('=x'), /name=value/);
});

test('an environment key is bound to the base URL given with it, else to the one the services start with', () => {
  const withBase = new EnvSecrets({ OPENAI_API_KEY: 'sk-env-12345678', OPENAI_BASE_URL: 'https://gw.example/v1' });
  assert.equal(withBase.origin('openai-videos'), 'https://gw.example');
  withBase.adoptStartOrigin('openai-videos', 'https://other.example');
  assert.equal(withBase.origin('openai-videos'), 'https://gw.example', 'an explicit address is not replaced');
  const flag = new EnvSecrets({ OPENAI_API_KEY: 'sk-env-12345678', OPENAI_BASE_URL: 'https://gw.example/v1' }, {}, { baseUrl: 'http://localhost:4010/v1' });
  assert.equal(flag.origin('openai-videos'), 'http://localhost:4010');
  const bare = new EnvSecrets({ OPENAI_API_KEY: 'sk-env-12345678' });
  assert.equal(bare.origin('openai-videos'), null);
  bare.adoptStartOrigin('openai-videos', 'https://start.example');
  assert.equal(bare.origin('openai-videos'), 'https://start.example');
  const refusedBase = new EnvSecrets({ OPENAI_API_KEY: 'sk-env-12345678', OPENAI_BASE_URL: 'http://gw.example/v1' });
  assert.equal(refusedBase.origin('openai-videos'), null, 'a base URL Storyreel refuses binds nothing');
});

test('a described gateway model has its own price, durations and sizes; others stay like the fallback', () => {
  const custom = [{ provider: 'openai-videos', id: 'veo-gw', pricePerSecond: 0.4, durations: [10, 5, 5], sizes: ['1920x1080'] }];
  const p = modelProfile('openai-videos', 'veo-gw', custom)!;
  assert.deepEqual([p.id, p.durations, p.sizes, p.pricePerSecond], ['veo-gw', [5, 10], ['1920x1080'], { '1920x1080': 0.4 }]);
  assert.equal(modelProfile('openai-videos', 'other-gw', custom)?.id, 'sora-2');
  assert.equal(modelProfile('openai-videos', 'sora-2', [{ ...custom[0]!, id: 'sora-2' }])?.pricePerSecond['1280x720'], 0.1, 'built-in models keep their profile');
  const project = blankProject({ provider: 'openai-videos', model: 'veo-gw', size: '1920x1080', scenes: [{ prompt: 'x', seconds: 10 }] });
  const ids = project.scenes.map((sc) => sc.id);
  assert.equal(estimateCost(project, ids, 1, custom).totalUsd, 4);
  assert.equal(estimateCost({ ...project, size: '1280x720' }, ids, 1).totalUsd, 1, 'without the description: priced like sora-2');
});
