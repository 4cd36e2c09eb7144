// "Compose from parts": optional structured fields (shot & camera, subject & action, setting, lighting,
// style, sound & dialogue) that compose the scene's prompt as the creator types (shared/composer.ts). The
// parts are kept on the scene; the prompt field above shows, and the linter checks, what they compose.
import { useMemo } from 'react';
import { COMPOSER_LABELS, COMPOSER_PARTS, composeParts, EMPTY_COMPOSER, type Composer, type ComposerPart } from '../../../shared/composer.ts';
import type { Scene } from '../../../shared/project.ts';
import { getApi } from '../api.ts';
import { useDraft } from '../hooks.ts';
import { resyncProject, useStore } from '../store.ts';
import '../craft.css';

async function setParts(sceneId: string, parts: Composer): Promise<void> {
  try {
    const change = await getApi().composer.set({ sceneId, parts });
    if (!useStore.getState().applyChange(change)) await resyncProject(getApi());
  } catch (err) {
    useStore.getState().showError(err);
  }
}

export function PromptComposer({ scene }: { scene: Scene }) {
  // A scene never composed starts with its prompt as the subject, so opening the composer loses nothing.
  const initial = useMemo<Composer>(() => ({ ...EMPTY_COMPOSER, ...(scene.composer ?? { subject: scene.prompt }) }), [scene.composer, scene.prompt]);
  const { draft, change, flush } = useDraft(JSON.stringify(initial), (v) => setParts(scene.id, JSON.parse(v) as Composer));
  const parts = JSON.parse(draft) as Composer;
  const edited = scene.composer !== undefined && composeParts(scene.composer) !== scene.prompt;
  const set = (p: ComposerPart, v: string) => change(JSON.stringify({ ...parts, [p]: v }));
  return (
    <details className="composer" data-testid="composer" open={scene.composer !== undefined}>
      <summary>Compose from parts</summary>
      {edited && <p className="small muted composer-note">The prompt was edited by hand since; changing a part here composes it again from the parts.</p>}
      <div className="composer-grid">
        {COMPOSER_PARTS.map((p) => (
          <label key={p} className="composer-field">
            <span className="field-label">{COMPOSER_LABELS[p].label}</span>
            <textarea className="input composer-input" data-testid={`composer-${p}`} rows={p === 'subject' ? 2 : 1} value={parts[p]} placeholder={COMPOSER_LABELS[p].placeholder} maxLength={2000} onChange={(e) => set(p, e.target.value)} onBlur={flush} />
          </label>
        ))}
      </div>
    </details>
  );
}
