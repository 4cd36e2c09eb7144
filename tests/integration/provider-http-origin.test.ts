// The key, a gateway's extra headers and its default query go only to the base URL's own origin: a URL on
// another host that a provider hands back (a CDN link, a polling URL) never carries them by default.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ProviderHttp } from '../../electron/services/net/provider-http.ts';

async function listener() {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('the key and gateway settings reach the base origin only, unless a call asks for them', async () => {
  const base = await listener();
  const other = await listener();
  try {
    const h = new ProviderHttp({ name: 't', baseUrl: `${base.url}/v1`, auth: { authorization: 'Bearer sk-origin-test-123456' }, secrets: ['sk-origin-test-123456'], extraHeaders: { 'x-route': 'secret-route' }, defaultQuery: { 'api-version': '1' } });
    await h.json('GET', '/videos', { op: 'status' });
    await h.json('GET', `${other.url}/cdn/file`, { op: 'status' });
    await h.json('GET', `${other.url}/keyed/file`, { op: 'status', withAuth: true });
    assert.equal(base.seen[0]!.headers.authorization, 'Bearer sk-origin-test-123456');
    assert.equal(base.seen[0]!.headers['x-route'], 'secret-route');
    assert.equal(base.seen[0]!.url, '/v1/videos?api-version=1');
    assert.equal(other.seen[0]!.headers.authorization, undefined, 'no key to another host');
    assert.equal(other.seen[0]!.headers['x-route'], undefined, 'no gateway header to another host');
    assert.equal(other.seen[0]!.url, '/cdn/file', 'no default query to another host');
    assert.equal(other.seen[1]!.headers.authorization, 'Bearer sk-origin-test-123456', 'an adapter may send it where the provider requires it');
  } finally {
    await base.close();
    await other.close();
  }
});
