// The one IPC contract. Every call (request → response) and every pushed event is declared here once,
// as zod schemas; the client and handler types are inferred from them. Main parses every payload
// with these schemas before a service sees it (electron/ipc.ts, and the test bridge).
import { z } from 'zod';
import { BIBLE_KINDS, MAX_BIBLE_ENTRIES, MAX_DESCRIPTION_CHARS, MAX_ENTRY_IMAGES, NAME_PATTERN, STYLE_PRESET_IDS } from './bible.ts';
import { ProjectChangeSchema } from './change.ts';
import { COMPOSER_PARTS, MAX_PART_CHARS, type ComposerPart } from './composer.ts';
import { DERIVE_KINDS } from './derive.ts';
import { AppErrorSchema } from './errors.ts';
import { ExportSnapshotSchema, JobSnapshotSchema } from './jobs.ts';
import { ContinuitySchema, MAX_CAPTION_CHARS, MAX_PROMPT_CHARS, ProjectSchema, SizeSchema, TransitionPatchSchema } from './project.ts';
import { buildClient, eventChannel, RemoteError, type ChannelDef } from './client.ts';

const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const None = z.object({}).strict();
const Id = z.string().min(1).max(200);

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

const ScorePatchSchema = z
  .object({ visual: z.number().int().min(1).max(10).nullable(), adherence: z.number().int().min(1).max(10).nullable(), consistency: z.number().int().min(1).max(10).nullable(), narrative: z.number().int().min(1).max(10).nullable() })
  .partial()
  .strict();

const DeriveInput = z.object({ sceneId: Id, takeId: Id, kind: z.enum(DERIVE_KINDS) }).strict();

const ScenePatch = z
  .object({
    prompt: z.string().max(MAX_PROMPT_CHARS),
    seconds: z.number().int().positive().max(120),
    transition: TransitionPatchSchema,
    /** Text shown during the scene (captions sidecars, burn-in); null clears it. */
    caption: z.string().max(MAX_CAPTION_CHARS).nullable(),
    continuity: ContinuitySchema,
    /** The scene's own provider / model; null goes back to the project's. */
    provider: z.string().min(1).max(100).nullable(),
    model: z.string().min(1).max(200).nullable(),
  })
  .partial()
  .strict();

/** What Undo and Redo would do now, in words ("Undo delete scene 3"); null = nothing to undo or redo. */
export const HistoryStateSchema = z.object({ undo: z.string().nullable(), redo: z.string().nullable() });
export type HistoryState = z.infer<typeof HistoryStateSchema>;
const Ids = z.array(Id).min(1).max(500);
/** The part of a take the film uses, in seconds from the take's start; null = all of it. */
const TrimInput = z.object({ in: z.number().nonnegative().max(3600), out: z.number().positive().max(3600) }).strict().nullable();
export const EnhanceStatusSchema = z.object({
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  keySet: z.boolean(),
  /** e.g. "••••1234"; never the key. */
  hint: z.string().nullable(),
  origin: z.string().nullable(),
  ready: z.boolean(),
  why: z.string().nullable(),
});
export type EnhanceStatusView = z.infer<typeof EnhanceStatusSchema>;

