// The engine's concurrency limit: a job takes a slot before it talks to its provider and gives it back after.
// Waiters are woken in order; one that is aborted while waiting leaves the queue.
export class Slots {
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  /** `limit` is read at every acquire (at least 1). */
  constructor(private readonly limit: () => number) {}

  async acquire(signal: AbortSignal): Promise<void> {
    while (this.active >= Math.max(1, this.limit())) {
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          // Leave the queue, so a later release() wakes a job that is still waiting.
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
    }
    this.active++;
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
