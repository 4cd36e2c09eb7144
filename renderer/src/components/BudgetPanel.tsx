// The per-project budget cap. main refuses generations that would go over it. What is typed is checked here
// first, with a sentence saying what is wrong (-5, abc, 1,5); nothing invalid is sent or silently dropped.
import { useState } from 'react';
import { formatMoney } from '../lib/format.ts';
import { updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';

/** A typed cap: null = no cap, a number of dollars, or why the text is not one. */
export function parseBudget(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const t = text.trim().replace(/^\$\s*/, '');
  if (t === '') return { ok: true, value: null };
  if (/^\d+,\d{1,2}$/.test(t)) return { ok: false, message: `Use a dot for cents: ${t.replace(',', '.')}.` };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, message: `"${text.trim().slice(0, 20)}" is not an amount. Type dollars, e.g. 25 or 12.50, or leave it empty for no cap.` };
  const value = Number(t);
  if (value < 0) return { ok: false, message: 'A cap cannot be negative. Type 0 to allow no paid work at all, or leave it empty for no cap.' };
  if (value > 1_000_000) return { ok: false, message: 'That cap is over a million dollars. Leave it empty for no cap.' };
  return { ok: true, value: Math.round(value * 100) / 100 };
}

export function BudgetPanel() {
  const budget = useStore((s) => (s.info ? s.info.settings.budgetUsd : undefined));
  const [draft, setDraft] = useState<string | null>(null);
  if (budget === undefined) return null;
  const shown = draft ?? (budget === null ? '' : String(budget));
  const parsed = draft === null ? null : parseBudget(draft);
  const error = parsed && !parsed.ok ? parsed.message : null;

  const commit = async () => {
    if (draft === null || !parsed?.ok) return;
    if (parsed.value !== budget) {
      // Main may ask the creator first (a looser cap); a refusal leaves the typed value to change or undo.
      if (!(await updateSettings({ budgetUsd: parsed.value }))) return;
    }
    setDraft(null);
  };

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
            className={`input ${error ? 'is-invalid' : ''}`}
            data-testid="settings-budget"
            inputMode="decimal"
            placeholder="No cap"
            value={shown}
            aria-invalid={error !== null}
            aria-describedby="budget-hint"
            onChange={(e) => setDraft(e.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void commit();
              if (e.key === 'Escape') setDraft(null);
            }}
          />
        </div>
        {error ? (
          <p id="budget-hint" className="field-error" role="alert" data-testid="budget-error">
            {error}
          </p>
        ) : (
          <p id="budget-hint" className="field-hint">
            {budget === null ? 'No cap: every generation is allowed.' : `Generations that would pass ${formatMoney(budget)} are refused.`}
          </p>
        )}
      </div>
    </section>
  );
}
