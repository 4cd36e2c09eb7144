// One process drives a project's jobs at a time: two engines resuming the same ledger could both submit
// a queued job. The lock names its owner's pid and host; a lock whose owner on this computer is gone
// (e.g. killed) is taken over. A lock from another computer (a project on a shared or synced folder)
// cannot be checked from here, so it is refused, naming the host, unless the creator forces it.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';

export interface ProjectLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  /** Take the lock even when another computer holds it (the creator said that one is done with it). */
  force?: boolean;
}

/** A lock file's text, cut to something fit for a message (it is a file anyone can write). */
const clip = (v: unknown, max = 80): string => String(v).replace(/[\p{Cc}\p{Cf}]/gu, '?').slice(0, max);

export async function acquireLock(stateDir: string, owner: string, opts: LockOptions = {}): Promise<ProjectLock> {
  await fs.mkdir(stateDir, { recursive: true });
  const file = path.join(stateDir, 'lock');
  // The nonce tells this acquisition's lock from a later one in the same process (a project reopened).
  const nonce = randomBytes(8).toString('hex');
  const body = JSON.stringify({ pid: process.pid, host: os.hostname(), owner, nonce, at: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, body, { flag: 'wx' });
      return {
        release: async () => {
          try {
            const current = JSON.parse(await fs.readFile(file, 'utf8')) as { nonce?: string };
            if (current.nonce === nonce) await fs.rm(file, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { pid?: number; host?: string; owner?: string; at?: string } = {};
    try {
      holder = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch {
      // Unreadable lock: treat as stale.
    }
    const sameHost = !holder.host || holder.host === os.hostname();
    if (!sameHost && !opts.force) {
      const since = typeof holder.at === 'string' ? ` since ${clip(holder.at, 30)}` : '';
      throw new AppError(
        'ProjectLocked',
        `This project is open in Storyreel on another computer, "${clip(holder.host)}" (${clip(holder.owner ?? 'unknown', 40)}${since}). Close it there first. If that computer is off or has stopped using it, open the project with "force unlock" (storyreel render --force-unlock).`,
      );
    }
    if (sameHost && typeof holder.pid === 'number' && alive(holder.pid)) {
      throw new AppError('ProjectLocked', `This project is open in another Storyreel ${holder.owner ?? 'process'} (pid ${holder.pid}).`);
    }
    await fs.rm(file, { force: true });
  }
  throw new AppError('ProjectLocked', 'Could not take the project lock.');
}
