// What the handler modules get from the composition root: the open session, the services built on it, and
// the adapters for system dialogs. Handlers translate a call into a service call; the rules live in the
// services (generation/, export/, projects/rules.ts, session.ts).
import type { CustomModels } from '../../../shared/capabilities.ts';
import type { CatalogChange } from '../../../shared/catalog/refreshed.ts';
import type { AppInfo, ProjectView } from '../../../shared/contract.ts';
import type { ExportService } from '../export/service.ts';
import type { GenerationPlanner } from '../generation/planner.ts';
import type { NewProjectOptions } from '../projects/store.ts';
import type { RecentProjects } from '../projects/recent.ts';
import type { Confirm } from '../providers/registry.ts';
import type { Session } from '../session.ts';
import type { UpdateService } from '../updates.ts';

export interface Dialogs {
  /** `suggestedName`: the new project's title, for a folder picker that proposes a name (a save dialog). */
  pickFolder(purpose: 'open' | 'create', suggestedName?: string): Promise<string | null>;
  /** An image file (PNG, JPEG or WebP) chosen by the user; null when dismissed. */
  pickImage(): Promise<string | null>;
  /** An audio file for a music bed (export/music.ts lists the kinds); null when dismissed. */
  pickAudio?(): Promise<string | null>;
  reveal(file: string): Promise<boolean>;
  /** Main's own yes/no dialog, for what the window may not decide alone (providers/registry.ts). */
  confirm?: Confirm;
}

export interface HandlerContext {
  /** The open project, or AppError('NoProject'). */
  session(): Session;
  view(): ProjectView | null;
  openProject(dir: string): Promise<ProjectView>;
  createProject(dir: string, opts: NewProjectOptions): Promise<ProjectView>;
  /** Closes the open project; every window then shows the Welcome screen. */
  closeProject(): Promise<void>;
  recent: RecentProjects;
  planner(session: Session): GenerationPlanner;
  exports(session: Session): ExportService;
  info(): Promise<AppInfo>;
  diagnostics(includePrompts: boolean): Promise<string>;
  /** The update service (notify-only without one: the CLI and the bridge have none unless given). */
  updates: UpdateService | null;
  customModels(): CustomModels;
  dialogs: Dialogs | undefined;
  /** Reads a provider's live model list (providers/catalogs.ts). */
  refreshModels(provider: string): Promise<CatalogChange>;
}
