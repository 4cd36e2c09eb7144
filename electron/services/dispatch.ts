// The door every call comes through, from Electron IPC and from the test bridge alike: find the call in
// the contract, parse the payload with its schema, run the handler, and wrap the result (or a typed
// error) in the reply envelope. Types alone do not protect the process that holds the keys.
import { contract, type Group, type Handlers, type Reply } from '../../shared/contract.ts';
import { toAppErrorShape } from '../../shared/errors.ts';

export async function dispatch(handlers: Handlers, channel: string, payload: unknown, log?: (line: string) => void): Promise<Reply> {
  const [group, method, ...rest] = channel.split('.');
  const calls = contract.calls as Record<string, Record<string, { input: { safeParse(x: unknown): { success: boolean; data?: unknown; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }; output: { safeParse(x: unknown): { success: boolean; error?: { message: string } } } }>>;
  const def = group && method && rest.length === 0 && Object.hasOwn(calls, group) && Object.hasOwn(calls[group]!, method) ? calls[group]![method]! : undefined;
  if (!def) return { ok: false, error: { code: 'InvalidInput', message: `Unknown call "${channel}".` } };
  const parsed = def.input.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error?.issues[0];
    const where = issue && issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    return { ok: false, error: { code: 'InvalidInput', message: `Invalid request to ${channel}: ${where}${issue?.message ?? 'bad payload'}.` } };
  }
  const started = Date.now();
  try {
    const fn = (handlers as Record<Group, Record<string, (input: unknown) => Promise<unknown>>>)[group as Group][method as string]!;
    const value = await fn(parsed.data);
    const out = def.output.safeParse(value);
    if (!out.success) {
      log?.(`ipc ${channel}: handler returned a value outside the contract: ${out.error?.message}`);
      return { ok: false, error: { code: 'Internal', message: 'Storyreel produced an unexpected answer.', detail: `output of ${channel} failed validation` } };
    }
    return { ok: true, value };
  } catch (err) {
    const error = toAppErrorShape(err);
    if (error.code !== 'Aborted') log?.(`ipc ${channel} failed after ${Date.now() - started} ms: ${error.code} ${error.message}${error.detail ? ` (${error.detail})` : ''}`);
    return { ok: false, error };
  }
}
