// The /v1/videos adapter: spec checks, remix/extend, reconcile, aborts and the key, against the emulator (real HTTP on 127.0.0.1).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import { isOutcomeUnknown } from '../../electron/services/providers/types.ts';
import { isAbort } from '../../shared/errors.ts';
import { NO_SPEC } from '../helpers/openapi-spec.ts';
import { SENTINEL_KEY, assertAllValid, catchErr, errorText, harness, pause, pollUntilDone, request, signal } from '../helpers/openai-videos-harness.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyreel-openai-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the emulator rejects JSON with numeric seconds (sent raw) with a 400 naming the param', { skip: NO_SPEC }, async () => {
  const h = await harness();
  try {
    const res = await fetch(`${h.emu.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', prompt: 'numeric seconds', seconds: 8, size: '1280x720' }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; param: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.param, 'seconds');
    assert.equal(h.emu.stats.creates, 0);
    assert.equal(h.emu.stats.requests[0]?.validation, 'invalid');
  } finally {
    await h.close();
  }
});

test('remix, extend, edit, list, delete and cancel through the adapter', async (t) => {
  const h = await harness();
  try {
    const { providerJobId: id } = await h.provider.create(request({ prompt: 'source take' }), signal());
    await h.provider.cancel(id, signal()); // still running: DELETE refused (400), ignored
    assert.ok(h.emu.job(id), 'not deleted while running');
    await pollUntilDone(h.provider, id);
    const remix = await h.provider.remix(id, 'same, but at night');
    assert.equal(remix.remixed_from_video_id, id);
    const ext = await h.provider.extend(id, 'keep going', 4);
    assert.equal(ext.seconds, '8');
    const edit = await h.provider.edit(id, 'make it red');
    assert.equal(edit.status, 'queued');
    const page1 = await h.provider.list({ limit: 2, order: 'desc' });
    assert.deepEqual(page1.data.map((v) => v.id), [edit.id, ext.id]);
    assert.equal(page1.has_more, true);
    const page2 = await h.provider.list({ limit: 2, order: 'desc', after: page1.last_id! });
    assert.deepEqual(page2.data.map((v) => v.id), [remix.id, id]);
    assert.equal(page2.has_more, false);
    assert.deepEqual(await h.provider.delete(id), { id, deleted: true });
    assert.equal(h.emu.job(id), undefined);
    await h.provider.cancel(id, signal()); // already gone: 404 ignored
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('reconcile pages back through the list (order=desc, after=cursor) to find an older job', async (t) => {
  const h = await harness({ timing: { queuedMs: 10_000, runningMs: 10_000 } });
  try {
    const req = request({ prompt: 'the one we lost', sentAt: Date.now() - 1000 });
    h.emu.setFaults({ resetAfterCreate: { count: 1 } });
    assert.equal(isOutcomeUnknown(await catchErr(h.provider.create(req, signal()))), true);
    const lost = h.emu.stats.createdIds[0]!;
    for (let i = 0; i < 130; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => fetch(`${h.emu.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `filler ${i + k}`, seconds: '4', size: '1280x720' }) }).then((r) => r.arrayBuffer())));
    }
    h.emu.stats.requests.length = 0;
    assert.equal(await h.provider.reconcile(req, new Set(), signal()), lost);
    const lists = h.emu.stats.requests.filter((r) => r.route === 'list');
    assert.equal(lists.length, 2);
    assert.deepEqual(lists[0]?.query, { limit: '100', order: 'desc' });
    assert.equal(lists[1]?.query.after, lists[0] && h.emu.stats.createdIds.at(-100));
    // A request sent long after the job was made does not adopt it (outside the skew window).
    assert.equal(await h.provider.reconcile({ ...req, sentAt: Date.now() + 10 * 60_000 }, new Set(), signal()), null);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('reconcile never adopts an identical request made before ours (another project), even with the server clock an hour ahead', async () => {
  let serverAhead = 3_600_000;
  const h = await harness({ now: () => Date.now() + serverAhead });
  try {
    // Another project sent the very same request 20 s (server time) before ours.
    const twin = await h.provider.create(request({ prompt: 'the same shot in two projects' }), signal());
    serverAhead += 20_000;
    // Ours: the connection breaks before the server made anything, then a fresh adapter (as after a restart)
    // reconciles. The twin matches prompt, size and seconds, but it was made before we sent ours.
    const fresh = new OpenAiVideosProvider({ baseUrl: h.emu.url, apiKey: SENTINEL_KEY, retry: { maxAttempts: 1 } });
    const ours = request({ prompt: 'the same shot in two projects', sentAt: Date.now() });
    h.emu.setFaults({ resetBeforeResponse: { count: 1, routes: ['create'] } });
    assert.equal(isOutcomeUnknown(await catchErr(fresh.create(ours, signal()))), true);
    assert.equal(await fresh.reconcile(ours, new Set(), signal()), null, `must not adopt ${twin.providerJobId}`);
    // And when ours was made (reset after the server created it), it is found despite the skewed clock.
    const ours2 = request({ prompt: 'the same shot in two projects', sentAt: Date.now() });
    h.emu.setFaults({ resetAfterCreate: { count: 1 } });
    assert.equal(isOutcomeUnknown(await catchErr(fresh.create(ours2, signal()))), true);
    assert.equal(await fresh.reconcile(ours2, new Set(), signal()), h.emu.stats.createdIds.at(-1));
  } finally {
    await h.close();
  }
});

