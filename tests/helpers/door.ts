// The door the window uses, for tests: a call goes through dispatch (main's validation of the payload and the
// reply, as over IPC) and a refusal becomes a thrown error naming the channel and main's message.
import type { Reply } from '../../shared/contract.ts';
import type { Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';

export function door(app: Storyreel): <T = unknown>(channel: string, payload: unknown) => Promise<T> {
  const handlers = app.handlers();
  return async <T = unknown>(channel: string, payload: unknown): Promise<T> => {
    const reply: Reply = await dispatch(handlers, channel, payload);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.message}`);
    return reply.value as T;
  };
}
