// Every take of the selected scene: play it, score it on four criteria, see how it was made and whether it is
// stale, compare two side by side, and choose the one that goes into the film.
import { useState } from 'react';
import type { Scene, Take } from '../../../shared/project.ts';
import { CRITERIA, overallScore, scoresOf } from '../../../shared/rating.ts';
import { staleReasons } from '../../../shared/stale.ts';
import { modelProfile } from '../../../shared/capabilities.ts';
import { canDerive, DERIVE_KINDS, extensionSeconds } from '../../../shared/derive.ts';
import { chooseTake, deriveTake, scoreTake } from '../actions.ts';
import { activeJobsFor } from '../lib/status.ts';
import { getApi } from '../api.ts';
import { formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { TakeCompare } from './TakeCompare.tsx';
import { TakeDetails } from './TakeDetails.tsx';
import { Icon } from './ui.tsx';

export function TakeList({ scene }: { scene: Scene }) {
  // Two takes picked for the side-by-side compare; kept per scene.
  const [picked, setPicked] = useState<{ sceneId: string; ids: string[] }>({ sceneId: scene.id, ids: [] });
  const [comparing, setComparing] = useState(false);
  const ids = picked.sceneId === scene.id ? picked.ids.filter((id) => scene.takes.some((t) => t.id === id)) : [];
  const togglePick = (id: string) => {
    // Picking a third take lets go of the oldest pick, so two are always the latest two.
    const next = ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2);
    setPicked({ sceneId: scene.id, ids: next });
  };
  const label = (id: string) => {
    const i = scene.takes.findIndex((t) => t.id === id);
    return i >= 0 ? `take ${i + 1}` : 'a deleted take';
  };
  // Oldest first, numbered in the order they were made (take 1 is the first generation).
  return (
    <div className="takes">
      <div className="takes-head">
        <h3 className="field-label">
          Takes <span className="muted">({scene.takes.length})</span>
        </h3>
        {scene.takes.length > 1 && (
          <button
            type="button"
            className="btn btn-sm"
            data-testid="compare-takes"
            disabled={ids.length !== 2}
            title={ids.length === 2 ? undefined : 'Tick “Compare” on two takes first.'}
            onClick={() => setComparing(true)}
          >
            Compare {ids.length === 2 ? `takes ${ids.map((id) => scene.takes.findIndex((t) => t.id === id) + 1).join(' and ')}` : 'two takes'}
          </button>
        )}
      </div>
      {scene.takes.length === 0 ? (
        <div className="takes-empty">
          <Icon name="film" />
          <p>No takes yet. Generate this scene, then pick the take you like best.</p>
        </div>
      ) : (
        <ul className="take-grid">
          {scene.takes.map((take, i) => (
            <TakeItem key={take.id} scene={scene} take={take} n={i + 1} picked={ids.includes(take.id)} onPick={() => togglePick(take.id)} takeLabel={label} />
          ))}
        </ul>
      )}
      {comparing && ids.length === 2 && <TakeCompare sceneId={scene.id} takeIds={[ids[0]!, ids[1]!]} onClose={() => setComparing(false)} />}
    </div>
  );
}

