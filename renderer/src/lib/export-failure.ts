// How a failed export's detail reads behind its "details" toggle: ffmpeg's command line (main puts it
// first, as "$ …") apart from the last lines ffmpeg wrote, so the creator can copy one and read the other.

export interface FailureDetail {
  /** The command as it can be pasted into a terminal, or null when the failure was not ffmpeg's. */
  command: string | null;
  /** ffmpeg's last lines (or the detail as it came), blank lines dropped. */
  lines: string[];
}

/** Lines of ffmpeg's output shown; the detail keeps a few more. */
export const SHOWN_LINES = 12;

/**
 * ffmpeg's description of its inputs and outputs ("Input #1, wav, from …", indented metadata and stream
 * lines): what it read, not what went wrong; it would push the error out of sight.
 */
const DESCRIPTION = /^(?:\s|Input #|Output #|Stream mapping:|Press \[q\])/;

export function failureDetail(detail: string | undefined): FailureDetail | null {
  if (!detail?.trim()) return null;
  const all = detail.split('\n');
  const command = all[0]!.startsWith('$ ') ? all[0]!.slice(2) : null;
  const lines = (command === null ? all : all.slice(1)).map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && (command === null || !DESCRIPTION.test(l)));
  return { command, lines: lines.slice(-SHOWN_LINES) };
}
