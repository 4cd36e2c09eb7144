// The viewer: plays the chosen takes in film order, with their sound and transitions, from wherever the
// playhead is, without exporting. Two <video> elements take turns (scene N in slot N % 2), so the next scene
// is loaded while this one plays and a transition can show both; the effect is drawn with CSS (an
// approximation of the export's xfade). The clock is the film's (shared/timeline.ts): it advances with the
// frame time while the picture keeps up, and each video is put back in step when it drifts.
import { useEffect, useRef } from 'react';
import type { CSSProperties } from 'react';
import { parseSize } from '../../../shared/project.ts';
import type { Scene } from '../../../shared/project.ts';
import type { Timeline } from '../../../shared/timeline.ts';
import { timelineOf } from '../lib/film-clock.ts';
import { getApi } from '../api.ts';
import { firstWords } from '../lib/format.ts';
import { frameAt, mixStyle, seek, setRate, shuttle, togglePlay, usePlayback, type Frame } from '../lib/playback.ts';
import { isTextField } from '../lib/undo.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

const DRIFT = 0.35;
const NO_SCENES: Scene[] = [];

/** m:ss.t — tenths, as an editor reads a playhead (floored, so the end of the film is not shown early). */
export function timecode(t: number): string {
  const tenths = Math.floor(Math.max(0, t) * 10 + 1e-6);
  const s = Math.floor(tenths / 10);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}.${tenths % 10}`;
}

interface SlotLook {
  file: string | null;
  at: number | null;
  visible: boolean;
  style: CSSProperties;
  volume: number;
}

/** What each slot shows for a frame: the main scene, the incoming one, or (hidden) the next one, preloaded. */
function looks(frame: Frame, timeline: Timeline): [SlotLook, SlotLook] {
  const out: [SlotLook, SlotLook] = [
    { file: null, at: null, visible: false, style: {}, volume: 0 },
    { file: null, at: null, visible: false, style: {}, volume: 0 },
  ];
  const mix = frame.incoming ? mixStyle(frame.incoming.transition, frame.incoming.progress) : null;
  out[frame.main.index % 2] = { file: frame.main.file, at: frame.main.at, visible: true, style: (mix?.outgoing ?? {}) as CSSProperties, volume: mix ? mix.volume[0] : 1 };
  if (frame.incoming) {
    out[frame.incoming.index % 2] = { file: frame.incoming.file, at: frame.incoming.at, visible: true, style: { ...(mix!.incoming as CSSProperties), zIndex: 2 }, volume: mix!.volume[1] };
  } else {
    const next = timeline.scenes[frame.main.index + 1];
    if (next?.take) out[(frame.main.index + 1) % 2] = { file: next.take.file, at: next.take.in, visible: false, style: {}, volume: 0 };
  }
  return out;
}

function syncVideo(video: HTMLVideoElement, look: SlotLook, rate: number): void {
  if (!look.file || look.at === null) {
    if (!video.paused) video.pause();
    return;
  }
  if (video.dataset.file !== look.file) {
    video.dataset.file = look.file;
    video.src = getApi().mediaUrl(look.file);
    video.currentTime = look.at;
  }
  video.volume = Math.min(1, Math.max(0, look.volume));
  const playing = rate > 0 && look.visible;
  if (playing) {
    if (video.playbackRate !== rate) video.playbackRate = rate;
    if (Math.abs(video.currentTime - look.at) > DRIFT * Math.max(1, rate) && !video.seeking) video.currentTime = look.at;
    if (video.paused) void video.play().catch(() => undefined);
  } else {
    if (!video.paused) video.pause();
    if (Math.abs(video.currentTime - look.at) > 0.04 && !video.seeking) video.currentTime = look.at;
  }
}

export function Player() {
  const scenes = useStore((s) => s.view?.project.scenes);
  const size = useStore((s) => s.view?.project.size ?? '1280x720');
  const timeline = timelineOf(scenes ?? NO_SCENES);
  const time = usePlayback((s) => s.time);
  const rate = usePlayback((s) => s.rate);
  const videos = [useRef<HTMLVideoElement>(null), useRef<HTMLVideoElement>(null)] as const;
  const timelineRef = useRef(timeline);
  timelineRef.current = timeline;

  const frame = frameAt(timeline, time);
  const slotLooks = frame ? looks(frame, timeline) : null;

  // Keep the videos in step with the clock on every change of time (playing or scrubbing).
  useEffect(() => {
    if (!slotLooks) return;
    videos.forEach((ref, i) => ref.current && syncVideo(ref.current, slotLooks[i]!, rate));
  });

  // The clock: advances while playing, holds while the picture on screen is still loading.
  useEffect(() => {
    if (rate === 0) return;
    let last = performance.now();
    let raf = requestAnimationFrame(function tick(now) {
      const dt = Math.min(0.25, (now - last) / 1000);
      last = now;
      const tl = timelineRef.current;
      const st = usePlayback.getState();
      const f = frameAt(tl, st.time);
      const main = f ? videos[(f.main.index % 2) as 0 | 1].current : null;
      const waiting = rate > 0 && f?.main.file && main && main.readyState < 3;
      if (!waiting) {
        const t = st.time + dt * st.rate;
        if (t >= tl.total || t <= 0) usePlayback.setState({ time: Math.min(Math.max(0, t), tl.total), rate: 0 });
        else usePlayback.setState({ time: t });
      }
      raf = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(raf);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the refs are stable
  }, [rate]);

  // While paused, choosing a scene puts the playhead at its start: Play then plays from there.
  const selectedId = useStore((s) => s.selectedSceneId);
  useEffect(() => {
    if (usePlayback.getState().rate !== 0) return;
    const s = timelineRef.current.scenes.find((x) => x.sceneId === selectedId);
    if (s && (usePlayback.getState().time < s.start || usePlayback.getState().time >= s.end)) seek(s.start);
  }, [selectedId]);

  usePlaybackKeys(timeline.total);

  const { width, height } = parseSize(size);
  const placeholder = frame && !frame.main.file ? scenes?.[frame.main.index]?.prompt : null;
  const overlay = frame?.incoming ? mixStyle(frame.incoming.transition, frame.incoming.progress).overlay : null;
  const playing = rate !== 0;

  return (
    <section className="panel player" aria-label="Viewer">
      <div className="monitor" style={{ aspectRatio: `${width} / ${height}` }} data-testid="monitor">
        {overlay && <div className="monitor-overlay" style={{ background: overlay }} />}
        {videos.map((ref, i) => (
          <video
            key={i}
            ref={ref}
            className="monitor-video"
            data-testid="player-video"
            data-active={slotLooks?.[i]?.visible && slotLooks[i]!.file ? 'true' : 'false'}
            style={{ ...(slotLooks?.[i]?.style ?? {}), visibility: slotLooks?.[i]?.visible && slotLooks[i]!.file ? 'visible' : 'hidden' }}
            playsInline
            preload="auto"
          />
        ))}
        {placeholder !== null && placeholder !== undefined && (
          <div className="monitor-placeholder">
            <span>Scene {frame!.main.index + 1} has no take yet</span>
            <em>{firstWords(placeholder, 14)}</em>
          </div>
        )}
        {!frame && <div className="monitor-placeholder">Add scenes to watch the film here.</div>}
      </div>
      <div className="transport">
        <button type="button" className="btn btn-sm" data-testid="play" data-state={playing ? 'playing' : 'paused'} disabled={!frame} aria-label={playing ? 'Pause (Space)' : 'Play (Space)'} title={playing ? 'Pause (Space)' : 'Play from the playhead (Space); J/K/L shuttle'} onClick={() => togglePlay(timeline.total)}>
          {playing ? <PauseGlyph /> : <Icon name="play" />}
          {playing ? 'Pause' : 'Play'}
        </button>
        <span className="transport-time" data-testid="player-time">
          {timecode(time)} / {timecode(timeline.total)}
        </span>
        {rate !== 0 && rate !== 1 && <span className="transport-rate">{rate > 0 ? `${rate}×` : `◀ ${-rate}×`}</span>}
      </div>
    </section>
  );
}

/** Space plays and pauses; J/K/L shuttle. Not while typing, and Space stays a button's own key. */
function usePlaybackKeys(total: number): void {
  const totalRef = useRef(total);
  totalRef.current = total;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTextField(document.activeElement)) return;
      if (useStore.getState().pendingDelete || useStore.getState().pendingSpend) return;
      const tag = (document.activeElement as HTMLElement | null)?.tagName;
      if (e.key === ' ') {
        if (tag === 'BUTTON' || tag === 'SELECT' || tag === 'INPUT' || tag === 'A' || tag === 'SUMMARY') return;
        e.preventDefault();
        togglePlay(totalRef.current);
        return;
      }
      const k = e.key.toLowerCase();
      if (k === 'j' || k === 'k' || k === 'l') {
        e.preventDefault();
        setRate(shuttle(usePlayback.getState().rate, k));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function PauseGlyph() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M7 5h3v14H7zM14 5h3v14h-3z" fill="currentColor" />
    </svg>
  );
}
