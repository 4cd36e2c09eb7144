// The bible's entries at a glance in the inspector, virtualised like the strip: a long bible (up to 100
// entries, each with a picture) keeps only the rows in view in the page.
import { useLayoutEffect, useRef, useState } from 'react';
import type { Bible, BibleKind } from '../../../shared/bible.ts';
import { getApi } from '../api.ts';
import { visibleRows } from '../lib/rows.ts';

/** One row: a 36 px picture beside the name and two lines of description (craft.css .bible-item). */
const ROW = 52;
/** Rows shown before the list scrolls. */
const SHOWN = 6;

export function BibleList({ entries, kindLabel }: { entries: Bible['entries']; kindLabel: Record<BibleKind, string> }) {
  const box = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ top: 0, height: SHOWN * ROW });
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const read = () => setView({ top: el.scrollTop, height: el.clientHeight || SHOWN * ROW });
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, []);
  const { from, to } = visibleRows(entries.length, ROW, view.top, view.height);
  return (
    <ul
      ref={box}
      className="bible-list"
      data-testid="bible-list"
      aria-label={`${entries.length} bible ${entries.length === 1 ? 'entry' : 'entries'}`}
      style={{ height: Math.min(entries.length, SHOWN + 0.5) * ROW }}
    >
      <li className="bible-list-spacer" aria-hidden="true" style={{ height: entries.length * ROW }} />
      {entries.slice(from, to).map((e, i) => (
        <li key={e.id} className="bible-item" data-testid="bible-item" style={{ top: (from + i) * ROW, height: ROW }} aria-setsize={entries.length} aria-posinset={from + i + 1}>
          {e.images[0] ? <img className="bible-thumb" src={getApi().mediaUrl(e.images[0])} alt="" loading="lazy" /> : <span className="bible-thumb bible-thumb-empty">{e.name.slice(0, 1)}</span>}
          <span className="bible-item-text">
            <span className="bible-name">@{e.name}</span> <span className="muted small">{kindLabel[e.kind]}</span>
            <span className="bible-desc small">{e.description || 'No description yet.'}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