function TakeItem({ scene, take, n, picked, onPick, takeLabel }: { scene: Scene; take: Take; n: number; picked: boolean; onPick(): void; takeLabel(id: string): string }) {
  const api = getApi();
  const chosen = scene.chosenTake === take.id;
  const project = useStore((s) => s.view?.project ?? null);
  const stale = project ? staleReasons(project, scene, take) : [];
  const overall = overallScore(take);
  return (
    <li
      className={`take ${chosen ? 'is-chosen' : ''} ${stale.length ? 'is-stale' : ''}`}
      data-testid="take"
      data-take-id={take.id}
      data-stale={stale.map((r) => r.field).join(' ') || undefined}
      aria-label={`Take ${n}${chosen ? ', in the film' : ''}${stale.length ? ', stale' : ''}`}
    >
      <div className="take-flags">
        {chosen && (
          <span className="chosen-badge" data-testid="chosen-take">
            <Icon name="check" />
            In the film{scene.chosenBy === 'creator' ? ' (your pick)' : ''}
          </span>
        )}
        {stale.length > 0 && (
          <span className="stale-badge" data-testid="take-stale-badge" title={stale.map((r) => r.message).join('\n')}>
            <Icon name="warn" />
            Stale
          </span>
        )}
      </div>
      <div className="take-video">
        <video controls preload="metadata" src={api.mediaUrl(take.file)} poster={take.thumbnail ? api.mediaUrl(take.thumbnail) : undefined} aria-label={`Take ${n} video`} />
      </div>
      <div className="take-meta">
        <strong>Take {n}</strong>
        <span className="muted">
          {take.seconds.toFixed(take.seconds % 1 ? 1 : 0)} s · {take.model} · {formatMoney(take.costUsd)}
        </span>
        <span className="take-overall" data-testid="take-overall" data-score={overall ?? ''}>
          {overall === null ? 'Not scored' : `${overall} / 10`}
        </span>
      </div>
      {stale.length > 0 && (
        <ul className="stale-reasons" data-testid="take-stale">
          {stale.map((r) => (
            <li key={r.field} data-field={r.field}>
              {r.message}
            </li>
          ))}
        </ul>
      )}
      <ScoreFields sceneId={scene.id} take={take} n={n} />
      <div className="take-actions">
        <label className="take-pick">
          <input type="checkbox" data-testid="take-compare-pick" checked={picked} onChange={onPick} />
          Compare
        </label>
        {chosen ? (
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => void chooseTake(scene.id, null)}>
            Unchoose
          </button>
        ) : (
          <button type="button" className="btn btn-sm" data-testid="choose-take" onClick={() => void chooseTake(scene.id, take.id)}>
            Use this take
          </button>
        )}
      </div>
      <DeriveButtons sceneId={scene.id} take={take} n={n} />
      <details className="take-more">
        <summary data-testid="take-details-toggle">How it was made</summary>
        <TakeDetails take={take} takeLabel={takeLabel} />
      </details>
    </li>
  );
}

/** Re-roll always; remix and extend only where the take's model can (shared/derive.ts). */
function DeriveButtons({ sceneId, take, n }: { sceneId: string; take: Take; n: number }) {
  const custom = useStore((s) => s.info?.settings.customModels ?? EMPTY);
  const busy = useStore((s) => activeJobsFor(s.jobs, sceneId).length > 0);
  const extra = extensionSeconds(modelProfile(take.provider, take.model, custom)?.durations ?? []);
  const kinds = DERIVE_KINDS.filter((k) => canDerive(take, k, custom));
  const label = { reroll: 'Re-roll', remix: 'Remix', extend: `Extend +${extra} s` } as const;
  const hint = {
    reroll: 'Generate this scene again as it now stands (a new take).',
    remix: `Apply the scene's current prompt to take ${n} at ${take.provider} (a new take).`,
    extend: `Continue take ${n} by ${extra} s (a new, longer take).`,
  } as const;
  return (
    <div className="take-derive" role="group" aria-label={`New takes from take ${n}`}>
      {kinds.map((k) => (
        <button key={k} type="button" className="btn btn-sm btn-ghost" data-testid={`take-${k}`} disabled={busy} title={busy ? 'This scene is generating. Wait for it first.' : hint[k]} onClick={() => void deriveTake(sceneId, take.id, k, n)}>
          {label[k]}
        </button>
      ))}
    </div>
  );
}

const EMPTY: never[] = [];
const POINTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** One 1–10 choice per criterion; "–" clears it. Stars from older projects show as their scores. */
function ScoreFields({ sceneId, take, n }: { sceneId: string; take: Take; n: number }) {
  const scores = scoresOf(take);
  return (
    <div className="take-scores" role="group" aria-label={`Score take ${n}`} data-testid="take-rating">
      {CRITERIA.map((c) => (
        <label key={c.key} className="take-score" title={`${c.label}: ${c.hint}`}>
          <span>{c.short}</span>
          <select
            className="input select input-sm"
            data-testid={`score-${c.key}`}
            aria-label={`${c.label}, 1 to 10`}
            value={scores[c.key] ?? ''}
            onChange={(e) => void scoreTake(sceneId, take.id, { [c.key]: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">–</option>
            {POINTS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
