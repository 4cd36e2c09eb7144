// The storyboard: a horizontal strip of scene cards in film order (width ∝ duration), transition markers
// between them, and a time ruler underneath. Reorder by drag and drop or with Alt+Arrow keys.
// Kept smooth on a long film: only the cards near the view are in the page; an edit to one scene re-renders
// its card alone (the layout is the same object while the film's clock is, lib/film-clock.ts); a drag step
// moves the drop line itself, without rendering anything.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ComponentProps, DragEvent, KeyboardEvent } from 'react';
import type { Scene } from '../../../shared/project.ts';
import { timelineOf } from '../lib/film-clock.ts';
import { addScene, moveScene } from '../actions.ts';
import { moveMany, removeMany } from '../lib/craft-actions.ts';
import { pickAfterClick, targets, usePicked } from '../lib/selection.ts';
import { dropTarget, gapAt, layoutTimeline, stepIndex, visibleRange, zoomOptions, DEFAULT_TIMELINE } from '../lib/timeline.ts';
import type { TimelineLayout } from '../lib/timeline.ts';
import { useStore } from '../store.ts';
import { SceneCard } from './SceneCard.tsx';
import { StripTools as StripToolsView } from './StripTools.tsx';
import { Playhead as PlayheadView } from './Playhead.tsx';
import { TimeRuler } from './TimeRuler.tsx';
import { TimelineToolbar as TimelineToolbarView } from './TimelineToolbar.tsx';
import { Boundary } from './TransitionPicker.tsx';
import { Icon } from './ui.tsx';

const EMPTY: Scene[] = [];
const DRAG_TYPE = 'application/x-storyreel-scene';
const END_TILE = 96;
const EMPTY_OFFSET = 300;
/** The visible window is read in steps of this many px (the cards drawn reach 400 px past it either way). */
const VIEW_STEP = 200;

// Drawn again by their own subscriptions, or when the timeline or layout they are given changes; not because
// the strip re-rendered for an edit to one scene.
const StripTools = memo(StripToolsView);
const Playhead = memo(PlayheadView);
const TimelineToolbar = memo(TimelineToolbarView);

/** A boundary is drawn again only when what it shows changes (its overlap comes as a new object each render). */
const StripBoundary = memo(Boundary, (a: ComponentProps<typeof Boundary>, b: ComponentProps<typeof Boundary>) =>
  a.index === b.index && a.sceneId === b.sceneId && a.transition === b.transition && a.timeline === b.timeline && a.x === b.x && a.width === b.width &&
  a.overlap.left === b.overlap.left && a.overlap.right === b.overlap.right);

export function focusCard(sceneId: string): void {
  const el = document.querySelector<HTMLElement>(`[data-testid="scene-card"][data-scene-id="${CSS.escape(sceneId)}"]`);
  el?.focus();
}

/** x of the insertion line for a gap (0 = before the first card). */
function gapX(layout: TimelineLayout, gap: number): number {
  const { cards } = layout;
  const at = cards[gap];
  const prev = cards[gap - 1];
  if (gap === 0 || !prev) return (at?.x ?? DEFAULT_TIMELINE.edge) - DEFAULT_TIMELINE.edge / 2;
  if (!at) return prev.x + prev.width + DEFAULT_TIMELINE.edge / 2;
  return at.x - DEFAULT_TIMELINE.gap / 2;
}

