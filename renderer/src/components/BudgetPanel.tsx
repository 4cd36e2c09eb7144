// The per-project budget cap. main refuses generations that would go over it.
import { useState } from 'react';
import { formatMoney } from '../lib/format.ts';
import { updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';

export function BudgetPanel() {
  const budget = useStore((s) => (s.info ? s.info.settings.budgetUsd : undefined));
  const [draft, setDraft] = useState<string | null>(null);
  if (budget === undefined) return null;
  const shown = draft ?? (budget === null ? '' : String(budget));

  const commit = async () => {
    if (draft === null) return;
    const text = draft.trim();
    const value = text === '' ? null : Number(text);
    if (value !== null && (!Number.isFinite(value) || value < 0)) return;
    if (value !== budget) await updateSettings({ budgetUsd: value });
    setDraft(null);
  };

  const invalid = draft !== null && draft.trim() !== '' && !(Number(draft) >= 0);
  return (
    <section className="panel" aria-labelledby="budget-title">
      <h2 id="budget-title" className="panel-title">
        Budget
      </h2>
      <div className="field">
        <label className="field-label" htmlFor="budget-cap">
          Cap per project (USD)
        </label>
        <div className="input-prefix">
          <span aria-hidden="true">$</span>
          <input
            id="budget-cap"
            className={`input ${invalid ? 'is-invalid' : ''}`}
            data-testid="settings-budget"
            inputMode="decimal"
            placeholder="No cap"
            value={shown}
            aria-invalid={invalid}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void commit();
            }}
          />
        </div>
        <p className="field-hint">{budget === null ? 'No cap: every generation is allowed.' : `Generations that would pass ${formatMoney(budget)} are refused.`}</p>
      </div>
    </section>
  );
}
