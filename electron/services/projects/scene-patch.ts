// An edit of one scene's fields, and the scene's own provider/model it leaves (the handler's check and the
// store's write both use patchedTarget, so they agree).
import type { Scene } from '../../../shared/project.ts';

export interface ScenePatch {
  prompt?: string;
  seconds?: number;
  transition?: Scene['transition'];
  caption?: Scene['caption'];
  continuity?: Scene['continuity'];
  /** null: back to the project's provider / model. */
  provider?: string | null;
  model?: string | null;
}

/**
 * A scene's own provider/model after `patch`: null goes back to the project's; another provider without a
 * model named drops the old model, so that provider's default applies (sceneTarget). Absent = the project's.
 */
export function patchedTarget(scene: Pick<Scene, 'provider' | 'model'>, patch: Pick<ScenePatch, 'provider' | 'model'>): { provider?: string; model?: string } {
  const provider = patch.provider === undefined ? scene.provider : (patch.provider ?? undefined);
  const keepModel = patch.provider === undefined || patch.provider === scene.provider;
  const model = patch.model === undefined ? (keepModel ? scene.model : undefined) : (patch.model ?? undefined);
  return { ...(provider ? { provider } : {}), ...(model ? { model } : {}) };
}
