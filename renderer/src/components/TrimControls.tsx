// Trim the chosen take: the part of it the film uses (take.trim), as two numbers and a two-thumb range.
// A drag of a thumb is one change (sent when the thumb is let go), so it is one undo step.
import { useEffect, useState } from 'react';
import { chosenTakeOf, type Scene } from '../../../shared/project.ts';
import { MIN_TRIM_SECONDS, trimProblem } from '../../../shared/timeline.ts';
import { getApi } from '../api.ts';
import { useStore } from '../store.ts';
import { tracked } from '../lib/undo.ts';

const r2 = (x: number) => Math.round(x * 100) / 100;

async function sendTrim(sceneId: string, takeId: string, trim: { in: number; out: number } | null): Promise<void> {
  const st = useStore.getState();
  try {
    const change = await tracked(getApi().takes.trim({ sceneId, takeId, trim }));
    st.applyChange(change);
  } catch (err) {
    st.showError(err);
  }
}

export function TrimControls({ scene }: { scene: Scene }) {
  const take = chosenTakeOf(scene);
  const whole = take?.seconds ?? 0;
  const saved = { in: take?.trim?.in ?? 0, out: take?.trim?.out ?? whole };
  const [draft, setDraft] = useState(saved);
  const [text, setText] = useState({ in: String(r2(saved.in)), out: String(r2(saved.out)) });
  // main's value replaces the draft whenever it changes (undo, another window).
  useEffect(() => {
    setDraft({ in: saved.in, out: saved.out });
    setText({ in: String(r2(saved.in)), out: String(r2(saved.out)) });
  }, [saved.in, saved.out, take?.id]);
  if (!take || whole <= 0) return null;

  const problem = trimProblem(whole, draft);
  const commit = (next: { in: number; out: number }) => {
    if (trimProblem(whole, next) || (next.in === saved.in && next.out === saved.out)) return;
    const all = next.in <= 0 && next.out >= whole - 1e-6;
    void sendTrim(scene.id, take.id, all ? null : { in: r2(next.in), out: r2(next.out) });
  };
  const fromText = (which: 'in' | 'out', v: string) => {
    const n = Number(v);
    const next = { ...draft, [which]: Number.isFinite(n) ? n : draft[which] };
    setDraft(next);
    return next;
  };
  const left = (draft.in / whole) * 100;
  const right = (draft.out / whole) * 100;

  return (
    <div className="field trim" data-testid="trim">
      <span className="field-label">Trim the take in the film</span>
      <div className="trim-range" style={{ ['--trim-l' as string]: `${left}%`, ['--trim-r' as string]: `${right}%` }}>
        <input
          type="range"
          aria-label="Trim in (seconds)"
          min={0}
          max={whole}
          step={0.05}
          value={draft.in}
          onChange={(e) => setDraft((d) => ({ ...d, in: Math.min(Number(e.target.value), d.out - MIN_TRIM_SECONDS) }))}
          onPointerUp={() => commit(draft)}
          onKeyUp={() => commit(draft)}
          data-testid="trim-in-range"
        />
        <input
          type="range"
          aria-label="Trim out (seconds)"
          min={0}
          max={whole}
          step={0.05}
          value={draft.out}
          onChange={(e) => setDraft((d) => ({ ...d, out: Math.max(Number(e.target.value), d.in + MIN_TRIM_SECONDS) }))}
          onPointerUp={() => commit(draft)}
          onKeyUp={() => commit(draft)}
          data-testid="trim-out-range"
        />
      </div>
      <div className="trim-fields">
        {(['in', 'out'] as const).map((which) => (
          <label key={which} className="trim-field">
            {which === 'in' ? 'In' : 'Out'}
            <input
              className="input input-num"
              type="number"
              min={0}
              max={whole}
              step={0.1}
              value={text[which]}
              data-testid={`trim-${which}`}
              aria-invalid={problem ? true : undefined}
              onChange={(e) => {
                setText((t) => ({ ...t, [which]: e.target.value }));
                fromText(which, e.target.value);
              }}
              onBlur={(e) => commit(fromText(which, e.target.value))}
              onKeyDown={(e) => {
                if (e.key === 'Enter') commit(fromText(which, e.currentTarget.value));
              }}
            />
            s
          </label>
        ))}
        <span className="muted trim-sum">
          uses {r2(Math.max(0, draft.out - draft.in))} s of {r2(whole)} s
        </span>
      </div>
      {problem && (
        <p className="issue" role="alert" data-testid="trim-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
