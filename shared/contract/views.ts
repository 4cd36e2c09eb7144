// What the contract's calls answer and its events carry, besides the project itself: views of the project,
// keys, settings, updates, estimates, jobs and exports, history and Enhance. Re-exported by shared/contract.ts.
import { z } from 'zod';
import { RefreshedCatalogSchema } from '../catalog/refreshed.ts';
import { AppErrorSchema } from '../errors.ts';
import { ExportSnapshotSchema, JobSnapshotSchema } from '../jobs.ts';
import { ProjectSchema, SizeSchema } from '../project.ts';

export const ProjectViewSchema = z.object({
  project: ProjectSchema,
  /** Absolute folder of the project, for display. */
  dir: z.string(),
  /** The project's version: the `change` events that follow build on it (see shared/change.ts). */
  version: z.number().int(),
});
export type ProjectView = z.infer<typeof ProjectViewSchema>;

export const UnusedFileSchema = z.object({ path: z.string(), bytes: z.number() });

export const RecentProjectSchema = z.object({ dir: z.string(), title: z.string(), openedAt: z.string() });
export type RecentProjectView = z.infer<typeof RecentProjectSchema>;

/**
 * What the application menu asks the window to do. `undo`/`redo` are the storyboard's (a text field with
 * focus takes them as text edits instead); `openRecent` carries the folder.
 */
export const MENU_COMMANDS = ['new', 'open', 'openRecent', 'close', 'reveal', 'undo', 'redo', 'cleanup'] as const;
export const MenuCommandSchema = z.object({ command: z.enum(MENU_COMMANDS), dir: z.string().optional() });
export type MenuCommand = z.infer<typeof MenuCommandSchema>;

export const AuthHeaderSchema = z.enum(['bearer', 'api-key']);
export const KeyStatusSchema = z.object({
  provider: z.string(),
  set: z.boolean(),
  /** e.g. "••••1234"; never the key. */
  hint: z.string().nullable(),
  /** app: saved (sealed); session: in memory only (no keyring, the creator chose not to store it); env: from the environment. */
  source: z.enum(['app', 'session', 'env', 'none']),
  /** The address (scheme://host:port) the key was saved or confirmed for; it is sent nowhere else. */
  origin: z.string().nullable(),
  /** How the key is sent: `Authorization: Bearer` or an `api-key` header. */
  authHeader: AuthHeaderSchema,
  /** Names of the extra headers and default query parameters sent with the key (never their values). */
  headers: z.array(z.string()),
  query: z.array(z.string()),
  /** The address (scheme://host:port) this provider's requests go to now; null when none is set. */
  target: z.string().nullable().optional(),
});
export type KeyStatus = z.infer<typeof KeyStatusSchema>;

/**
 * What saving a key came to: stored, or (Linux with no keyring, only Electron's `basic_text` backend) kept
 * for this session only until the creator answers whether to store it anyway with a fixed password (keys.storage).
 */
export const KeySavedSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('stored'), status: KeyStatusSchema }),
  z.object({ outcome: z.literal('needs-consent'), reason: z.literal('no-keyring'), status: KeyStatusSchema }),
]);
export type KeySaved = z.infer<typeof KeySavedSchema>;

/** A gateway model the creator describes: its own price per second, durations and sizes. */
export const CustomModelSchema = z
  .object({
    provider: z.string().min(1).max(100),
    id: z.string().min(1).max(200),
    pricePerSecond: z.number().nonnegative().max(100),
    durations: z.array(z.number().int().min(1).max(120)).min(1).max(60),
    sizes: z.array(SizeSchema).min(1).max(20),
  })
  .strict();

/** One provider's own settings beside its key: base URL (checked by main like openaiBaseUrl) and region where it has regions. */
export const ProviderSettingsSchema = z.object({ baseUrl: z.string().url().max(2000).nullable().optional(), region: z.string().min(1).max(40).nullable().optional() }).strict();
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

