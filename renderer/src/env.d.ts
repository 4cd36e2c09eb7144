/// <reference types="vite/client" />
import type { StoryreelApi } from '../../shared/contract.ts';

declare global {
  interface Window {
    /** The Electron preload's API object (absent in a plain browser). */
    storyreel?: StoryreelApi;
  }
  /** true only in `vite build --mode bridge`; the bridge client is dead code otherwise. */
  const __STORYREEL_BRIDGE__: boolean;
}

export {};
