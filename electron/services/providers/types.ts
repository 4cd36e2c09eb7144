// The provider seam. Every adapter (Preview, /v1/videos, fal, Gemini, Ark, OpenRouter) implements this; the
// job engine drives it and owns persistence, retries and the rule that a paid job is never submitted twice.
//
// What varies between providers is carried as data the engine stores without reading it:
//  - RemoteHandle: whatever the provider needs to find its job again (fal's three URLs, a Gemini
//    interaction id, an Ark task id, an OpenRouter polling URL), persisted whole in the ledger;
//  - RemoteOutput[]: what a finished job yields (the video, a thumbnail, the provider's own last frame);
//  - InputImage[]: images with roles (first frame, last frame, reference), already fitted by main.
import type { ModelProfile, ProviderProfile } from '../../../shared/capabilities.ts';

/** Whatever the adapter needs to find its job again; persisted verbatim in the ledger (JSON). */
export interface RemoteHandle {
  id: string;
  urls?: { status?: string; result?: string; cancel?: string; poll?: string };
  extra?: Record<string, string | number | boolean | null>;
}

export interface RemoteOutput {
  kind: 'video' | 'thumbnail' | 'last-frame';
  /** A URL, or a provider-relative locator the adapter understands (e.g. Gemini's "files/…"). */
  locator: string;
  /** Whether fetching it needs the key (then only the adapter may fetch it, never the window). */
  needsAuth: boolean;
  /** Epoch ms, when the provider says. */
  expiresAt: number | null;
  mime?: string;
}

export interface InputImage {
  role: 'first-frame' | 'last-frame' | 'reference';
  /** Absolute path of the image, fitted to the output size by main. */
  file: string;
}

/** Everything the engine knows about a job at the provider, passed back to the adapter on every call. */
export interface JobRef {
  id: string;
  handle: RemoteHandle | null;
  outputs: readonly RemoteOutput[];
}

export interface CreateRequest {
  /** Our job id; adapters may use it to tag the job where the API allows. */
  jobId: string;
  model: string;
  prompt: string;
  seconds: number;
  size: string;
  /** Absolute path of a first-frame image, already resized/padded to `size` by the engine. */
  referenceImage: string | null;
  /** Images with roles (first and last frame, references). `referenceImage`, when set, is also here as the first frame. */
  images?: readonly InputImage[];
  negativePrompt?: string | null;
  seed?: number | null;
  /** Ask for sound where the model makes it optional; null = the model's default. */
  audio?: boolean | null;
  sceneNumber?: number; // 1-based position in the storyboard when the job was made (it changes when scenes move: not drawn).
  /** Which take of its scene this will be (1-based), when known; Preview draws it. */
  takeNumber?: number;
  /**
   * A remix or extension of a video the provider made before (`providerJobId`, `seconds` long); only sent to
   * a model whose profile says it can (the engine checks). An extension's `seconds` above is the whole new take.
   * `ref`: the source job as the ledger keeps it (its stored handle and outputs, e.g. fal's video URL), when the
   * ledger still has it.
   */
  source?: { kind: 'remix' | 'extend'; providerJobId: string; seconds: number; ref?: JobRef | null } | null;
  /** Epoch ms at which the create request is first sent; used to reconcile unknown outcomes. */
  sentAt: number;
}

export type RemoteStatus =
  /** `queuePosition`: jobs ahead of this one in the provider's queue (fal reports it), 0 = next. */
  | { state: 'queued' | 'running'; progress: number; pollAfterMs?: number; queuePosition?: number }
  | {
      state: 'completed';
      expiresAt: number | null;
      /** What the job yielded; absent = one video fetched through download(). */
      outputs?: RemoteOutput[];
      /** What the provider says it billed (USD), e.g. OpenRouter's usage.cost. */
      costUsd?: number;
    }
  /** `billed`: whether the provider charges for this failed job (moderation blocks usually are not). */
  | { state: 'failed'; code: string; message: string; billed?: boolean }
  /** A status the provider's contract does not list (e.g. "expired", "cancelled"): stop polling. */
  | { state: 'unknown'; raw: string };

export interface DownloadOptions {
  signal: AbortSignal;
  /** Bytes received so far / total (total null when the server does not say). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface Provider {
  readonly profile: ProviderProfile;
  /** What this adapter does with CreateRequest.source; the engine sends no remix/extension to one that does not say. */
  readonly derives?: ReadonlyArray<'remix' | 'extend'>;
  model(name: string): ModelProfile | undefined;
  /**
   * Sends the create request. Resolves with the provider's job id. Rejects with an AppError:
   * retryable=false when the provider answered "no" (nothing was created); an error with
   * `outcomeUnknown` set when the request may have reached the provider (timeout, reset after send).
   */
  create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle?: RemoteHandle }>;
  /** One status read. Throws AppError (retryable for network/5xx/429). */
  status(providerJobId: string, signal: AbortSignal, ref?: JobRef): Promise<RemoteStatus>;
  /** Streams the finished video into `destFile` (a temp path; the engine verifies and renames it). */
  download(providerJobId: string, destFile: string, opts: DownloadOptions & { ref?: JobRef }): Promise<void>;
  /** Optional thumbnail; best effort. */
  downloadThumbnail?(providerJobId: string, destFile: string, signal: AbortSignal, ref?: JobRef): Promise<boolean>;
  /** Fetches another output (the provider's own last frame) into `destFile`; best effort. */
  downloadOutput?(output: RemoteOutput, destFile: string, signal: AbortSignal): Promise<void>;
  /**
   * After a create whose outcome is unknown: find the job the provider made for this request, if any.
   * `exclude` are provider ids already owned by other jobs in the ledger.
   */
  reconcile?(req: CreateRequest, exclude: ReadonlySet<string>, signal: AbortSignal): Promise<string | null>;
  /** The provider's live model list as capability profiles (profile.liveCatalog), read when the creator asks. */
  liveModels?(signal?: AbortSignal): Promise<{ models: ModelProfile[]; skipped: string[] }>;
  /** Best-effort remote cancel/delete. */
  cancel?(providerJobId: string, signal: AbortSignal, ref?: JobRef): Promise<void>;
}

export { isOutcomeUnknown, markOutcomeUnknown, OUTCOME_UNKNOWN } from '../net/outcome.ts';
