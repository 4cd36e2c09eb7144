// Before paid work is sent: what it costs, how that is worked out, what was spent, and the budget.
// Nothing is submitted until the creator says yes; Escape or "Not now" sends nothing, and "Not now" has the
// focus, so an Enter pressed out of habit spends nothing.
import { useRef } from 'react';
import { modelProfile, sceneTarget, type CustomModels } from '../../../shared/capabilities.ts';
import type { EstimateView } from '../../../shared/contract.ts';
import type { Project } from '../../../shared/project.ts';
import { startDerive, startGeneration } from '../actions.ts';
import { useCustomModels } from '../hooks.ts';
import { formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';

/** The estimate's lines by the model each scene is made with (a film may mix them): label, seconds, dollars. */
export function spendByModel(project: Project, estimate: EstimateView, custom: CustomModels = []): Array<{ label: string; seconds: number; usd: number; perSecond: number; own: boolean }> {
  const groups = new Map<string, { label: string; seconds: number; usd: number; perSecond: number; own: boolean }>();
  for (const line of estimate.lines) {
    const scene = project.scenes.find((s) => s.id === line.sceneId);
    const t = scene ? sceneTarget(project, scene) : project;
    const k = `${t.provider}|${t.model}`;
    const profile = modelProfile(t.provider, t.model, custom);
    const own = t.provider !== project.provider || t.model !== project.model;
    const g = groups.get(k) ?? { label: profile?.label ?? t.model, seconds: 0, usd: 0, perSecond: profile?.pricePerSecond[project.size] ?? 0, own };
    g.seconds += line.seconds * line.takes;
    g.usd += line.usd;
    groups.set(k, g);
  }
  return [...groups.values()];
}

const DERIVE_TITLE = { reroll: 'Re-roll', remix: 'Remix', extend: 'Extend' } as const;

export function ConfirmSpend() {
  const pending = useStore((s) => s.pendingSpend);
  const size = useStore((s) => s.view?.project.size ?? '');
  const project = useStore((s) => s.view?.project ?? null);
  const custom = useCustomModels();
  const askSpend = useStore((s) => s.askSpend);
  const sceneNumber = useStore((s) => (s.view?.project.scenes.findIndex((sc) => sc.id === s.pendingSpend?.sceneIds[0]) ?? -1) + 1);
  const cancelRef = useRef<HTMLButtonElement>(null);

  if (!pending) return null;
  const { estimate, sceneIds, takes } = pending;
  const scenes = estimate.lines.length;
  const takesEach = estimate.lines[0]?.takes ?? 1;
  const close = () => askSpend(null);
  const confirm = async () => {
    askSpend(null);
    if (pending.derive) await startDerive(sceneIds[0]!, pending.derive.takeId, pending.derive.kind);
    else await startGeneration(sceneIds, takes);
  };
  const over = estimate.overBudgetUsd > 0;
  const byModel = project ? spendByModel(project, estimate, custom) : [];

  return (
    <Modal titleId="spend-title" bodyId="spend-body" testId="confirm-spend" initialFocus={cancelRef} onClose={close}>
      <h2 id="spend-title">
        {pending.derive ? `${DERIVE_TITLE[pending.derive.kind]} take ${pending.derive.takeNumber} of scene ${sceneNumber} for ${formatMoney(estimate.totalUsd)}?` : scenes === 1 && takesEach > 1 ? `Generate ${takesEach} takes of scene ${sceneNumber} for ${formatMoney(estimate.totalUsd)}?` : `Generate ${scenes} ${scenes === 1 ? 'scene' : 'scenes'} for ${formatMoney(estimate.totalUsd)}?`}
      </h2>
      <div id="spend-body" className="spend-body">
        {byModel.length > 1 || byModel[0]?.own ? (
          <ul className="spend-models" data-testid="spend-by-model">
            {byModel.map((g) => (
              <li key={g.label}>
                {g.label}: {g.seconds} s{g.perSecond > 0 ? ` × ${formatMoney(g.perSecond)}/s = ${formatMoney(g.usd)}` : ', free'}
              </li>
            ))}
          </ul>
        ) : (
          <p>
            {estimate.model} at {size}: {estimate.totalSeconds} s of video{takesEach > 1 ? ` (${takesEach} takes each)` : ''} × {formatMoney(estimate.pricePerSecond)}/s.
          </p>
        )}
        <p className="muted">
          Spent on this project so far: {formatMoney(estimate.spentUsd)}
          {estimate.budgetUsd !== null ? ` of your ${formatMoney(estimate.budgetUsd)} budget.` : '. No budget cap is set.'}
        </p>
        {over && (
          <p className="spend-over" data-testid="spend-over">
            This goes over your budget by {formatMoney(estimate.overBudgetUsd)}, so Storyreel will refuse it. Raise the cap or generate fewer scenes.
          </p>
        )}
        <p className="muted small">The provider bills what it generates, even takes you do not keep. A scene blocked by the provider's moderation is not billed, and Storyreel's spend ledger records it as not billed.</p>
      </div>
      <div className="modal-actions">
        <button ref={cancelRef} type="button" className="btn" data-testid="confirm-spend-no" onClick={close}>
          Not now
        </button>
        <button type="button" className="btn btn-primary" data-testid="confirm-spend-yes" disabled={over} onClick={() => void confirm()}>
          Spend {formatMoney(estimate.totalUsd)}
        </button>
      </div>
    </Modal>
  );
}
