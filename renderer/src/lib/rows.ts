// A list of rows of one height, virtualised: only the rows in (or near) the scrolled view are in the page.

/** Rows [from, to) that overlap the view at `scrollTop` (`viewHeight` tall), with `overscan` rows either side. */
export function visibleRows(count: number, rowHeight: number, scrollTop: number, viewHeight: number, overscan = 3): { from: number; to: number } {
  if (count <= 0 || rowHeight <= 0) return { from: 0, to: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewHeight)) / rowHeight);
  return { from: Math.min(count, Math.max(0, first - overscan)), to: Math.min(count, last + overscan) };
}
