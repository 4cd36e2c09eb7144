import type { Handlers } from '../../../shared/contract.ts';
import { isTerminal } from '../../../shared/jobs.ts';
import { findUnusedMedia, removeUnusedMedia, type UnusedFile } from '../projects/cleanup.ts';
import type { Session } from '../session.ts';
import type { HandlerContext } from './context.ts';

const active = (s: Session): string[] => s.engine.records().filter((j) => !isTerminal(j.state)).map((j) => j.id);
const summed = (files: UnusedFile[]) => ({ files, bytes: files.reduce((a, f) => a + f.bytes, 0) });

export function cleanupHandlers(ctx: HandlerContext): Handlers['cleanup'] {
  return {
    preview: async () => {
      const s = ctx.session();
      return summed(await findUnusedMedia(s.dir, s.store.get(), active(s)));
    },
    run: async ({ paths }) => {
      const s = ctx.session();
      const removed = await removeUnusedMedia(s.dir, s.store.get(), active(s), paths);
      if (removed.length) s.log(`project ${s.dir}: cleaned up ${removed.length} unused media file(s)`);
      return summed(removed);
    },
  };
}
