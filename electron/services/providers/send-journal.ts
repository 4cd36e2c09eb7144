// A local proof for providers that cannot list their jobs (fal, OpenRouter): a marker written durably right
// before the create request's first byte leaves. After a crash, a job the engine finds `submitted` without a
// provider id either has a marker (the create may have reached the provider: outcome unknown, never resent)
// or has none (the process died before sending — e.g. while uploading its images — so nothing can have been
// created and sending it is safe). The marker is keyed by our job id and the send time of this attempt.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { appendLineDurable } from '../fsutil.ts';
import type { CreateRequest } from './types.ts';

export class SendJournal {
  constructor(private readonly dir: string) {}

  private file(req: Pick<CreateRequest, 'jobId' | 'sentAt'>): string {
    return path.join(this.dir, `${req.jobId.replace(/[^\w.-]/g, '_')}-${req.sentAt}.sending`);
  }

  /** On disk (fsynced) before the create is sent. */
  async sending(req: Pick<CreateRequest, 'jobId' | 'sentAt'>): Promise<void> {
    await appendLineDurable(this.file(req), new Date().toISOString());
  }

  /**
   * The create was refused (a definite "no": nothing was made). Never called after a success: the engine
   * may not have stored the provider's id yet, and without the marker a crash then would look unsent.
   */
  async settled(req: Pick<CreateRequest, 'jobId' | 'sentAt'>): Promise<void> {
    await fs.rm(this.file(req), { force: true }).catch(() => undefined);
  }

  /** Whether this attempt's create may have left this machine. */
  async maybeSent(req: Pick<CreateRequest, 'jobId' | 'sentAt'>): Promise<boolean> {
    try {
      await fs.access(this.file(req));
      return true;
    } catch (err) {
      // Only a clear "no such file" proves it was never sent.
      return (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
}