export function Timeline() {
  const scenes = useStore((s) => s.view?.project.scenes) ?? EMPTY;
  const selectedId = useStore((s) => s.selectedSceneId);
  const select = useStore((s) => s.select);
  const askDelete = useStore((s) => s.askDelete);
  const timeline = timelineOf(scenes);
  const [pps, setPps] = useState(DEFAULT_TIMELINE.pxPerSecond);
  const layout = useMemo(() => layoutTimeline(timeline, zoomOptions(pps)), [timeline, pps]);
  const picked = usePicked((s) => s.ids);
  const order = useMemo(() => scenes.map((s) => s.id), [scenes]);
  // Virtualised: only the cards in (or near) the visible part of the strip are in the page.
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ left: 0, width: 1600 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let raf = 0;
    const read = () => {
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(() => {
        // Read in steps: scrolling re-renders the strip only when the window of cards drawn has to move.
        const left = Math.floor(el.scrollLeft / VIEW_STEP) * VIEW_STEP;
        const width = Math.ceil(el.clientWidth / VIEW_STEP) * VIEW_STEP + VIEW_STEP;
        setViewport((v) => (v.left === left && v.width === width ? v : { left, width }));
      });
    };
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => {
      cancelAnimationFrame(raf);
      el.removeEventListener('scroll', read);
      ro.disconnect();
    };
  }, []);
  const range = visibleRange(layout, viewport.left, viewport.left + viewport.width);
  const pickedSet = useMemo(() => new Set(picked), [picked]);
  const shown = layout.cards.filter((box, i) => (i >= range.from && i < range.to) || box.id === selectedId || pickedSet.has(box.id));
  // A scene chosen off screen (keyboard, undo) is scrolled to, so its card is rendered and can take the focus.
  useEffect(() => {
    const el = scroller.current;
    const box = layout.cards.find((c) => c.id === selectedId);
    if (!el || !box) return;
    if (box.x < el.scrollLeft || box.x + box.width > el.scrollLeft + el.clientWidth) el.scrollLeft = Math.max(0, box.x - 40);
  }, [selectedId, layout]);
  // A drag: which card, set once when it starts. Where it would drop is not state: each dragover moves the
  // drop line itself (dropLine), so a drag step renders nothing.
  const [drag, setDrag] = useState<{ from: number } | null>(null);
  const line = useRef<HTMLDivElement>(null);
  /** Where the line stands now (the layout too: a take arriving mid-drag can move the gaps). */
  const lineAt = useRef<{ gap: number; layout: TimelineLayout } | null>(null);
  const dropLine = (from: number, gap: number) => {
    const el = line.current;
    if (!el || (lineAt.current?.gap === gap && lineAt.current.layout === layout)) return;
    lineAt.current = { gap, layout };
    if (dropTarget(from, gap) === null) {
      el.removeAttribute('data-gap');
      return;
    }
    el.style.transform = `translateX(${gapX(layout, gap)}px)`;
    el.setAttribute('data-gap', String(gap));
  };
  const [announcement, setAnnouncement] = useState('');

  const move = useCallback(
    async (id: string, toIndex: number) => {
      const change = await moveScene(id, toIndex);
      const moved = change ? useStore.getState().view?.project.scenes : undefined;
      if (moved) {
        const pos = moved.findIndex((s) => s.id === id);
        setAnnouncement(`Scene moved to position ${pos + 1} of ${moved.length}.`);
        select(id);
        focusCard(id);
      }
    },
    [select],
  );

  const onCardKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number, id: string) => {
    const count = scenes.length;
    const step = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
    const group = targets(order, picked, id);
    if (step !== 0 && e.altKey) {
      e.preventDefault();
      if (group.length > 1) {
        // The picked scenes move together, one place, as one step.
        const first = order.indexOf(group[0]!);
        const to = Math.max(0, first + step);
        void moveMany(group, to);
        return;
      }
      const to = stepIndex(index, step, count);
      if (to !== null) void move(id, to);
      return;
    }
    let target: number | null = null;
    if (step !== 0) target = stepIndex(index, step, count);
    else if (e.key === 'Home') target = 0;
    else if (e.key === 'End') target = count - 1;
    if (target !== null || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const s = target === null ? undefined : scenes[target];
      if (s) {
        select(s.id);
        focusCard(s.id);
      }
      return;
    }
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      // Several at once: no question asked, the deletion is one step that Ctrl+Z brings back.
      if (group.length > 1) void removeMany(group);
      else askDelete(id);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      document.getElementById('scene-prompt')?.focus();
    }
  };

  // Cards are memoised (a drag step must not re-render 200 of them): their handlers call the latest logic here.
  const live = useRef({ keyDown: onCardKeyDown, pick: (_id: string, _e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }) => {} });
  live.current = {
    keyDown: onCardKeyDown,
    pick: (id, e) => {
      const mods = { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey };
      usePicked.setState({ ids: pickAfterClick(order, picked, selectedId, id, mods) });
      if (!mods.range) select(id);
    },
  };

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!drag || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    // One read (the layout is clean at the start of a frame), then one write: no layout thrash.
    const rect = e.currentTarget.getBoundingClientRect();
    dropLine(drag.from, gapAt(layout, e.clientX - rect.left));
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    if (!drag || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    const id = e.dataTransfer.getData(DRAG_TYPE);
    const rect = e.currentTarget.getBoundingClientRect();
    const gap = gapAt(layout, e.clientX - rect.left);
    const to = dropTarget(drag.from, gap);
    endDrag();
    const group = targets(order, picked, id);
    if (id && group.length > 1 && group.includes(id)) {
      // A drag of picked scenes moves them all: to the gap, counted among the scenes that stay.
      void moveMany(group, order.slice(0, gap).filter((x) => !group.includes(x)).length);
      return;
    }
    if (id && to !== null) void move(id, to);
  };

  const endDrag = () => {
    lineAt.current = null;
    setDrag(null);
  };

  return (
    <section className="timeline" aria-label="Storyboard">
      <TimelineToolbar />
      <StripTools timeline={timeline} pps={pps} setPps={setPps} scroller={scroller} />
      <div className="strip-scroll" ref={scroller} data-testid="strip-scroll">
        <div
          className={`strip ${drag ? 'is-dragging' : ''} ${zoomOptions(pps).minCardWidth < 90 ? 'is-compact' : ''}`}
          style={{ width: scenes.length === 0 ? EMPTY_OFFSET + END_TILE : layout.width + END_TILE }}
          onDragOver={onDragOver}
          onDrop={onDrop}
        >
          {timeline.boundaries.slice(Math.max(0, range.from - 1), range.to).map((b) => {
            const a = layout.cards[b.index];
            const next = layout.cards[b.index + 1];
            const scene = scenes[b.index];
            if (!a || !next || !scene) return null;
            const px = (card: typeof a) => (card.end > card.start ? (b.overlap / (card.end - card.start)) * card.width : 0);
            return (
              <StripBoundary
                key={`t-${scene.id}`}
                index={b.index}
                sceneId={scene.id}
                transition={scene.transition}
                timeline={timeline}
                x={a.x + a.width}
                width={next.x - (a.x + a.width)}
                overlap={{ left: px(a), right: px(next) }}
              />
            );
          })}
          <div className="strip-cards" role="listbox" aria-multiselectable="true" aria-orientation="horizontal" aria-label="Scenes in film order" aria-describedby="timeline-help">
            {shown.map((box) => {
              const scene = scenes[box.index];
              if (!scene) return null;
              return (
                <SceneCard
                  key={scene.id}
                  scene={scene}
                  index={box.index}
                  box={box}
                  selected={scene.id === selectedId}
                  picked={pickedSet.has(scene.id)}
                  focusable={scene.id === selectedId || (selectedId === null && box.index === 0)}
                  dragging={drag?.from === box.index}
                  onSelect={() => select(scene.id)}
                  onPick={(e) => live.current.pick(scene.id, e)}
                  onKeyDown={(e) => live.current.keyDown(e, box.index, scene.id)}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, scene.id);
                    e.dataTransfer.effectAllowed = 'move';
                    lineAt.current = null;
                    setDrag({ from: box.index });
                  }}
                  onDragEnd={endDrag}
                />
              );
            })}
          </div>
          {/* Placed by dropLine (a transform), shown while it has a gap to show (data-gap). */}
          {drag && <div ref={line} className="drop-line" data-testid="drop-line" aria-hidden="true" />}
          {scenes.length === 0 && (
            <div className="strip-empty">
              <strong>Your storyboard is empty.</strong>
              <span className="muted">Add the first scene to start planning the film.</span>
            </div>
          )}
          <button
            type="button"
            className="end-tile"
            style={{ left: scenes.length === 0 ? EMPTY_OFFSET : layout.width - DEFAULT_TIMELINE.edge + DEFAULT_TIMELINE.gap }}
            aria-label="Add a scene at the end"
            title="Add a scene at the end"
            onClick={() => {
              void addScene(scenes.at(-1)?.id ?? null).then((id) => {
                if (id) requestAnimationFrame(() => document.getElementById('scene-prompt')?.focus());
              });
            }}
          >
            <Icon name="plus" />
          </button>
        </div>
        <TimeRuler layout={layout} from={Math.floor((viewport.left - 800) / 400) * 400} to={Math.ceil((viewport.left + viewport.width + 800) / 400) * 400} />
        <Playhead layout={layout} />
      </div>
      <p id="timeline-help" className="sr-only">
        Left and right arrows move between scenes. Alt with an arrow moves the scene itself. Delete removes it. Enter edits the prompt.
      </p>
      <div className="sr-only" aria-live="polite">
        {announcement}
      </div>
    </section>
  );
}
