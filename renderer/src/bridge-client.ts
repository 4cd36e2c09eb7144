// The test bridge's protocol (bridge builds only): POST /rpc/<channel> with the token header and the input
// as JSON → a Reply envelope; pushed events over one EventSource at /events; media under /media/.
import { ReplySchema, makeClient } from '../../shared/contract.ts';
import type { Reply, StoryreelApi } from '../../shared/contract.ts';

type Listener = (payload: unknown) => void;

const failure = (message: string, detail?: string): Reply => ({
  ok: false,
  error: detail === undefined ? { code: 'Internal', message } : { code: 'Internal', message, detail },
});

export function createBridgeApi(location: Pick<Location, 'search'>): StoryreelApi {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) {
    throw new Error('This page needs the address the bridge printed, including its "?token=…" part.');
  }
  const tokenQuery = `token=${encodeURIComponent(token)}`;

  const invoke = async (channel: string, payload: unknown): Promise<Reply> => {
    let res: Response;
    try {
      res = await fetch(`/rpc/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-storyreel-token': token },
        body: JSON.stringify(payload ?? {}),
      });
    } catch (err) {
      return failure('Storyreel could not reach its back end. Is the bridge still running?', String(err));
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return failure(`The back end answered ${res.status} with something Storyreel does not understand.`);
    }
    const reply = ReplySchema.safeParse(body);
    if (!reply.success) return failure(`The back end answered ${res.status} with an unexpected reply.`, JSON.stringify(body).slice(0, 500));
    return reply.data;
  };

  // One EventSource for every channel, opened on the first subscription.
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSource | null = null;
  let lost = false;

  const dispatch = (channel: string, payload: unknown): void => {
    for (const l of listeners.get(channel) ?? []) l(payload);
  };

  // After a reconnect, events may have been missed: re-read main's snapshots and replay them as events.
  const resync = async (): Promise<void> => {
    const [project, jobs, exports] = await Promise.all([invoke('project.get', {}), invoke('jobs.list', {}), invoke('exports.list', {})]);
    if (project.ok && project.value) dispatch('event.project', project.value);
    if (jobs.ok && Array.isArray(jobs.value)) for (const j of jobs.value) dispatch('event.job', j);
    if (exports.ok && Array.isArray(exports.value)) for (const e of exports.value) dispatch('event.export', e);
  };

  const ensureSource = (): EventSource => {
    if (source) return source;
    source = new EventSource(`/events?${tokenQuery}`);
    source.addEventListener('error', () => {
      lost = true;
    });
    source.addEventListener('open', () => {
      if (lost) {
        lost = false;
        void resync();
      }
    });
    return source;
  };

  const subscribe = (channel: string, listener: Listener): (() => void) => {
    const es = ensureSource();
    let set = listeners.get(channel);
    if (!set) {
      const created = new Set<Listener>();
      listeners.set(channel, created);
      set = created;
      es.addEventListener(channel, (ev) => {
        let payload: unknown;
        try {
          payload = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        dispatch(channel, payload);
      });
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };

  const mediaUrl = (relativePath: string): string =>
    `/media/${relativePath.split('/').map(encodeURIComponent).join('/')}?${tokenQuery}`;

  return makeClient(invoke, subscribe, mediaUrl);
}
