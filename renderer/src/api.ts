// Where the renderer's API object comes from: the Electron preload (`window.storyreel`), or — only in
// bridge builds — a client over the test bridge's HTTP protocol. Production builds compile the bridge
// branch away (__STORYREEL_BRIDGE__ is false), so bridge-client.ts is not in dist-renderer.
import type { StoryreelApi } from '../../shared/contract.ts';

let current: StoryreelApi | null = null;

/** Finds the API once at start-up. null means this page has no back end (show the error screen). */
export async function loadApi(): Promise<StoryreelApi | null> {
  if (current) return current;
  if (window.storyreel) {
    current = window.storyreel;
    return current;
  }
  if (__STORYREEL_BRIDGE__) {
    const { createBridgeApi } = await import('./bridge-client.ts');
    current = createBridgeApi(window.location);
    return current;
  }
  return null;
}

/** The API found by loadApi(). Components and actions call this after start-up. */
export function getApi(): StoryreelApi {
  if (!current) throw new Error('The Storyreel API is not loaded yet.');
  return current;
}
