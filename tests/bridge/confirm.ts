// Main's yes/no dialog, stood in for by the tests: they decide the answers and read what was asked. In the
// app the same questions go to Electron's message box (electron/confirm.ts); the window never answers.
import type { Confirm, ConfirmRequest } from '../../electron/services/providers/registry.ts';

export class ConfirmStub {
  /** Every question main asked, in order. */
  readonly asked: ConfirmRequest[] = [];
  private readonly answers: boolean[] = [];

  /** `fallback` answers every question once the queued answers run out; `onAsk` hears each one. */
  constructor(
    public fallback = false,
    private readonly onAsk?: (q: ConfirmRequest, yes: boolean) => void,
  ) {}

  /** Queues the next answers. */
  answer(...answers: boolean[]): this {
    this.answers.push(...answers);
    return this;
  }

  readonly confirm: Confirm = async (q) => {
    this.asked.push(q);
    const yes = this.answers.shift() ?? this.fallback;
    this.onAsk?.(q, yes);
    return yes;
  };

  /** The Dialogs object Storyreel takes, with only the confirmation (pickers answer "dismissed"). */
  dialogs() {
    return { pickFolder: async () => null, pickImage: async () => null, reveal: async () => false, confirm: this.confirm };
  }
}
