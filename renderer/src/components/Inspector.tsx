// The right-hand column: project settings, API key, budget, export.
import { BiblePanel } from './BiblePanel.tsx';
import { BudgetPanel } from './BudgetPanel.tsx';
import { EnhanceSettings } from './Enhance.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { KeyPanel } from './KeyPanel.tsx';
import { MediaCleanup } from './MediaCleanup.tsx';
import { Player } from './Player.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';

export function Inspector() {
  return (
    <aside className="inspector" aria-label="Project settings and export">
      <Player />
      <ExportPanel />
      <SettingsPanel />
      <BiblePanel />
      <KeyPanel />
      <EnhanceSettings />
      <BudgetPanel />
      <MediaCleanup />
    </aside>
  );
}
