// The one IPC contract. Every call (request → response) and every pushed event is declared here once,
// as zod schemas; the client and handler types are inferred from them. Main parses every payload
// with these schemas before a service sees it (electron/ipc.ts, and the test bridge).
// The schemas are grouped under shared/contract/: views.ts (what calls answer and events carry), inputs.ts,
// and the call groups calls-work.ts, calls-settings.ts and calls-content.ts.
import { z } from 'zod';
import { ProjectChangeSchema } from './change.ts';
import { AppErrorSchema } from './errors.ts';
import { buildClient, eventChannel, RemoteError, type ChannelDef } from './client.ts';
import { contentCalls } from './contract/calls-content.ts';
import { settingsCalls } from './contract/calls-settings.ts';
import { workCalls } from './contract/calls-work.ts';
import { HistoryStateSchema, MenuCommandSchema, ProjectExportSchema, ProjectJobSchema, ProjectViewSchema, UpdateStateSchema } from './contract/views.ts';

export * from './contract/views.ts';

export const contract = {
  calls: { ...workCalls, ...settingsCalls, ...contentCalls },
  events: {
    /** The whole project: when one is opened (and on resync); null when it was closed. */
    project: ProjectViewSchema.nullable(),
    /** What an edit changed (edits reply with the same change). */
    change: ProjectChangeSchema,
    job: ProjectJobSchema,
    export: ProjectExportSchema,
    /** A newer release was found, or a download moved on. */
    update: UpdateStateSchema,
    /** A command from the application menu (or its keyboard shortcut), for the window to carry out. */
    menu: MenuCommandSchema,
    /** Undo/redo labels after every step the creator can undo (and after an undo or redo). */
    history: HistoryStateSchema,
  },
} as const;

type Calls = typeof contract.calls;
export type Group = keyof Calls;
export type Method<G extends Group> = keyof Calls[G] & string;
type Def<G extends Group, M extends Method<G>> = Calls[G][M] extends { input: infer I extends z.ZodType; output: infer O extends z.ZodType }
  ? { input: I; output: O }
  : never;
export type CallInput<G extends Group, M extends Method<G>> = z.input<Def<G, M>['input']>;
export type CallParsedInput<G extends Group, M extends Method<G>> = z.output<Def<G, M>['input']>;
export type CallOutput<G extends Group, M extends Method<G>> = z.output<Def<G, M>['output']>;

export type EventName = keyof typeof contract.events;
export type EventPayload<E extends EventName> = z.output<(typeof contract.events)[E]>;

/** What main implements: one async function per call, receiving the already-validated input. */
export type Handlers = { [G in Group]: { [M in Method<G>]: (input: CallParsedInput<G, M>) => Promise<CallOutput<G, M>> } };

/** What the renderer gets from the preload (or from the test bridge client in a browser). */
export type StoryreelApi = { [G in Group]: { [M in Method<G>]: (input: CallInput<G, M>) => Promise<CallOutput<G, M>> } } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** A URL the renderer may use in <video>/<img> for a file inside the open project (media/ or exports/). */
  mediaUrl(relativePath: string): string;
};

/** Channel names: "group.method". */
export function channels(): ChannelDef[] {
  return (Object.keys(contract.calls) as Group[]).flatMap((group) =>
    Object.keys(contract.calls[group]).map((method) => ({ group, method, channel: `${group}.${method}` })),
  );
}
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

/** Replies cross IPC and the bridge in this envelope, so typed errors survive the trip. */
export const ReplySchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);
export type Reply = z.infer<typeof ReplySchema>;

export { eventChannel, RemoteError };
export type { ProjectChange } from './change.ts';

/** Builds the renderer's API object over any transport, for every call in the contract. */
export function makeClient(
  invoke: (channel: string, payload: unknown) => Promise<unknown>,
  subscribe: (channel: string, listener: (payload: unknown) => void) => () => void,
  mediaUrl: (relativePath: string) => string,
  toError?: (e: { code: string; message: string; detail?: string | undefined }) => unknown,
): StoryreelApi {
  return buildClient(channels(), invoke, subscribe, mediaUrl, toError);
}
