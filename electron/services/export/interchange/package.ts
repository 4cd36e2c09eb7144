// The conform package: a folder an editor opens in DaVinci Resolve, Final Cut Pro or Premiere to finish
// the film. The chosen takes are copied under media/ with stable names, and the cut is written beside them
// as film.otio, film.fcpxml, film.xml (xmeml), film.edl, film.srt and film.vtt, with a README.txt. All of
// it is written into a hidden folder next to the destination and renamed into place at the end, so a
// failure (a missing take, a full disk) leaves no half-written package; nothing is written when a take
// is missing.
import { constants as fsConstants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import type { Project } from '../../../../shared/project.ts';
import type { Timeline } from '../../../../shared/timeline.ts';
import { containedFile, insideRoot } from '../../fsutil.ts';
import type { Ffmpeg } from '../../media/ffmpeg.ts';
import { captionCues, toSrt, toVtt } from './captions.ts';
import { buildCut, packageMediaName, type Cut } from './cut.ts';
import { toEdl } from './edl.ts';
import { toFcpxml } from './fcpxml.ts';
import { toOtio } from './otio.ts';
import { packageReadme } from './readme.ts';
import { toXmeml } from './xmeml.ts';
import { listScenes } from '../../../../shared/words.ts';

export interface ConformPackageOptions {
  /** The film's frame rate (see conformFacts). */
  fps: number;
  /** Whether a chosen take has a sound track, by take id; absent = assumed (providers' clips have one). */
  hasAudio?: ReadonlyMap<string, boolean>;
  /** Stops the copying; the package is then not written at all. */
  signal?: AbortSignal;
  /** After each file is written into the (still hidden) package: its relative path, and how many of how many. */
  onProgress?: (file: string, done: number, total: number) => void;
}

export interface ConformPackageResult {
  /** The package folder (absolute). */
  dir: string;
  /** What was written, relative to `dir`, with forward slashes. */
  files: string[];
  cut: Cut;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('Aborted', 'Canceled; no package was written.');
}

/** The chosen takes' files, checked: every scene has one and it is there. Throws in words otherwise. */
async function chosenFiles(projectDir: string, timeline: Timeline): Promise<Map<string, string>> {
  if (!timeline.scenes.length) throw new AppError('NothingToExport', 'The storyboard has no scenes yet, so there is no cut to hand to an editor.');
  const unchosen = timeline.scenes.filter((s) => !s.take).map((s) => s.index + 1);
  if (unchosen.length) throw new AppError('NothingToExport', `${listScenes(unchosen)} ${unchosen.length > 1 ? 'have' : 'has'} no chosen take yet. Choose a take for every scene, then make the package.`);
  const files = new Map<string, string>();
  for (const s of timeline.scenes) {
    // The same check as every other read of a take: a regular file inside media/, links resolved.
    const real = await containedFile(projectDir, s.take!.file, ['media']);
    if (!real) {
      const lexical = insideRoot(projectDir, s.take!.file);
      const there = lexical ? await fs.lstat(lexical).then(() => true, () => false) : false;
      const why = there ? 'is not a file inside the project\'s media folder' : 'is missing from the project folder';
      throw new AppError('MediaInvalid', `Scene ${s.index + 1}'s chosen take (${s.take!.file}) ${why}. Choose another take or generate the scene again; no package was written.`);
    }
    files.set(s.take!.id, real);
  }
  return files;
}

/** The frame rate and sound of the chosen takes, from ffprobe: the most common rate among them (30 if none says). */
export async function conformFacts(ff: Pick<Ffmpeg, 'probe'>, projectDir: string, timeline: Timeline): Promise<{ fps: number; hasAudio: Map<string, boolean> }> {
  const files = await chosenFiles(projectDir, timeline);
  const rates = new Map<number, number>();
  const hasAudio = new Map<string, boolean>();
  for (const [takeId, file] of files) {
    const info = await ff.probe(file);
    hasAudio.set(takeId, info.audio !== null);
    const fps = info.video?.fps;
    if (fps && Number.isFinite(fps)) rates.set(Math.round(fps * 1000) / 1000, (rates.get(Math.round(fps * 1000) / 1000) ?? 0) + 1);
  }
  const fps = [...rates.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 30;
  return { fps, hasAudio };
}

/** Where a package goes by default: a new folder under the project's exports/, named for the film and the time. */
export function defaultPackageDir(projectDir: string, title: string, now = new Date()): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'film';
  return path.join(projectDir, 'exports', `${slug}-package-${now.toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
}

/**
 * Writes the package into `outDir`, which must not exist yet (or be an empty folder). Refuses, writing
 * nothing, when a scene has no chosen take or its file is missing.
 */
export async function writeConformPackage(projectDir: string, project: Pick<Project, 'title' | 'size' | 'scenes'>, timeline: Timeline, outDir: string, opts: ConformPackageOptions): Promise<ConformPackageResult> {
  const dir = path.resolve(outDir);
  const files = await chosenFiles(projectDir, timeline);
  const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (existing?.length) throw new AppError('InvalidInput', `The folder ${dir} already has files in it. Choose a new folder for the package (it is created for you).`);

  const cut = buildCut(project, timeline, {
    fps: opts.fps,
    media: ({ index, sceneId, takeId, file }) => {
      const name = packageMediaName(index + 1, sceneId, takeId, file);
      return { name, relPath: `media/${name}`, absPath: path.join(dir, 'media', name), hasAudio: opts.hasAudio?.get(takeId) ?? true };
    },
  });
  const texts: Array<[string, string]> = [
    ['film.otio', toOtio(cut)],
    ['film.fcpxml', toFcpxml(cut)],
    ['film.xml', toXmeml(cut)],
    ['film.edl', toEdl(cut)],
    ['film.srt', toSrt(project, timeline)],
    ['film.vtt', toVtt(project, timeline)],
  ];
  texts.push(['README.txt', packageReadme(cut, { captions: captionCues(project, timeline).length })]);

  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  try {
    await fs.mkdir(path.join(tmp, 'media'), { recursive: true });
    const total = cut.clips.length + texts.length;
    let done = 0;
    const step = (file: string) => {
      opts.onProgress?.(file, ++done, total);
      throwIfAborted(opts.signal);
    };
    throwIfAborted(opts.signal);
    for (const c of cut.clips) {
      // A copy-on-write clone where the file system offers one, a plain copy elsewhere.
      await fs.copyFile(files.get(c.takeId)!, path.join(tmp, c.media.relPath), fsConstants.COPYFILE_FICLONE);
      step(c.media.relPath);
    }
    for (const [name, text] of texts) {
      await fs.writeFile(path.join(tmp, name), text);
      step(name);
    }
    if (existing) await fs.rmdir(dir);
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dir, files: [...cut.clips.map((c) => c.media.relPath), ...texts.map(([name]) => name)], cut };
}
