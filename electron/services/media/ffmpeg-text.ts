// Pure helpers around ffmpeg's text: its stats lines, progress against a known length, command-line
// and filtergraph quoting (unit-tested in tests/unit/ffmpeg-progress.test.ts).


/**
 * Reads one ffmpeg stats line ("frame=  240 fps=0.0 ... time=00:00:07.97 bitrate=... speed=19.6x").
 * Returns null when the line carries no usable time: no `time=`, `time=N/A`, or a negative time (ffmpeg
 * prints those while the first timestamps are still before zero).
 */
export function parseProgressLine(line: string): { outSeconds: number; speed: number | null } | null {
  const t = /(?:^|\s)time=\s*(-)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)/.exec(line);
  if (!t || t[1]) return null;
  const outSeconds = Number(t[2]) * 3600 + Number(t[3]) * 60 + Number(t[4]);
  if (!Number.isFinite(outSeconds)) return null;
  const s = /(?:^|\s)speed=\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)x/i.exec(line);
  const speed = s ? Number(s[1]) : null;
  return { outSeconds, speed: speed !== null && Number.isFinite(speed) ? speed : null };
}

/** Output time against the known output length, clamped to 0..1 (ffmpeg overshoots by a frame or two). */
export function progressFraction(outSeconds: number, totalSeconds: number): number {
  if (!(totalSeconds > 0) || !Number.isFinite(outSeconds)) return 0;
  return Math.min(1, Math.max(0, outSeconds / totalSeconds));
}

/** Wall-clock seconds left: media seconds left divided by speed (media seconds per wall second). */
export function etaSeconds(outSeconds: number, totalSeconds: number, speed: number | null): number | null {
  if (speed === null || !(speed > 0) || !(totalSeconds > 0) || !Number.isFinite(outSeconds)) return null;
  return Math.max(0, totalSeconds - Math.max(0, outSeconds)) / speed;
}

/**
 * How to pass a filter graph from a file: ffmpeg 7 added `-/filter_complex <file>` and deprecated
 * `-filter_complex_script`, which current development builds ("N-…") no longer accept; releases
 * before 7 know only the old option.
 */
export function filterScriptOption(version: string | null): string {
  if (version && /^N-/.test(version)) return '-/filter_complex';
  const major = version ? Number(/^n?(\d+)\./.exec(version)?.[1]) : NaN;
  return major >= 7 ? '-/filter_complex' : '-filter_complex_script';
}

/** POSIX shell quoting, for logging a command line that can be pasted into a terminal. */
export function shellEscape(args: readonly string[]): string {
  return args.map((a) => (a === '' ? "''" : /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Quotes a value (a file path, usually) for a filter option inside a filtergraph. ffmpeg unescapes
 * twice: once for the option (`\ ' :`), once for the graph (`\ ' [ ] , ;`), so both are applied.
 */
export function escapeFilterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}
