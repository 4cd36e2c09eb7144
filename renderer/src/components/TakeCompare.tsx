// Two takes of a scene side by side, scrubbing and playing in sync: one slider and one play button drive
// both videos, and the second follows the first while they play.
import { useEffect, useRef, useState } from 'react';
import type { Take } from '../../../shared/project.ts';
import { CRITERIA, overallScore, scoresOf } from '../../../shared/rating.ts';
import { staleReasons } from '../../../shared/stale.ts';
import { chooseTake } from '../actions.ts';
import { getApi } from '../api.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';
import { Icon } from './ui.tsx';

/** Further apart than this while playing, the second video is moved to the first's time. */
const DRIFT_S = 0.08;

export function TakeCompare({ sceneId, takeIds, onClose }: { sceneId: string; takeIds: [string, string]; onClose(): void }) {
  const project = useStore((s) => s.view?.project ?? null);
  const scene = project?.scenes.find((s) => s.id === sceneId) ?? null;
  const closeRef = useRef<HTMLButtonElement>(null);
  const a = useRef<HTMLVideoElement>(null);
  const b = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [length, setLength] = useState(0);

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const follow = () => {
      const [va, vb] = [a.current, b.current];
      if (va && vb) {
        if (Math.abs(vb.currentTime - va.currentTime) > DRIFT_S && va.currentTime <= vb.duration) vb.currentTime = va.currentTime;
        setTime(va.currentTime);
        if (va.ended) setPlaying(false);
      }
      frame = requestAnimationFrame(follow);
    };
    frame = requestAnimationFrame(follow);
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  if (!project || !scene) return null;
  const takes = takeIds.map((id) => scene.takes.find((t) => t.id === id)).filter((t): t is Take => !!t);
  if (takes.length !== 2) return null;
  const number = (t: Take) => scene.takes.indexOf(t) + 1;

  const seek = (t: number) => {
    for (const v of [a.current, b.current]) if (v) v.currentTime = Math.min(t, Number.isFinite(v.duration) ? v.duration : t);
    setTime(t);
  };
  const toggle = () => {
    const videos = [a.current, b.current].filter((v): v is HTMLVideoElement => !!v);
    if (playing) {
      videos.forEach((v) => v.pause());
      setPlaying(false);
    } else {
      if (a.current?.ended) seek(0);
      videos.forEach((v) => void v.play().catch(() => undefined));
      setPlaying(true);
    }
  };
  const onMeta = () => setLength(Math.max(a.current?.duration || 0, b.current?.duration || 0));

  return (
    <Modal titleId="compare-title" bodyId="compare-body" testId="take-compare" initialFocus={closeRef} onClose={onClose}>
      <div className="compare-head">
        <h2 id="compare-title">
          Take {number(takes[0]!)} and take {number(takes[1]!)} side by side
        </h2>
        <div className="spacer" />
        <button ref={closeRef} type="button" className="btn btn-sm btn-ghost" data-testid="compare-close" onClick={onClose} aria-label="Close the comparison">
          <Icon name="close" />
        </button>
      </div>
      <div id="compare-body" className="compare-grid">
        {takes.map((take, i) => {
          const stale = staleReasons(project, scene, take);
          const overall = overallScore(take);
          const scores = scoresOf(take);
          return (
            <figure key={take.id} className="compare-side" data-testid="compare-side" data-take-id={take.id}>
              <video ref={i === 0 ? a : b} src={getApi().mediaUrl(take.file)} preload="auto" muted={i === 1} playsInline onLoadedMetadata={onMeta} aria-label={`Take ${number(take)} video`} />
              <figcaption>
                <span>
                  <strong>Take {number(take)}</strong>
                  <span className="muted">
                    {' '}
                    · {take.model} · {overall === null ? 'not scored' : `${overall} / 10 overall`}
                  </span>
                </span>
                <span className="compare-scores muted small">{CRITERIA.map((c) => `${c.label} ${scores[c.key] ?? '–'}`).join(' · ')}</span>
                {stale.length > 0 && <span className="stale-note small">Stale: {stale.map((r) => r.message).join(' ')}</span>}
                {scene.chosenTake === take.id ? (
                  <span className="chosen-badge is-inline">
                    <Icon name="check" /> In the film
                  </span>
                ) : (
                  <button type="button" className="btn btn-sm" data-testid="compare-choose" onClick={() => void chooseTake(sceneId, take.id)}>
                    Use take {number(take)}
                  </button>
                )}
              </figcaption>
            </figure>
          );
        })}
      </div>
      <div className="compare-transport">
        <button type="button" className="btn btn-sm" data-testid="compare-play" onClick={toggle} aria-label={playing ? 'Pause both' : 'Play both'}>
          <Icon name={playing ? 'stop' : 'play'} />
          {playing ? 'Pause' : 'Play both'}
        </button>
        <input
          type="range"
          className="compare-scrub"
          data-testid="compare-scrub"
          aria-label="Position in both takes"
          min={0}
          max={length || 1}
          step={0.01}
          value={Math.min(time, length || 1)}
          onChange={(e) => seek(Number(e.target.value))}
        />
        <span className="muted small compare-time">{time.toFixed(2)} s</span>
      </div>
    </Modal>
  );
}
