// The playhead: one line across the strip and the ruler at the viewer's time; follows it while playing.
import { useEffect, useRef } from 'react';
import { formatClock } from '../lib/format.ts';
import { usePlayback } from '../lib/playback.ts';
import { xAtTime, type TimelineLayout } from '../lib/timeline.ts';

export function Playhead({ layout }: { layout: TimelineLayout }) {
  const time = usePlayback((s) => s.time);
  const playing = usePlayback((s) => s.rate !== 0);
  const ref = useRef<HTMLDivElement>(null);
  const x = xAtTime(layout, time);
  useEffect(() => {
    // Keep it in view while playing, as an editor's timeline does.
    const el = ref.current;
    const scroller = el?.closest('.strip-scroll');
    if (!playing || !el || !scroller) return;
    if (x < scroller.scrollLeft + 24 || x > scroller.scrollLeft + scroller.clientWidth - 24) scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 3);
  }, [x, playing]);
  return (
    <div ref={ref} className={`playhead ${playing ? 'is-playing' : ''}`} style={{ transform: `translateX(${x}px)` }} data-testid="playhead" data-time={time.toFixed(3)} aria-label={`Playhead at ${formatClock(time)}`} role="img" />
  );
}
