// The time ruler under the strip, drawn against the cards' own positions so it lines up with them.
import { memo, useMemo } from 'react';
import { formatClock } from '../lib/format.ts';
import { seek } from '../lib/playback.ts';
import { rulerTicks, timeAtX } from '../lib/timeline.ts';
import type { TimelineLayout } from '../lib/timeline.ts';

/** Memoised on the layout (a drag step does not redraw it); only ticks near the view are in the page. */
export const TimeRuler = memo(function TimeRuler({ layout, from, to }: { layout: TimelineLayout; from: number; to: number }) {
  const all = useMemo(() => rulerTicks(layout), [layout]);
  const ticks = useMemo(() => all.filter((t) => t.x >= from && t.x <= to), [all, from, to]);
  return (
    // Clicking the ruler puts the playhead there (the viewer shows that moment).
    <div className="ruler" style={{ width: layout.width }} aria-hidden="true" data-testid="ruler" onClick={(e) => seek(timeAtX(layout, e.clientX - e.currentTarget.getBoundingClientRect().left))}>
      {ticks.map((t) => (
        <div key={`${t.kind}-${t.x}-${t.t}`} className={`tick tick-${t.kind}`} style={{ left: t.x }}>
          {t.label && <span className="tick-label">{formatClock(t.t)}</span>}
        </div>
      ))}
    </div>
  );
});
