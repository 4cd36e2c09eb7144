// One logger for main, the CLI and the bridge. Every line passes a redactor that knows the keys in use,
// so even an adapter bug that prints a header cannot put a key in a log file.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export type Log = (line: string) => void;

export function redactor(secrets: () => Array<string | null | undefined>): (text: string) => string {
  return (text) => {
    let out = text.replace(/(authorization|x-goog-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)(bearer\s+|key\s+)?[^\s"',}]+/gi, '$1$2$3[redacted]');
    for (const s of secrets()) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
    return out;
  };
}

export function createLog(opts: { file?: string | null; echo?: (line: string) => void; secrets?: () => Array<string | null | undefined> }): Log {
  const redact = redactor(opts.secrets ?? (() => []));
  if (opts.file) mkdirSync(path.dirname(opts.file), { recursive: true });
  return (line) => {
    const clean = redact(line);
    const stamped = `${new Date().toISOString()} ${clean}`;
    if (opts.file) {
      try {
        appendFileSync(opts.file, stamped + '\n');
      } catch {
        // A full disk must not take the app down with it.
      }
    }
    opts.echo?.(clean);
  };
}
