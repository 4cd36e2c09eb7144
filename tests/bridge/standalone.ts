// npm run bridge -- [project-dir] [--port N]: the real services behind the bridge, for working on the UI in a
// browser. Builds nothing: run `npx vite build --mode bridge` first. Loopback only.
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from './confirm.ts';
import { startBridge } from './server.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string' } } });
const repo = path.resolve(import.meta.dirname, '..', '..');
let dir = positionals[0] ? path.resolve(positionals[0]) : '';
if (!dir) {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bridge-'));
  const example = await readProject(path.join(repo, 'examples', 'first-film'));
  await createProject(dir, { title: example.title, style: example.style, size: example.size, scenes: example.scenes });
}
const secrets = new EnvSecrets(process.env);
const log = createLog({ echo: (l) => console.error(l), secrets: () => secrets.all() });
// Main's dialog (a new key address, a looser budget cap): answered by STORYREEL_BRIDGE_CONFIRM=yes, else no.
const confirm = new ConfirmStub(process.env.STORYREEL_BRIDGE_CONFIRM === 'yes', (q, yes) => console.error(`main asks: ${q.message} → ${yes ? 'yes' : 'no'}`));
const app = new Storyreel({ version: 'dev', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets, log, owner: 'bridge', env: process.env, dialogs: confirm.dialogs() });
await app.openProject(dir);
const bridge = await startBridge(app, { staticDir: path.join(repo, 'dist-renderer-bridge'), port: values.port ? Number(values.port) : 0, log });
console.log(`project: ${dir}\nopen: ${bridge.pageUrl}`);
const stop = async () => {
  await bridge.close();
  await app.shutdown();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
