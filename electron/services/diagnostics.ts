// "Copy diagnostics": what a bug report needs, and nothing a creator would not hand over. Versions, the
// ffmpeg in use, the project format, the settings that change behaviour, the keys' state (never a key) and
// the last lines of the log, which the logger already redacted and which are redacted once more here. The
// prompts of the open project are replaced by [prompt] unless the creator asks to include them.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { PROJECT_FORMAT_VERSION } from '../../shared/project.ts';
import type { AppInfo } from '../../shared/contract.ts';
import { redactor } from './log.ts';

export interface DiagnosticsInput {
  info: AppInfo;
  /** e.g. { electron: '39.2.0', chrome: '…', node: '…' }; the CLI and the bridge pass node's only. */
  versions: Record<string, string | undefined>;
  logFile: string | null;
  /** Known secrets, for the second redaction. */
  secrets: () => Array<string | null | undefined>;
  /** The open project's prompts and title (hidden unless includePrompts). */
  privateTexts: string[];
  includePrompts: boolean;
  lines?: number;
}

async function lastLines(file: string | null, n: number): Promise<string[]> {
  if (!file) return ['(no log file)'];
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const want = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(want);
      await handle.read(buf, 0, want, size - want);
      return buf.toString('utf8').split('\n').filter(Boolean).slice(-n);
    } finally {
      await handle.close();
    }
  } catch (err) {
    return [`(the log could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`];
  }
}

export async function buildDiagnostics(d: DiagnosticsInput): Promise<string> {
  const redact = redactor(d.secrets);
  const hide = (text: string): string => {
    let out = redact(text);
    if (!d.includePrompts) for (const p of d.privateTexts.filter((t) => t.trim().length >= 12).sort((a, b) => b.length - a.length)) out = out.split(p.trim()).join('[prompt]');
    return out;
  };
  const { settings } = d.info;
  const lines = [
    'Storyreel diagnostics',
    `Storyreel ${d.info.version}; ${Object.entries(d.versions)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `System: ${os.platform()} ${os.release()} ${os.arch()}, ${Math.round(os.totalmem() / 2 ** 30)} GB memory, ${os.cpus().length} CPUs`,
    `ffmpeg: ${d.info.ffmpeg.ok ? d.info.ffmpeg.version : `not working (${d.info.ffmpeg.error ?? 'unknown'})`}`,
    `Project format: ${PROJECT_FORMAT_VERSION}`,
    `Settings: budget cap ${settings.budgetUsd === null ? 'none' : `$${settings.budgetUsd}`}, concurrency ${settings.concurrency ?? 'default'}, ffmpeg path ${settings.ffmpegPath ? 'set' : 'default'}, gateway address ${settings.openaiBaseUrl ? 'set' : 'none'}, ${settings.customModels.length} custom model(s)`,
    `Crash reports: ${d.info.crashReports ? `${settings.shareCrashReports && d.info.crashReports.uploadAddress ? 'uploaded' : 'kept on this computer'} (${d.info.crashReports.folder ?? 'no folder'})` : 'not collected here'}`,
    `Keys: ${d.info.keys.map((k) => `${k.provider} ${k.set ? `set (${k.source})` : 'not set'}`).join('; ') || 'none'}`,
    `Prompts: ${d.includePrompts ? 'included' : 'hidden as [prompt]'}`,
    '',
    `Last log lines (${d.logFile ?? 'no log file'}):`,
    ...(await lastLines(d.logFile, d.lines ?? 60)),
  ];
  return lines.map(hide).join('\n') + '\n';
}
