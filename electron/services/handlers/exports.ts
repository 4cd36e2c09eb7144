import path from 'node:path';
import type { Handlers } from '../../../shared/contract.ts';
import { buildTimeline } from '../../../shared/timeline.ts';
import { conformFacts, defaultPackageDir, writeConformPackage } from '../export/interchange/package.ts';
import { keepChoices, readKeptChoices } from '../export/kept-choices.ts';
import { importMusic, musicFile } from '../export/music.ts';
import { relativePosix } from '../fsutil.ts';
import type { HandlerContext } from './context.ts';

export function exportHandlers(ctx: HandlerContext): Handlers['exports'] {
  const open = () => {
    const session = ctx.session();
    return { session, service: ctx.exports(session) };
  };
  return {
    start: async ({ loudness, music, captions }) => {
      const { session, service } = open();
      // The window names the music by its place in the project (from pickMusic); main resolves it inside media/.
      const musicPath = music ? await musicFile(session.store.dir, music) : null;
      return session.scoped(service.start(undefined, { sound: { loudness: loudness ?? null, music: musicPath }, ...(captions ? { captions } : {}) }));
    },
    pickMusic: async () => {
      const session = ctx.session();
      session.assertOpen();
      const file = await ctx.dialogs?.pickAudio?.();
      return file ? importMusic(session, file) : null;
    },
    keptChoices: async () => {
      const session = ctx.session();
      session.assertOpen();
      return readKeptChoices(session.store.dir);
    },
    keepChoices: async (choices) => {
      const session = ctx.session();
      session.assertOpen();
      await keepChoices(session.store.dir, choices);
      return { ok: true };
    },
    cancel: async ({ exportId }) => {
      const { session, service } = open();
      return session.scoped(await service.cancel(exportId));
    },
    list: async () => {
      const { session, service } = open();
      return service.list().map((e) => session.scoped(e));
    },
    history: async () => open().service.history(),
    reveal: async (which) => {
      const { service } = open();
      // A past export is named by its id in exports.json; main finds its file and checks it is still there.
      const file = 'exportId' in which ? service.outputPath(which.exportId) : await service.pastExportPath(which.pastExportId);
      return { ok: (await ctx.dialogs?.reveal(file)) ?? false };
    },
    package: async () => {
      // The window names no path: the package always goes to a new folder under the project's exports/.
      const session = ctx.session();
      session.assertOpen();
      const project = session.store.get();
      const timeline = buildTimeline(project);
      const dir = session.store.dir;
      const facts = await conformFacts(session.ff, dir, timeline);
      const result = await writeConformPackage(dir, project, timeline, defaultPackageDir(dir, project.title), { fps: facts.fps, hasAudio: facts.hasAudio });
      session.log(`conform package written: ${result.dir}`);
      const revealed = (await ctx.dialogs?.reveal(path.join(result.dir, 'README.txt'))) ?? false;
      return { folder: relativePosix(dir, result.dir), files: result.files, scenes: result.cut.clips.length, frames: result.cut.frames, fps: result.cut.rate.fps, revealed };
    },
  };
}