export const SettingsSchema = z.object({
  /** Budget cap per project in USD; null = no cap. */
  budgetUsd: z.number().nonnegative().nullable(),
  ffmpegPath: z.string().min(1).max(1024).nullable(),
  /** https:, or http: for loopback only; checked by main (electron/services/providers/registry.ts). */
  openaiBaseUrl: z.string().url().max(2000).nullable(),
  concurrency: z.number().int().min(1).max(8).nullable(),
  customModels: z.array(CustomModelSchema).max(50),
  /** Upload crash reports (off unless the creator opts in; only where the build names an address). */
  shareCrashReports: z.boolean(),
  /** Per-provider settings by provider id (fal, gemini, ark, openrouter). A patch merges by provider; null clears a field. */
  providers: z.record(z.string().min(1).max(100), ProviderSettingsSchema),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Updates are offered, never taken: see electron/services/updates.ts. */
export const UpdateStateSchema = z.object({
  status: z.enum(['idle', 'checking', 'none', 'available', 'downloading', 'ready']),
  current: z.string(),
  version: z.string().nullable(),
  /** The release page (notes, installers); the only link the notice opens. */
  releaseUrl: z.string().nullable(),
  /** false: notify-only (this build cannot install updates itself). */
  canInstall: z.boolean(),
  progress: z.number().min(0).max(1),
  error: z.string().nullable(),
});
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  /** Where crash reports could go; null: they stay on this computer (crashDumps), whatever the setting. */
  crashReports: z.object({ uploadAddress: z.string().nullable(), folder: z.string().nullable() }).optional(),
  ffmpeg: z.object({ ok: z.boolean(), version: z.string().nullable(), error: z.string().nullable() }),
  keys: z.array(KeyStatusSchema),
  settings: SettingsSchema,
  /** Model lists read live from providers (OpenRouter) in place of the bundled profiles; the window applies them too. */
  catalogs: z.array(RefreshedCatalogSchema).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const EstimateSchema = z.object({
  provider: z.string(),
  model: z.string(),
  pricePerSecond: z.number(),
  lines: z.array(z.object({ sceneId: z.string(), seconds: z.number(), takes: z.number(), usd: z.number() })),
  totalSeconds: z.number(),
  totalUsd: z.number(),
  spentUsd: z.number(),
  budgetUsd: z.number().nullable(),
  /** How much the estimate would go over the budget cap; 0 when it fits. */
  overBudgetUsd: z.number(),
  /** Why this work cannot be sent now (no key, no base URL...), known before the creator is asked to pay. */
  blocked: AppErrorSchema.nullable(),
});
export type EstimateView = z.infer<typeof EstimateSchema>;

/**
 * Every job and export snapshot that crosses the door (replies and events) says which project it belongs
 * to, so a window drops the ones for a project it is not showing (a late event from the project just closed).
 */
export const ProjectJobSchema = JobSnapshotSchema.extend({ projectId: z.string() });
export type ProjectJob = z.infer<typeof ProjectJobSchema>;
export const ProjectExportSchema = ExportSnapshotSchema.extend({ projectId: z.string() });
export type ProjectExport = z.infer<typeof ProjectExportSchema>;

/** What Undo and Redo would do now, in words ("Undo delete scene 3"); null = nothing to undo or redo. */
export const HistoryStateSchema = z.object({ undo: z.string().nullable(), redo: z.string().nullable() });
export type HistoryState = z.infer<typeof HistoryStateSchema>;
export const EnhanceStatusSchema = z.object({
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  keySet: z.boolean(),
  /** e.g. "••••1234"; never the key. */
  hint: z.string().nullable(),
  origin: z.string().nullable(),
  /** The key is kept in memory for this session only (no keyring; the creator has not said to store it anyway). */
  sessionOnly: z.boolean().optional(),
  ready: z.boolean(),
  why: z.string().nullable(),
});
export type EnhanceStatusView = z.infer<typeof EnhanceStatusSchema>;

