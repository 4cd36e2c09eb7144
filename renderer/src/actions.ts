// Everything the UI asks main to do. Each call applies main's reply (what an edit changed, a project
// opened, a job or export snapshot) to the store and turns a failure into a toast. Returns undefined when
// the call failed.
import { RemoteError } from '../../shared/client.ts';
import type { CallInput, ProjectChange, ProjectView } from '../../shared/contract.ts';
import type { DeriveKind } from '../../shared/derive.ts';
import { getApi } from './api.ts';
import { resyncProject, useStore } from './store.ts';
import { tracked } from './lib/undo.ts';

const store = () => useStore.getState();

async function attempt<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    store().showError(err);
    return undefined;
  }
}

/** A project opened (or created); null when the creator dismissed the picker, which changes nothing. */
const withView = async (p: Promise<ProjectView | null>): Promise<ProjectView | null> => {
  const view = await p;
  if (view) store().applyView(view);
  return view;
};

/** An edit's change (the same one also arrives as an event; it is applied once). */
const withChange = async <T extends ProjectChange | null>(p: Promise<T>): Promise<T> => {
  const change = await tracked(p);
  if (change && !store().applyChange(change)) await resyncProject(getApi());
  return change;
};

export const updateProject = (patch: CallInput<'project', 'update'>) => attempt(() => withChange(getApi().project.update(patch)));
export const openProject = () => attempt(() => withView(getApi().project.open({})));
export const createProject = (title?: string) => attempt(() => withView(getApi().project.create(title === undefined ? {} : { title })));

/** Adds a scene after `afterId` (or at the end) and selects it. Returns the new scene's id. */
export async function addScene(afterId: string | null): Promise<string | undefined> {
  const before = new Set(store().view?.project.scenes.map((s) => s.id) ?? []);
  const change = await attempt(() => withChange(getApi().scenes.add({ afterId })));
  const added = change && store().view?.project.scenes.find((s) => !before.has(s.id));
  if (added) store().select(added.id);
  return added?.id;
}

export const updateScene = (id: string, patch: CallInput<'scenes', 'update'>['patch']) =>
  attempt(() => withChange(getApi().scenes.update({ id, patch })));

export async function removeScene(id: string): Promise<void> {
  const scenes = store().view?.project.scenes ?? [];
  const index = scenes.findIndex((s) => s.id === id);
  const neighbour = scenes[index + 1]?.id ?? scenes[index - 1]?.id ?? null;
  const change = await attempt(() => withChange(getApi().scenes.remove({ id })));
  if (change && neighbour) store().select(neighbour);
}

export const pickReference = (id: string) => attempt(() => withChange(getApi().scenes.pickReference({ id })));
export const clearReference = (id: string) => attempt(() => withChange(getApi().scenes.clearReference({ id })));
/** The keyframe the boundary after scene `id` shares (scene `id`'s last frame, the next scene's first). */
export const pickKeyframe = (id: string) => attempt(() => withChange(getApi().scenes.pickKeyframe({ id })));
export const clearKeyframe = (id: string) => attempt(() => withChange(getApi().scenes.clearKeyframe({ id })));

export const moveScene = (id: string, toIndex: number) => attempt(() => withChange(getApi().scenes.move({ id, toIndex })));

export const chooseTake = (sceneId: string, takeId: string | null) => attempt(() => withChange(getApi().takes.choose({ sceneId, takeId })));
export const rateTake = (sceneId: string, takeId: string, rating: number) => attempt(() => withChange(getApi().takes.rate({ sceneId, takeId, rating })));

/**
 * Generates the scenes. Paid work first shows what it will cost (and what was spent, against the budget)
 * and waits for the creator to confirm; free work (Preview) starts at once.
 */
export async function generate(sceneIds: string[], takes?: number): Promise<void> {
  const estimate = await attempt(() => getApi().jobs.estimate(takes === undefined ? { sceneIds } : { sceneIds, takes }));
  if (!estimate) return;
  if (estimate.blocked) {
    // Say what is missing (a key, a base URL) before asking anyone to pay.
    store().showError(new RemoteError(estimate.blocked));
    return;
  }
  if (estimate.totalUsd > 0) {
    store().askSpend({ sceneIds, takes, estimate });
    return;
  }
  await startGeneration(sceneIds, takes);
}

/** Sends the jobs; main still checks the values, the key and the budget before anything is spent. */
export async function startGeneration(sceneIds: string[], takes?: number): Promise<void> {
  const api = getApi();
  await attempt(async () => {
    await api.jobs.generate(takes === undefined ? { sceneIds } : { sceneIds, takes });
    // The snapshots also arrive as events; reading the list closes any gap before the first one.
    (await api.jobs.list({})).forEach(store().applyJob);
  });
}