export const contract = {
  calls: {
    app: {
      info: call(None, AppInfoSchema),
      /** Text for a bug report: versions, ffmpeg, settings' state, redacted last log lines; prompts only if asked. */
      diagnostics: call(z.object({ includePrompts: z.boolean() }).strict(), z.object({ text: z.string() })),
      /** check | download | install | dismiss; download and install only ever follow the creator's click. */
      update: call(z.object({ action: z.enum(['state', 'check', 'download', 'install', 'dismiss']) }).strict(), UpdateStateSchema),
    },
    project: {
      get: call(None, ProjectViewSchema.nullable()),
      update: call(
        z
          .object({
            title: z.string().max(200),
            provider: z.string().min(1).max(100),
            model: z.string().min(1).max(200),
            size: SizeSchema,
            style: z.string().max(4000),
          })
          .partial()
          .strict(),
        ProjectChangeSchema,
      ),
      /** Shows the system's folder picker (Electron) and opens the project there. null = dismissed. */
      open: call(None, ProjectViewSchema.nullable()),
      /** Shows the system's folder picker and creates a new project there. null = dismissed. */
      create: call(z.object({ title: z.string().max(200).optional() }).strict(), ProjectViewSchema.nullable()),
      /** The projects opened lately, most recent first; folders that no longer hold a project are left out. */
      recent: call(None, z.array(RecentProjectSchema)),
      /** Opens a project from the recent list (only those: any other folder goes through the picker). */
      openRecent: call(z.object({ dir: z.string().min(1).max(4000) }).strict(), ProjectViewSchema),
      /** Takes a folder off the recent list (the project itself is not touched). */
      forgetRecent: call(z.object({ dir: z.string().min(1).max(4000) }).strict(), z.array(RecentProjectSchema)),
      /** Closes the open project; every window shows the Welcome screen. */
      close: call(None, z.object({ ok: z.boolean() })),
      /** Shows the open project's folder in the system's file manager (Electron only). */
      reveal: call(None, z.object({ ok: z.boolean() })),
    },
    scenes: {
      add: call(
        z.object({ afterId: Id.nullable().optional(), prompt: z.string().max(MAX_PROMPT_CHARS).optional(), seconds: z.number().int().positive().max(120).optional() }).strict(),
        ProjectChangeSchema,
      ),
      update: call(z.object({ id: Id, patch: ScenePatch }).strict(), ProjectChangeSchema),
      remove: call(z.object({ id: Id }).strict(), ProjectChangeSchema),
      move: call(z.object({ id: Id, toIndex: z.number().int().min(0) }).strict(), ProjectChangeSchema),
      /** Shows the system's image picker; the image is copied into media/refs/. null = dismissed. */
      pickReference: call(z.object({ id: Id }).strict(), ProjectChangeSchema.nullable()),
      clearReference: call(z.object({ id: Id }).strict(), ProjectChangeSchema),
      /** Copies each scene (and its takes) right after itself, in one undoable step. */
      duplicate: call(z.object({ ids: Ids }).strict(), ProjectChangeSchema),
      /** Splits a scene in two at `at` seconds into it (its chosen take, trimmed in two). */
      split: call(z.object({ id: Id, at: z.number().positive().max(3600) }).strict(), ProjectChangeSchema),
      removeMany: call(z.object({ ids: Ids }).strict(), ProjectChangeSchema),
      /** Moves the scenes, in film order, to sit together from `toIndex` of the scenes left. */
      moveMany: call(z.object({ ids: Ids, toIndex: z.number().int().min(0) }).strict(), ProjectChangeSchema),
    },
    takes: {
      choose: call(z.object({ sceneId: Id, takeId: Id.nullable() }).strict(), ProjectChangeSchema),
      rate: call(z.object({ sceneId: Id, takeId: Id, rating: z.number().int().min(0).max(5) }).strict(), ProjectChangeSchema),
      trim: call(z.object({ sceneId: Id, takeId: Id, trim: TrimInput }).strict(), ProjectChangeSchema),
      /** Four-criteria scores, 1–10 (shared/rating.ts); a value sets, null clears, criteria left out stay. */
      score: call(z.object({ sceneId: Id, takeId: Id, scores: ScorePatchSchema }).strict(), ProjectChangeSchema),
      /** The "best takes" rough cut: the highest-scored take of every scene goes into the film. */
      chooseBest: call(None, ProjectChangeSchema),
      /** Re-roll the scene, or remix / extend this take where its model can (shared/derive.ts); paid: confirm first. */
      derive: call(DeriveInput, z.object({ jobIds: z.array(z.string()) })),
      deriveEstimate: call(DeriveInput, EstimateSchema),
    },
    jobs: {
      /** Empty sceneIds = every scene without a chosen take. */
      generate: call(
        z.object({ sceneIds: z.array(Id).max(500), takes: z.number().int().min(1).max(4).optional() }).strict(),
        z.object({ jobIds: z.array(z.string()) }),
      ),
      list: call(None, z.array(ProjectJobSchema)),
      cancel: call(z.object({ jobId: Id }).strict(), ProjectJobSchema),
      /**
       * Sends again a job stopped as `unknown` (its create may have reached the provider: it may be billed
       * twice). Only on the creator's explicit word; the window asks first.
       */
      resend: call(z.object({ jobId: Id }).strict(), ProjectJobSchema),
      estimate: call(z.object({ sceneIds: z.array(Id).max(500), takes: z.number().int().min(1).max(4).optional() }).strict(), EstimateSchema),
    },
    exports: {
      start: call(None, ProjectExportSchema),
      cancel: call(z.object({ exportId: Id }).strict(), ProjectExportSchema),
      list: call(None, z.array(ProjectExportSchema)),
      /** Shows the exported file in the system's file manager (Electron only). */
      reveal: call(z.object({ exportId: Id }).strict(), z.object({ ok: z.boolean() })),
      /**
       * Writes a conform package for editors (the chosen takes and the cut as OTIO, FCPXML, Premiere XML,
       * EDL, SRT and VTT) into a new folder under the project's exports/, and shows it in the file manager.
       */
      package: call(None, z.object({ folder: z.string(), files: z.array(z.string()), scenes: z.number().int(), frames: z.number().int(), fps: z.number(), revealed: z.boolean() })),
    },
    settings: {
      /**
       * Only the settings named, each with a value: `undefined` is refused (null clears a setting). A patch
       * of `{budgetUsd: undefined}` used to be stored as is and broke app.info and the estimate for good.
       */
      update: call(
        SettingsSchema.partial()
          .strict()
          .refine((p) => Object.values(p).every((v) => v !== undefined), { message: 'a setting needs a value: use null to clear it' }),
        AppInfoSchema,
      ),
    },
    cleanup: {
      /** Files under media/ nothing in the project refers to any more, with their sizes (nothing is removed). */
      preview: call(None, z.object({ files: z.array(UnusedFileSchema), bytes: z.number() })),
      /** Removes those of the listed files that are still unused now. */
      run: call(z.object({ paths: z.array(z.string().min(1).max(4000)).max(10000) }).strict(), z.object({ files: z.array(UnusedFileSchema), bytes: z.number() })),
    },
    history: {
      undo: call(None, ProjectChangeSchema.nullable()),
      redo: call(None, ProjectChangeSchema.nullable()),
      state: call(None, HistoryStateSchema),
    },
    keys: {
      /** The key goes to main once and is never sent back. */
      set: call(z.object({ provider: z.string().min(1).max(100), key: z.string().min(8).max(500) }).strict(), KeyStatusSchema),
      clear: call(z.object({ provider: z.string().min(1).max(100) }).strict(), KeyStatusSchema),
      /**
       * Gateway settings kept next to the key in main: how the key is sent, extra headers and default
       * query parameters (a value sets, null removes, names left out stay). Values never come back.
       */
      gateway: call(
        z
          .object({
            provider: z.string().min(1).max(100),
            authHeader: AuthHeaderSchema.optional(),
            headers: z.record(z.string().min(1).max(100), z.string().max(4000).nullable()).optional(),
            query: z.record(z.string().min(1).max(100), z.string().max(2000).nullable()).optional(),
          })
          .strict(),
        KeyStatusSchema,
      ),
      /** Main asks the creator, in its own dialog, whether the key may go to the current base URL. */
      confirmAddress: call(z.object({ provider: z.string().min(1).max(100) }).strict(), KeyStatusSchema),
    },
    shotList: {
      /** A pasted or opened shot list (shared/shotlist.ts) → scenes after `afterId` or at the end, as one change. */
      import: call(
        z.object({ text: z.string().min(1).max(200_000), afterId: Id.nullable().optional() }).strict(),
        z.object({ change: ProjectChangeSchema, added: z.array(z.string()), notes: z.array(z.string()), summary: z.string() }),
      ),
    },
    bible: {
      /** The whole bible as edited (shared/bible.ts). An entry keeps or drops its images; new ones come from pickImage. */
      update: call(
        z
          .object({
            entries: z
              .array(
                z
                  .object({
                    id: Id.optional(),
                    kind: z.enum(BIBLE_KINDS),
                    name: z.string().regex(NAME_PATTERN),
                    description: z.string().max(MAX_DESCRIPTION_CHARS),
                    images: z.array(z.string().max(500)).max(MAX_ENTRY_IMAGES),
                  })
                  .strict(),
              )
              .max(MAX_BIBLE_ENTRIES),
            presets: z.array(z.enum(STYLE_PRESET_IDS)).max(STYLE_PRESET_IDS.length),
          })
          .strict(),
        ProjectChangeSchema,
      ),
      /** Shows the system's image picker; the image is copied into media/refs/ and added to the entry. null = dismissed. */
      pickImage: call(z.object({ entryId: Id }).strict(), ProjectChangeSchema.nullable()),
    },
    composer: {
      /** A scene's composer parts; the scene's prompt becomes what they compose (shared/composer.ts). */
      set: call(z.object({ sceneId: Id, parts: z.object(Object.fromEntries(COMPOSER_PARTS.map((p) => [p, z.string().max(MAX_PART_CHARS)])) as Record<ComposerPart, z.ZodString>).strict() }).strict(), ProjectChangeSchema),
    },
    enhance: {
      /** Whether Enhance is on, and why not; the key itself never comes back. */
      status: call(None, EnhanceStatusSchema),
      /** The chat-completions base URL (https:, or http: on this computer) and model. */
      configure: call(z.object({ baseUrl: z.string().url().max(2000).nullable().optional(), model: z.string().min(1).max(200).nullable().optional() }).strict(), EnhanceStatusSchema),
      /** The key goes to main once; main's own dialog asks whether it may go to the base URL. */
      setKey: call(z.object({ key: z.string().min(8).max(500) }).strict(), EnhanceStatusSchema),
      clearKey: call(None, EnhanceStatusSchema),
      confirmAddress: call(None, EnhanceStatusSchema),
      /** The scene's prompt rewritten by the chat model; nothing changes until the creator accepts it (scenes.update). */
      run: call(z.object({ sceneId: Id }).strict(), z.object({ before: z.string(), after: z.string() })),
    },
  },
  events: {
    /** The whole project: when one is opened (and on resync); null when it was closed. */
    project: ProjectViewSchema.nullable(),
    /** What an edit changed (edits reply with the same change). */
    change: ProjectChangeSchema,
    job: ProjectJobSchema,
    export: ProjectExportSchema,
    /** A newer release was found, or a download moved on. */
    update: UpdateStateSchema,
    /** A command from the application menu (or its keyboard shortcut), for the window to carry out. */
    menu: MenuCommandSchema,
    /** Undo/redo labels after every step the creator can undo (and after an undo or redo). */
    history: HistoryStateSchema,
  },
} as const;

