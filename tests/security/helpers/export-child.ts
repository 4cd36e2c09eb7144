// A separate Storyreel process for the leftovers test:
//   export <project-dir>   opens the project and exports its chosen takes (the test kills it midway)
//   open <project-dir>     opens the project (which removes leftovers) and prints exports/ as JSON
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EnvSecrets, MemorySettings, Storyreel } from '../../../electron/services/app.ts';
import { resolveFfmpeg } from '../../../electron/services/media/ffmpeg.ts';

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'export' && mode !== 'open')) throw new Error('usage: export-child.ts export|open <project-dir>');
const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test child' });
await app.openProject(dir);
if (mode === 'export') {
  const started = app.startExport();
  await app.waitExport(started.id);
} else {
  process.stdout.write(JSON.stringify(await fs.readdir(path.join(dir, 'exports'))));
}
await app.shutdown();
