// A promise-chain mutex: run() calls are executed one at a time, in the order they arrived. Used to make a
// check-then-act (read the jobs and the spend, then create jobs) one step that concurrent calls cannot split.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => fn());
    // The next caller waits for this one to settle, whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
