// Stale takes in the window (shared/stale.ts): a flag on a scene's card, and the warning before an export.
import { useShallow } from 'zustand/react/shallow';
import type { Scene, Take } from '../../../shared/project.ts';
import { staleReasons, staleWarnings } from '../../../shared/stale.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

/** On a card: the take in the film no longer matches what the scene asks for. */
export function StaleFlag({ scene, take }: { scene: Scene; take: Take | null }) {
  // The reasons as strings: an edit to another scene leaves them equal, and this card is not drawn again.
  const [fields, why] = useStore(
    useShallow((s) => {
      const project = s.view?.project;
      const reasons = project && take ? staleReasons(project, scene, take) : [];
      return [reasons.map((r) => r.field).join(' '), reasons.map((r) => r.message).join(' ')];
    }),
  );
  if (!fields) return null;
  return (
    <span className="card-stale" data-testid="card-stale" data-fields={fields} title={`Stale take. ${why}`} aria-label={`Stale take: ${why}`}>
      <Icon name="warn" />
      Stale
    </span>
  );
}

/** Before an export: which chosen takes are stale and why. The export still uses them if the creator goes on. */
export function StaleWarnings() {
  const warnings = useStore(useShallow((s) => (s.view ? staleWarnings(s.view.project) : [])));
  if (!warnings.length) return null;
  return (
    <div className="export-stale" role="note" data-testid="export-stale">
      <p>
        <Icon name="warn" /> {warnings.length === 1 ? 'One take in the film is stale' : `${warnings.length} takes in the film are stale`}; the export uses {warnings.length === 1 ? 'it' : 'them'} as they are:
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}
