// A project's chosen takes as the clips of a film: what the app's export and `storyreel export` both
// hand to exportFilm. Refuses, in words, a film that cannot be made: a scene without a chosen take, a
// transition longer than its scenes allow.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { Project, Transition } from '../../../shared/project.ts';
import { buildTimeline, type Timeline } from '../../../shared/timeline.ts';
import { transitionProblems } from '../../../shared/transitions.ts';
import type { ExportClip } from '../media/stitch.ts';
import { exportStem } from '../projects/naming.ts';
import { toSrt, toVtt } from './interchange/captions.ts';
import { listScenes } from '../../../shared/words.ts';

export interface FilmInput {
  timeline: Timeline;
  clips: ExportClip[];
  transitions: Transition[];
}

export function filmOf(project: Pick<Project, 'scenes'>, projectDir: string): FilmInput {
  if (!project.scenes.length) throw new AppError('NothingToExport', 'The storyboard has no scenes yet.');
  const timeline = buildTimeline(project);
  const missing = timeline.scenes.filter((s) => !s.take).map((s) => s.index + 1);
  if (missing.length) throw new AppError('NothingToExport', `${listScenes(missing)} ${missing.length > 1 ? 'have' : 'has'} no chosen take yet. Generate ${missing.length > 1 ? 'them' : 'it'} or choose a take first.`);
  const problems = transitionProblems(timeline);
  if (problems.length) throw new AppError('InvalidInput', problems.map((p) => p.message).join(' '));
  const clips = timeline.scenes.map((s) => ({
    file: path.join(projectDir, s.take!.file),
    seconds: s.length,
    label: `Scene ${s.index + 1}'s chosen take`,
    in: s.take!.in,
    // A trim that ends at the take's end means "to the end": the probed picture may be a hair longer.
    ...(s.take!.out < s.take!.seconds ? { out: s.take!.out } : {}),
  }));
  return { timeline, clips, transitions: timeline.boundaries.map((b) => b.transition) };
}

/** exports/<title>-<time>.mp4 in the project folder: where a film goes unless told otherwise. */
/** A CJK or Arabic title is named by the project's id (projects/naming.ts), not a bare "film". */
export function defaultExportPath(projectDir: string, title: string, projectId: string, at = new Date()): string {
  const slug = exportStem(title, projectId);
  const stamp = at.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return path.join(projectDir, 'exports', `${slug}-${stamp}.mp4`);
}

/**
 * The captions as SubRip and WebVTT beside the film (`film.mp4` → `film.srt`, `film.vtt`), timed like the
 * conform package's: on the film's clock, trims and transitions included. Each is written whole or not at all.
 */
export async function writeCaptionSidecars(project: Pick<Project, 'scenes'>, timeline: Timeline, mp4: string): Promise<string[]> {
  const stem = mp4.replace(/\.mp4$/i, '');
  const files: Array<[string, string]> = [
    [`${stem}.srt`, toSrt(project, timeline)],
    [`${stem}.vtt`, toVtt(project, timeline)],
  ];
  for (const [file, text] of files) {
    // Hidden and named like a partial export, so one left by a killed process is swept (stitch.ts).
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.part`);
    try {
      await writeFile(temp, text, 'utf8');
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }
  return files.map(([f]) => f);
}
