// Just above the strip: what to do with the selected (or picked) scenes — duplicate, split at the playhead,
// generate or delete several — and the zoom: out, "fit the film", in.
import type { RefObject } from 'react';
import type { Timeline } from '../../../shared/timeline.ts';
import { generate } from '../actions.ts';
import { duplicateScenes, removeMany, splitScene } from '../lib/craft-actions.ts';
import { usePlayback } from '../lib/playback.ts';
import { targets, usePicked } from '../lib/selection.ts';
import { DEFAULT_TIMELINE, fitZoom, MAX_PPS, MIN_PPS } from '../lib/timeline.ts';
import { useStore } from '../store.ts';

interface Props {
  timeline: Timeline;
  pps: number;
  setPps(pps: number): void;
  scroller: RefObject<HTMLDivElement | null>;
}

export function StripTools({ timeline, pps, setPps, scroller }: Props) {
  const selectedId = useStore((s) => s.selectedSceneId);
  const picked = usePicked((s) => s.ids);
  const time = usePlayback((s) => s.time);
  const order = timeline.scenes.map((s) => s.sceneId);
  const group = targets(order, picked, selectedId);
  // Split where the playhead is, in the scene it is in (not at its very edges).
  const under = timeline.scenes.find((s) => time > s.start + 0.05 && time < s.end - 0.05) ?? null;
  const zoom = (f: number) => setPps(Math.min(MAX_PPS, Math.max(MIN_PPS, pps * f)));
  const fit = () => setPps(fitZoom(timeline, (scroller.current?.clientWidth ?? 800) - 80));
  const n = group.length;
  return (
    <div className="strip-tools" role="toolbar" aria-label="Scenes and zoom">
      {picked.length > 1 && (
        <span className="picked-count" data-testid="picked-count" title="Shift or Ctrl with a click picks scenes; the buttons act on all of them">
          {n} picked
        </span>
      )}
      <button type="button" className="btn btn-sm btn-ghost" data-testid="duplicate" disabled={!n} title="Copy the scene (and its takes) right after it" onClick={() => void duplicateScenes(group)}>
        Duplicate{n > 1 ? ` ${n}` : ''}
      </button>
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        data-testid="split"
        disabled={!under}
        title={under ? `Split scene ${under.index + 1} at the playhead` : 'Put the playhead inside a scene to split it there'}
        onClick={() => under && void splitScene(under.sceneId, time - under.start)}
      >
        Split at playhead
      </button>
      {n > 1 && (
        // A take more for each picked scene; paid work shows its cost first, as Generate all does.
        <button type="button" className="btn btn-sm btn-ghost" data-testid="generate-picked" title="Make a take for each picked scene" onClick={() => void generate(group)}>
          Generate {n}
        </button>
      )}
      {n > 1 && (
        <button type="button" className="btn btn-sm btn-ghost btn-danger" data-testid="delete-picked" onClick={() => void removeMany(group)}>
          Delete {n}
        </button>
      )}
      <div className="spacer" />
      <div className="zoom" role="group" aria-label="Zoom">
        <button type="button" className="btn btn-sm btn-ghost btn-icon" data-testid="zoom-out" aria-label="Zoom out" title="Zoom out" disabled={pps <= MIN_PPS} onClick={() => zoom(1 / 1.5)}>
          −
        </button>
        <button type="button" className="btn btn-sm btn-ghost" data-testid="zoom-fit" title="Fit the whole film in the window" onClick={fit}>
          Fit
        </button>
        <button type="button" className="btn btn-sm btn-ghost btn-icon" data-testid="zoom-in" aria-label="Zoom in" title="Zoom in" disabled={pps >= MAX_PPS} onClick={() => zoom(1.5)}>
          +
        </button>
        <button type="button" className="btn btn-sm btn-ghost" title="Back to the normal zoom" onClick={() => setPps(DEFAULT_TIMELINE.pxPerSecond)}>
          {Math.round((pps / DEFAULT_TIMELINE.pxPerSecond) * 100)}%
        </button>
      </div>
    </div>
  );
}
