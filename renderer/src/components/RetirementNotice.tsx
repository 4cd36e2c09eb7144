// A model that has left (or is about to leave) its provider: said in words, with a one-click switch to the
// nearest model that does the same. Shown for the project's model and for a scene's own.
import { modelProfile } from '../../../shared/capabilities.ts';
import { retirementNotice } from '../lib/retirement.ts';
import { useCustomModels } from '../hooks.ts';
import { Icon } from './ui.tsx';

export function RetirementNotice({ providerId, modelId, onSwitch }: { providerId: string; modelId: string; onSwitch(target: { provider: string; model: string }): void }) {
  const custom = useCustomModels();
  const notice = retirementNotice(providerId, modelProfile(providerId, modelId, custom));
  if (!notice) return null;
  const alt = notice.alternative;
  return (
    <div className={`issue issue-action ${notice.retired ? 'issue-error' : ''}`} role="note" data-testid="retirement-notice" data-retired={notice.retired}>
      <Icon name="warn" />
      <span>{notice.message}</span>
      {alt && (
        <button type="button" className="btn btn-sm" data-testid="retirement-switch" onClick={() => onSwitch({ provider: alt.provider, model: alt.model })}>
          Switch to {alt.label}
        </button>
      )}
    </div>
  );
}
