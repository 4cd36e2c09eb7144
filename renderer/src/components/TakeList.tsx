// Every take of the selected scene: play it, rate it, and choose the one that goes into the film.
import { formatMoney } from '../lib/format.ts';
import type { Scene, Take } from '../../../shared/project.ts';
import { chooseTake, rateTake } from '../actions.ts';
import { getApi } from '../api.ts';
import { Icon } from './ui.tsx';

export function TakeList({ scene }: { scene: Scene }) {
  // Oldest first, numbered in the order they were made (take 1 is the first generation).
  return (
    <div className="takes">
      <h3 className="field-label">
        Takes <span className="muted">({scene.takes.length})</span>
      </h3>
      {scene.takes.length === 0 ? (
        <div className="takes-empty">
          <Icon name="film" />
          <p>No takes yet. Generate this scene, then pick the take you like best.</p>
        </div>
      ) : (
        <ul className="take-grid">
          {scene.takes.map((take, i) => (
            <TakeItem key={take.id} sceneId={scene.id} take={take} n={i + 1} chosen={scene.chosenTake === take.id} />
          ))}
        </ul>
      )}
    </div>
  );
}

function TakeItem({ sceneId, take, n, chosen }: { sceneId: string; take: Take; n: number; chosen: boolean }) {
  const api = getApi();
  return (
    <li className={`take ${chosen ? 'is-chosen' : ''}`} data-testid="take" data-take-id={take.id} aria-label={`Take ${n}${chosen ? ', in the film' : ''}`}>
      <div className="take-video">
        <video controls preload="metadata" src={api.mediaUrl(take.file)} poster={take.thumbnail ? api.mediaUrl(take.thumbnail) : undefined} aria-label={`Take ${n} video`} />
        {chosen && (
          <span className="chosen-badge" data-testid="chosen-take">
            <Icon name="check" />
            In the film
          </span>
        )}
      </div>
      <div className="take-meta">
        <strong>Take {n}</strong>
        <span className="muted">
          {take.seconds.toFixed(take.seconds % 1 ? 1 : 0)} s · {take.model} · {formatMoney(take.costUsd)}
        </span>
      </div>
      <div className="take-actions">
        <StarRating value={take.rating} label={`Rate take ${n}`} onChange={(r) => void rateTake(sceneId, take.id, r)} />
        {chosen ? (
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => void chooseTake(sceneId, null)}>
            Unchoose
          </button>
        ) : (
          <button type="button" className="btn btn-sm" data-testid="choose-take" onClick={() => void chooseTake(sceneId, take.id)}>
            Use this take
          </button>
        )}
      </div>
    </li>
  );
}

/** 0–5 stars. Clicking the current rating again clears it. */
function StarRating({ value, label, onChange }: { value: number; label: string; onChange(rating: number): void }) {
  return (
    <div className="stars" role="group" aria-label={`${label}: ${value} of 5`} data-testid="take-rating" data-rating={value}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          className={`star ${n <= value ? 'is-on' : ''}`}
          aria-label={`${n} ${n === 1 ? 'star' : 'stars'}`}
          aria-pressed={n <= value}
          onClick={() => onChange(n === value ? 0 : n)}
        >
          ★
        </button>
      ))}
    </div>
  );
}
