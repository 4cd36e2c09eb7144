// What render shows while it works. On a terminal: one line redrawn in place (a bar, how many scenes are
// ready, generating, failed), with lasting lines only for what the creator must read (a failure, a
// note). Piped or logged: one line per change of a scene's state, never per percent (a 20-scene render
// printed 198 lines), so a log reads as a story. Both end with render's summary line.
import type { JobSnapshot } from '../../shared/jobs.ts';

const BAR = 24;

/** "1:10" for 70 s: how long the film is. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function bar(fraction: number): string {
  const full = Math.max(0, Math.min(BAR, Math.round(fraction * BAR)));
  return `[${'█'.repeat(full)}${'░'.repeat(BAR - full)}]`;
}

/** How far along a job is, 0–1, counting the wait at the provider and the download. */
function doneFraction(job: JobSnapshot): number {
  switch (job.state) {
    case 'ready':
      return 1;
    case 'downloading':
      return 0.9 + 0.1 * job.progress;
    case 'running':
      return 0.1 + 0.8 * job.progress;
    case 'submitted':
      return 0.05;
    default:
      return 0;
  }
}

export class Progress {
  private readonly jobs = new Map<string, JobSnapshot>();
  private readonly lastState = new Map<string, string>();
  private line = '';
  /** How many jobs this run waits for, known before they are all created (so the bar never says "0 of 1"). */
  private expected = 0;
  private drawnAt = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: (sceneId: string) => string,
    readonly tty = stream.isTTY === true,
  ) {}

  /** A line that stays (a note, a failure): printed above the bar, which is drawn again after it. */
  say(text: string): void {
    const redraw = this.line;
    this.clear();
    this.stream.write(text + '\n');
    if (redraw) this.draw(redraw);
  }

  expect(jobs: number): void {
    this.expected = jobs;
  }

  job(job: JobSnapshot): void {
    this.jobs.set(job.id, job);
    const changed = this.lastState.get(job.id) !== job.state;
    this.lastState.set(job.id, job.state);
    const detail = job.state === 'failed' && job.error ? ` — ${job.error.message}` : '';
    if (!this.tty) {
      if (changed) this.stream.write(`  ${this.label(job.sceneId)}: ${job.state}${detail}\n`);
      return;
    }
    if (changed && job.state === 'failed') this.say(`  ${this.label(job.sceneId)}: failed${detail}`);
    this.generating(changed);
  }

  private generating(force: boolean): void {
    const all = [...this.jobs.values()];
    const count = (...states: string[]) => all.filter((j) => states.includes(j.state)).length;
    const total = Math.max(this.expected, all.length);
    const fraction = total ? all.reduce((a, j) => a + doneFraction(j), 0) / total : 0;
    const parts = [`${count('ready')} of ${total} ready`];
    const busy = count('submitted', 'running', 'downloading');
    if (busy) parts.push(`${busy} generating`);
    if (count('queued')) parts.push(`${count('queued')} waiting`);
    if (count('failed')) parts.push(`${count('failed')} failed`);
    parts.push(clock((Date.now() - this.started) / 1000));
    this.throttled(`  ${bar(fraction)} ${parts.join(' · ')}`, force);
  }

  /** The export's progress: the bar on a terminal; elsewhere the start and the end are enough. */
  export(progress: number, etaSeconds: number | null): void {
    if (!this.tty) return;
    this.throttled(`  ${bar(progress)} exporting ${Math.floor(progress * 100)}%${etaSeconds ? ` · about ${Math.ceil(etaSeconds)} s left` : ''}`, progress >= 1);
  }

  /** Ends the bar (its last state stays on screen) so the next lines start on their own line. */
  end(): void {
    if (this.tty && this.line) this.stream.write('\n');
    this.line = '';
  }

  private throttled(text: string, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.drawnAt < 100) return;
    this.drawnAt = now;
    this.draw(text);
  }

  private draw(text: string): void {
    this.stream.write(`\r\x1b[K${text}`);
    this.line = text;
  }

  private clear(): void {
    if (this.tty && this.line) this.stream.write('\r\x1b[K');
    this.line = '';
  }
}
