// Every scene field the project format has can be set from the window through the contract: caption,
// continuity, and a scene's own provider/model (checked against the capability profiles).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { providerProfile } from '../../shared/capabilities.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';

test('caption, continuity and a scene’s own provider/model go through scenes.update, checked', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-scene-fields-'));
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    await createProject(dir, { title: 'Fields', size: '1280x720', scenes: [{ prompt: 'One', seconds: 4 }, { prompt: 'Two', seconds: 4 }] });
    await app.openProject(dir);
    const h = app.handlers();
    const [, second] = app.current().store.get().scenes;
    const id = second!.id;
    const ok = async (patch: Record<string, unknown>) => {
      const r = await dispatch(h, 'scenes.update', { id, patch });
      assert.equal(r.ok, true, JSON.stringify(r));
    };
    await ok({ caption: 'Mara, years later', continuity: 'previous-last-frame' });
    await ok({ provider: 'fal' });
    let saved = (await readProject(dir)).scenes[1]!;
    assert.equal(saved.caption, 'Mara, years later');
    assert.equal(saved.continuity, 'previous-last-frame');
    assert.equal(saved.provider, 'fal');
    assert.equal(saved.model, undefined, 'no model named: the provider’s default applies');
    const falDefault = providerProfile('fal')!.defaultModel;
    await ok({ model: falDefault });
    assert.equal((await readProject(dir)).scenes[1]!.model, falDefault);

    const unknown = await dispatch(h, 'scenes.update', { id, patch: { provider: 'no-such-provider' } });
    assert.equal(unknown.ok, false);
    if (!unknown.ok) assert.match(unknown.error.message, /no-such-provider/);
    const badModel = await dispatch(h, 'scenes.update', { id, patch: { model: 'not-a-model' } });
    assert.equal(badModel.ok, false);
    assert.equal((await readProject(dir)).scenes[1]!.model, falDefault, 'a refused change writes nothing');

    await ok({ provider: null, model: null, caption: null });
    saved = (await readProject(dir)).scenes[1]!;
    assert.equal(saved.provider, undefined, 'back to the project’s provider');
    assert.equal(saved.model, undefined);
    assert.equal(saved.caption, null);
  } finally {
    await app.shutdown();
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('Snap to nearest (scenes.snapLengths) sets each length its own model cannot make, says which from what to what, and undoes as one step', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-snap-'));
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    await createProject(dir, { title: 'Snap', provider: 'preview', size: '1280x720', scenes: [{ prompt: 'One', seconds: 5 }, { prompt: 'Two', seconds: 4 }, { prompt: 'Three', seconds: 11 }, { prompt: 'Four', seconds: 7 }] });
    await app.openProject(dir);
    const h = app.handlers();
    const call = async <T,>(channel: string, payload: unknown): Promise<T> => {
      const r = await dispatch(h, channel, payload);
      assert.equal(r.ok, true, JSON.stringify(r));
      return (r as { value: T }).value;
    };
    const ids = app.current().store.get().scenes.map((s) => s.id);
    await call('scenes.update', { id: ids[3], patch: { provider: 'preview' } }); // scene 4 keeps a model that makes 7 s
    await call('project.update', { provider: 'openai-videos', model: 'sora-2' }); // 4, 8 or 12 s
    const { change, snapped } = await call<{ change: { label: string } | null; snapped: unknown[] }>('scenes.snapLengths', {});
    assert.deepEqual(snapped, [
      { sceneId: ids[0], number: 1, from: 5, to: 4, model: 'sora-2' },
      { sceneId: ids[2], number: 3, from: 11, to: 12, model: 'sora-2' },
    ]);
    assert.equal(change?.label, 'Snap lengths');
    assert.deepEqual((await readProject(dir)).scenes.map((s) => s.seconds), [4, 4, 12, 7]);
    assert.equal((await call<{ undo: string | null }>('history.state', {})).undo, 'Undo snap lengths (2 scenes)');
    await call('history.undo', {});
    assert.deepEqual((await readProject(dir)).scenes.map((s) => s.seconds), [5, 4, 11, 7], 'one undo puts both back');
    await call('history.redo', {});
    assert.deepEqual((await call<{ snapped: unknown[]; change: unknown }>('scenes.snapLengths', {})), { change: null, snapped: [] }, 'nothing left to snap');
  } finally {
    await app.shutdown();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
