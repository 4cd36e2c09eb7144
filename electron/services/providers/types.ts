// The provider seam. Every adapter (Preview, /v1/videos, later Veo and fal.ai) implements this; the job
// engine drives it and owns persistence, retries and the rule that a paid job is never submitted twice.
import type { ModelProfile, ProviderProfile } from '../../../shared/capabilities.ts';

export interface CreateRequest {
  /** Our job id; adapters may use it to tag the job where the API allows. */
  jobId: string;
  model: string;
  prompt: string;
  seconds: number;
  size: string;
  /** Absolute path of a first-frame image, already resized/padded to `size` by the engine. */
  referenceImage: string | null;
  sceneNumber?: number; // 1-based position in the storyboard, when known; Preview animatics show it.
  /** Epoch ms at which the create request is first sent; used to reconcile unknown outcomes. */
  sentAt: number;
}

export type RemoteStatus =
  | { state: 'queued' | 'running'; progress: number; pollAfterMs?: number }
  | { state: 'completed'; expiresAt: number | null }
  | { state: 'failed'; code: string; message: string }
  /** A status the provider's contract does not list (e.g. "expired", "cancelled"): stop polling. */
  | { state: 'unknown'; raw: string };

export interface DownloadOptions {
  signal: AbortSignal;
  /** Bytes received so far / total (total null when the server does not say). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface Provider {
  readonly profile: ProviderProfile;
  model(name: string): ModelProfile | undefined;
  /**
   * Sends the create request. Resolves with the provider's job id. Rejects with an AppError:
   * retryable=false when the provider answered "no" (nothing was created); an error with
   * `outcomeUnknown` set when the request may have reached the provider (timeout, reset after send).
   */
  create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string }>;
  /** One status read. Throws AppError (retryable for network/5xx/429). */
  status(providerJobId: string, signal: AbortSignal): Promise<RemoteStatus>;
  /** Streams the finished video into `destFile` (a temp path; the engine verifies and renames it). */
  download(providerJobId: string, destFile: string, opts: DownloadOptions): Promise<void>;
  /** Optional thumbnail; best effort. */
  downloadThumbnail?(providerJobId: string, destFile: string, signal: AbortSignal): Promise<boolean>;
  /**
   * After a create whose outcome is unknown: find the job the provider made for this request, if any.
   * `exclude` are provider ids already owned by other jobs in the ledger.
   */
  reconcile?(req: CreateRequest, exclude: ReadonlySet<string>, signal: AbortSignal): Promise<string | null>;
  /** Best-effort remote cancel/delete. */
  cancel?(providerJobId: string, signal: AbortSignal): Promise<void>;
}

export { isOutcomeUnknown, markOutcomeUnknown, OUTCOME_UNKNOWN } from '../net/outcome.ts';
