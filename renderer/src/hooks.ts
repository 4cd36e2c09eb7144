// Small hooks shared by components.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { EstimateView } from '../../shared/contract.ts';
import type { CustomModels, ModelProfile, ProviderProfile } from '../../shared/capabilities.ts';
import { modelProfile, providerProfile } from '../../shared/capabilities.ts';
import { getApi } from './api.ts';
import { noteUnsent } from './lib/undo.ts';
import { useStore } from './store.ts';

/**
 * A text field that edits a value owned by main. Typing updates a local draft at once and sends it after
 * `delay` ms of quiet (or on flush: blur, Enter, unmount, page hide). Main's value replaces the draft only
 * when nothing typed here is still unsent or in flight, so no keystroke is ever lost to a late snapshot.
 */
export function useDraft(value: string, commit: (v: string) => Promise<unknown>, delay = 400) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const unsent = useRef<string | null>(null);
  const inFlight = useRef(0);
  const commitRef = useRef(commit);
  useLayoutEffect(() => {
    commitRef.current = commit;
  });

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const v = unsent.current;
    if (v === null) return;
    unsent.current = null;
    noteUnsent(-1);
    inFlight.current += 1;
    void commitRef.current(v).finally(() => {
      inFlight.current -= 1;
    });
  }, []);

  const change = useCallback(
    (v: string) => {
      setDraft(v);
      if (unsent.current === null) noteUnsent(1);
      unsent.current = v;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, delay);
    },
    [flush, delay],
  );

  useEffect(() => {
    if (unsent.current === null && inFlight.current === 0) setDraft(value);
  }, [value]);

  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);

  return { draft, change, flush };
}

export interface EstimateState {
  estimate: EstimateView | null;
  failed: boolean;
}

/** main's cost estimate for generating these scenes; refreshed whenever the project or the budget changes. */
export function useEstimate(sceneIds: readonly string[] | null, takes = 1): EstimateState {
  const projectKey = useStore((s) => (s.view ? `${s.view.project.id}@${s.view.project.updatedAt}` : ''));
  const budget = useStore((s) => s.info?.settings.budgetUsd ?? null);
  // A gateway model's price, the key or its address change the estimate (or why it is blocked).
  const info = useStore((s) => s.info);
  const jobsDone = useStore((s) => Object.values(s.jobs).filter((j) => j.state === 'ready').length);
  const idsKey = sceneIds ? sceneIds.join('\n') : null;
  const [state, setState] = useState<EstimateState>({ estimate: null, failed: false });

  useEffect(() => {
    if (idsKey === null || !projectKey) return;
    let live = true;
    const timer = setTimeout(() => {
      getApi()
        .jobs.estimate({ sceneIds: idsKey ? idsKey.split('\n') : [], takes })
        .then(
          (estimate) => live && setState({ estimate, failed: false }),
          () => live && setState((s) => ({ estimate: s.estimate, failed: true })),
        );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [idsKey, takes, projectKey, budget, info, jobsDone]);

  return state;
}

export interface Capabilities {
  provider: ProviderProfile | undefined;
  model: ModelProfile | undefined;
}

const NO_CUSTOM_MODELS: CustomModels = [];

/** The gateway models the creator described (their own price, durations and sizes), from main's settings. */
export function useCustomModels(): CustomModels {
  return useStore((s) => s.info?.settings.customModels ?? NO_CUSTOM_MODELS);
}

/** The capability profiles governing the open project. */
export function useCapabilities(): Capabilities {
  const providerId = useStore((s) => s.view?.project.provider ?? '');
  const modelId = useStore((s) => s.view?.project.model ?? '');
  const custom = useCustomModels();
  return { provider: providerProfile(providerId), model: modelProfile(providerId, modelId, custom) };
}
