// Small presentational pieces used across the app.
import type { ReactNode } from 'react';
import { percentOf } from '../lib/format.ts';
import type { Tone } from '../lib/status.ts';

export function StatusChip({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`chip chip-${tone}`} title={title}>
      <span className="chip-dot" aria-hidden="true" />
      <span className="chip-text">{children}</span>
    </span>
  );
}

/** A determinate bar; pass `label` for screen readers. */
export function ProgressBar({ value, label, testId, className }: { value: number; label: string; testId?: string; className?: string }) {
  const pct = percentOf(value);
  return (
    <div
      className={`progress ${className ?? ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={testId}
      data-progress={Math.min(1, Math.max(0, value))}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Icon({ name }: { name: 'plus' | 'play' | 'stop' | 'trash' | 'film' | 'folder' | 'check' | 'warn' | 'close' | 'key' | 'sparkle' | 'image' }) {
  const paths: Record<typeof name, string> = {
    plus: 'M12 5v14M5 12h14',
    play: 'M7 5l12 7-12 7z',
    stop: 'M7 7h10v10H7z',
    trash: 'M5 7h14M10 7V5h4v2M7 7l1 12h8l1-12',
    film: 'M4 5h16v14H4zM8 5v14M16 5v14M4 9h4M4 15h4M16 9h4M16 15h4',
    folder: 'M3 7h6l2 2h10v10H3z',
    check: 'M5 12l5 5 9-10',
    warn: 'M12 4l9 16H3zM12 10v4M12 17v.5',
    close: 'M6 6l12 12M18 6L6 18',
    key: 'M14 10a4 4 0 1 0-3 3.87V16h2v2h2v2h3v-3l-4.13-4.13A4 4 0 0 0 14 10z',
    sparkle: 'M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z',
    image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9.5v.5',
  };
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill={name === 'play' || name === 'stop' || name === 'sparkle' ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** Shows a creator-facing error: the sentence, then what to do next. */
export function ErrorText({ message, nextStep, detail }: { message: string; nextStep: string; detail?: string | undefined }) {
  return (
    <div className="error-text">
      <p className="error-message">{message}</p>
      {nextStep && <p className="error-next">{nextStep}</p>}
      {detail && (
        <details className="error-detail">
          <summary>Details</summary>
          <code>{detail}</code>
        </details>
      )}
    </div>
  );
}
