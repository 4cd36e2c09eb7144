// The time ruler under the strip, drawn against the cards' own positions so it lines up with them.
import { useMemo } from 'react';
import { formatClock } from '../lib/format.ts';
import { seek } from '../lib/playback.ts';
import { rulerTicks, timeAtX } from '../lib/timeline.ts';
import type { TimelineLayout } from '../lib/timeline.ts';

export function TimeRuler({ layout }: { layout: TimelineLayout }) {
  const ticks = useMemo(() => rulerTicks(layout), [layout]);
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
}