export const cancelJob = (jobId: string) =>
  attempt(async () => {
    store().applyJob(await getApi().jobs.cancel({ jobId }));
  });

/** Sends again a job whose first create could not be confirmed; the window asked the creator first. */
export const resendJob = (jobId: string) =>
  attempt(async () => {
    store().applyJob(await getApi().jobs.resend({ jobId }));
  });

export const startExport = (choices: CallInput<'exports', 'start'> = {}) =>
  attempt(async () => {
    const snap = await getApi().exports.start(choices);
    store().applyExport(snap);
    return snap;
  });

export const cancelExport = (exportId: string) =>
  attempt(async () => {
    store().applyExport(await getApi().exports.cancel({ exportId }));
  });

/** Main's file dialog for a music bed; the file is copied into the project. Undefined/null when dismissed. */
export const pickMusic = () => attempt(() => getApi().exports.pickMusic({}));

/** Keeps the export panel's choices in the project for the next session. */
export const keepExportChoices = (choices: CallInput<'exports', 'keepChoices'>) => attempt(() => getApi().exports.keepChoices(choices));

export const revealExport = (exportId: string) => attempt(() => getApi().exports.reveal({ exportId }));

/** A past export's film in the file manager; one moved or deleted since is said in words (main checks). */
export const revealPastExport = (pastExportId: string) => attempt(() => getApi().exports.reveal({ pastExportId }));

export const updateSettings = (patch: CallInput<'settings', 'update'>) =>
  attempt(async () => {
    const info = await getApi().settings.update(patch);
    store().applyInfo(info);
    return info;
  });

async function refreshInfo(): Promise<void> {
  store().applyInfo(await getApi().app.info({}));
}

/** Reads a provider's live model list again (main keeps it, with the date read); the window applies it via app.info. */
export const refreshModels = (provider: string) =>
  attempt(async () => {
    const change = await getApi().models.refresh({ provider });
    await refreshInfo();
    return change;
  });

/** Saves a key; "needs-consent" means it is kept for this session only until the creator answers (keyStorage). */
export const setKey = (provider: string, key: string) =>
  attempt(async () => {
    const saved = await getApi().keys.set({ provider, key });
    await refreshInfo();
    return saved;
  });

/** The creator's answer to "no keyring": store the key anyway (true), or keep it for this session only. */
export const keyStorage = (provider: string, store: boolean) =>
  attempt(async () => {
    const status = await getApi().keys.storage({ provider, store });
    await refreshInfo();
    return status;
  });

/** Gateway settings kept next to the key in main (values never come back; null removes a name). */
export const setGateway = (patch: CallInput<'keys', 'gateway'>) =>
  attempt(async () => {
    const status = await getApi().keys.gateway(patch);
    await refreshInfo();
    return status;
  });

/** Main asks the creator, in its own dialog, whether the key may go to the base URL in force. */
export const confirmAddress = (provider: string) =>
  attempt(async () => {
    const status = await getApi().keys.confirmAddress({ provider });
    await refreshInfo();
    return status;
  });

export const clearKey = (provider: string) =>
  attempt(async () => {
    const status = await getApi().keys.clear({ provider });
    await refreshInfo();
    return status;
  });

/** Writes a conform package for editors (main picks the folder under exports/ and shows it). */
export const makeConformPackage = () => attempt(() => getApi().exports.package({}));
/** Four-criteria scores, 1–10 (null clears one). */
export const scoreTake = (sceneId: string, takeId: string, scores: CallInput<'takes', 'score'>['scores']) =>
  attempt(() => withChange(getApi().takes.score({ sceneId, takeId, scores })));
/** The "best takes" rough cut: the highest-scored take of every scene into the film. */
export const chooseBestTakes = () => attempt(() => withChange(getApi().takes.chooseBest({})));

/**
 * Re-rolls the scene, or remixes / extends one of its takes where the model can. Paid work shows its cost
 * first (ConfirmSpend); free work starts at once.
 */
export async function deriveTake(sceneId: string, takeId: string, kind: DeriveKind, takeNumber: number): Promise<void> {
  const estimate = await attempt(() => getApi().takes.deriveEstimate({ sceneId, takeId, kind }));
  if (!estimate) return;
  if (estimate.blocked) {
    store().showError(new RemoteError(estimate.blocked));
    return;
  }
  if (estimate.totalUsd > 0) {
    store().askSpend({ sceneIds: [sceneId], takes: 1, estimate, derive: { takeId, kind, takeNumber } });
    return;
  }
  await startDerive(sceneId, takeId, kind);
}

export async function startDerive(sceneId: string, takeId: string, kind: DeriveKind): Promise<void> {
  const api = getApi();
  await attempt(async () => {
    await api.takes.derive({ sceneId, takeId, kind });
    (await api.jobs.list({})).forEach(store().applyJob);
  });
}