type Calls = typeof contract.calls;
export type Group = keyof Calls;
export type Method<G extends Group> = keyof Calls[G] & string;
type Def<G extends Group, M extends Method<G>> = Calls[G][M] extends { input: infer I extends z.ZodType; output: infer O extends z.ZodType }
  ? { input: I; output: O }
  : never;
export type CallInput<G extends Group, M extends Method<G>> = z.input<Def<G, M>['input']>;
export type CallParsedInput<G extends Group, M extends Method<G>> = z.output<Def<G, M>['input']>;
export type CallOutput<G extends Group, M extends Method<G>> = z.output<Def<G, M>['output']>;

export type EventName = keyof typeof contract.events;
export type EventPayload<E extends EventName> = z.output<(typeof contract.events)[E]>;

/** What main implements: one async function per call, receiving the already-validated input. */
export type Handlers = { [G in Group]: { [M in Method<G>]: (input: CallParsedInput<G, M>) => Promise<CallOutput<G, M>> } };

/** What the renderer gets from the preload (or from the test bridge client in a browser). */
export type StoryreelApi = { [G in Group]: { [M in Method<G>]: (input: CallInput<G, M>) => Promise<CallOutput<G, M>> } } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** A URL the renderer may use in <video>/<img> for a file inside the open project (media/ or exports/). */
  mediaUrl(relativePath: string): string;
};

/** Channel names: "group.method". */
export function channels(): ChannelDef[] {
  return (Object.keys(contract.calls) as Group[]).flatMap((group) =>
    Object.keys(contract.calls[group]).map((method) => ({ group, method, channel: `${group}.${method}` })),
  );
}
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

/** Replies cross IPC and the bridge in this envelope, so typed errors survive the trip. */
export const ReplySchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);
export type Reply = z.infer<typeof ReplySchema>;

export { eventChannel, RemoteError };
export type { ProjectChange } from './change.ts';

/** Builds the renderer's API object over any transport, for every call in the contract. */
export function makeClient(
  invoke: (channel: string, payload: unknown) => Promise<unknown>,
  subscribe: (channel: string, listener: (payload: unknown) => void) => () => void,
  mediaUrl: (relativePath: string) => string,
  toError?: (e: { code: string; message: string; detail?: string | undefined }) => unknown,
): StoryreelApi {
  return buildClient(channels(), invoke, subscribe, mediaUrl, toError);
}