test('aborts: an aborted create sends nothing; an abort mid-download is Aborted', async () => {
  const h = await harness({ faults: { slow: { routes: ['content'], delayMs: 2000 } } });
  try {
    const ac = new AbortController();
    ac.abort();
    const err = await catchErr(h.provider.create(request(), ac.signal));
    assert.ok(isAbort(err));
    assert.equal(isOutcomeUnknown(err), false);
    assert.equal(h.emu.stats.requests.length, 0);

    const { providerJobId } = await h.provider.create(request(), signal());
    await pollUntilDone(h.provider, providerJobId);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    const t0 = Date.now();
    const dl = await catchErr(h.provider.download(providerJobId, path.join(tmp, 'aborted.mp4'), { signal: ac2.signal }));
    assert.ok(isAbort(dl), `${dl.code}`);
    assert.ok(Date.now() - t0 < 1500);
  } finally {
    await h.close();
  }
});

test('the API key never appears in any error or log line, under every fault and with a wrong key', async (t) => {
  const wrongKey = 'sk-WRONG-SENTINEL-5e6f7a8b9c0d';
  const errors: unknown[] = [];
  const h = await harness(
    {
      faults: {
        rateLimit: { probability: 0.15, retryAfterS: 1 },
        serverError: { probability: 0.15, burst: 2 },
        resetBeforeResponse: { probability: 0.1 },
        resetAfterCreate: { probability: 0.3 },
        serverErrorAfterCreate: { probability: 0.2 },
        resetMidDownload: { probability: 0.5 },
        expireContent: { word: 'EPHEMERAL', afterMs: 0 },
      },
    },
    { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, maxDownloadResumes: 2 },
  );
  try {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        ids.push((await h.provider.create(request({ prompt: i % 4 === 0 ? `EPHEMERAL ${i}` : i % 5 === 0 ? `FORBIDDEN ${i}` : `shot ${i}` }), signal())).providerJobId);
      } catch (err) {
        errors.push(err);
      }
    }
    await pause(250);
    for (const id of ids) {
      for (const op of [() => h.provider.status(id, signal()), () => h.provider.download(id, path.join(tmp, `f-${id}.mp4`), { signal: signal() }), () => h.provider.list({ limit: 5 }), () => h.provider.delete(id)]) {
        try {
          await op();
        } catch (err) {
          errors.push(err);
        }
      }
    }
    const bad = new OpenAiVideosProvider({ baseUrl: h.emu.url, apiKey: wrongKey, log: (l) => h.logs.push(l), retry: { maxAttempts: 1 } });
    h.emu.setFaults({});
    const auth = await catchErr(bad.create(request(), signal()));
    assert.equal(auth.code, 'AuthFailed');
    assert.match(auth.message, /Incorrect API key provided/, 'the server message is kept (nothing over-redacted)');
    assert.equal(auth.retryable, false);
    errors.push(auth, await catchErr(bad.status('video_x', signal())));

    assert.ok(errors.length >= 5, `faults should have produced errors (got ${errors.length})`);
    for (const err of errors) {
      const text = errorText(err);
      assert.ok(!text.includes(SENTINEL_KEY), `key leaked: ${text}`);
      assert.ok(!text.includes(wrongKey), `wrong key leaked: ${text}`);
    }
    assert.ok(h.logs.length > 10);
    for (const line of h.logs) assert.ok(!line.includes(SENTINEL_KEY) && !line.includes(wrongKey), line);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});
