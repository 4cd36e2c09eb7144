// electron/services/net/http.ts over loopback: what is retried, how long it waits, what is never retried,
// and that secrets never reach a log line or an error.
// Run: node --import tsx --test tests/integration/openai-*.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpAbortError, HttpNetworkError, backoffDelay, readJson, redact, requestWithRetry, retryAfterMs } from '../../electron/services/net/http.ts';
import type { HttpClientOptions } from '../../electron/services/net/http.ts';

type Script = Array<number | 'reset' | { status: number; headers?: Record<string, string>; delayMs?: number }>;
const SECRET = 'sk-http-SENTINEL-0123456789abcdef';

let server: http.Server;
let base = '';
/** Per path: what to answer on each successive hit (the last entry repeats). */
const scripts = new Map<string, Script>();
const hits = new Map<string, number>();

before(async () => {
  server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    req.resume();
    req.on('end', () => {
      const n = hits.get(p) ?? 0;
      hits.set(p, n + 1);
      const script = scripts.get(p) ?? [200];
      const step = script[Math.min(n, script.length - 1)] ?? 200;
      if (step === 'reset') return req.socket.destroy();
      const s = typeof step === 'number' ? { status: step } : step;
      const send = (): void => {
        res.writeHead(s.status, { 'content-type': 'application/json', ...s.headers });
        res.end(JSON.stringify({ hit: n + 1 }));
      };
      if (s.delayMs) setTimeout(send, s.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function client(extra: Partial<HttpClientOptions> = {}): HttpClientOptions & { sleeps: number[]; logs: string[] } {
  const sleeps: number[] = [];
  const logs: string[] = [];
  return {
    sleeps,
    logs,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    log: (l) => logs.push(l),
    secrets: [SECRET],
    ...extra,
  };
}
const auth = { authorization: `Bearer ${SECRET}` };
let n = 0;
const fresh = (script: Script): string => {
  const p = `/t${++n}`;
  scripts.set(p, script);
  return p;
};

test('backoff: full jitter, exponential, capped', () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 8000 };
  assert.equal(backoffDelay(1, policy, () => 0), 0);
  assert.equal(backoffDelay(1, policy, () => 0.999999), 499);
  assert.equal(backoffDelay(3, policy, () => 0.5), 1000);
  assert.equal(backoffDelay(10, policy, () => 0.5), 4000);
});

test('Retry-After: seconds, HTTP date, retry-after-ms first; garbage ignored', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  assert.equal(retryAfterMs({ 'retry-after': '3' }, now), 3000);
  assert.equal(retryAfterMs({ 'retry-after': '0.5' }, now), 500);
  assert.equal(retryAfterMs({ 'retry-after': 'Fri, 20 Nov 2026 10:00:07 GMT' }, now), 7000);
  assert.equal(retryAfterMs({ 'retry-after': 'Fri, 20 Nov 2026 09:00:00 GMT' }, now), 0);
  assert.equal(retryAfterMs({ 'retry-after': '3', 'retry-after-ms': '250' }, now), 250);
  assert.equal(retryAfterMs({ 'retry-after': 'soon' }, now), null);
  assert.equal(retryAfterMs({}, now), null);
});

test('GET: 500/502/503 are retried with backoff until a 200', async () => {
  const c = client();
  const p = fresh([500, 502, 503, 200]);
  const res = await requestWithRetry({ method: 'GET', url: base + p, headers: auth }, c);
  assert.equal(res.status, 200);
  assert.equal(res.attempts, 4);
  assert.deepEqual(await readJson(res.body), { hit: 4 });
  assert.deepEqual(c.sleeps, [50, 100, 200]);
});

test('GET: 429 waits what Retry-After says (HTTP date, via the injected clock); too long a wait is handed back', async () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  const c = client({ now: () => now });
  const p = fresh([{ status: 429, headers: { 'retry-after': 'Fri, 20 Nov 2026 10:00:04 GMT' } }, 200]);
  const res = await requestWithRetry({ method: 'GET', url: base + p }, c);
  assert.equal(res.status, 200);
  assert.deepEqual(c.sleeps, [4000]);

  const c2 = client({ retry: { maxRetryAfterMs: 10_000 } });
  const p2 = fresh([{ status: 429, headers: { 'retry-after': '120' } }, 200]);
  const res2 = await requestWithRetry({ method: 'GET', url: base + p2 }, c2);
  assert.equal(res2.status, 429);
  assert.deepEqual(c2.sleeps, []);
  await res2.body.dump();
});

test('GET: 4xx other than 408/409/429 is not retried; attempts are bounded', async () => {
  const c = client();
  const res = await requestWithRetry({ method: 'GET', url: base + fresh([404, 200]) }, c);
  assert.equal(res.status, 404);
  await res.body.dump();
  const p = fresh([503]);
  const res2 = await requestWithRetry({ method: 'GET', url: base + p }, c);
  assert.equal(res2.status, 503);
  assert.equal(hits.get(p), 4);
  await res2.body.dump();
});

test('GET and DELETE: a reset is retried', async () => {
  for (const method of ['GET', 'DELETE'] as const) {
    const c = client();
    const res = await requestWithRetry({ method, url: base + fresh(['reset', 200]) }, c);
    assert.equal(res.status, 200);
    assert.equal(c.sleeps.length, 1);
    await res.body.dump();
  }
});

test('POST: 5xx and 429 are returned, never retried', async () => {
  for (const status of [500, 503, 429]) {
    const c = client();
    const p = fresh([{ status, headers: { 'retry-after': '1' } }, 200]);
    const res = await requestWithRetry({ method: 'POST', url: base + p, body: '{}' }, c);
    assert.equal(res.status, status);
    assert.equal(hits.get(p), 1);
    assert.deepEqual(c.sleeps, []);
    await res.body.dump();
  }
});

test('POST: a reset after send is outcome-unknown (maybeSent) and not retried', async () => {
  const c = client();
  const p = fresh(['reset', 200]);
  const err = await requestWithRetry({ method: 'POST', url: base + p, body: '{}', headers: auth }, c).then(
    () => assert.fail('should throw'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HttpNetworkError);
  assert.equal(err.maybeSent, true);
  assert.equal(err.kind, 'reset');
  assert.equal(hits.get(p), 1);
  assert.deepEqual(c.sleeps, []);
});

test('POST: a headers timeout is outcome-unknown, measured by a precise timer', async () => {
  const c = client({ headersTimeoutMs: 150 });
  const p = fresh([{ status: 200, delayMs: 600 }]);
  const t0 = Date.now();
  const err = await requestWithRetry({ method: 'POST', url: base + p, body: '{}' }, c).then(
    () => assert.fail('should throw'),
    (e: unknown) => e,
  );
  assert.ok(Date.now() - t0 < 450, `took ${Date.now() - t0} ms`);
  assert.ok(err instanceof HttpNetworkError);
  assert.equal(err.kind, 'timeout');
  assert.equal(err.maybeSent, true);
  assert.equal(hits.get(p), 1);
});

test('POST: connection refused never left, so it is retried; then maybeSent=false', async () => {
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/v1/videos`;
  await new Promise<void>((r) => dead.close(() => r()));
  const c = client();
  const err = await requestWithRetry({ method: 'POST', url, body: '{}' }, c).then(
    () => assert.fail('should throw'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HttpNetworkError);
  assert.equal(err.maybeSent, false);
  assert.equal(err.causeCode, 'ECONNREFUSED');
  assert.equal(err.attempts, 4);
  assert.deepEqual(c.sleeps, [50, 100, 200]);
});

test('abort: before sending, during a backoff wait, and in flight', async () => {
  const ac = new AbortController();
  ac.abort();
  const before = await requestWithRetry({ method: 'POST', url: `${base}/x`, signal: ac.signal }, client()).catch((e: unknown) => e);
  assert.ok(before instanceof HttpAbortError && before.name === 'AbortError' && before.maybeSent === false);

  const ac2 = new AbortController();
  const waiting = client({ sleep: (ms, s) => new Promise((resolve, reject) => s?.addEventListener('abort', () => reject(new Error('aborted')))) });
  setTimeout(() => ac2.abort(), 50);
  const during = await requestWithRetry({ method: 'GET', url: base + fresh([503]), signal: ac2.signal }, waiting).catch((e: unknown) => e);
  assert.ok(during instanceof HttpAbortError);

  const ac3 = new AbortController();
  setTimeout(() => ac3.abort(), 50);
  const inflight = await requestWithRetry({ method: 'POST', url: base + fresh([{ status: 200, delayMs: 500 }]), body: '{}', signal: ac3.signal }, client()).catch((e: unknown) => e);
  assert.ok(inflight instanceof HttpAbortError && inflight.maybeSent === true);
});

test('secrets never reach log lines or errors; redact() covers keys, bearer tokens and key-like query params', async () => {
  const c = client();
  const url = `${base}${fresh(['reset'])}?api_key=${SECRET}&x=1`;
  const err = await requestWithRetry({ method: 'GET', url, headers: auth }, c).catch((e: unknown) => e);
  assert.ok(err instanceof HttpNetworkError);
  const all = [err.message, err.stack ?? '', JSON.stringify(err), ...c.logs].join('\n');
  assert.ok(c.logs.length >= 4);
  assert.ok(!all.includes(SECRET), all);
  assert.equal(redact(`Authorization: Bearer abc.def-123 key ${SECRET}`, [SECRET]), 'Authorization: Bearer [REDACTED] key [REDACTED]');
  assert.equal(redact('GET https://h/v1?key=AIzaSyXXXX&alt=json'), 'GET https://h/v1?key=[REDACTED]&alt=json');
  assert.equal(redact('oops sk-proj-abcdefghijklmnop'), 'oops sk-[REDACTED]');
  assert.equal(redact('Incorrect API key provided.'), 'Incorrect API key provided.');
});
