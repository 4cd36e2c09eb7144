// storyreel init <project-dir> [--title T]: a new project in a new or empty folder.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, refuse } from './args.ts';
import { load } from './deps.ts';

export async function init(args: string[]): Promise<number> {
  const { values, positionals } = parse('init', args, { title: { type: 'string' } }, { min: 1, max: 1, names: 'a project folder' });
  const dir = path.resolve(positionals[0]!);
  // What is in the way is said in words before anything is created (not as an internal error from mkdir).
  const there = await fs.stat(dir).catch(() => null);
  if (there && !there.isDirectory()) refuse(`${dir} is a file, not a folder. Name a new folder for the project, e.g. storyreel init my-film`);
  if (there && (await fs.stat(path.join(dir, 'project.json')).catch(() => null))) refuse(`${dir} already holds a Storyreel project. Render it with: storyreel render ${positionals[0]}`);
  const parent = await fs.stat(path.dirname(dir)).catch(() => null);
  if (parent && !parent.isDirectory()) refuse(`${path.dirname(dir)} is a file, not a folder. Name a project folder that is not inside a file.`);
  const { createProject } = await load();
  const project = await createProject(dir, { title: values.title ?? path.basename(dir) });
  process.stdout.write(`Created "${project.title}" in ${dir} (provider: ${project.provider}, ${project.size}).\nAdd scenes to ${path.join(dir, 'project.json')} (see "Project format" in the README), then: storyreel render ${positionals[0]}\n`);
  return 0;
}
