// The contract's call groups for the work itself: app, project, scenes, takes, jobs, exports.
import { z } from 'zod';
import { ProjectChangeSchema } from '../change.ts';
import { PastExportSchema } from '../export-history.ts';
import { ExportChoicesSchema, KeptChoicesSchema, MusicPickSchema } from '../export-options.ts';
import { MAX_PROMPT_CHARS, SizeSchema } from '../project.ts';
import { call, DeriveInput, Id, Ids, None, ScenePatch, ScorePatchSchema, TrimInput } from './inputs.ts';
import { AppInfoSchema, EstimateSchema, ProjectExportSchema, ProjectJobSchema, ProjectViewSchema, RecentProjectSchema, UpdateStateSchema } from './views.ts';

export const workCalls = {
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
  /** The image this scene shares with the next (its last frame, the next one's first): the system's picker; refused in words where a model cannot take it. */
  pickKeyframe: call(z.object({ id: Id }).strict(), ProjectChangeSchema.nullable()),
  clearKeyframe: call(z.object({ id: Id }).strict(), ProjectChangeSchema),
  /** Copies each scene (and its takes) right after itself, in one undoable step. */
  duplicate: call(z.object({ ids: Ids }).strict(), ProjectChangeSchema),
  /** Splits a scene in two at `at` seconds into it (its chosen take, trimmed in two). */
  split: call(z.object({ id: Id, at: z.number().positive().max(3600) }).strict(), ProjectChangeSchema),
  removeMany: call(z.object({ ids: Ids }).strict(), ProjectChangeSchema),
  /** Moves the scenes, in film order, to sit together from `toIndex` of the scenes left. */
  moveMany: call(z.object({ ids: Ids, toIndex: z.number().int().min(0) }).strict(), ProjectChangeSchema),
  /** Every scene whose length its model cannot make set to the nearest it can, in one undo step; says which changed. */
  snapLengths: call(
    None,
    z.object({
      change: ProjectChangeSchema.nullable(),
      snapped: z.array(z.object({ sceneId: z.string(), number: z.number().int(), from: z.number(), to: z.number(), model: z.string() })),
    }),
  ),
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
  /** Loudness target, music bed and captions for this export (shared/export-options.ts). */
  start: call(ExportChoicesSchema, ProjectExportSchema),
  /** Main's file dialog for a music bed; the file is copied into media/music/. Null when dismissed. */
  pickMusic: call(None, MusicPickSchema.nullable()),
  /** The export panel's choices as last left in this project (none kept, or a music bed gone since: left out). */
  keptChoices: call(None, KeptChoicesSchema),
  /** Keeps the panel's choices for the next session; a music bed that is not a file in media/ is refused. */
  keepChoices: call(KeptChoicesSchema, z.object({ ok: z.boolean() })),
  cancel: call(z.object({ exportId: Id }).strict(), ProjectExportSchema),
  list: call(None, z.array(ProjectExportSchema)),
  /** Films exported before (newest first), each with the cut it was made from, to compare with the cut now. */
  history: call(None, z.array(PastExportSchema)),
  /**
   * Shows an exported file in the system's file manager (Electron only): one of this session's exports
   * (`exportId`) or a past export from exports.history (`pastExportId`) whose file is still there.
   */
  reveal: call(z.union([z.object({ exportId: Id }).strict(), z.object({ pastExportId: Id }).strict()]), z.object({ ok: z.boolean() })),
  /**
   * Writes a conform package for editors (the chosen takes and the cut as OTIO, FCPXML, Premiere XML,
   * EDL, SRT and VTT) into a new folder under the project's exports/, and shows it in the file manager.
   */
  package: call(None, z.object({ folder: z.string(), files: z.array(z.string()), scenes: z.number().int(), frames: z.number().int(), fps: z.number(), revealed: z.boolean() })),
},
} as const;
