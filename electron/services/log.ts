// One logger for main, the CLI and the bridge. Every line passes a redactor that knows the keys in use,
// so even an adapter bug that prints a header cannot put a key in a log file.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export type Log = (line: string) => void;

export function redactor(secrets: () => Array<string | null | undefined>): (text: string) => string {
  return (text) => {
    let out = text.replace(/(authorization|x-goog-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)(bearer\s+|key\s+)?[^\s"',}]+/gi, '$1$2$3[redacted]');
    for (const s of secrets()) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
    return out;
  };
}

export interface LogOptions {
  file?: string | null;
  echo?: (line: string) => void;
  secrets?: () => Array<string | null | undefined>;
  /** Rotate when the file would grow past this many bytes (default 2 MB)… */
  maxBytes?: number;
  /** …keeping this many older files: main.1.log (newest) … main.N.log (default 3). */
  keep?: number;
}

/** main.log → main.1.log; main.3.log with keep = 3 → main.3.log is the last kept. */
export function rotatedName(file: string, n: number): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${n}${ext}`;
}

export function createLog(opts: LogOptions): Log {
  const redact = redactor(opts.secrets ?? (() => []));
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const keep = opts.keep ?? 3;
  let size = 0;
  if (opts.file) {
    mkdirSync(path.dirname(opts.file), { recursive: true });
    try {
      size = statSync(opts.file).size;
    } catch {
      size = 0;
    }
  }
  const rotate = (file: string) => {
    rmSync(rotatedName(file, keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(rotatedName(file, n), rotatedName(file, n + 1));
      } catch {
        // not there yet
      }
    }
    renameSync(file, rotatedName(file, 1));
    size = 0;
  };
  return (line) => {
    const clean = redact(line);
    const stamped = `${new Date().toISOString()} ${clean}\n`;
    if (opts.file) {
      try {
        const bytes = Buffer.byteLength(stamped);
        if (size > 0 && size + bytes > maxBytes) rotate(opts.file);
        appendFileSync(opts.file, stamped);
        size += bytes;
      } catch {
        // A full disk must not take the app down with it.
      }
    }
    opts.echo?.(clean);
  };
}
