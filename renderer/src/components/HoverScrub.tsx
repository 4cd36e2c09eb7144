// Hovering a card's frame scrubs through its take: the pointer's place across the frame is the place in the
// part of the take the film uses. The video is only in the page while the pointer is over the frame.
import { useEffect, useRef, useState } from 'react';
import type { Take } from '../../../shared/project.ts';
import { getApi } from '../api.ts';

export function HoverScrub({ take }: { take: Take }) {
  const [f, setF] = useState<number | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const from = take.trim?.in ?? 0;
  const to = take.trim?.out ?? take.seconds;
  useEffect(() => {
    const v = video.current;
    if (v && f !== null && !v.seeking) v.currentTime = from + f * Math.max(0, to - from - 0.05);
  }, [f, from, to]);
  return (
    <div
      className="hover-scrub"
      data-testid="hover-scrub"
      onMouseMove={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        setF(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)));
      }}
      onMouseLeave={() => setF(null)}
    >
      {f !== null && (
        <>
          <video ref={video} className="frame-media" src={getApi().mediaUrl(take.file)} preload="auto" muted playsInline tabIndex={-1} aria-hidden="true" />
          <span className="scrub-line" style={{ left: `${f * 100}%` }} aria-hidden="true" />
        </>
      )}
    </div>
  );
}
